"""The reporting regime's rules (versioned rows) and the reports made under them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF_YEAR = "half_year", _("Six-monthly")
    YEAR = "year", _("Yearly")


class ReportingRule(models.Model):
    """One version of the reporting period of one kind: where the data is cut off
    and how long after the period's end the report is due.

    Versioned like the deadline rules: a province's new decision is a new row
    with a later `effective_from`; a period uses the row in force on its last day.
    """

    kind = models.CharField(_("kind of report"), max_length=20, choices=ReportKind.choices)
    cutoff_day = models.PositiveSmallIntegerField(
        _("cut-off day"),
        help_text=_("A period runs from this day of the month before to the day before it."),
    )
    due_days = models.PositiveSmallIntegerField(
        _("due, days after the period ends"),
        help_text=_("The province sets the due date; a default of this system until it does."),
    )
    basis = models.TextField(_("legal basis"))
    effective_from = models.DateField(_("in force from"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("reporting rule")
        verbose_name_plural = _("reporting rules")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "effective_from"], name="unique_reporting_rule_version"
            ),
            models.CheckConstraint(
                condition=Q(cutoff_day__gte=2, cutoff_day__lte=28),
                name="reporting_rule_cutoff_day_in_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.cutoff_day}, +{self.due_days}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    SENT = "sent", _("Sent")


class PeriodicReport(models.Model):
    """A ward's (or the city's, ward empty) report for one period, as generated:
    the figures are a snapshot; the live figures are computed again on request."""

    ward_code = models.CharField(
        _("ward code"), max_length=10, blank=True, help_text=_("Empty: the city's report.")
    )
    ward_name = models.CharField(_("ward"), max_length=100, blank=True)
    kind = models.CharField(_("kind of report"), max_length=20, choices=ReportKind.choices)
    label = models.CharField(_("period"), max_length=10)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    due_on = models.DateField(_("due on"))
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)
    figures = models.JSONField(_("figures"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        ordering = ["-end", "kind", "ward_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward_code", "kind", "label"], name="unique_periodic_report"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.ward_code or 'city'} {self.label}"


class ReportEventKind(models.TextChoices):
    GENERATED = "generated", _("Generated")
    REVIEWED = "reviewed", _("Reviewed")
    SENT = "sent", _("Marked sent")


class PeriodicReportEvent(models.Model):
    """Who did what to a report, and when (append-only, written with the change)."""

    report = models.ForeignKey(
        PeriodicReport, on_delete=models.PROTECT, related_name="events", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReportEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("periodic report event")
        verbose_name_plural = _("periodic report events")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"
