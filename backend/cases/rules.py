"""The versioned legal rules the workflow counts with: deadlines, rates and the
working-day calendar. Rows, not code: a new law is a new row with a later
effective date (the admin), and a case uses the rows in force on its
detection date. Registered with the cases app (backend.cases.models imports them).
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    MONTHS = "months", _("months")


class DeadlineRuleCode(models.TextChoices):
    """Every deadline the workflow sets; the numbers live in DeadlineRule rows."""

    RECORD = "record", _("Violation record due")
    DECISION = "decision", _("Sanction decision due")
    DECISION_EXPLANATION = "decision_explanation", _("Sanction decision due (violator explains)")
    DECISION_TRANSFERRED = "decision_transferred", _("Sanction decision due (transferred)")
    DECISION_VERIFICATION = (
        "decision_verification",
        _("Sanction decision due (facts being verified)"),
    )
    SERVE = "serve", _("Decision to be served")
    LEGALISE_HOUSE = "legalise_house", _("Permit to be obtained (individual house)")
    LEGALISE_PROJECT = "legalise_project", _("Permit to be obtained (other works)")
    CONFORMITY_CHECK = "conformity_check", _("Site to be checked against the permit")
    DEMOLISH = "demolish", _("Violator to demolish")
    DEMOLISH_AFTER_NOTICE = "demolish_after_notice", _("Violator to demolish (after the notice)")
    ENFORCE = "enforce", _("Enforcement to be carried out")
    # Not stage deadlines: limits a step is checked or measured against.
    DECISION_EXTENSION = "decision_extension", _("Sanction decision due (period extended)")
    SANCTION_LIMITATION = "sanction_limitation", _("Limitation period for a sanction")
    TRANSFER = "transfer", _("Case to be transferred to the competent authority")
    PAY_FINE = "pay_fine", _("Fine to be paid")
    FINE_ENFORCEMENT = "fine_enforcement", _("Enforcement of the unpaid fine to be decided")
    EXECUTION_LIMIT = "execution_limit", _("Limit for executing the sanction decision")
    COMPLAINT_WINDOW = "complaint_window", _("Period to complain against a decision")
    COMPLAINT_DECISION = "complaint_decision", _("Complaint to be decided")
    COMPLAINT_DECISION_COMPLEX = (
        "complaint_decision_complex",
        _("Complaint to be decided (complex)"),
    )
    LAWSUIT_WINDOW = "lawsuit_window", _("Period to sue against a decision")
    PREVENTIVE_REPORT = "preventive_report", _("Preventive measure to be reported to the head")
    # Not a case's: the ward's answer to a citizen's report (backend.intake).
    TIP_RESPONSE = "tip_response", _("Citizen's report to be answered")


class DeadlineRule(models.Model):
    """One version of one deadline: how long, counted how, and on what legal basis.

    Rules change with the law, so rows are never edited in place for a new law:
    add a row with a later `effective_from`. A case uses the version in force
    on its detection date.
    """

    code = models.CharField(_("deadline"), max_length=30, choices=DeadlineRuleCode.choices)
    amount = models.PositiveSmallIntegerField(_("length"))
    unit = models.CharField(_("unit"), max_length=20, choices=DeadlineUnit.choices)
    basis = models.TextField(_("legal basis"))
    effective_from = models.DateField(_("in force from"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="unique_rule_version"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deadline_rule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.amount} {self.get_unit_display()}"


class LegalRateCode(models.TextChoices):
    """Legal numbers that are rates, not periods; the values live in LegalRate rows."""

    LATE_PAYMENT_INTEREST = "late_payment_interest", _("Late payment of a fine, per day")


class LegalRate(models.Model):
    """One version of one legal rate, in millionths (500 = 0.05 %), and its legal basis.

    Versioned like DeadlineRule: a new law is a new row with a later `effective_from`.
    """

    code = models.CharField(_("rate"), max_length=30, choices=LegalRateCode.choices)
    parts_per_million = models.PositiveIntegerField(
        _("rate in millionths"), help_text=_("500 millionths = 0.05 %.")
    )
    basis = models.TextField(_("legal basis"))
    effective_from = models.DateField(_("in force from"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("legal rate")
        verbose_name_plural = _("legal rates")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="unique_rate_version"),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.parts_per_million / 10_000:g} %"


class CalendarDayKind(models.TextChoices):
    PUBLIC_HOLIDAY = "public_holiday", _("Public holiday")
    COMPENSATORY_DAY_OFF = "compensatory_day_off", _("Day off in lieu of a holiday on a weekend")
    SWAPPED_DAY_OFF = "swapped_day_off", _("Working day swapped to a day off")
    SWAPPED_WORKING_DAY = "swapped_working_day", _("Weekend day worked in exchange")


REST_DAY_KINDS = frozenset(
    {
        CalendarDayKind.PUBLIC_HOLIDAY,
        CalendarDayKind.COMPENSATORY_DAY_OFF,
        CalendarDayKind.SWAPPED_DAY_OFF,
    }
)


class CalendarDay(models.Model):
    """A day that departs from the Monday–Friday week of the civil service."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Expected from the Labour Code; replace when the official notice is out."),
    )

    class Meta:
        verbose_name = _("holiday or swapped day")
        verbose_name_plural = _("holidays and swapped days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    @property
    def is_rest_day(self) -> bool:
        return self.kind in REST_DAY_KINDS
