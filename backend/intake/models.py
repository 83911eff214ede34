"""Citizens' reports of construction violations ("tips", phản ánh) and the apps that hand them over.

A tip is what a resident saw, where, with photos: not a case. The ward
triages it (open a case, link it to one, send an inspector, dismiss it,
merge it into an earlier tip, mark it as spam); the reporter follows it by an
unguessable code. Personal data (name, phone, e-mail) is for the ward's own
staff only (backend.intake.selectors).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TipCategory(models.TextChoices):
    """What is happening, in a resident's words (the Open311 services).

    Each suggests the Art. 16 clause a case would be opened under
    (CATEGORY_VIOLATION_TYPES); staff choose the clause when they open it.
    """

    NO_PERMIT = "no_permit", _("Building without a permit")
    BEYOND_PERMIT = "beyond_permit", _("Building beyond the permit (extra storeys, larger)")
    ENCROACHMENT = "encroachment", _("Building on public land, a lane or the pavement")
    NO_SCREENING = "no_screening", _("Site not screened, materials spilt on the street")
    DAMAGE = "damage", _("Damage to neighbouring houses (cracks, subsidence)")
    CONTINUED = "continued", _("Building goes on after being stopped")
    OTHER = "other", _("Something else about construction")


# The clause a case opened from a tip is suggested under (backend.cases.models.ViolationType).
CATEGORY_VIOLATION_TYPES: dict[str, str] = {
    TipCategory.NO_PERMIT: "art16_7",
    TipCategory.BEYOND_PERMIT: "art16_6",
    TipCategory.ENCROACHMENT: "art16_10",
    TipCategory.NO_SCREENING: "art16_1",
    TipCategory.DAMAGE: "art16_5",
    TipCategory.CONTINUED: "art16_12",
}


class TipStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFYING = "verifying", _("Being verified")
    CASE_OPENED = "case_opened", _("Case opened")
    NOT_VIOLATION = "not_violation", _("Not a violation")
    MERGED = "merged", _("Merged into an earlier report")
    SPAM = "spam", _("Not accepted")


# The ward has answered the tip: its response period no longer runs.
SETTLED_STATUSES = frozenset(
    {TipStatus.CASE_OPENED, TipStatus.NOT_VIOLATION, TipStatus.MERGED, TipStatus.SPAM}
)
OPEN_STATUSES = frozenset({TipStatus.RECEIVED, TipStatus.VERIFYING})


class TipChannel(models.TextChoices):
    WEB = "web", _("Public report page")
    OPEN311 = "open311", _("City app (Open311)")


class IntegrationClient(models.Model):
    """An app of the city that files tips through Open311 with its own API key.

    Only a digest of the key is kept; the key itself is shown once, when the
    administrator issues it (backend.intake.admin).
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("integrating app")
        verbose_name_plural = _("integrating apps")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tip(models.Model):
    """One citizen's report: where, what, the photos, and what the ward did with it."""

    # Shown to the reporter and in the link to the status page: random, never a sequence.
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    ward = models.ForeignKey(
        "wards.Ward", on_delete=models.PROTECT, related_name="tips", verbose_name=_("ward")
    )
    location = models.PointField(_("location"), srid=4326)
    address = models.CharField(_("address"), max_length=300, blank=True)
    category = models.CharField(_("what is happening"), max_length=20, choices=TipCategory.choices)
    description = models.TextField(_("description"), blank=True)
    # Private: the ward's staff only, never on a public page or in an export without the role.
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    notify_by_email = models.BooleanField(_("e-mail the reporter on each change"), default=False)
    channel = models.CharField(_("channel"), max_length=10, choices=TipChannel.choices)
    client = models.ForeignKey(
        IntegrationClient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tips",
        verbose_name=_("integrating app"),
    )
    # The Idempotency-Key the browser (or app) sent it with: a retry finds this tip.
    submission_key = models.CharField(_("submission key"), max_length=100, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    # Given by an integrating app, never fetched (closed networks, and no server-side requests).
    external_media_url = models.URLField(_("photo link given by the app"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TipStatus.choices, default=TipStatus.RECEIVED
    )
    # Shown to the reporter: why it is not a violation, what it was merged into.
    status_reason = models.TextField(_("reason shown to the reporter"), blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))
    response_due_on = models.DateField(_("response due"))
    response_rule = models.ForeignKey(
        "cases.DeadlineRule",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("response rule"),
    )
    settled_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.ViolationCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tips",
        verbose_name=_("case"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_tips",
        verbose_name=_("merged into"),
    )
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tips",
        verbose_name=_("site to visit"),
    )
    assigned_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspector sent"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("citizen's report")
        verbose_name_plural = _("citizens' reports")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "client", "submission_key"],
                condition=~Q(submission_key=""),
                name="intake_tip_submission_once",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "status", "response_due_on"]),
            models.Index(fields=["case"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TipEventKind(models.TextChoices):
    RECEIVED = "received", _("Report received")
    PHOTO_ADDED = "photo_added", _("Photo added")
    VERIFYING = "verifying", _("Verification started")
    INSPECTOR_SENT = "inspector_sent", _("Inspector sent")
    CASE_OPENED = "case_opened", _("Case opened")
    CASE_LINKED = "case_linked", _("Linked to a case")
    DISMISSED = "dismissed", _("Not a violation")
    MERGED = "merged", _("Merged into an earlier report")
    SPAM = "spam", _("Marked as spam")
    REPORTER_NOTIFIED = "reporter_notified", _("Reporter e-mailed")


class TipEvent(models.Model):
    """One thing that happened to a tip: who (nobody: the reporter or their app), when, what.

    Written only by backend.intake.services; never changed.
    """

    tip = models.ForeignKey(
        Tip, on_delete=models.PROTECT, related_name="events", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TipEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    status_before = models.CharField(_("status before"), max_length=20, blank=True)
    status_after = models.CharField(_("status after"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["tip", "at", "id"]
