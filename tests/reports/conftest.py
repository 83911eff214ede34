"""A small constructed city whose audit figures are known in advance.

Today is Monday 16/03/2026. Ward A (code 90001) and ward B (90002):

    case  ward type     detected     steps (legal dates)                          now
    A1    A    art16_7  05/01/2026   →suspended 07/01 (on time)                   closed
                                     →halted 20/01 (due 16/01: 4 days late)
                                     →closed 10/02 (on time)
    A2    A    art16_7  02/02/2026   →suspended 04/02 (on time)                   suspended, due 13/02: overdue
    A3    A    art16_7  10/03/2026   —                                            detected, due 20/03
    B1    B    art16_9  02/03/2026   —                                            detected, due 04/03: overdue
    B2    B    art16_7  15/01/2026   →suspended 26/01 (due 19/01: 7 days late)    suspended, due 01/04
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from backend.audit.services import case_event_record
from backend.cases.models import Stage, ViolationType
from tests.factories import CaseFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2026, 3, 16)
NOW = datetime.datetime(2026, 3, 16, 9, 30, tzinfo=HCM)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def deadline(due: str, rule: str = "decision") -> dict[str, str]:
    return {"due": due, "rule": rule, "basis": f"Basis of {rule}"}


def opened(case: Any, actor: Any, due: str) -> Any:
    return case_event_record(
        case=case,
        actor=actor,
        kind="opened",
        stage_after=Stage.DETECTED,
        payload={
            "occurred_on": case.detected_at.astimezone(HCM).date().isoformat(),
            "code": case.code,
            "stage_deadline": due,
            "deadline": deadline(due, "record"),
        },
    )


def step(
    case: Any,
    actor: Any,
    before: str,
    after: str,
    on: str,
    *,
    due: str | None,
    on_time: bool | None,
    days_late: int = 0,
    document: dict[str, str] | None = None,
    next_due: str | None = None,
    action: str = "record_violation",
    note: str = "",
) -> Any:
    labels = {
        "record_violation": "Make the violation record and order building to stop",
        "issue_sanction_decision": "Issue the sanction decision",
        "close": "Close the case",
    }
    """A workflow step, as the contract's "stage_changed" event."""
    return case_event_record(
        case=case,
        actor=actor,
        kind="stage_changed",
        stage_before=before,
        stage_after=after,
        payload={
            "action": action,
            "action_label": labels.get(action, action),
            "occurred_on": on,
            "document": document,
            "deadline": deadline(due) if due else None,
            "on_time": on_time,
            "days_late": days_late,
            "next_deadline": deadline(next_due) if next_due else None,
            "note": note,
            "data": {},
        },
    )


@dataclass
class City:
    a1: Any
    a2: Any
    a3: Any
    b1: Any
    b2: Any


def _case(ward: Any, actor: Any, detected: str, stage: str, due: str | None, **kw: Any) -> Any:
    return CaseFactory(
        ward=ward,
        opened_by=actor,
        detected_at=datetime.datetime.combine(day(detected), datetime.time(9), tzinfo=HCM),
        stage=stage,
        stage_deadline=day(due) if due else None,
        **kw,
    )


@pytest.fixture
def city(ward_a: Any, ward_b: Any, inspector_a: Any, inspector_b: Any, leader_a: Any) -> City:
    a1 = _case(ward_a, inspector_a, "2026-01-05", Stage.CLOSED, None, address="1 Lê Lợi")
    opened(a1, inspector_a, "2026-01-07")
    step(a1, inspector_a, Stage.DETECTED, Stage.SUSPENDED, "2026-01-07", due="2026-01-07",
         on_time=True, document={"type": "MBB01", "number": "1/BB-VPHC", "date": "2026-01-07",
                                 "signer": "Nguyễn Văn Thanh Tra"}, next_due="2026-01-16")  # fmt: skip
    step(a1, leader_a, Stage.SUSPENDED, Stage.HALTED, "2026-01-20", due="2026-01-16",
         on_time=False, days_late=4, action="issue_sanction_decision",
         document={"type": "MQD02", "number": "7/QĐ-XPHC", "date": "2026-01-20",
                   "signer": "Trần Chủ Tịch"})  # fmt: skip
    step(a1, leader_a, Stage.HALTED, Stage.CLOSED, "2026-02-10", due="2026-02-15", on_time=True,
         action="close")  # fmt: skip

    a2 = _case(ward_a, inspector_a, "2026-02-02", Stage.SUSPENDED, "2026-02-13")
    opened(a2, inspector_a, "2026-02-04")
    step(a2, inspector_a, Stage.DETECTED, Stage.SUSPENDED, "2026-02-04", due="2026-02-04",
         on_time=True, next_due="2026-02-13")  # fmt: skip

    a3 = _case(ward_a, inspector_a, "2026-03-10", Stage.DETECTED, "2026-03-20")
    opened(a3, inspector_a, "2026-03-12")

    b1 = _case(ward_b, inspector_b, "2026-03-02", Stage.DETECTED, "2026-03-04",
               violation_type=ViolationType.CLAUSE_9)  # fmt: skip
    opened(b1, inspector_b, "2026-03-04")

    b2 = _case(ward_b, inspector_b, "2026-01-15", Stage.SUSPENDED, "2026-04-01")
    opened(b2, inspector_b, "2026-01-19")
    step(b2, inspector_b, Stage.DETECTED, Stage.SUSPENDED, "2026-01-26", due="2026-01-19",
         on_time=False, days_late=7, next_due="2026-04-01")  # fmt: skip
    return City(a1, a2, a3, b1, b2)
