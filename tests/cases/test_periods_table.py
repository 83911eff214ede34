"""Hand-computed periods driven through POST /api/cases/{id}/transitions/.

Each row names its dates and how they were counted, against the seeded
civil-service calendar: Tết 2026 (rest 14–22/2), 30/4–1/5, 2/9 with the swap of
Monday 31/8 for Saturday 22/8/2026, New Year with Saturday 10/1/2026 worked,
year ends, and the end of the seeded table (2027).
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.checks import run_checks
from django.test import Client

from backend.cases.models import CaseStep, Stage, ViolationCase
from backend.cases.services.opening import case_open
from tests.cases.conftest import SITE, data_for

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=HCM)


class Walk:
    """One case moved through the API by the ward's inspector and leader, "today" fixed."""

    def __init__(self, api: Any, people: dict[str, Any], detected_on: datetime.date, **kw: Any):
        self.api, self.people = api, people
        self.case = case_open(
            actor=people["inspector"],
            location=SITE,
            violation_type=kw.pop("violation_type", "art16_7"),
            detected_at=at(detected_on),
        )

    def post(self, role: str, action: str, day: datetime.date, **extra: Any) -> Any:
        body = {"action": action, **data_for(action, day, **extra)}
        return self.api(self.people[role], "en").post(
            f"/api/cases/{self.case.pk}/transitions/", body, format="json"
        )

    def take(self, role: str, action: str, day: datetime.date, **extra: Any) -> dict[str, Any]:
        response = self.post(role, action, day, **extra)
        assert response.status_code == 200, response.json()
        return dict(response.json()["properties"])

    def fresh(self) -> ViolationCase:
        return ViolationCase.objects.get(pk=self.case.pk)

    def last_step(self) -> CaseStep:
        return CaseStep.objects.filter(case=self.case).latest("id")


@pytest.fixture
def people(inspector_a: Any, leader_a: Any) -> dict[str, Any]:
    return {"inspector": inspector_a, "leader": leader_a}


def errors(response: Any) -> str:
    return str(response.json())


# --- 3. A decision after its period fines no more ------------------------------------
# Record Fri 13/2/2026; rest 14–22/2 (Tết); WD 1–5 = 23–27/2, 6 = Mon 2/3, 7 = Tue 3/3.
@pytest.mark.parametrize(
    ("decided_on", "fines"),
    [(D(2026, 3, 3), True), (D(2026, 3, 4), False)],
    ids=["on the 7th working day after Tết", "the day after"],
)
def test_a_sanction_decision_fines_only_within_seven_working_days_of_the_record(
    api: Any, people: Any, decided_on: datetime.date, fines: bool
) -> None:
    with time_machine.travel(at(D(2026, 3, 5)), tick=False):
        walk = Walk(api, people, D(2026, 2, 12))
        walk.take("inspector", "record_violation", D(2026, 2, 13))
        assert walk.fresh().stage_deadline == D(2026, 3, 3)
        response = walk.post("leader", "issue_sanction_decision", decided_on)
        if fines:
            assert response.status_code == 200
            # The form's proposal: clause 7, an individual house (tier a), 60–80M for an
            # organisation, half for an individual: the midpoint of 30–40M.
            assert walk.last_step().data["fine_amount"] == 35_000_000
            return
        assert response.status_code == 400
        assert "03/03/2026" in errors(response) and "MQĐ15" in errors(response)
        assert walk.fresh().stage == Stage.SUSPENDED
        assert not CaseStep.objects.filter(case=walk.case, action="issue_sanction_decision")
        # The remedy-only decision is what is offered instead.
        actions = walk.api(people["leader"], "en").get(f"/api/cases/{walk.case.pk}/actions/")
        offered = [a["action"] for a in actions.json()["actions"]]
        assert "issue_remedy_decision" in offered
        remedy = next(
            a for a in actions.json()["actions"] if a["action"] == "issue_remedy_decision"
        )
        assert {f["name"]: f["initial"] for f in remedy["fields"]}["no_fine_reason"] == (
            "period_over"
        )
        case = walk.take("leader", "issue_remedy_decision", decided_on)
    step = walk.last_step()
    assert case["stage"] == Stage.HALTED
    assert (step.document_type, step.document_number) == ("REMEDY", "1/QĐ-KPHQ")
    assert "fine_amount" not in step.data and step.data["remedy"] == "demolish"
    assert (step.on_time, step.days_late) == (False, 1)


def test_the_remedy_only_decision_is_refused_while_a_fine_can_still_be_imposed(
    api: Any, people: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 3)), tick=False):
        walk = Walk(api, people, D(2026, 2, 12))
        walk.take("inspector", "record_violation", D(2026, 2, 13))
        response = walk.post("leader", "issue_remedy_decision", D(2026, 3, 3))
    assert response.status_code == 409
    assert "03/03/2026" in errors(response)


# Record Fri 30/1/2026, explanation: one month, 28/2 and 1/3 weekend → Mon 2/3;
# extended by one month from 2/3 → Thu 2/4/2026.
def test_the_period_after_an_explanation_may_be_extended_once_within_it(
    api: Any, people: Any
) -> None:
    with time_machine.travel(at(D(2026, 4, 6)), tick=False):
        walk = Walk(api, people, D(2026, 1, 29))
        walk.take("inspector", "record_violation", D(2026, 1, 30))
        walk.take("inspector", "request_explanation", D(2026, 2, 2))
        assert walk.fresh().stage_deadline == D(2026, 3, 2)
        late = walk.post("leader", "extend_decision_period", D(2026, 3, 3))
        assert late.status_code == 400 and "02/03/2026" in errors(late)
        walk.take("leader", "extend_decision_period", D(2026, 3, 2))
        case = walk.fresh()
        assert (case.stage_deadline, case.deadline_rule.code) == (
            D(2026, 4, 2),
            "decision_extension",
        )
        assert walk.post("leader", "extend_decision_period", D(2026, 3, 5)).status_code == 409
        assert walk.post("leader", "issue_sanction_decision", D(2026, 4, 3)).status_code == 400
        walk.take("leader", "issue_sanction_decision", D(2026, 4, 2))


# Recorded Fri 13/02/2026, just before Tết: a verification makes the decision due one
# month after the record, Fri 13/03/2026 (Art. 66(1)); once extended, Mon 13/04/2026.
def test_a_verification_gives_one_month_from_the_record_extendable_once(
    api: Any, people: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 10)), tick=False):
        walk = Walk(api, people, D(2026, 2, 12))
        walk.take("inspector", "record_violation", D(2026, 2, 13))
        # 7 WD across Tết (off 14–22/02): Mon 23/02 is the first, Tue 03/03 the seventh.
        assert walk.fresh().stage_deadline == D(2026, 3, 3)
        refused = walk.post("inspector", "start_verification", D(2026, 2, 24))
        assert refused.status_code == 403  # the chairman orders it, not the inspector
        walk.take("leader", "start_verification", D(2026, 2, 24))
        case = walk.fresh()
        assert (case.stage_deadline, case.deadline_rule.code) == (
            D(2026, 3, 13),
            "decision_verification",
        )
        assert walk.post("leader", "start_verification", D(2026, 2, 25)).status_code == 409
        walk.take("leader", "extend_decision_period", D(2026, 3, 10))
        assert walk.fresh().stage_deadline == D(2026, 4, 13)


# Detected Thu 17/7/2025: two years end Sat 17/7/2027 → Mon 19/7/2027, although the
# 7 working days from the record of Tue 13/7/2027 run to Thu 22/7.
def test_after_the_two_year_limitation_only_the_remedial_measures_are_decided(
    api: Any, people: Any
) -> None:
    with time_machine.travel(at(D(2027, 7, 20)), tick=False):
        walk = Walk(api, people, D(2025, 7, 17))
        walk.take("inspector", "record_violation", D(2027, 7, 13))
        assert walk.fresh().stage_deadline == D(2027, 7, 22)
        refused = walk.post("leader", "issue_sanction_decision", D(2027, 7, 20))
        assert refused.status_code == 400
        assert "19/07/2027" in errors(refused) and "limitation" in errors(refused)
        wrong_reason = walk.post(
            "leader", "issue_remedy_decision", D(2027, 7, 20), no_fine_reason="period_over"
        )
        assert wrong_reason.status_code == 400 and "no_fine_reason" in wrong_reason.json()
        walk.take("leader", "issue_remedy_decision", D(2027, 7, 20), no_fine_reason="limitation")
    assert walk.fresh().stage == Stage.HALTED


def test_on_the_last_day_of_the_limitation_a_fine_is_still_imposed(api: Any, people: Any) -> None:
    with time_machine.travel(at(D(2027, 7, 19)), tick=False):
        walk = Walk(api, people, D(2025, 7, 17))
        walk.take("inspector", "record_violation", D(2027, 7, 13))
        walk.take("leader", "issue_sanction_decision", D(2027, 7, 19))


# --- 4. Art. 81(2): the notice to self-demolish --------------------------------------
def _legalising(api: Any, people: Any) -> Walk:
    """Record Mon 5/1/2026; WD: 6, 7, 8, 9, Sat 10/1 (worked for Fri 2/1), 12, 13 → 13/1.
    Decision Tue 13/1 (legalise): 30 days from its issue → Thu 12/2/2026."""
    walk = Walk(api, people, D(2026, 1, 5))
    walk.take("inspector", "record_violation", D(2026, 1, 5))
    assert walk.fresh().stage_deadline == D(2026, 1, 13)
    walk.take("leader", "issue_sanction_decision", D(2026, 1, 13), remedy="legalise")
    walk.take("inspector", "serve_decision_legalise", D(2026, 1, 14))
    assert walk.fresh().stage_deadline == D(2026, 2, 12)
    return walk


def test_the_notice_runs_fifteen_days_from_its_postmark_not_from_the_notice(
    api: Any, people: Any
) -> None:
    with time_machine.travel(at(D(2026, 2, 20)), tick=False):
        walk = _legalising(api, people)
        early = walk.post("leader", "legalisation_failed", D(2026, 2, 12))
        assert early.status_code == 400 and "12/02/2026" in str(early.json()["reason"])
        before_sent = walk.post(
            "leader", "legalisation_failed", D(2026, 2, 13), delivered_on="2026-02-12"
        )
        assert before_sent.status_code == 400 and "delivered_on" in before_sent.json()
        # Sent Fri 13/2, postmark Sat 14/2: 15 days → Sun 1/3 → Mon 2/3/2026.
        walk.take("leader", "legalisation_failed", D(2026, 2, 13), delivered_on="2026-02-14")
    case, step = walk.fresh(), walk.last_step()
    assert case.stage == Stage.SELF_DEMOLITION
    assert (case.stage_deadline, case.deadline_rule.code) == (
        D(2026, 3, 2),
        "demolish_after_notice",
    )
    assert (step.document_type, step.document_number) == ("DEMOLISH_NOTICE", "1/TB-UBND")
    assert step.data["delivered_on"] == "2026-02-14" and step.data["delivery_method"] == "post"


def test_a_refused_permit_may_be_the_reason_before_the_window_ends(api: Any, people: Any) -> None:
    with time_machine.travel(at(D(2026, 2, 12)), tick=False):
        walk = _legalising(api, people)
        actions = walk.api(people["leader"], "en").get(f"/api/cases/{walk.case.pk}/actions/")
        notice = next(a for a in actions.json()["actions"] if a["action"] == "legalisation_failed")
        reasons = {f["name"]: f for f in notice["fields"]}["reason"]
        assert "window_expired" not in {c["value"] for c in reasons["choices"]}
        walk.take("leader", "legalisation_failed", D(2026, 2, 12), reason="permit_refused")


# Postmark Fri 7/8/2026 + 15 days = Sat 22/8/2026, a Saturday the civil service works
# (for Monday 31/8): the citizen's period still rolls, to Mon 24/8 (deadlines.py).
def test_a_citizens_period_ending_on_a_swap_saturday_rolls_to_monday(api: Any, people: Any) -> None:
    with time_machine.travel(at(D(2026, 8, 10)), tick=False):
        walk = Walk(api, people, D(2026, 6, 1))
        walk.take("inspector", "record_violation", D(2026, 6, 1))
        walk.take("leader", "issue_sanction_decision", D(2026, 6, 2), remedy="legalise")
        walk.take("inspector", "serve_decision_legalise", D(2026, 6, 3))
        walk.take("leader", "legalisation_failed", D(2026, 8, 7), delivered_on="2026-08-07")
    assert walk.fresh().stage_deadline == D(2026, 8, 24)


# --- 5. Transfer before the decision, judged against its own SLA ---------------------
@pytest.mark.parametrize(
    ("record_on", "transfer_on", "on_time", "decision_due"),
    [
        # 1 WD after Tue 3/3/2026 is Wed 4/3; 10 WD → Tue 17/3.
        (D(2026, 3, 3), D(2026, 3, 4), True, D(2026, 3, 17)),
        (D(2026, 3, 3), D(2026, 3, 5), False, D(2026, 3, 17)),
        # Wed 29/4: 30/4, 1/5 holidays, weekend → 1 WD = Mon 4/5; 10 WD → Fri 15/5.
        (D(2026, 4, 29), D(2026, 5, 4), True, D(2026, 5, 15)),
        # Fri 28/8: Mon 31/8 swapped off, 1–2/9 National Day → 1 WD = Thu 3/9; 10 WD → 16/9.
        (D(2026, 8, 28), D(2026, 9, 3), True, D(2026, 9, 16)),
        # Thu 24/12/2026: 25, 28–31/12, 1/1/2027 holiday → 10 WD = Fri 8/1/2027.
        (D(2026, 12, 24), D(2026, 12, 28), False, D(2027, 1, 8)),
    ],
)
def test_a_transfer_after_the_record_is_timed_by_its_sla_and_the_decision_by_ten_days(
    api: Any,
    people: Any,
    record_on: datetime.date,
    transfer_on: datetime.date,
    on_time: bool,
    decision_due: datetime.date,
) -> None:
    with time_machine.travel(at(transfer_on + datetime.timedelta(days=1)), tick=False):
        walk = Walk(api, people, record_on)
        walk.take("inspector", "record_violation", record_on)
        case = walk.take("leader", "transfer", transfer_on)
    step = walk.last_step()
    assert case["stage"] == Stage.TRANSFERRED
    assert (step.deadline_rule, step.on_time) == ("transfer", on_time)
    assert case["deadline"]["due"] == decision_due.isoformat()
    assert case["deadline"]["rule"] == "decision_transferred"
    assert (step.data["authority"], step.data["reason"]) == ("so-xay-dung", "Vượt thẩm quyền")
    # The record of handing the file over is numbered in its own series.
    assert (step.document_type, step.document_number) == ("TRANSFER_HANDOVER", "1/BB-BGHS")


@pytest.mark.parametrize(
    "stage",
    [
        Stage.DETECTED,
        Stage.HALTED,
        Stage.LEGALISING,
        Stage.SELF_DEMOLITION,
        Stage.ENFORCEMENT,
        Stage.TRANSFERRED,
    ],
)
def test_no_transfer_from_a_stage_other_than_the_record(
    api: Any, people: Any, case_at: Any, stage: str
) -> None:
    case = case_at(stage)
    before = (case.stage_deadline, case.version)
    response = api(people["leader"], "en").post(
        f"/api/cases/{case.pk}/transitions/",
        {"action": "transfer", **data_for("transfer", case.stage_since or D(2026, 1, 5))},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "wrong_stage"
    case.refresh_from_db()
    assert (case.stage_deadline, case.version) == before


def test_a_transfer_names_an_authority_of_the_list(api: Any, people: Any) -> None:
    with time_machine.travel(at(D(2026, 3, 4)), tick=False):
        walk = Walk(api, people, D(2026, 3, 3))
        walk.take("inspector", "record_violation", D(2026, 3, 3))
        response = walk.post("leader", "transfer", D(2026, 3, 4), authority="Sở nào đó")
        assert response.status_code == 400 and "authority" in response.json()
        walk.take("leader", "transfer", D(2026, 3, 4))
        actions = walk.api(people["leader"], "en").get(f"/api/cases/{walk.case.pk}/actions/")
    receive = next(a for a in actions.json()["actions"] if a["action"] == "receive_decision")
    initial = {f["name"]: f["initial"] for f in receive["fields"]}
    assert initial["authority"] == "Sở Xây dựng Thành phố Hồ Chí Minh"


# --- 7. Past the seeded calendar --------------------------------------------------------
def test_a_year_end_count_within_the_table_uses_its_holidays(api: Any, people: Any) -> None:
    # Thu 24/12/2026: 25, 28, 29, 30, 31/12, (1/1/2027 holiday), 4/1, 5/1 → 7 WD = 5/1/2027.
    with time_machine.travel(at(D(2026, 12, 24)), tick=False):
        walk = Walk(api, people, D(2026, 12, 23))
        case = walk.take("inspector", "record_violation", D(2026, 12, 24))
    assert case["deadline"]["due"] == "2027-01-05"
    assert case["deadline"]["beyond_calendar"] is False


def test_a_count_past_the_last_seeded_year_warns_on_the_case_and_to_the_admin(
    api: Any, people: Any
) -> None:
    # Fri 24/12/2027: 27–31/12 (5), then 2028, not entered: 3/1, 4/1 → Tue 4/1/2028,
    # weekends only (the day in lieu of New Year 2028, a Saturday, is unknown).
    with time_machine.travel(at(D(2027, 12, 24)), tick=False):
        walk = Walk(api, people, D(2027, 12, 23))
        case = walk.take("inspector", "record_violation", D(2027, 12, 24))
        page = Client()
        page.force_login(people["inspector"])
        html = page.get(f"/cases/{walk.case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        warnings = {w.id: w for w in run_checks(databases=["default"])}
    assert case["deadline"]["due"] == "2028-01-04"
    assert case["deadline"]["beyond_calendar"] is True
    assert case["deadline"]["calendar_until"] == "2027-12-31"
    assert 'data-testid="calendar-warning"' in html and "31/12/2027" in html
    assert "cases.W001" in warnings and "31/12/2027" in warnings["cases.W001"].msg
    event = walk.fresh().events.latest("id")
    assert event.payload["next_deadline"]["beyond_calendar"] is True


def test_a_table_ending_soon_warns_before_any_count_passes_it(db: Any) -> None:
    with time_machine.travel(at(D(2027, 10, 1)), tick=False):
        ids = {w.id for w in run_checks(databases=["default"])}
    assert "cases.W002" in ids
    with time_machine.travel(at(D(2027, 3, 1)), tick=False):
        ids = {w.id for w in run_checks(databases=["default"])}
    assert not {"cases.W001", "cases.W002"} & ids


# --- 6. Document symbols ---------------------------------------------------------------
def test_a_configured_symbol_applies_to_new_numbers_and_old_numbers_stay(
    ward_a: Any, settings: Any
) -> None:
    from backend.cases.services.numbering import document_number_take

    assert document_number_take(ward=ward_a, document_type="MQD11", year=2026)[1] == "1/QĐ-CCXP"
    settings.TTXD_DOCUMENT_SYMBOLS = {"DEMOLISH_NOTICE": "TB-UBNDP"}
    assert document_number_take(ward=ward_a, document_type="DEMOLISH_NOTICE", year=2026)[1] == (
        "1/TB-UBNDP"
    )
    assert document_number_take(ward=ward_a, document_type="MQD11", year=2026)[1] == "2/QĐ-CCXP"


# --- The documents of the two new steps --------------------------------------------------
def _docx_text(api: Any, user: Any, case: Any, kind: str) -> str:
    import io

    from docx import Document

    response = api(user, "en").get(f"/api/cases/{case.pk}/documents/{kind}/")
    assert response.status_code == 200, response.content
    doc = Document(io.BytesIO(response.content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_the_remedy_only_decision_prints_as_mqd15_without_a_fine(api: Any, people: Any) -> None:
    with time_machine.travel(at(D(2026, 3, 5)), tick=False):
        walk = Walk(api, people, D(2026, 2, 12))
        walk.take("inspector", "record_violation", D(2026, 2, 13))
        walk.take("leader", "issue_remedy_decision", D(2026, 3, 4), remedy_days="20")
        text = _docx_text(api, people["leader"], walk.case, "REMEDY")
    for expected in (
        "Số: 1/QĐ-KPHQ",
        "Áp dụng biện pháp khắc phục hậu quả",
        "Không ra quyết định xử phạt",
        "đã quá thời hạn ra quyết định xử phạt",
        "Biên bản vi phạm hành chính số 1/BB-VPHC",
        "Buộc phá dỡ công trình, phần công trình xây dựng vi phạm",
        "trong thời hạn 20 ngày kể từ ngày nhận quyết định",
        "Nguyễn Văn Bình",
    ):
        assert expected in text, expected
    assert "Phạt tiền" not in text


def test_the_notice_to_self_demolish_prints_its_postmark_and_fifteen_days(
    api: Any, people: Any
) -> None:
    with time_machine.travel(at(D(2026, 2, 20)), tick=False):
        walk = _legalising(api, people)
        walk.take("leader", "legalisation_failed", D(2026, 2, 13), delivered_on="2026-02-14")
        text = _docx_text(api, people["leader"], walk.case, "DEMOLISH_NOTICE")
    for expected in (
        "Số: 1/TB-UBND",
        "THÔNG BÁO",
        "khoản 2 Điều 81 Nghị định số 16/2022/NĐ-CP",
        "Quyết định xử phạt vi phạm hành chính số 1/QĐ-XPHC",
        "15 ngày kể từ ngày nhận thông báo",
        "14/02/2026",
        "hết thời hạn mà không xuất trình giấy phép",
    ):
        assert expected in text, expected
