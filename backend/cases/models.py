"""Violation cases: where, what, which stage of the legal workflow."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Stages of Decree 16/2022 + Decree 118/2021 handling (see DOMAIN.md)."""

    DETECTED = "detected", _("Detected")
    SUSPENDED = "suspended", _("Suspended (violation record)")
    HALTED = "halted", _("Halted (sanction decision)")
    LEGALISING = "legalising", _("Legalising")
    CONFORMITY_CHECK = "conformity_check", _("Conformity check")
    SELF_DEMOLITION = "self_demolition", _("Self-demolition")
    ENFORCEMENT = "enforcement", _("Enforcement")
    TRANSFERRED = "transferred", _("Transferred")
    CLOSED = "closed", _("Closed")


OPEN_STAGES = frozenset(s for s in Stage if s not in {Stage.CLOSED})


class ViolationType(models.TextChoices):
    """Decree 16/2022/NĐ-CP Art. 16 clauses."""

    CLAUSE_1 = "art16_1", _("Art. 16.1 – permit not displayed at the site")
    CLAUSE_2 = "art16_2", _("Art. 16.2 – start of works not notified")
    CLAUSE_3 = "art16_3", _("Art. 16.3 – other minor violation (clause 3)")
    CLAUSE_4 = "art16_4", _("Art. 16.4 – deviates from a repair or temporary permit")
    CLAUSE_5 = "art16_5", _("Art. 16.5 – other minor violation (clause 5)")
    CLAUSE_6 = "art16_6", _("Art. 16.6 – deviates from a new-build permit")
    CLAUSE_7 = "art16_7", _("Art. 16.7 – building without a permit")
    CLAUSE_8 = "art16_8", _("Art. 16.8 – deviates from the appraised design")
    CLAUSE_9 = "art16_9", _("Art. 16.9 – contrary to the construction plan")
    CLAUSE_10 = "art16_10", _("Art. 16.10 – encroachment")
    CLAUSE_12 = "art16_12", _("Art. 16.12 – building continued after the record")
    CLAUSE_13 = "art16_13", _("Art. 16.13 – repeat violation")


# Only these clauses may be legalised by obtaining a permit (Decree 16 Art. 81).
LEGALISABLE_TYPES = frozenset(
    {ViolationType.CLAUSE_4, ViolationType.CLAUSE_6, ViolationType.CLAUSE_7, ViolationType.CLAUSE_8}
)


class PermitMatchKind(models.TextChoices):
    PARCEL = "parcel", _("Inside the permit parcel")
    NEAREST = "nearest", _("Nearest permit parcel")
    NONE = "none", _("No permit found")


class ViolationCase(models.Model):
    code = models.CharField(_("case code"), max_length=40, unique=True, editable=False)
    ward = models.ForeignKey(
        "wards.Ward", on_delete=models.PROTECT, related_name="cases", verbose_name=_("ward")
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("number in the year"), editable=False)
    location = models.PointField(_("location"), srid=4326)
    footprint = models.PolygonField(_("footprint"), srid=4326, null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    permit = models.ForeignKey(
        "permits.Permit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("matched permit"),
    )
    permit_match = models.CharField(
        _("permit match"), max_length=10, choices=PermitMatchKind.choices, default=PermitMatchKind.NONE
    )
    permit_distance_m = models.FloatField(_("distance to permit parcel (m)"), null=True, blank=True)
    violation_type = models.CharField(_("violation type"), max_length=10, choices=ViolationType.choices)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.DETECTED, editable=False
    )
    stage_deadline = models.DateField(_("stage deadline"), null=True, blank=True, editable=False)
    detected_at = models.DateTimeField(_("detected at"))
    assigned_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned inspector"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opened_cases",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("violation case")
        verbose_name_plural = _("violation cases")
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "year", "sequence"], name="unique_case_number_per_ward_year"
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "stage"]),
            models.Index(fields=["stage_deadline"]),
            models.Index(fields=["violation_type"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_legalisable(self) -> bool:
        return self.violation_type in LEGALISABLE_TYPES


class YearlyCounter(models.Model):
    """Gap-free numbering per ward, per year and per series (cases, documents).

    Incremented with an upsert inside the caller's transaction: a rollback
    returns the number, and concurrent callers queue on the row lock.
    """

    ward = models.ForeignKey("wards.Ward", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=20)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ward", "year", "series"], name="unique_counter"),
        ]
