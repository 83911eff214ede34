"""Backlog cases at the later stages: legalisation, notice, enforcement, transfer, MQĐ15."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from backend.audit.models import CaseEvent
from backend.cases.deadlines import deadline_from
from backend.cases.models import CaseImportKey, CaseStep, Outcome, Stage, ViolationCase
from tests.cases.conftest import seed_rules_and_calendar
from tests.imports.conftest import INSIDE_A
from tests.imports.workbooks import write_xlsx

pytestmark = pytest.mark.django_db
FILE = "so-theo-doi-giai-doan.xlsx"
# Header → the key used below; one header row, as a ward might type it.
COLUMNS = {
    "Mã hồ sơ": "code",
    "Ngày phát hiện": "detected",
    "Người vi phạm": "violator",
    "Địa chỉ người vi phạm": "violator_address",
    "Địa chỉ công trình": "address",
    "Hành vi (khoản)": "clause",
    "Tọa độ X": "x",
    "Tọa độ Y": "y",
    "Số biên bản": "record_number",
    "Ngày lập biên bản": "record_on",
    "Loại quyết định": "kind",
    "Số quyết định": "decision_number",
    "Ngày quyết định": "decision_on",
    "Số tiền phạt": "fine",
    "Biện pháp khắc phục": "remedy",
    "Ngày giao quyết định": "served",
    "Ngày nhận quyết định": "received",
    "Ngày chuyển hồ sơ": "transfer_on",
    "Số biên bản bàn giao": "handover",
    "Chuyển đến": "authority",
    "Số giấy phép được cấp": "permit",
    "Ngày cấp giấy phép": "permit_date",
    "Cơ quan cấp phép": "permit_issuer",
    "Ngày xuất trình giấy phép": "permit_shown",
    "Số thông báo tự phá dỡ": "notice",
    "Ngày thông báo tự phá dỡ": "notice_on",
    "Hình thức gửi thông báo": "notice_delivery",
    "Ngày nhận thông báo": "notice_delivered",
    "Số quyết định cưỡng chế": "enforcement",
    "Ngày quyết định cưỡng chế": "enforcement_on",
    "Số biên bản cưỡng chế": "enforced",
    "Ngày cưỡng chế": "enforced_on",
}
RECORDED = {"record_on": "28/04/2026"}
DECIDED = {**RECORDED, "decision_on": "08/05/2026", "fine": "35.000.000"}
LEGALISING = {**DECIDED, "remedy": "hợp thức hóa", "served": "11/05/2026"}
DEMOLISHING = {**DECIDED, "remedy": "phá dỡ", "served": "11/05/2026", "received": "12/05/2026"}


@pytest.fixture(autouse=True)
def _rules(db: Any) -> None:
    seed_rules_and_calendar()


def case_row(index: int, **values: Any) -> list[Any]:
    x, y = INSIDE_A
    row: dict[str, Any] = {
        "code": f"HS-{index:02d}",
        "detected": "24/04/2026",
        "violator": f"Nguyễn Văn {index}",
        "violator_address": f"{index} Lê Lợi",
        "address": f"{index} Đường Số 3",
        "clause": "khoản 7 Điều 16",
        "x": x,
        "y": y,
        "record_number": f"{index}/BB-VPHC",
        "decision_number": f"{index}/QĐ-XPHC" if "decision_on" in values else None,
        **values,
    }
    return [row.get(key) for key in COLUMNS.values()]


def register(path: Path, rows: list[list[Any]]) -> Path:
    return write_xlsx(path, [list(COLUMNS), *rows])


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_cases", str(path), "--ward", "90001", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def case_of(code: str) -> ViolationCase:
    return CaseImportKey.objects.get(key=f"code:hs {code}").case


def due(rule: str, case: ViolationCase, anchor: datetime.date) -> datetime.date:
    detected = datetime.date(2026, 4, 24)
    assert case.detected_at.date() == detected
    return deadline_from(rule, detected_on=detected, anchor=anchor).due


def test_each_later_stage_comes_in_through_its_workflow_step(ward_a: Any, tmp_path: Path) -> None:
    rows = [
        # The permit obtained within the legalisation period: the conformity check.
        case_row(
            1,
            **LEGALISING,
            permit="45/GPXD",
            permit_date="20/05/2026",
            permit_issuer="UBND Phường A",
            permit_shown="22/05/2026",
        ),
        # No permit by the end of the period (08/06): the notice to self-demolish.
        case_row(
            2,
            **LEGALISING,
            notice="7/TB-UBND",
            notice_on="15/06/2026",
            notice_delivery="Gửi bưu điện",
            notice_delivered="17/06/2026",
        ),
        # The demolition period ended 27/05: enforcement decided, then carried out.
        case_row(3, **DEMOLISHING, enforcement="3/QĐ-CCXP", enforcement_on="05/06/2026"),
        case_row(
            4,
            **DEMOLISHING,
            enforcement="4/QĐ-CCXP",
            enforcement_on="05/06/2026",
            enforced="2/BB-CC",
            enforced_on="20/06/2026",
        ),
        # Beyond the ward's competence: handed over to the inspectorate.
        case_row(
            5,
            **RECORDED,
            transfer_on="30/04/2026",
            handover="4/BB-BGHS",
            authority="Thanh tra Sở Xây dựng Thành phố Hồ Chí Minh",
        ),
        # Decided after the period to decide (11/05): remedial measures, no fine.
        case_row(
            6,
            **RECORDED,
            kind="Quyết định áp dụng biện pháp khắc phục hậu quả (MQĐ15)",
            decision_number="9/QĐ-KPHQ",
            decision_on="20/05/2026",
            served="22/05/2026",
            received="22/05/2026",
        ),
    ]
    output = run(register(tmp_path / FILE, rows))
    assert "6 vụ việc mới" in output, output

    conforming = case_of("01")
    assert conforming.stage == Stage.CONFORMITY_CHECK
    shown = conforming.steps.get(action="show_permit")
    assert shown.occurred_on == datetime.date(2026, 5, 22)
    assert shown.data["permit_number"] == "45/GPXD"
    assert shown.data["permit_date"] == "2026-05-20"
    assert shown.data["permit_issuer"] == "UBND Phường A"
    # The legalisation period from the decision (08/05) ran to 08/06: shown in time.
    assert (shown.deadline_due, shown.on_time) == (datetime.date(2026, 6, 8), True)
    assert conforming.stage_deadline == due(
        "conformity_check", conforming, datetime.date(2026, 5, 22)
    )

    noticed = case_of("02")
    assert noticed.stage == Stage.SELF_DEMOLITION
    notice = noticed.steps.get(action="legalisation_failed")
    assert notice.document_number == "7/TB-UBND"
    assert notice.data["reason"] == "window_expired"
    assert notice.data["delivery_method"] == "post"
    # The 15 days run from the postmark (17/06), not from the notice.
    assert noticed.stage_deadline == due(
        "demolish_after_notice", noticed, datetime.date(2026, 6, 17)
    )
    assert noticed.stage_deadline_start["on"] == "2026-06-17"

    enforcing = case_of("03")
    assert enforcing.stage == Stage.ENFORCEMENT
    decision = enforcing.steps.get(action="decide_enforcement")
    assert decision.document_number == "3/QĐ-CCXP"
    assert decision.data["measures"]  # the form's default measure, in Vietnamese
    assert enforcing.stage_deadline == due("enforce", enforcing, datetime.date(2026, 6, 5))

    enforced = case_of("04")
    assert (enforced.stage, enforced.outcome) == (Stage.CLOSED, Outcome.ENFORCED)
    assert enforced.closed_on == datetime.date(2026, 6, 20)
    assert enforced.steps.get(action="record_enforcement").document_number == "2/BB-CC"

    transferred = case_of("05")
    assert transferred.stage == Stage.TRANSFERRED
    handover = transferred.steps.get(action="transfer")
    assert handover.document_number == "4/BB-BGHS"
    assert handover.data["authority"] == "thanh-tra-so-xay-dung"
    assert transferred.stage_deadline == due(
        "decision_transferred", transferred, datetime.date(2026, 4, 28)
    )

    remedied = case_of("06")
    assert remedied.stage == Stage.SELF_DEMOLITION
    remedy = remedied.steps.get(action="issue_remedy_decision")
    assert remedy.document_number == "9/QĐ-KPHQ"
    assert remedy.data["no_fine_reason"] == "period_over"
    assert remedy.data["remedy"] == "demolish"
    assert remedy.on_time is False  # past the period to decide, as its reason says
    assert remedied.stage_deadline_start["event"] == "receipt"

    # Every step names the file and row; past numbers recorded, no document made.
    for case in (conforming, noticed, enforced, transferred, remedied):
        row = CaseImportKey.objects.get(case=case).source_row
        events = CaseEvent.objects.filter(case_id=case.pk).order_by("id")
        assert {e.payload["imported"]["row"] for e in events} == {row}
        assert all(e.payload["imported"]["file"] == FILE for e in events)
        assert not any(s.attachment for s in case.steps.all())
    assert CaseStep.objects.filter(document_type="TRANSFER_HANDOVER").count() == 1


def test_a_stage_missing_its_dates_or_out_of_order_is_refused_row_by_row(
    ward_a: Any, tmp_path: Path
) -> None:
    rows = [
        # The decision dated before the record.
        case_row(1, **{**DECIDED, "remedy": "phá dỡ", "decision_on": "20/04/2026"}),
        # A notice without its delivery.
        case_row(2, **LEGALISING, notice="8/TB-UBND", notice_on="15/06/2026"),
        # A transfer and a decision of the ward's own.
        case_row(
            3,
            **DECIDED,
            remedy="phá dỡ",
            transfer_on="30/04/2026",
            handover="5",
            authority="so-xay-dung",
        ),
        # MQĐ15 with a fine.
        case_row(4, **RECORDED, kind="MQĐ15", decision_on="20/05/2026", fine="1.000.000"),
        # A handover without its number, to an authority no one listed.
        case_row(5, **RECORDED, transfer_on="30/04/2026", authority="Công an phường"),
        # Enforcement decided within the demolition period (it ends 27/05).
        case_row(6, **DEMOLISHING, enforcement="6/QĐ-CCXP", enforcement_on="20/05/2026"),
        # The handover to an authority no one listed.
        case_row(
            7, **RECORDED, transfer_on="30/04/2026", handover="6/BB-BGHS", authority="Công an"
        ),
        # Enforcement carried out without a decision.
        case_row(8, **DEMOLISHING, enforced="3/BB-CC", enforced_on="20/06/2026"),
    ]
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_cases", str(register(tmp_path / FILE, rows)), "--ward", "90001",
            stdout=out, stderr=StringIO(),
        )  # fmt: skip
    output = out.getvalue()
    assert "0 vụ việc mới" in output and "8 bị từ chối" in output, output
    assert (
        "Dòng 2, cột M — Ngày quyết định (“20/04/2026”): Ngày này trước ngày lập biên bản "
        "(28/04/2026)"
    ) in output
    assert "Dòng 3, cột AA — Hình thức gửi thông báo" in output
    assert "Dòng 3, cột AB — Ngày nhận thông báo" in output
    assert "Dòng 4, cột M — Ngày quyết định" in output
    assert "do người có thẩm quyền ra quyết định" in output
    assert "Dòng 5, cột N — Số tiền phạt (“1.000.000”)" in output
    assert "Dòng 6, cột S — Số biên bản bàn giao" in output
    assert "Ghi đủ cả số và ngày của văn bản này." in output
    assert "Dòng 7, cột AD — Ngày quyết định cưỡng chế (“20/05/2026”)" in output
    assert "27/05/2026" in output
    assert "Dòng 8, cột T — Chuyển đến (“Công an”)" in output
    assert "Thanh tra Sở Xây dựng Thành phố Hồ Chí Minh" in output
    assert "Dòng 9, cột AF — Ngày cưỡng chế" in output
    assert not ViolationCase.objects.exists()
    assert not CaseStep.objects.exists()
