"""Site photos: the original evidence and what pages show of it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


def original_path(instance: SitePhoto, filename: str) -> str:
    # Content-addressed: the path is the SHA-256, never the client's file name.
    return f"photos/{instance.case_id}/{instance.sha256}/original"


class SitePhoto(models.Model):
    case = models.ForeignKey(
        "cases.ViolationCase", on_delete=models.PROTECT, related_name="photos", verbose_name=_("case")
    )
    original = models.FileField(_("original"), upload_to=original_path, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=40)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"), null=True)
    height = models.PositiveIntegerField(_("height"), null=True)
    preview = models.FileField(_("preview"), max_length=300, blank=True)
    thumbnail = models.FileField(_("thumbnail"), max_length=300, blank=True)
    exif_location = models.PointField(_("EXIF position"), srid=4326, null=True, blank=True)
    exif_taken_at = models.DateTimeField(_("EXIF time"), null=True, blank=True)
    device_location = models.PointField(_("device position"), srid=4326, null=True, blank=True)
    device_accuracy_m = models.FloatField(_("device accuracy (m)"), null=True, blank=True)
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site photo")
        verbose_name_plural = _("site photos")
        ordering = ["case", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sha256"], name="unique_photo_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.sha256[:12]}"
