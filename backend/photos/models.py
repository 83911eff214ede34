"""Site photos: the original evidence and what pages show of it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _


class SitePhoto(models.Model):
    """One photo of a case's site, or of a site visit (backend.sites) before any case.

    The original bytes are stored unchanged under a key made of their SHA-256
    (chain of custody); the preview and thumbnail are re-encoded, upright and
    stripped of all metadata. Storage keys are set by the ingest service, never
    derived from the client's file name. Rows are never edited or deleted.
    """

    case = models.ForeignKey(
        "cases.ViolationCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("case"),
    )
    # A photo taken on a routine visit of a construction site (backend.sites);
    # when the visit finds a violation its photos become the case's first
    # evidence as photo rows of their own (same stored objects, own events).
    visit = models.ForeignKey(
        "sites.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("site visit"),
    )
    # A photo a citizen sent with a report (backend.intake), recorded under the
    # system account; a case opened from the report gets its own rows of it.
    tip = models.ForeignKey(
        "intake.Tip",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("citizen's report"),
    )
    original = models.FileField(_("original"), max_length=300)
    original_filename = models.CharField(_("file name on the device"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=40)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"), null=True)
    height = models.PositiveIntegerField(_("height"), null=True)
    preview = models.FileField(_("preview"), max_length=300, blank=True)
    thumbnail = models.FileField(_("thumbnail"), max_length=300, blank=True)
    exif_location = models.PointField(_("EXIF position"), srid=4326, null=True, blank=True)
    exif_taken_at = models.DateTimeField(_("EXIF time"), null=True, blank=True)
    exif_distance_m = models.FloatField(_("EXIF position to the site (m)"), null=True, blank=True)
    device_location = models.PointField(_("device position"), srid=4326, null=True, blank=True)
    device_accuracy_m = models.FloatField(_("device accuracy (m)"), null=True, blank=True)
    device_distance_m = models.FloatField(
        _("device position to the site (m)"), null=True, blank=True
    )
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site photo")
        verbose_name_plural = _("site photos")
        ordering = ["case", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sha256"], name="unique_photo_per_case"),
            models.UniqueConstraint(
                fields=["visit", "sha256"],
                condition=models.Q(visit__isnull=False),
                name="unique_photo_per_visit",
            ),
            models.UniqueConstraint(
                fields=["tip", "sha256"],
                condition=models.Q(tip__isnull=False),
                name="unique_photo_per_tip",
            ),
            # Every photo is evidence of something: a case, a visit or a citizen's report.
            models.CheckConstraint(
                condition=models.Q(case__isnull=False)
                | models.Q(visit__isnull=False)
                | models.Q(tip__isnull=False),
                name="photo_of_case_visit_or_tip",
            ),
        ]
        # The orphan cleanup and the duplicate check look photos up by content.
        indexes = [models.Index(fields=["sha256"], name="photo_sha256_idx")]

    def __str__(self) -> str:
        owner = self.case_id if self.case_id is not None else f"visit{self.visit_id}"
        if self.tip_id is not None and self.case_id is None:
            owner = f"tip{self.tip_id}"
        return f"{owner}/{self.sha256[:12]}"
