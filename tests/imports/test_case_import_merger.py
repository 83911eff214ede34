"""Backlog cases detected before the 2025 merger: today's ward, the old ward's register."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from backend.audit.models import CaseEvent
from backend.cases.models import CaseImportKey, ViolationCase
from backend.wards.models import WardSuccession
from tests.cases.conftest import seed_rules_and_calendar
from tests.factories import WARD_A_BOX, WARD_B_BOX, WardFactory, box
from tests.imports.workbooks import write_xlsx

pytestmark = pytest.mark.django_db
MERGER = datetime.date(2026, 1, 1)
HEADER = [
    "Ngày phát hiện",
    "Người vi phạm",
    "Địa chỉ người vi phạm",
    "Địa chỉ công trình",
    "Hành vi (khoản)",
    "Vĩ độ",
    "Kinh độ",
    "Số biên bản",
    "Ngày lập biên bản",
]


@pytest.fixture
def merged(db: Any) -> dict[str, Any]:
    """Old wards A and B (to 31/12/2025), merged into N01 from 01/01/2026.

    N01 leaves out a strip on B's east edge (106.715–106.72 E): a position there
    lies in no ward today, and WardSuccession says N01 took B over.
    """
    seed_rules_and_calendar()
    old = {"valid_from": datetime.date(2020, 1, 1), "valid_to": MERGER}
    a = WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX), **old)
    b = WardFactory(code="90002", slug="WARDB", name="Phường B", boundary=box(*WARD_B_BOX), **old)
    new = WardFactory(
        code="N01",
        slug="HOPNHAT",
        name="Phường Hợp Nhất",
        boundary=box(106.68, 10.76, 106.715, 10.78),
        valid_from=MERGER,
    )
    WardSuccession.objects.create(old=a, new=new, overlap_area_m2=4.8e6, share=1.0)
    WardSuccession.objects.create(old=b, new=new, overlap_area_m2=3.6e6, share=0.75)
    return {"a": a, "b": b, "new": new}


def row(lat: float, lon: float, detected: str, number: str, recorded: str, who: str) -> list[Any]:
    return [
        detected,
        who,
        "1 Lê Lợi",
        "3 Đường Số 3",
        "khoản 7 Điều 16",
        lat,
        lon,
        number,
        recorded,
    ]


def run(path: Path) -> str:
    out = StringIO()
    call_command("import_cases", str(path), "--ward", "N01", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_case_from_before_the_merger_opens_in_todays_ward_numbered_in_the_old_register(
    merged: dict[str, Any], tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "so-cu.xlsx",
        [
            HEADER,
            # Old A and old B both made record 12 of 2025: two registers, no clash.
            row(10.77, 106.69, "10/11/2025", "12/BB-VPHC", "11/11/2025", "Lê Văn A"),
            row(10.77, 106.705, "10/11/2025", "12/BB-VPHC", "12/11/2025", "Lê Văn B"),
            # In B's strip that N01 left out: N01 took B over (WardSuccession).
            row(10.77, 106.717, "14/11/2025", "13/BB-VPHC", "17/11/2025", "Lê Văn C"),
            # After the merger: N01's own register.
            row(10.77, 106.69, "05/03/2026", "2/BB-VPHC", "06/03/2026", "Lê Văn D"),
        ],
    )
    output = run(path)
    assert "4 vụ việc mới" in output, output
    cases = {c.violator_name: c for c in ViolationCase.objects.select_related("opened_in_ward")}
    first, second, strip, later = (cases[f"Lê Văn {x}"] for x in "ABCD")
    assert {c.ward_id for c in cases.values()} == {merged["new"].pk}
    assert (first.opened_in_ward, first.code) == (merged["a"], "WARDA-2025-0001")
    assert (second.opened_in_ward, second.code) == (merged["b"], "WARDB-2025-0001")
    assert (strip.opened_in_ward, strip.code) == (merged["b"], "WARDB-2025-0002")
    assert (later.opened_in_ward, later.code) == (merged["new"], "HOPNHAT-2026-0001")
    # The papers dated before the merger are numbered in the old ward's register.
    for case, ward in ((first, "a"), (second, "b"), (strip, "b")):
        record = case.steps.get(action="record_violation")
        assert record.ward_id == merged[ward].pk
    assert first.steps.get().document_number == second.steps.get().document_number == "12/BB-VPHC"
    assert later.steps.get().ward_id == merged["new"].pk
    opened = CaseEvent.objects.get(case_id=first.pk, kind="opened")
    assert opened.payload["ward"] == "N01"
    assert opened.payload["opened_in_ward"] == {"code": "90001", "name": "Phường A"}
    assert (
        "phát hiện ngày 10/11/2025 tại Phường A (mã 90001), nay thuộc Phường Hợp Nhất từ "
        "01/01/2026: vụ việc WARDA-2025-0001 được đánh số theo sổ của Phường A"
    ) in output
    assert "Phường B (mã 90002)" in output
    assert "Dòng 5:" not in output  # the case after the merger has no note
    # The two records 12 of 2025 are different cases, known apart on a re-import.
    keys = set(CaseImportKey.objects.values_list("key", flat=True))
    assert {"90001/record:2025:12", "90002/record:2025:12", "record:2026:2"} <= keys
    again = run(path)
    assert "0 vụ việc mới, 4 đã nhập trước đây và không đổi" in again


def test_a_position_no_successor_of_its_old_ward_covers_is_refused(
    merged: dict[str, Any], tmp_path: Path
) -> None:
    other = WardFactory(
        code="N02", slug="KHAC", name="Phường Khác", boundary=box(*WARD_B_BOX), valid_from=MERGER
    )
    assert other.is_valid_on(datetime.date(2026, 6, 1))
    path = write_xlsx(
        tmp_path / "so-cu.xlsx",
        [HEADER, row(10.77, 106.718, "10/11/2025", "14/BB-VPHC", "11/11/2025", "Lê Văn E")],
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_cases", str(path), "--ward", "N01", stdout=out, stderr=StringIO())
    assert "Vị trí nằm trong Phường Khác, không thuộc phường đang nhập" in out.getvalue()
    assert not ViolationCase.objects.exists()
