"""In-app notifications, each also sent by e-mail once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    DEADLINE_PASSED = "deadline_passed", _("A deadline passed")
    OVERDUE_ESCALATED = "overdue_escalated", _("A case is long overdue")
    FINE_OVERDUE = "fine_overdue", _("A fine is unpaid past its due date")
    FINE_EXECUTION_LIMIT = "fine_execution_limit", _("A fine nears the limit on its execution")
    PREVENTIVE_REPORT_MISSED = (
        "preventive_report_missed",
        _("A preventive measure was not reported in time"),
    )


class Notification(models.Model):
    """One message to one user.

    `key` names the event being announced (case, stage, deadline, audience):
    unique per recipient, so announcing the same event twice is a no-op — the
    deadline scan can run as often and as concurrently as it likes.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    case = models.ForeignKey(
        "cases.ViolationCase",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    key = models.CharField(_("key"), max_length=200)
    # Structured facts; the text is rendered in the reader's language when shown.
    params = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Set when the mail was due but not sent (the recipient had left the
    # notice's audience, or had no address): it is then never sent, so a
    # person who comes back is not told weeks late.
    email_withheld_at = models.DateTimeField(_("e-mail withheld at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="unique_notification_per_event"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.key}"

    @property
    def message(self) -> str:
        return notification_message(self.kind, self.params)


def notification_message(kind: str, params: dict[str, Any]) -> str:
    values = {
        "case": params.get("case_code", ""),
        # The rule's English label is its msgid: shown in the reader's language.
        "deadline": gettext(params["rule_label"]) if params.get("rule_label") else "",
        "due": params.get("due_display", ""),
        "days": params.get("days_overdue", 0),
        "ward": params.get("ward", ""),
    }
    if kind == NotificationKind.FINE_OVERDUE:
        return gettext(
            "Case %(case)s: the fine was due on %(due)s; %(amount)s is unpaid, %(days)d days late."
        ) % {
            **values,
            "amount": params.get("amount_display", ""),
            "days": params.get("days_late", 0),
        }
    if kind == NotificationKind.FINE_EXECUTION_LIMIT:
        return gettext(
            "Case %(case)s: the sanction decision can be executed only until %(limit)s; "
            "%(amount)s is still unpaid."
        ) % {
            **values,
            "limit": params.get("limit_display", ""),
            "amount": params.get("amount_display", ""),
        }
    if kind == NotificationKind.PREVENTIVE_REPORT_MISSED:
        return gettext(
            "Case %(case)s: the preventive measure taken at %(taken)s had to be reported by "
            "%(due)s; no report is recorded."
        ) % {**values, "taken": params.get("taken_display", "")}
    if kind == NotificationKind.OVERDUE_ESCALATED:
        return (
            gettext(
                "Case %(case)s (%(ward)s) is %(days)d days overdue: “%(deadline)s” was due on %(due)s."
            )
            % values
        )
    return gettext("Case %(case)s missed its deadline: “%(deadline)s” was due on %(due)s.") % values
