"""Construction permits (giấy phép xây dựng) and their parcels."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class WorksClass(models.TextChoices):
    # Decree 16/2022 sets fines by these tiers.
    INDIVIDUAL_HOUSE = "individual_house", _("Individual house")
    OTHER_WORKS = "other_works", _("Other works")
    FEASIBILITY_PROJECT = "feasibility_project", _("Works needing a feasibility report")


class PermitStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Permit(models.Model):
    number = models.CharField(_("permit number"), max_length=50)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200)
    issued_on = models.DateField(_("issue date"))
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    holder_name = models.CharField(_("permit holder"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    map_sheet = models.CharField(_("map sheet no."), max_length=20, blank=True)
    parcel_number = models.CharField(_("parcel no."), max_length=20, blank=True)
    parcel = models.MultiPolygonField(_("parcel"), srid=4326, null=True, blank=True)
    permitted_storeys = models.PositiveSmallIntegerField(
        _("permitted storeys"), null=True, blank=True
    )
    permitted_height_m = models.DecimalField(
        _("permitted height (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    permitted_floor_area_m2 = models.DecimalField(
        _("permitted floor area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    works_class = models.CharField(
        _("works class"),
        max_length=30,
        choices=WorksClass.choices,
        default=WorksClass.INDIVIDUAL_HOUSE,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PermitStatus.choices, default=PermitStatus.VALID
    )
    ward = models.ForeignKey(
        "wards.Ward", on_delete=models.PROTECT, related_name="permits", verbose_name=_("ward")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_authority", "number"], name="unique_permit_number_per_authority"
            ),
        ]
        indexes = [models.Index(fields=["number"])]

    def __str__(self) -> str:
        return self.number
