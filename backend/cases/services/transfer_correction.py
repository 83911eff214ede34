"""Cases transferred after their sanction decision, as earlier versions allowed.

The transfer now belongs before the decision (LXLVPHC Art. 58(5)): a case the
ward decided is carried out by the ward. Earlier versions let a decided case be
transferred and gave it a fresh "decision due 10 working days from the record",
so an old case turned overdue at once. The correction clears that deadline and
its overdue flag, leaves the stage (the ward still records what the authority
did), and tells it in the case's history under the system account.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet

from backend.accounts.services import system_actor
from backend.audit.models import EventKind
from backend.audit.services import case_event_record
from backend.cases.models import CaseStep, DeadlineRuleCode, Stage, ViolationCase
from backend.cases.workflow.guards import DECISION_ACTIONS


@dataclass(frozen=True)
class TransferCorrection:
    case_code: str
    was_due: str
    overdue_since: str


def transfers_after_decision() -> QuerySet[ViolationCase]:
    """Transferred cases that hold a decision earlier than their transfer, with a
    "decision due" deadline still running."""
    decided_before = CaseStep.objects.filter(
        case=OuterRef("pk"), action__in=DECISION_ACTIONS
    ).filter(
        Exists(
            CaseStep.objects.filter(case=OuterRef("case"), action="transfer", id__gt=OuterRef("id"))
        )
    )
    return (
        ViolationCase.objects.filter(
            stage=Stage.TRANSFERRED,
            deadline_rule__code=DeadlineRuleCode.DECISION_TRANSFERRED,
        )
        .filter(Exists(decided_before))
        .order_by("id")
    )


@transaction.atomic
def transfers_after_decision_correct(*, dry_run: bool = False) -> list[TransferCorrection]:
    cases = list(transfers_after_decision().select_for_update())
    done = [
        TransferCorrection(
            case_code=case.code,
            was_due=case.stage_deadline.isoformat() if case.stage_deadline else "",
            overdue_since=case.overdue_since.isoformat() if case.overdue_since else "",
        )
        for case in cases
    ]
    if dry_run or not cases:
        return done
    actor = system_actor()
    for case, correction in zip(cases, done, strict=True):
        ViolationCase.objects.filter(pk=case.pk).update(
            stage_deadline=None,
            deadline_rule=None,
            stage_deadline_start={},
            overdue_since=None,
            version=F("version") + 1,
        )
        case_event_record(
            case=case,
            actor=actor,
            kind=EventKind.DEADLINE_CORRECTED,
            stage_before=case.stage,
            stage_after=case.stage,
            payload={
                "reason": "transferred_after_decision",
                "rule": DeadlineRuleCode.DECISION_TRANSFERRED.value,
                "was_due": correction.was_due,
                "was_overdue_since": correction.overdue_since,
                "basis": "LXLVPHC Art. 58(5): the transfer comes before the decision",
            },
        )
    return done
