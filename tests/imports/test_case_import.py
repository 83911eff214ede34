"""Importing a ward's open-case backlog: each case at its stage, through the workflow's rules."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from backend.accounts.models import Role
from backend.audit.models import CaseEvent
from backend.cases.documents.generation import document_generate
from backend.cases.models import CaseImportKey, CaseStep, Stage, ViolationCase
from backend.cases.services.transition import case_transition
from backend.core.errors import InvalidInput
from tests.cases.conftest import data_for, open_case, seed_rules_and_calendar
from tests.factories import UserFactory
from tests.imports.conftest import INSIDE_A, INSIDE_A_2, vn2000
from tests.imports.workbooks import write_csv, write_xlsx

pytestmark = pytest.mark.django_db

TITLE = ["SỔ THEO DÕI XỬ LÝ VI PHẠM TRẬT TỰ XÂY DỰNG — PHƯỜNG A"]
TOP = [
    "STT",
    "Ngày phát hiện",
    "Người vi phạm",
    None,
    "Địa chỉ công trình",
    "Hành vi (khoản)",
    "Tọa độ (VN-2000)",
    None,
    "Biên bản",
    None,
    "Quyết định xử phạt",
    None,
    None,
    "Biện pháp khắc phục",
    "Ngày giao quyết định",
    "Ngày nhận quyết định",
]
BOTTOM = [None, None, "Họ tên", "Địa chỉ", None, None, "X", "Y", "Số", "Ngày", "Số", "Ngày"]
BOTTOM += ["Số tiền phạt", None, None, None]
MERGES = [f"{c}3:{c}4" for c in "ABEFNOP"] + ["C3:D3", "G3:H3", "I3:J3", "K3:M3"]
FILE = "so-theo-doi-vi-pham.xlsx"


@pytest.fixture(autouse=True)
def _rules(db: Any) -> None:
    seed_rules_and_calendar()


def case_row(index: int, **overrides: Any) -> list[Any]:
    x, y = overrides.pop("xy", INSIDE_A)
    row: dict[str, Any] = {
        "stt": index,
        "detected": "24/04/2026",
        "violator": f"Nguyễn Văn {index}",
        "violator_address": f"{index} Lê Lợi, Phường A",
        "address": f"{index} Đường Số 3",
        "clause": "khoản 7 Điều 16",
        "x": x,
        "y": y,
        "record_number": None,
        "record_on": None,
        "decision_number": None,
        "decision_on": None,
        "fine": None,
        "remedy": None,
        "served": None,
        "received": None,
    }
    row.update(overrides)
    return list(row.values())


def recorded(index: int, number: int, **overrides: Any) -> list[Any]:
    return case_row(index, record_number=f"{number}/BB-VPHC", record_on="28/04/2026", **overrides)


def decided(index: int, record: int, decision: int, remedy: str, **overrides: Any) -> list[Any]:
    values = {
        "record_number": f"{record}/BB-VPHC",
        "record_on": "28/04/2026",
        "decision_number": f"{decision}/QĐ-XPHC",
        "decision_on": "08/05/2026",
        "fine": "35.000.000",
        "remedy": remedy,
        **overrides,
    }
    return case_row(index, **values)


def register(path: Path, rows: list[list[Any]]) -> Path:
    return write_xlsx(path, [TITLE, [], TOP, BOTTOM, *rows], merges=MERGES, sheet="Sổ vi phạm")


def run_import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_cases", str(path), "--ward", "90001", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def imported_case(row: int) -> ViolationCase:
    return CaseImportKey.objects.select_related("case").get(source_row=row).case


def test_cases_come_in_at_their_stage_with_deadlines_from_the_paper_dates(
    ward_a: Any, tmp_path: Path
) -> None:
    path = register(
        tmp_path / FILE,
        [
            recorded(1, 12),
            decided(2, 13, 5, "Phá dỡ"),
            decided(3, 14, 6, "Hợp thức hóa (xin cấp phép)", served="11/05/2026"),
            # Serial dates, and Tết 2026 (holidays 16–20/02) inside the period to decide.
            decided(
                4,
                3,
                2,
                "phá dỡ",
                detected=46066,  # 13/02/2026
                record_on=46066,
                decision_on="02/03/2026",
                served="04/03/2026",
                received="05/03/2026",
            ),
        ],
    )
    output = run_import(path)
    assert "4 vụ việc mới" in output, output

    only_recorded = imported_case(5)
    assert only_recorded.stage == Stage.SUSPENDED
    record = only_recorded.steps.get(action="record_violation")
    # Detected Fri 24/04/2026: the record was due two working days later, past the
    # Sunday holiday 26/04 and the day in lieu 27/04: Wed 29/04. Made on Tue 28/04.
    assert record.deadline_due == datetime.date(2026, 4, 29)
    assert record.on_time is True
    assert (record.document_number, record.document_year) == ("12/BB-VPHC", 2026)
    # Seven working days from the record, skipping 30/04, 01/05 and the weekend: 11/05.
    assert only_recorded.stage_deadline == datetime.date(2026, 5, 11)
    assert only_recorded.violator_name == "Nguyễn Văn 1"
    assert only_recorded.violator_address == "1 Lê Lợi, Phường A"
    assert only_recorded.address == "1 Đường Số 3"
    assert only_recorded.violation_type == "art16_7"
    assert only_recorded.location.x == pytest.approx(106.69, abs=1e-6)

    halted = imported_case(6)
    assert halted.stage == Stage.HALTED
    decision = halted.steps.get(action="issue_sanction_decision")
    assert decision.document_number == "5/QĐ-XPHC"
    assert decision.data["fine_amount"] == 35_000_000
    assert decision.data["remedy"] == "demolish"
    assert decision.on_time is True
    # Served within three working days of Fri 08/05/2026: by Wed 13/05.
    assert halted.stage_deadline == datetime.date(2026, 5, 13)

    legalising = imported_case(7)
    assert legalising.stage == Stage.LEGALISING
    # Thirty days from the decision's issue (08/05) end on Sunday 07/06: Monday 08/06.
    assert legalising.stage_deadline == datetime.date(2026, 6, 8)

    demolishing = imported_case(8)
    assert demolishing.stage == Stage.SELF_DEMOLITION
    steps = {s.action: s for s in demolishing.steps.all()}
    # Record 13/02: the decision was due seven working days on, past Tết: Tue 03/03.
    assert steps["issue_sanction_decision"].deadline_due == datetime.date(2026, 3, 3)
    assert steps["record_violation"].occurred_on == datetime.date(2026, 2, 13)
    # Fifteen days from the receipt on 05/03: Friday 20/03/2026.
    assert demolishing.stage_deadline == datetime.date(2026, 3, 20)
    assert demolishing.stage_deadline_start["event"] == "receipt"


def test_the_history_starts_with_the_file_and_row_and_no_document_is_made(
    ward_a: Any, leader_a: Any, tmp_path: Path
) -> None:
    leader = leader_a
    path = register(tmp_path / FILE, [decided(1, 20, 9, "phá dỡ", served="12/05/2026")])
    run_import(path)
    case = imported_case(5)
    events = list(CaseEvent.objects.filter(case_id=case.pk).order_by("id"))
    first = events[0]
    assert first.kind == "opened"
    assert first.payload["imported"]["file"] == FILE
    assert first.payload["imported"]["row"] == 5
    assert len(first.payload["imported"]["sha256"]) == 64
    assert first.payload["occurred_on"] == "2026-04-24"
    assert first.payload["facts"]["violator_name"] == "Nguyễn Văn 1"
    assert [e.payload.get("action") for e in events[1:]] == [
        "record_violation",
        "issue_sanction_decision",
        "serve_decision_demolish",
    ]
    assert all(e.payload["imported"]["row"] == 5 for e in events[1:])
    steps = list(case.steps.order_by("occurred_on", "id"))
    assert all(s.data["imported"]["file"] == FILE for s in steps)
    assert [s.document_number for s in steps] == ["20/BB-VPHC", "9/QĐ-XPHC", ""]
    # Past numbers are recorded; no document is generated for them, now or later.
    assert not any(s.attachment for s in steps)
    with pytest.raises(InvalidInput, match="20/BB-VPHC"):
        document_generate(user=leader, case=case, document_type="MBB01")


def run_failing(path: Path, *args: str) -> tuple[str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_cases", str(path), "--ward", "90001", *args, stdout=out, stderr=StringIO()
        )
    return out.getvalue(), str(refused.value)


def law_refused_rows() -> list[list[Any]]:
    return [
        recorded(1, 30),
        # Seven working days from 28/04 ended on 11/05: a fine decided on 20/05 is barred.
        decided(2, 31, 10, "phá dỡ", decision_on="20/05/2026"),
        # Clause 7 fines an individual 30–40 million đồng (Decree 16/2022 Art. 16(7)).
        decided(3, 32, 11, "phá dỡ", fine="1.000.000"),
    ]


def test_rows_the_law_refuses_carry_its_message_and_nothing_is_half_imported(
    ward_a: Any, tmp_path: Path
) -> None:
    path = register(tmp_path / FILE, law_refused_rows())
    output, error = run_failing(path)
    assert "Chưa nhập gì" in error
    assert "1 vụ việc mới" in output and "2 bị từ chối" in output
    assert (
        "Dòng 6, cột L — Quyết định xử phạt Ngày (“20/05/2026”): Thời hạn ra quyết định xử phạt"
        in output
    )
    assert "đã hết vào ngày 11/05/2026" in output
    assert "Dòng 7, cột M — Quyết định xử phạt Số tiền phạt" in output
    assert "Mức phạt 1.000.000" in output
    # Nothing written: not the valid row, not its number, not a counter.
    assert not ViolationCase.objects.exists()
    assert not CaseStep.objects.exists()
    assert not CaseImportKey.objects.exists()
    workbook = load_workbook(tmp_path / "so-theo-doi-vi-pham-refused.xlsx", read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [6, 7]
    assert "Thời hạn ra quyết định xử phạt" in rows[1][-1]


def test_valid_rows_only_writes_the_valid_ones(ward_a: Any, tmp_path: Path) -> None:
    path = register(tmp_path / FILE, law_refused_rows())
    output = run_import(path, "--valid-rows-only")
    assert "Đã nhập: 1 vụ việc mới" in output
    case = ViolationCase.objects.get()
    # The refused rows' savepoints gave their case numbers back: no gap.
    assert case.code == "WARDA-2026-0001"
    assert case.steps.get().document_number == "30/BB-VPHC"


def test_a_dry_run_writes_nothing_and_takes_no_number(ward_a: Any, tmp_path: Path) -> None:
    path = register(tmp_path / FILE, [recorded(1, 12), decided(2, 13, 5, "phá dỡ")])
    output = run_import(path, "--dry-run")
    assert "2 vụ việc mới" in output and "Chạy thử" in output
    assert not ViolationCase.objects.exists()
    assert not CaseEvent.objects.exists()
    run_import(path)
    assert sorted(ViolationCase.objects.values_list("code", flat=True)) == [
        "WARDA-2026-0001",
        "WARDA-2026-0002",
    ]


def test_importing_the_same_file_again_creates_nothing_and_a_changed_row_is_reported(
    ward_a: Any, tmp_path: Path
) -> None:
    path = register(tmp_path / FILE, [recorded(1, 12), decided(2, 13, 5, "phá dỡ")])
    run_import(path)
    events = CaseEvent.objects.count()
    output = run_import(path)
    assert "0 vụ việc mới, 2 đã nhập trước đây và không đổi" in output
    assert ViolationCase.objects.count() == 2
    assert CaseEvent.objects.count() == events
    # The ward corrects a name in its register and sends the file again.
    changed = register(
        tmp_path / "so-moi.xlsx",
        [recorded(1, 12, violator="Nguyễn Văn Một"), decided(2, 13, 5, "phá dỡ")],
    )
    output = run_import(changed)
    assert "1 đã nhập trước đây nhưng có thay đổi" in output
    assert "Người vi phạm (Nguyễn Văn 1 → Nguyễn Văn Một)" in output
    assert f"đã được nhập từ tệp {FILE} dòng 5" in output
    assert imported_case(5).violator_name == "Nguyễn Văn 1"
    assert CaseEvent.objects.count() == events


def test_a_record_number_a_live_case_holds_is_refused(
    ward_a: Any, inspector_a: Any, tmp_path: Path
) -> None:
    live = open_case(inspector_a, days_ago=0)
    today = timezone.localdate()
    case_transition(
        actor=inspector_a,
        case=live,
        action="record_violation",
        data=data_for("record_violation", today, document_number="40"),
    )
    row = case_row(1, record_number="40/BB-VPHC", record_on=today.strftime("%d/%m/%Y"))
    row[1] = today.strftime("%d/%m/%Y")
    output, _error = run_failing(register(tmp_path / FILE, [row]))
    assert f"cột I — Biên bản Số (“40/BB-VPHC”): Số 40/BB-VPHC năm {today.year}" in output
    assert live.code in output


def test_swapped_axes_clause_spellings_and_a_ward_column_in_a_csv(
    ward_a: Any, tmp_path: Path
) -> None:
    x, y = INSIDE_A_2
    rows = [
        [
            "Mã hồ sơ",
            "Phường",
            "Ngày lập biên bản",
            "Số biên bản",
            "Người vi phạm",
            "Địa chỉ",
            "Hành vi (khoản)",
            "Tọa độ X",
            "Tọa độ Y",
            "Vĩ độ",
            "Kinh độ",
            "Nơi cư trú",
        ],
        [
            "HS-01",
            "Phường A",
            "28/04/2026",
            "50",
            "Lê Thị B",
            "5 Đường Số 5",
            "16.7",
            y,
            x,
            "",
            "",
            "1 Lê Lợi",
        ],
        [
            "HS-02",
            "90001",
            "28/04/2026",
            "51",
            "Lê Thị C",
            "6 Đường Số 6",
            "art16_6",
            "",
            "",
            "106,691",
            "10,771",
            "2 Lê Lợi",
        ],
        [
            "HS-03",
            "90001",
            "",
            "",
            "Lê Thị D",
            "7 Đường Số 7",
            "khoản 11",
            "",
            "",
            "10,77",
            "106,69",
            "3 Lê Lợi",
        ],
    ]
    path = write_csv(tmp_path / "so.csv", rows, encoding="utf-8-sig", delimiter=";")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_cases", str(path), stdout=out, stderr=StringIO())
    output = out.getvalue()
    assert "X và Y bị ghi ngược" in output
    assert "Vĩ độ và kinh độ bị ghi ngược" in output
    assert "Khoản 11 (sử dụng đất)" in output
    out2 = StringIO()
    call_command("import_cases", str(path), "--valid-rows-only", stdout=out2, stderr=StringIO())
    first, second = imported_case(2), imported_case(3)
    assert (first.violation_type, second.violation_type) == ("art16_7", "art16_6")
    assert (first.location.x, first.location.y) == pytest.approx((106.685, 10.765), abs=1e-6)
    assert (second.location.x, second.location.y) == pytest.approx((106.691, 10.771))
    assert CaseImportKey.objects.get(case=first).key == "code:hs 01"


def test_a_site_outside_the_ward_is_refused(ward_a: Any, ward_b: Any, tmp_path: Path) -> None:
    path = register(tmp_path / FILE, [recorded(1, 12, xy=vn2000(106.71, 10.77))])
    output, _error = run_failing(path)
    assert "Vị trí nằm trong Phường B, không thuộc phường đang nhập" in output


@pytest.mark.parametrize(
    ("role", "wards", "staff", "allowed"),
    [
        (Role.WARD_LEADER, "a", True, True),
        (Role.WARD_LEADER, "b", True, False),
        (Role.WARD_LEADER, "a", False, False),
        (Role.INSPECTOR, "a", True, False),
        (Role.CITY_AUDITOR, "", True, False),
        (Role.ADMIN, "", True, True),
    ],
)
def test_who_may_import_into_a_ward(
    ward_a: Any,
    ward_b: Any,
    tmp_path: Path,
    role: str,
    wards: str,
    staff: bool,
    allowed: bool,
) -> None:
    user = UserFactory(
        role=role, wards={"a": [ward_a], "b": [ward_b]}.get(wards, []), is_staff=staff
    )
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_violationcase", "change_violationcase"])
    )
    path = register(tmp_path / FILE, [recorded(1, 12)])
    if allowed:
        run_import(path, "--user", user.username)
        case = ViolationCase.objects.get()
        assert case.opened_by == user
        assert case.steps.get().actor == user
    else:
        _output, error = run_failing(path, "--user", user.username)
        assert "Bạn không có quyền nhập hồ sơ vụ việc vào Phường A" in error
        assert not ViolationCase.objects.exists()


def test_a_vice_chairman_signs_on_a_delegation_the_register_names(
    ward_a: Any, tmp_path: Path
) -> None:
    x, y = INSIDE_A
    header = [
        "Số biên bản",
        "Ngày lập biên bản",
        "Người vi phạm",
        "Địa chỉ người vi phạm",
        "Địa chỉ công trình",
        "Hành vi (khoản)",
        "Tọa độ X",
        "Tọa độ Y",
        "Số quyết định",
        "Ngày quyết định",
        "Số tiền phạt",
        "Biện pháp khắc phục",
        "Người ký quyết định",
        "Chức vụ người ký",
        "Số quyết định ủy quyền",
        "Ngày quyết định ủy quyền",
    ]
    common = ["Lê Văn E", "9 Lê Lợi", "9 Đường Số 9", "K7 Đ16", x, y]
    rows = [
        ["60", "28/04/2026", *common, "20", "08/05/2026", 35000000, "Phá dỡ", "Trần Văn F"]
        + ["Phó Chủ tịch", "", ""],
        ["61", "28/04/2026", *common, "21", "08/05/2026", 35000000, "Phá dỡ", "Trần Văn F"]
        + ["Phó Chủ tịch", "03/QĐ-UBND", "02/01/2026"],
    ]
    path = write_xlsx(tmp_path / FILE, [header, *rows])
    output, _error = run_failing(path)
    assert "Dòng 2, cột O — Số quyết định ủy quyền" in output
    assert "Phó Chủ tịch ký thay Chủ tịch (KT.): nhập số quyết định giao quyền." in output
    run_import(path, "--valid-rows-only")
    decision = imported_case(3).steps.get(action="issue_sanction_decision")
    assert decision.signer == "Trần Văn F"
    assert decision.data["signer_title"] == "deputy"
    assert decision.data["delegation_number"] == "03/QĐ-UBND"
    assert decision.data["delegation_date"] == "2026-01-02"


def test_a_register_with_a_formula_is_refused_whole(ward_a: Any, tmp_path: Path) -> None:
    path = register(tmp_path / FILE, [recorded(1, 12, stt="=ROW()-4")])
    with pytest.raises(CommandError, match="Ô A5 .*chứa công thức"):
        run_import(path)
    assert not ViolationCase.objects.exists()
