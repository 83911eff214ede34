"""Construction sites watched on a schedule (proactive monitoring), their plans and visits.

Every permit becomes a site; so does permit-exempt work that notified its
start, and an unpermitted site found on patrol. A site moves through its
life (not started → started → foundation → structure → finishing →
completed, or abandoned, or permit expired); each change is a SiteEvent.
Inspection plans (InspectionPlanRule) say how often a site in each state is
visited; `next_visit_due` is kept by backend.sites.services.schedule.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.permits.models import WorksClass


class SiteOrigin(models.TextChoices):
    PERMIT = "permit", _("Construction permit")
    NOTIFIED = "notified", _("Permit-exempt works that notified their start")
    PATROL = "patrol", _("Found on patrol")
    TIP = "tip", _("Reported by a citizen")


class SiteStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    STARTED = "started", _("Started")
    FOUNDATION = "foundation", _("Foundation")
    STRUCTURE = "structure", _("Structure")
    FINISHING = "finishing", _("Finishing")
    COMPLETED = "completed", _("Completed")
    ABANDONED = "abandoned", _("Abandoned")
    PERMIT_EXPIRED = "permit_expired", _("Permit expired")


# The order of the works themselves: a visit that sees a later stage moves the site on.
WORKS_ORDER = (
    SiteStatus.NOT_STARTED,
    SiteStatus.STARTED,
    SiteStatus.FOUNDATION,
    SiteStatus.STRUCTURE,
    SiteStatus.FINISHING,
    SiteStatus.COMPLETED,
)
# Building is going on: what "active sites" counts (coverage, the Today list).
ACTIVE_STATUSES = frozenset(
    {SiteStatus.STARTED, SiteStatus.FOUNDATION, SiteStatus.STRUCTURE, SiteStatus.FINISHING}
)
# Sites a plan schedules visits for: the active ones and those yet to start
# (a start without notice is itself worth seeing), and the ones the law has
# stopped protecting (an expired permit, an abandoned site may resume).
WATCHED_STATUSES = ACTIVE_STATUSES | {
    SiteStatus.NOT_STARTED,
    SiteStatus.ABANDONED,
    SiteStatus.PERMIT_EXPIRED,
}
# A completed site takes no visit until it is reopened.
CLOSED_STATUSES = frozenset({SiteStatus.COMPLETED})


class Site(models.Model):
    ward = models.ForeignKey(
        "wards.Ward", on_delete=models.PROTECT, related_name="sites", verbose_name=_("ward")
    )
    origin = models.CharField(_("origin"), max_length=20, choices=SiteOrigin.choices)
    permit = models.OneToOneField(
        "permits.Permit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="site",
        verbose_name=_("permit"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Who builds: the permit holder, or the owner named in the notice or on patrol.
    owner_name = models.CharField(_("owner"), max_length=200, blank=True)
    location = models.PointField(_("location"), srid=4326)
    parcel = models.MultiPolygonField(_("parcel"), srid=4326, null=True, blank=True)
    works_class = models.CharField(
        _("works class"),
        max_length=30,
        choices=WorksClass.choices,
        default=WorksClass.INDIVIDUAL_HOUSE,
    )
    # Permit-exempt "small works" (a notified start) are visited at start and completion.
    small_works = models.BooleanField(_("small works"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=SiteStatus.choices, default=SiteStatus.NOT_STARTED
    )
    status_since = models.DateField(_("in this status since"))
    storeys_built = models.PositiveSmallIntegerField(_("storeys built"), null=True, blank=True)
    # Kept by backend.sites.services.schedule (never by hand): what the plan asks next.
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True, editable=False)
    # A visit asked for outside the plan (a citizen's report): due that day
    # until a visit on or after it (backend.sites.services.schedule).
    visit_requested_on = models.DateField(
        _("visit requested for"), null=True, blank=True, editable=False
    )
    plan_rule = models.ForeignKey(
        "sites.InspectionPlanRule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("inspection plan rule"),
    )
    last_visit_on = models.DateField(_("last visited on"), null=True, blank=True, editable=False)
    visit_count = models.PositiveIntegerField(_("visits"), default=0, editable=False)
    # Set once a violation is known on the site (an open case or a past one): it is
    # watched more closely for good.
    had_violation = models.BooleanField(_("has had a violation"), default=False, editable=False)
    cases = models.ManyToManyField(
        "cases.ViolationCase", blank=True, related_name="sites", verbose_name=_("cases")
    )
    # Bumped by each change of status: two people cannot both move the same site.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("construction site")
        verbose_name_plural = _("construction sites")
        ordering = ["ward", "address", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="permit", permit__isnull=False) | ~Q(origin="permit"),
                name="site_from_permit_has_permit",
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "status"]),
            models.Index(fields=["ward", "next_visit_due"]),
        ]

    def __str__(self) -> str:
        return self.address or f"#{self.pk}"

    @property
    def takes_visits(self) -> bool:
        return self.status not in CLOSED_STATUSES


class SiteEventKind(models.TextChoices):
    CREATED = "created", _("Site recorded")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REOPENED = "reopened", _("Site reopened")
    VISITED = "visited", _("Visited")
    CASE_LINKED = "case_linked", _("Case linked")
    PERMIT_UPDATED = "permit_updated", _("Permit changed")
    WARD_CHANGED = "ward_changed", _("Moved to another ward")
    VISIT_REQUESTED = "visit_requested", _("Visit requested")


class SiteEvent(models.Model):
    """One change in a site's life: what, on which day, by whom, with what evidence."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="events", verbose_name=_("site")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SiteEventKind.choices)
    # The day it happened (a commencement notice's date, a visit's day), not when typed.
    on = models.DateField(_("day it happened"))
    from_status = models.CharField(
        _("from status"), max_length=20, choices=SiteStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=20, choices=SiteStatus.choices, blank=True
    )
    storeys_built = models.PositiveSmallIntegerField(_("storeys built"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    visit = models.ForeignKey(
        "sites.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("visit"),
    )
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site event")
        verbose_name_plural = _("site events")
        ordering = ["site", "at", "id"]


class PlanCondition(models.TextChoices):
    """What a plan rule applies to: a site in a status, or a site with a violation.

    Not "completed": a completed site takes no visit (the visit that sees the
    works finished is the one "at completion", made while they are finishing).
    """

    WITH_VIOLATION = "with_violation", _("Site with an open case or a past violation")
    NOT_STARTED = "not_started", _("Not started")
    STARTED = "started", _("Started")
    FOUNDATION = "foundation", _("Foundation")
    STRUCTURE = "structure", _("Structure")
    FINISHING = "finishing", _("Finishing")
    ABANDONED = "abandoned", _("Abandoned")
    PERMIT_EXPIRED = "permit_expired", _("Permit expired")


class PlanMode(models.TextChoices):
    EVERY = "every", _("Every period while it lasts")
    ONCE = "once", _("Once, within the period after it begins")


class PlanScope(models.TextChoices):
    ALL = "all", _("All sites")
    SMALL_WORKS = "small_works", _("Small works (permit-exempt, notified)")
    PERMITTED = "permitted", _("Permitted and other works")


class InspectionPlanRule(models.Model):
    """One version of how often a kind of site is visited, for one ward or for every ward.

    Like the deadline rules, rows are not edited for a new plan: add a row
    with a later `effective_from`. A ward's own row beats the city default
    (ward empty); a rule for small works or permitted works beats one for all.
    These are the ward's working rules, not law: `basis` says whose decision.
    """

    ward = models.ForeignKey(
        "wards.Ward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ward"),
        help_text=_("Empty: the default for every ward without a rule of its own."),
    )
    condition = models.CharField(_("applies to"), max_length=20, choices=PlanCondition.choices)
    scope = models.CharField(
        _("kind of works"), max_length=20, choices=PlanScope.choices, default=PlanScope.ALL
    )
    mode = models.CharField(_("how"), max_length=10, choices=PlanMode.choices)
    amount = models.PositiveSmallIntegerField(_("period"))
    unit = models.CharField(
        _("unit"),
        max_length=20,
        choices=[
            ("working_days", _("working days")),
            ("calendar_days", _("calendar days")),
            ("months", _("months")),
        ],
    )
    effective_from = models.DateField(_("in force from"))
    basis = models.TextField(_("basis"), help_text=_("Whose decision or guidance this rule is."))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection plan rule")
        verbose_name_plural = _("inspection plan rules")
        ordering = ["ward", "condition", "scope", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "condition", "scope", "effective_from"],
                nulls_distinct=False,
                name="unique_plan_rule_version",
            ),
            # A rule that schedules no visit at all is refused (issue: bad input).
            models.CheckConstraint(condition=Q(amount__gt=0), name="plan_rule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_condition_display()}: {self.amount} {self.get_unit_display()}"


class VisitOutcome(models.TextChoices):
    CONFORMING = "conforming", _("Conforming")
    REMINDER = "reminder", _("Reminder given")
    VIOLATION = "violation", _("Violation found")


class Visit(models.Model):
    """One inspection of a site: the checklist, the outcome, and the case it opened."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="visits", verbose_name=_("site")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="site_visits",
        verbose_name=_("inspector"),
    )
    visited_at = models.DateTimeField(_("visited at"))
    visited_on = models.DateField(_("visit day"))  # local day, Asia/Ho_Chi_Minh
    position = models.PointField(_("inspector's position"), srid=4326, null=True, blank=True)
    accuracy_m = models.FloatField(_("position accuracy (m)"), null=True, blank=True)
    distance_m = models.FloatField(_("distance from the site (m)"), null=True, blank=True)
    # --- The checklist (None: not checked).
    status_seen = models.CharField(
        _("stage of the works seen"), max_length=20, choices=SiteStatus.choices, blank=True
    )
    permit_displayed = models.BooleanField(_("permit displayed"), null=True, blank=True)
    site_screened = models.BooleanField(_("site screened"), null=True, blank=True)
    storeys_built = models.PositiveSmallIntegerField(_("storeys built"), null=True, blank=True)
    height_m = models.DecimalField(
        _("height (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    footprint_m2 = models.DecimalField(
        _("building footprint (m²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    within_parcel = models.BooleanField(_("built within the parcel"), null=True, blank=True)
    setbacks_respected = models.BooleanField(_("setbacks respected"), null=True, blank=True)
    works_class = models.CharField(
        _("works class"), max_length=30, choices=WorksClass.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=VisitOutcome.choices)
    # What the checklist departs from the permit by, as computed when recorded:
    # [{"code": "storeys_over", "permitted": 5, "seen": 6}, ...]
    findings = models.JSONField(_("findings"), default=list, blank=True, encoder=DjangoJSONEncoder)
    case = models.ForeignKey(
        "cases.ViolationCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("case opened"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["site", "visited_at", "id"]
        indexes = [
            models.Index(fields=["site", "visited_on"]),
            models.Index(fields=["inspector", "visited_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}@{self.visited_on:%d/%m/%Y}"
