"""Importing a new set of boundaries: versions closed, successions, what moves, all or nothing."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from backend.accounts.models import Role, WardMembership
from backend.accounts.selectors import restrict_to_user_wards
from backend.audit.models import CaseEvent
from backend.cases.models import Stage, ViolationCase
from backend.core.errors import NotAllowed
from backend.permits.models import Permit, PermitEvent
from backend.wards.importing.reading import ImportOptions
from backend.wards.models import Ward, WardSuccession
from backend.wards.services import WardImportBlocked, may_import_wards, ward_import
from tests.factories import (
    WARD_A_BOX,
    WARD_B_BOX,
    CaseFactory,
    PermitFactory,
    UserFactory,
    WardFactory,
    box,
)
from tests.wards import files

pytestmark = pytest.mark.django_db
MERGER = datetime.date(2026, 1, 1)


def ring(minx: float, miny: float, maxx: float, maxy: float) -> list[list[tuple[float, float]]]:
    return [[(minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy), (minx, miny)]]


def merged_file(tmp_path: Path, *, overlap: bool = False) -> Path:
    """One new ward over both old ones, and a neighbour east of them."""
    wards = [
        files.Ward("N01", "Phường Hợp Nhất", [ring(106.68, 10.76, 106.72, 10.78)]),
        files.Ward(
            "N02",
            "Phường Bên Cạnh",
            [ring(106.719 if overlap else 106.72, 10.76, 106.74, 10.78)],
        ),
    ]
    return files.write(tmp_path / "moi.gpkg", wards, driver="GPKG", srs="EPSG:9210")


@pytest.fixture
def city(db: Any) -> dict[str, Any]:
    a = WardFactory(code="A1", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    b = WardFactory(code="B1", slug="WARDB", name="Phường B", boundary=box(*WARD_B_BOX))
    leader = UserFactory(username="leader_a", role=Role.WARD_LEADER, wards=[a])
    inspector = UserFactory(username="inspector_b", role=Role.INSPECTOR, wards=[b])
    # Both cases are number 1 of their ward's 2026 register.
    case_a = CaseFactory(
        ward=a, sequence=1, code="WARDA-2026-0001", location=Point(106.69, 10.77, srid=4326)
    )
    case_b = CaseFactory(
        ward=b, sequence=1, code="WARDB-2026-0001", location=Point(106.71, 10.77, srid=4326)
    )
    closed = CaseFactory(ward=a, sequence=2, code="WARDA-2026-0002", stage=Stage.CLOSED)
    permit = PermitFactory(ward=b, parcel=box(106.7101, 10.7701, 106.7103, 10.7703))
    loose = PermitFactory(ward=a, parcel=None)
    return dict(a=a, b=b, leader=leader, inspector=inspector, case_a=case_a, case_b=case_b,
                closed=closed, permit=permit, loose=loose)  # fmt: skip


@pytest.fixture
def admin_user(db: Any) -> Any:
    return UserFactory(username="city_admin", role=Role.ADMIN, is_staff=True)


def run(path: Path, actor: Any, **options: Any) -> Any:
    # The merger closes A1 and B1, which the new set does not contain: confirmed.
    options.setdefault("allow_closing", ("A1", "B1"))
    return ward_import(
        path, ImportOptions(valid_from=MERGER, **options), actor=actor, apply=True, source="test"
    )


def test_merger_closes_old_wards_records_shares_and_moves_everything(
    tmp_path: Path, city: dict[str, Any], admin_user: Any
) -> None:
    outcome = run(merged_file(tmp_path), admin_user)
    assert outcome.result is not None
    new = Ward.objects.get(code="N01")
    assert new.valid_from == MERGER and new.slug == "HOPNHAT"
    for old in (city["a"], city["b"]):
        old.refresh_from_db()
        assert old.valid_to == MERGER
        succession = WardSuccession.objects.get(old=old)
        assert succession.new == new
        assert succession.share == pytest.approx(1.0, abs=1e-3)
        assert succession.overlap_area_m2 == pytest.approx(4.84e6, rel=0.02)
    assert not WardSuccession.objects.filter(new__code="N02").exists()

    for key in ("case_a", "case_b"):
        case = ViolationCase.objects.get(pk=city[key].pk)
        assert case.ward == new  # today's ward
        assert case.opened_in_ward_id == city[key].ward_id  # its register's ward, kept
        event = CaseEvent.objects.filter(case=case).latest("seq")
        assert event.kind == "ward_changed"
        assert event.payload["to"]["code"] == "N01"
        assert event.payload["from"]["id"] == city[key].ward_id
    closed = ViolationCase.objects.get(pk=city["closed"].pk)
    assert closed.ward_id == city["a"].pk  # history stays where it happened
    assert not CaseEvent.objects.filter(case=closed, kind="ward_changed").exists()

    assert Permit.objects.get(pk=city["permit"].pk).ward == new
    # Each permit's move is in its history: from which ward to which, by which import.
    (moved,) = PermitEvent.objects.filter(permit=city["permit"], kind="ward_changed")
    assert moved.changes["ward"] == [city["b"].name, new.name]
    assert moved.actor_id is not None and moved.source_file
    assert Permit.objects.get(pk=city["loose"].pk).ward == new  # by the largest share
    memberships = WardMembership.objects.filter(ward=new).values_list("user__username", flat=True)
    assert sorted(memberships) == ["inspector_b", "leader_a"]
    # Access follows the ward of today: the leader of old A sees B's open case now.
    leader = type(city["leader"]).objects.get(pk=city["leader"].pk)
    visible = restrict_to_user_wards(ViolationCase.objects.all(), leader)
    # ...and still the closed case of old A, which stays where it happened.
    assert set(visible.values_list("code", flat=True)) == {
        "WARDA-2026-0001",
        "WARDB-2026-0001",
        closed.code,
    }


def test_preview_lists_what_will_move_and_writes_nothing(
    tmp_path: Path, city: dict[str, Any], admin_user: Any
) -> None:
    outcome = ward_import(
        merged_file(tmp_path), ImportOptions(valid_from=MERGER), actor=admin_user,
        apply=False, source="test",
    )  # fmt: skip
    plan = outcome.plan
    assert outcome.result is None
    assert sorted(m.label for m in plan.moves_of("case")) == ["WARDA-2026-0001", "WARDB-2026-0001"]
    assert len(plan.moves_of("permit")) == 2 and len(plan.moves_of("membership")) == 2
    assert {w.code for w in plan.closed} == {"A1", "B1"}
    assert Ward.objects.count() == 2 and not WardSuccession.objects.exists()
    assert not CaseEvent.objects.filter(kind="ward_changed").exists()


def test_dry_run_command_reports_in_vietnamese_and_writes_nothing(
    tmp_path: Path, city: dict[str, Any]
) -> None:
    out = StringIO()
    call_command(
        "import_wards", str(merged_file(tmp_path)), "--valid-from", "2026-01-01", "--dry-run",
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "WARDA-2026-0001" in text and "Phường Hợp Nhất" in text
    assert "Chạy thử" in text, text
    assert Ward.objects.count() == 2
    assert ViolationCase.objects.get(pk=city["case_a"].pk).ward_id == city["a"].pk


def test_command_imports_and_overlaps_are_reported(tmp_path: Path, city: dict[str, Any]) -> None:
    out = StringIO()
    call_command(
        "import_wards", str(merged_file(tmp_path, overlap=True)), "--valid-from", "2026-01-01",
        "--allow-closing", "A1,B1", stdout=out,
    )  # fmt: skip
    assert "N01" in out.getvalue() and "N02" in out.getvalue()
    assert Ward.objects.filter(valid_from=MERGER).count() == 2
    assert ViolationCase.objects.get(pk=city["case_b"].pk).ward.code == "N01"


def test_overlaps_over_one_square_metre_and_gaps_are_in_the_plan(
    tmp_path: Path, admin_user: Any
) -> None:
    x, y, s = files.LON, files.LAT, files.STEP
    wards = [
        files.Ward("G1", "Phường Một", [ring(x, y, x + s, y + 3 * s)]),
        files.Ward("G2", "Phường Hai", [ring(x + 2 * s, y, x + 3 * s, y + 3 * s)]),
        files.Ward("G3", "Phường Ba", [ring(x, y, x + 3 * s, y + s)]),
        files.Ward("G4", "Phường Bốn", [ring(x, y + 2 * s, x + 3 * s, y + 3 * s)]),
    ]
    path = files.write(tmp_path / "o.geojson", wards, driver="GeoJSON")
    plan = ward_import(path, ImportOptions(), actor=admin_user, apply=False, source="t").plan
    pairs = {(o.code_a, o.code_b) for o in plan.overlaps}
    assert pairs == {("G1", "G3"), ("G1", "G4"), ("G2", "G3"), ("G2", "G4")}
    assert all(o.area_m2 == pytest.approx(1.2e6, rel=0.05) for o in plan.overlaps)
    assert len(plan.gaps) == 1
    assert plan.gaps[0].area_m2 == pytest.approx(1.2e6, rel=0.05)
    assert plan.gaps[0].lat == pytest.approx(y + 1.5 * s, abs=s / 2)


def test_a_later_version_blocks_the_import_and_nothing_is_written(
    tmp_path: Path, city: dict[str, Any], admin_user: Any
) -> None:
    WardFactory(code="N01", slug="LATER", valid_from=datetime.date(2026, 6, 1))
    with pytest.raises(WardImportBlocked) as blocked:
        run(merged_file(tmp_path), admin_user)
    assert blocked.value.plan.later_versions == [("N01", datetime.date(2026, 6, 1))]
    assert Ward.objects.filter(valid_to__isnull=False).count() == 0
    assert ViolationCase.objects.get(pk=city["case_a"].pk).ward_id == city["a"].pk


def test_reimporting_the_same_date_corrects_the_version_in_place(
    tmp_path: Path, admin_user: Any
) -> None:
    path = merged_file(tmp_path)
    run(path, admin_user)
    again = run(path, admin_user)
    assert again.result.updated == 2 and again.result.created == 0
    assert Ward.objects.filter(code="N01").count() == 1


@pytest.mark.parametrize(
    ("role", "superuser", "allowed"),
    [
        (Role.ADMIN, False, True),
        ("", True, True),
        (Role.CITY_AUDITOR, False, False),
        (Role.WARD_LEADER, False, False),
        (Role.INSPECTOR, False, False),
    ],
)
def test_only_city_administrators_may_import(
    tmp_path: Path, role: str, superuser: bool, allowed: bool, client: Any
) -> None:
    user = UserFactory(role=role, is_staff=True, is_superuser=superuser)
    assert may_import_wards(user) is allowed
    path = merged_file(tmp_path)
    if not allowed:
        with pytest.raises(NotAllowed):
            ward_import(path, ImportOptions(), actor=user, apply=False, source="t")
    client.force_login(user)
    response = client.get("/admin/wards/ward/import/")
    assert response.status_code == (200 if allowed else 403)


def test_dashboard_and_exports_group_by_ward_today_or_at_the_time(
    tmp_path: Path, city: dict[str, Any], admin_user: Any, client: Any
) -> None:
    from backend.cases.selectors.query import CaseQuery
    from backend.reports.dashboard import audit_dashboard

    run(merged_file(tmp_path), admin_user)
    auditor = UserFactory(role=Role.CITY_AUDITOR)
    today = audit_dashboard(auditor, CaseQuery(), ward_basis="today")
    at_the_time = audit_dashboard(auditor, CaseQuery(), ward_basis="opened")
    open_today = {w.code: w.open for w in today.wards if w.open}
    open_then = {w.code: w.open for w in at_the_time.wards if w.open}
    assert open_today == {"N01": 2}
    assert open_then == {"A1": 1, "B1": 1}
    client.force_login(auditor)
    page = client.get("/audit/", {"ward_basis": "opened"})
    assert page.status_code == 200
    assert 'value="opened" selected' in page.content.decode()
    export = client.get("/audit/export/cases.csv")
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    header, *rows = text.strip().splitlines()
    assert "Phường khi mở hồ sơ" in header
    moved = next(r for r in rows if r.startswith("WARDB-2026-0001"))
    assert "N01" in moved and "B1" in moved


@pytest.mark.parametrize("who", ["auditor", "leader", "inspector"])
def test_dashboard_api_groups_by_ward_today_or_at_the_time_like_the_page(
    tmp_path: Path, city: dict[str, Any], admin_user: Any, client: Any, who: str
) -> None:
    from backend.cases.selectors.query import CaseQuery
    from backend.reports.dashboard import audit_dashboard

    run(merged_file(tmp_path), admin_user)
    user = UserFactory(role=Role.CITY_AUDITOR) if who == "auditor" else city[who]
    client.force_login(user)
    for basis, query in [("today", {}), ("today", {"ward_basis": "today"}),
                         ("opened", {"ward_basis": "opened"})]:  # fmt: skip
        answer = client.get("/api/audit/dashboard/", query)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert body["ward_basis"] == basis
        page = audit_dashboard(user, CaseQuery(), ward_basis=basis).as_json()
        assert body["wards"] == page["wards"] and body["city"] == page["city"]
        open_by_ward = {w["code"]: w["open"] for w in body["wards"] if w["open"]}
        if who == "auditor":
            assert open_by_ward == ({"N01": 2} if basis == "today" else {"A1": 1, "B1": 1})
    refused = client.get("/api/audit/dashboard/", {"ward_basis": "yesterday"})
    assert refused.status_code == 400
    assert "ward_basis" in refused.json()
    assert "opened" in refused.json()["ward_basis"][0]


def test_a_permit_with_only_a_point_is_placed_by_its_point(
    tmp_path: Path, city: dict[str, Any], admin_user: Any
) -> None:
    pointed = PermitFactory(ward=city["b"], parcel=None, location=Point(106.71, 10.77, srid=4326))
    outcome = ward_import(
        merged_file(tmp_path), ImportOptions(valid_from=MERGER), actor=admin_user,
        apply=False, source="test",
    )  # fmt: skip
    moves = {m.object_id: m for m in outcome.plan.moves_of("permit")}
    assert moves[pointed.pk].contained and moves[pointed.pk].new_code == "N01"
    assert not moves[city["loose"].pk].contained  # no parcel, no point: the largest share
