"""What the steps of complaints, lawsuits, suspension and preventive measures ask for,
and their guards (backend.cases.appeals reads them back)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.cases.appeals import appeals_status, case_appeals
from backend.cases.workflow.fields import SIGNER_FIELDS, Field
from backend.cases.workflow.guards import GuardContext
from backend.cases.workflow.service_records import (
    latest_served_document,
    served_document_choices,
)

COMPLAINT_OUTCOME_CHOICES = (
    ("upheld", gettext_lazy("Upheld: the decision is withdrawn or amended")),
    ("partly_upheld", gettext_lazy("Partly upheld")),
    ("rejected", gettext_lazy("Rejected: the decision stands")),
)
PREVENTIVE_MEASURE_CHOICES = (
    ("seize_equipment", gettext_lazy("Seizure of equipment and means used in the violation")),
    ("seal_site", gettext_lazy("Sealing of the site")),
)


def _day(day: Any) -> str:
    return str(day.strftime("%d/%m/%Y"))


def _open_complaint_choices(case: Any) -> list[tuple[str, Any]]:
    return [
        (
            str(c.step_id),
            _("Complaint of %(who)s received %(day)s")
            % {"who": c.complainant, "day": _day(c.received_on)},
        )
        for c in case_appeals(case).open_complaints
    ]


def _open_lawsuit_choices(case: Any) -> list[tuple[str, Any]]:
    return [
        (
            str(s.step_id),
            _("Lawsuit at %(court)s filed %(day)s") % {"court": s.court, "day": _day(s.filed_on)},
        )
        for s in case_appeals(case).open_lawsuits
    ]


def _measure_label(m: Any) -> str:
    kind = dict(PREVENTIVE_MEASURE_CHOICES).get(m.kind, m.kind)
    return f"{kind} ({m.taken_at:%H:%M %d/%m/%Y})"


def _unreported_measure_choices(case: Any) -> list[tuple[str, Any]]:
    return [(str(m.step_id), _measure_label(m)) for m in case_appeals(case).unreported_measures]


def _unreleased_measure_choices(case: Any) -> list[tuple[str, Any]]:
    return [(str(m.step_id), _measure_label(m)) for m in case_appeals(case).unreleased_measures]


def _first(choices: Any) -> Any:
    return lambda case, actor: (choices(case) or [(None, None)])[0][0]


# Appended to the complaint a ward notes (note_complaint): which decision, and whether complex.
COMPLAINT_EXTRA_FIELDS = (
    Field(
        "decision_step",
        "choice",
        gettext_lazy("Decision complained against"),
        choices=served_document_choices,
        initial=latest_served_document,
        help_text=gettext_lazy(
            "The period to complain counts from the day the violator received it."
        ),
    ),
    Field("complex", "bool", gettext_lazy("Complex: 45 days to decide instead of 30")),
)

COMPLAINT_DECISION_FIELDS = (
    Field(
        "complaint_step",
        "choice",
        gettext_lazy("Complaint decided"),
        True,
        choices=_open_complaint_choices,
        initial=_first(_open_complaint_choices),
    ),
    Field(
        "outcome",
        "choice",
        gettext_lazy("Decision on the complaint"),
        True,
        choices=COMPLAINT_OUTCOME_CHOICES,
    ),
    Field("decision_number", "text", gettext_lazy("Decision number"), True, max_length=60),
    *SIGNER_FIELDS,
)

LAWSUIT_FIELDS = (
    Field("court", "text", gettext_lazy("Court"), True, max_length=200),
    Field("plaintiff", "text", gettext_lazy("Plaintiff"), True, max_length=200),
    Field(
        "decision_step",
        "choice",
        gettext_lazy("Decision sued against"),
        True,
        choices=served_document_choices,
        initial=latest_served_document,
    ),
    Field("summary", "textarea", gettext_lazy("What the lawsuit asks")),
)

JUDGMENT_FIELDS = (
    Field(
        "lawsuit_step",
        "choice",
        gettext_lazy("Lawsuit"),
        True,
        choices=_open_lawsuit_choices,
        initial=_first(_open_lawsuit_choices),
    ),
    Field("result", "textarea", gettext_lazy("What the court decided"), True),
)

SUSPENSION_FIELDS = (
    Field(
        "decision_step",
        "choice",
        gettext_lazy("Decision whose execution is suspended"),
        True,
        choices=served_document_choices,
        initial=latest_served_document,
    ),
    Field("decision_number", "text", gettext_lazy("Decision number"), True, max_length=60),
    Field("reason", "textarea", gettext_lazy("Reason"), True),
    *SIGNER_FIELDS,
)

LIFT_FIELDS = (
    Field("reason", "textarea", gettext_lazy("Why execution resumes"), True),
    Field("decision_number", "text", gettext_lazy("Decision number"), max_length=60),
)

MEASURE_FIELDS = (
    Field(
        "measure",
        "choice",
        gettext_lazy("Preventive measure"),
        True,
        choices=PREVENTIVE_MEASURE_CHOICES,
        initial="seize_equipment",
    ),
    Field("taken_at", "time", gettext_lazy("Time the measure was taken (hh:mm)"), True),
    Field("items", "textarea", gettext_lazy("What was seized or sealed"), True),
)

MEASURE_REPORT_FIELDS = (
    Field(
        "measure_step",
        "choice",
        gettext_lazy("Measure reported"),
        True,
        choices=_unreported_measure_choices,
        initial=_first(_unreported_measure_choices),
    ),
    Field("reported_at", "time", gettext_lazy("Time of the report (hh:mm)"), True),
    Field("reported_to", "text", gettext_lazy("Reported to"), True, max_length=200),
)

RELEASE_FIELDS = (
    Field(
        "measure_step",
        "choice",
        gettext_lazy("Measure ended"),
        True,
        choices=_unreleased_measure_choices,
        initial=_first(_unreleased_measure_choices),
    ),
    Field("items_returned", "textarea", gettext_lazy("What was returned, and to whom"), True),
)


def _status(ctx: GuardContext) -> Any:
    return appeals_status(ctx.case, ctx.steps)


def guard_complaint_open(ctx: GuardContext) -> str | None:
    if not _status(ctx).open_complaints:
        return _("No complaint awaits a decision.")
    return None


def guard_lawsuit_open(ctx: GuardContext) -> str | None:
    if not _status(ctx).open_lawsuits:
        return _("No lawsuit awaits the court's decision.")
    return None


def guard_decision_to_contest(ctx: GuardContext) -> str | None:
    if not served_document_choices(ctx.case):
        return _("The case has no decision yet.")
    return None


def guard_not_suspended(ctx: GuardContext) -> str | None:
    refusal = guard_decision_to_contest(ctx)
    if refusal:
        return refusal
    if ctx.case.execution_suspended:
        return _("The decision's execution is already suspended.")
    return None


def guard_suspended(ctx: GuardContext) -> str | None:
    if not ctx.case.execution_suspended:
        return _("The decision's execution is not suspended.")
    return None


def guard_measure_unreported(ctx: GuardContext) -> str | None:
    if not _status(ctx).unreported_measures:
        return _("No preventive measure awaits its report.")
    return None


def guard_measure_unreleased(ctx: GuardContext) -> str | None:
    if not _status(ctx).unreleased_measures:
        return _("No seized items or sealed site await release.")
    return None


def _step(ctx: GuardContext, values: dict[str, Any], key: str) -> Any:
    wanted = str(values.get(key) or "")
    return next((s for s in ctx.steps if str(s.pk) == wanted), None)


def validate_after(key: str, message: Any) -> Any:
    """The step cannot come before the one it answers (a report before the seizure)."""

    def validate(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
        earlier = _step(ctx, values, key)
        if earlier is not None and values["occurred_on"] < earlier.occurred_on:
            return {"occurred_on": str(message) % {"day": _day(earlier.occurred_on)}}
        same_day = earlier is not None and values["occurred_on"] == earlier.occurred_on
        if same_day and str(values.get("reported_at") or "99:99") < str(
            earlier.data.get("taken_at") or ""
        ):
            return {"reported_at": _("The report cannot come before the measure.")}
        return {}

    return validate
