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
