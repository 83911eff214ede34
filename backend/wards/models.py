"""Administrative units (phường/xã) and their boundaries over time."""

from __future__ import annotations

import datetime

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Ward(models.Model):
    """One version of a ward's boundary.

    Boundaries change (the 1/7/2025 reform merged many wards), so each row
    carries its validity: [valid_from, valid_to). A case keeps the ward it was
    assigned when it was opened even if a later version redraws the line.
    """

    code = models.CharField(_("official code"), max_length=10)
    slug = models.SlugField(
        _("case-code prefix"),
        max_length=20,
        help_text=_("Upper-case prefix used in case codes, e.g. BENTHANH."),
    )
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=100, default="Thành phố Hồ Chí Minh")
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_demo_geometry = models.BooleanField(
        _("demo geometry"),
        default=False,
        help_text=_("The boundary is an approximation made for the demo, not the legal line."),
    )

    class Meta:
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        ordering = ["name", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unique_ward_version"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="ward_validity_ordered",
            ),
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class WardSuccession(models.Model):
    """Part of an old ward that a new one took over, measured by area.

    Recorded when a boundary import closes old versions: the 1/7/2025 reform
    merged several wards into one, and split others between neighbours.
    `share` is the overlap's part of the old ward's area (0–1).
    """

    old = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="successors", verbose_name=_("old ward")
    )
    new = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="predecessors", verbose_name=_("new ward")
    )
    overlap_area_m2 = models.FloatField(_("overlap area (m²)"))
    share = models.FloatField(_("share of the old ward"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ward succession")
        verbose_name_plural = _("ward successions")
        ordering = ["old", "-share"]
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="unique_ward_succession"),
        ]

    def __str__(self) -> str:
        return f"{self.old} → {self.new} ({self.share:.0%})"


class WardImportDraft(models.Model):
    """An uploaded boundary file between its preview and its confirmation.

    Kept in PostgreSQL, not on one web process's disk: the confirmation may
    reach another process. Deleted when confirmed, or after a day.
    """

    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    options = models.JSONField(default=dict)
