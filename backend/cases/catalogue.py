"""The violation catalogue and the fine rules, as data versioned by effective date.

A decree replacing Decree 16/2022 is a data change: add rows with a later
`effective_from` (and close the old ones with `effective_to`), never edit a
row a signed decision relied on. A case keeps the clause it was recorded
under (its `violation_type` code); the version in force on its violation
date applies (backend.cases.fines.clause_in_force).
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class FineTier(models.TextChoices):
    """The three tiers of every Decree 16/2022 Art. 16 band (points a, b, c)."""

    A = "a", _("a: individual house")
    B = "b", _("b: house in a conservation or heritage zone, or other works")
    C = "c", _("c: works needing a feasibility or techno-economic report")


class ViolationClause(models.Model):
    """One clause of the catalogue (e.g. Decree 16/2022 Art. 16 clause 7), one version.

    The fine bands are for organisations (Decree 16/2022 Art. 4(3)(c):
    individuals pay half, by the share in FineRule, not by extra rows).
    A clause without bands (Art. 16.11: land use) is fined under another decree.
    """

    code = models.CharField(
        _("code"),
        max_length=10,
        help_text=_("The code cases are recorded under, e.g. art16_7."),
    )
    decree = models.CharField(_("decree"), max_length=60)
    article = models.PositiveSmallIntegerField(_("article"))
    clause = models.PositiveSmallIntegerField(_("clause"))
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("The last day this version applies; empty while it is in force."),
    )
    conduct_vi = models.TextField(_("conduct, as the decree words it (Vietnamese)"))
    conduct_checked = models.BooleanField(
        _("wording checked against the official text"),
        default=False,
        help_text=_("Tick once the wording has been compared with the Official Gazette."),
    )
    label_vi = models.CharField(_("short label (Vietnamese)"), max_length=200)
    label_en = models.CharField(_("short label (English)"), max_length=200)
    fine_min_a = models.PositiveBigIntegerField(_("tier a: minimum (VND)"), null=True, blank=True)
    fine_max_a = models.PositiveBigIntegerField(_("tier a: maximum (VND)"), null=True, blank=True)
    fine_min_b = models.PositiveBigIntegerField(_("tier b: minimum (VND)"), null=True, blank=True)
    fine_max_b = models.PositiveBigIntegerField(_("tier b: maximum (VND)"), null=True, blank=True)
    fine_min_c = models.PositiveBigIntegerField(_("tier c: minimum (VND)"), null=True, blank=True)
    fine_max_c = models.PositiveBigIntegerField(_("tier c: maximum (VND)"), null=True, blank=True)
    remedies_vi = models.TextField(_("remedial measures (Vietnamese)"), blank=True)
    additional_penalties_vi = models.TextField(_("additional penalties (Vietnamese)"), blank=True)
    legalisable = models.BooleanField(
        _("may be legalised (Decree 16/2022 Art. 81)"),
        default=False,
    )
    fined_elsewhere = models.CharField(
        _("fined under another text"),
        max_length=300,
        blank=True,
        help_text=_("For a clause without construction bands: the text that fines it."),
    )
    citation = models.CharField(_("citation"), max_length=300)

    class Meta:
        verbose_name = _("violation clause")
        verbose_name_plural = _("violation catalogue")
        ordering = ["article", "clause", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="unique_violation_clause_version"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="violation_clause_period_ordered",
            ),
            # A band is given whole (both ends) or not at all, minimum first.
            *(
                models.CheckConstraint(
                    condition=(
                        Q(**{f"fine_min_{tier}__isnull": True, f"fine_max_{tier}__isnull": True})
                        | Q(**{f"fine_max_{tier}__gte": F(f"fine_min_{tier}")})
                    ),
                    name=f"violation_clause_band_{tier}_ordered",
                )
                for tier in ("a", "b", "c")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label_vi} ({self.effective_from:%d/%m/%Y})"

    def band_for_organisation(self, tier: str) -> tuple[int, int] | None:
        """(minimum, maximum) in VND for an organisation in this tier, or None."""
        low = getattr(self, f"fine_min_{tier}")
        high = getattr(self, f"fine_max_{tier}")
        if low is None or high is None:
            return None
        return int(low), int(high)


class FineRule(models.Model):
    """How a fine is set and how far the ward chairman may go: one version.

    Several readings of the law may be recorded; only rows marked `applies`
    are used. Each number carries its legal basis, shown on a refusal.
    """

    name = models.CharField(_("name"), max_length=200)
    applies = models.BooleanField(
        _("applies"),
        default=True,
        help_text=_("Untick to keep a reading on record without applying it."),
    )
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    sector_max_individual_vnd = models.PositiveBigIntegerField(
        _("sector maximum for an individual (VND)")
    )
    sector_max_organisation_vnd = models.PositiveBigIntegerField(
        _("sector maximum for an organisation (VND)")
    )
    sector_max_basis = models.TextField(_("legal basis of the sector maximum"))
    commune_cap_percent = models.PositiveSmallIntegerField(
        _("commune chairman's cap, in percent of the sector maximum")
    )
    commune_cap_basis = models.TextField(_("legal basis of the cap"))
    individual_share_percent = models.PositiveSmallIntegerField(
        _("an individual pays this percentage of the organisation's band")
    )
    individual_share_basis = models.TextField(_("legal basis of the individual's share"))
    proposes_midpoint = models.BooleanField(
        _("propose the band's midpoint; a fine away from it needs a factor"),
        default=True,
    )
    fine_choice_basis = models.TextField(_("legal basis of the choice within a band"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fine and competence rule")
        verbose_name_plural = _("fine and competence rules")
        ordering = ["-applies", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commune_cap_percent__gte=1, commune_cap_percent__lte=100),
                name="fine_rule_cap_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(individual_share_percent__gte=1, individual_share_percent__lte=100),
                name="fine_rule_individual_share_range",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="fine_rule_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"
