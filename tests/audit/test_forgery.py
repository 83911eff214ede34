"""History that a compromised application cannot forge, one test per attack.

The attacker holds the runtime role's privileges (it may INSERT history,
never UPDATE or DELETE it, and cannot switch triggers off), or, for the
attacks only verification can catch, the owner's: a back-dated insert, an
inserted step, a substituted photo row, a rewound clock, and history
rewritten before a published head.
"""

from __future__ import annotations

import datetime
import importlib
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from psycopg2 import sql

from backend.accounts.services import SYSTEM_USERNAME, system_actor
from backend.audit.chain import GENESIS_HASH, content_canonical, event_hash, payload_canonical
from backend.audit.models import CaseEvent, PublishedHead
from backend.audit.services import case_event_record, chain_head_publish
from backend.audit.verification import chain_head, chain_verify
from backend.cases.models import CaseStep, Stage
from backend.cases.services.transition import case_transition
from backend.photos.models import SitePhoto
from backend.photos.services import photo_ingest
from tests.cases.conftest import data_for, open_case, seed_rules_and_calendar
from tests.factories import CaseFactory
from tests.photos.imagery import jpeg, marked

pytestmark = pytest.mark.django_db

ROLE = f"ttxd_app_forger_{os.getpid()}"
SEAL = importlib.import_module("backend.audit.migrations.0005_chain_time_and_record_hashes")


# --- what the attackers do ----------------------------------------------------


@contextmanager
def as_runtime_role() -> Iterator[None]:
    """The rest of the block runs with the application's database privileges."""
    call_command("grant_runtime_role", ROLE, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(ROLE)))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def db_now() -> datetime.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def well_formed_event(
    case: Any, actor: Any, at: datetime.datetime, payload: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An event that continues the chain with a correct hash, dated as the forger likes."""
    head = chain_head()
    seq, payload = head.count + 1, payload or {"note": "forged"}
    canonical = content_canonical(
        seq=seq, case_id=case.pk, actor_id=actor.pk, kind="note", at=at,
        stage_before="", stage_after="", payload=payload,
    )  # fmt: skip
    return dict(
        case_id=case.pk, actor_id=actor.pk, kind="note", at=at, payload=payload,
        seq=seq, prev_hash=head.hash, hash=event_hash(head.hash, canonical),
    )  # fmt: skip


def insert_refused(fields: dict[str, Any], match: str) -> None:
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        CaseEvent.objects.create(**fields)


@contextmanager
def owner_bypassing_triggers(*tables: str, how: str = "disable") -> Iterator[Any]:
    """What the owner could do: switch the history guards off, rewrite, switch them on."""
    with connection.cursor() as cursor:
        # ALTER TABLE refuses to run while the test's deferred FK checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if how == "disable":
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor
        if how == "disable":
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def rechain() -> None:
    """A careful forger recomputes every hash, so the chain alone looks whole again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, seq, case_id, actor_id, kind, at, stage_before, stage_after, "
            "payload::text FROM audit_caseevent ORDER BY seq"
        )
        rows = cursor.fetchall()
    prev = GENESIS_HASH
    with owner_bypassing_triggers("audit_caseevent") as cursor:
        for event_id, seq, case_id, actor_id, kind, at, before, after, payload in rows:
            digest = event_hash(
                prev,
                content_canonical(
                    seq=seq, case_id=case_id, actor_id=actor_id, kind=kind, at=at,
                    stage_before=before, stage_after=after, payload=payload_canonical(payload),
                ),
            )  # fmt: skip
            cursor.execute(
                "UPDATE audit_caseevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, digest, event_id],
            )
            prev = digest


def verify(*args: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


# --- rows of evidence -----------------------------------------------------------


@pytest.fixture
def case(ward_a: Any, inspector_a: Any) -> Any:
    return CaseFactory(ward=ward_a, opened_by=inspector_a)


def new_step(case: Any, actor: Any, **fields: Any) -> CaseStep:
    return CaseStep.objects.create(
        **{
            "case": case,
            "ward": case.ward,
            "action": "issue_sanction_decision",
            "stage_before": Stage.SUSPENDED,
            "stage_after": Stage.HALTED,
            "occurred_on": datetime.date(2026, 1, 20),
            "actor": actor,
            "document_type": "MQD02",
            "document_year": 2026,
            "document_sequence": 7,
            "document_number": "7/QĐ-XPHC",
            "signer": "Trần Chủ Tịch",
            "data": {"fine_vnd": 30_000_000},
            **fields,
        }
    )


def new_photo(case: Any, actor: Any, digest: str = "ab" * 32) -> SitePhoto:
    return SitePhoto.objects.create(
        case=case,
        original=f"photos/original/{digest[:2]}/{digest}.jpg",
        sha256=digest,
        content_type="image/jpeg",
        size_bytes=1234,
        exif_location=Point(106.6901, 10.7702, srid=4326),
        device_accuracy_m=7.5,
        captured_at=timezone.now(),
        uploaded_by=actor,
    )


def problems(report: Any) -> list[tuple[str, str, int | None, int | None]]:
    return [(p.problem, p.table, p.row_id, p.event_id) for p in report.record_problems]


# --- back-dated insert ------------------------------------------------------------


def test_a_back_dated_event_is_refused_though_its_link_and_hash_are_right(
    case: Any, inspector_a: Any
) -> None:
    with as_runtime_role():
        insert_refused(
            well_formed_event(case, inspector_a, db_now() - datetime.timedelta(days=2)),
            "events are dated when they are recorded",
        )
        # Dated ahead, it would hold every later event back: refused too.
        insert_refused(
            well_formed_event(case, inspector_a, db_now() + datetime.timedelta(hours=1)),
            "events are dated when they are recorded",
        )
        # Dated now, the same event goes in: the checks are about time alone.
        CaseEvent.objects.create(**well_formed_event(case, inspector_a, db_now()))
    assert chain_verify().intact


# --- rewound clock ----------------------------------------------------------------


def test_an_event_dated_before_the_one_it_follows_is_refused(case: Any, inspector_a: Any) -> None:
    first = case_event_record(case=case, actor=inspector_a, kind="note")
    with as_runtime_role():
        insert_refused(
            well_formed_event(case, inspector_a, first.at - datetime.timedelta(milliseconds=1)),
            "time never goes backwards",
        )
    assert CaseEvent.objects.count() == 1


def test_a_rewound_application_clock_does_not_date_history(case: Any, inspector_a: Any) -> None:
    first = case_event_record(case=case, actor=inspector_a, kind="note")
    with time_machine.travel(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), tick=False):
        second = case_event_record(case=case, actor=inspector_a, kind="note")
    # The database's clock dated it, not the application server's.
    assert first.at <= second.at <= db_now()
    assert chain_verify().intact


def test_verify_audit_flags_time_going_backwards_that_got_in_around_the_trigger(
    case: Any, inspector_a: Any
) -> None:
    events = [case_event_record(case=case, actor=inspector_a, kind="note") for _ in range(3)]
    with owner_bypassing_triggers("audit_caseevent") as cursor:
        cursor.execute(
            "UPDATE audit_caseevent SET at = %s WHERE id = %s",
            [events[0].at - datetime.timedelta(days=1), events[2].pk],
        )
    rechain()
    report = chain_verify()
    assert [(b.problem, b.seq, b.event_id) for b in report.breaks] == [("rewound", 3, events[2].pk)]
    out, error = verify()
    assert error is not None and f"BREAK [rewound] at position 3, event id {events[2].pk}" in out


# --- inserted step ----------------------------------------------------------------


def test_a_step_inserted_around_the_service_fails_verification(
    case: Any, inspector_a: Any, leader_a: Any
) -> None:
    recorded = new_step(case, leader_a)
    event = case_event_record(case=case, actor=leader_a, kind="stage_changed", record=recorded)
    assert event.payload["record"]["table"] == "cases_casestep"
    assert chain_verify().intact
    with as_runtime_role():
        forged = new_step(case, leader_a, document_sequence=8, document_number="8/QĐ-XPHC")
    out, error = verify()
    assert problems(chain_verify()) == [("unrecorded", "cases_casestep", forged.pk, None)]
    assert error is not None and f"RECORD [unrecorded] cases_casestep id {forged.pk}" in out


def test_an_event_must_carry_the_true_hash_of_a_row_of_its_own_case(
    case: Any, ward_a: Any, leader_a: Any
) -> None:
    step = new_step(case, leader_a)
    other_case = CaseFactory(ward=ward_a, opened_by=leader_a)
    claim = {"table": "cases_casestep", "id": step.pk, "form": 1}
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_record_hash('cases_casestep', %s, %s)", [step.pk, case.pk])
        true_hash = cursor.fetchone()[0]
    with as_runtime_role():
        for payload, match in (
            ({"record": {**claim, "hash": "0" * 64}}, "not the hash of the row as stored"),
            ({"record": {**claim, "id": step.pk + 1000, "hash": true_hash}}, "does not exist"),
            ({"record": {**claim, "form": 2, "hash": true_hash}}, "names a record that is not"),
        ):
            insert_refused(well_formed_event(case, leader_a, db_now(), payload), match)
        insert_refused(
            well_formed_event(other_case, leader_a, db_now(), {"record": {**claim, "hash": true_hash}}),
            "belongs to another case",
        )  # fmt: skip
        case_event_record(case=case, actor=leader_a, kind="stage_changed", record=step)
        # One event per row: a second cannot take the row over.
        with pytest.raises(IntegrityError), transaction.atomic():
            case_event_record(case=case, actor=leader_a, kind="note", record=step)
    with pytest.raises(ValueError, match="record="):
        case_event_record(case=case, actor=leader_a, kind="note", payload={"record": {}})
    assert chain_verify().intact


def test_a_temporary_table_cannot_stand_in_for_the_chain(case: Any, inspector_a: Any) -> None:
    case_event_record(case=case, actor=inspector_a, kind="note")
    fake_head = "f" * 64
    with as_runtime_role(), connection.cursor() as cursor:
        # Relations in pg_temp come first in an unpinned search_path.
        cursor.execute("CREATE TEMP TABLE audit_caseevent (LIKE public.audit_caseevent)")
        cursor.execute(
            "INSERT INTO pg_temp.audit_caseevent (id, kind, at, stage_before, stage_after, "
            "payload, actor_id, case_id, seq, prev_hash, hash) "
            "VALUES (0, 'note', now(), '', '', '{}', %s, %s, 1, %s, %s)",
            [inspector_a.pk, case.pk, GENESIS_HASH, fake_head],
        )
        with (
            pytest.raises(IntegrityError, match="does not continue the chain"),
            transaction.atomic(),
        ):
            cursor.execute(
                "INSERT INTO public.audit_caseevent (kind, at, stage_before, stage_after, "
                "payload, actor_id, case_id, seq, prev_hash, hash) "
                "VALUES ('note', clock_timestamp(), '', '', '{}', %s, %s, 2, %s, %s)",
                [inspector_a.pk, case.pk, fake_head, "e" * 64],
            )
        cursor.execute("DROP TABLE pg_temp.audit_caseevent")
    assert chain_verify().intact


# --- substituted photo row --------------------------------------------------------


@pytest.mark.parametrize("how", ["disable", "replication_role"])
def test_a_substituted_photo_row_fails_verification(case: Any, inspector_a: Any, how: str) -> None:
    photo = new_photo(case, inspector_a)
    event = case_event_record(case=case, actor=inspector_a, kind="photo_added", record=photo)
    assert chain_verify().intact
    other = "cd" * 32
    with owner_bypassing_triggers("photos_sitephoto", how=how) as cursor:
        cursor.execute(
            "UPDATE photos_sitephoto SET sha256 = %s, original = %s WHERE id = %s",
            [other, f"photos/original/cd/{other}.jpg", photo.pk],
        )
    report = chain_verify()
    assert report.breaks == []  # the events themselves are untouched…
    assert problems(report) == [("changed", "photos_sitephoto", photo.pk, event.pk)]  # …the row not
    out, error = verify()
    assert error is not None and f"RECORD [changed] photos_sitephoto id {photo.pk}" in out


def test_a_moved_photo_position_or_a_deleted_step_fails_verification(
    case: Any, inspector_a: Any, leader_a: Any
) -> None:
    photo = new_photo(case, inspector_a)
    step = new_step(case, leader_a)
    case_event_record(case=case, actor=inspector_a, kind="photo_added", record=photo)
    step_event = case_event_record(case=case, actor=leader_a, kind="stage_changed", record=step)
    with owner_bypassing_triggers("photos_sitephoto", "cases_casestep") as cursor:
        # A millionth of a degree (~10 cm): positions are hashed exactly, not rounded.
        cursor.execute(
            "UPDATE photos_sitephoto SET exif_location = "
            "ST_SetSRID(ST_MakePoint(106.690101, 10.7702), 4326) WHERE id = %s",
            [photo.pk],
        )
        cursor.execute("DELETE FROM cases_casestep WHERE id = %s", [step.pk])
    found = problems(chain_verify())
    assert ("changed", "photos_sitephoto", photo.pk, found[0][3]) in found
    assert ("missing", "cases_casestep", None, step_event.pk) in found


def test_every_column_of_a_step_and_a_photo_is_in_its_record_hash(
    case: Any, inspector_a: Any, leader_a: Any
) -> None:
    """A column added later must join the hash (with a new form), or it is unprotected."""
    rows = {
        "cases_casestep": ("audit_casestep_content", new_step(case, leader_a).pk),
        "photos_sitephoto": ("audit_sitephoto_content", new_photo(case, inspector_a).pk),
    }
    with connection.cursor() as cursor:
        for table, (function, row_id) in rows.items():
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = %s",
                [table],
            )
            columns = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                sql.SQL("SELECT {}(t) FROM {} AS t WHERE id = %s").format(
                    sql.Identifier(function), sql.Identifier(table)
                ),
                [row_id],
            )
            content = json.loads(cursor.fetchone()[0])
            # visit_id (form 2) and tip_id (form 3) join a photo's hash when set: see below.
            assert set(content) - {"form", "table"} == columns - {"visit_id", "tip_id"}, table


def test_a_visit_photo_hashes_its_visit_and_stays_out_of_case_history(
    case: Any, inspector_a: Any
) -> None:
    from backend.sites.models import Site, SiteOrigin, Visit

    site = Site.objects.create(
        ward=case.ward,
        origin=SiteOrigin.PATROL,
        location=case.location,
        status_since=timezone.localdate(),
    )
    visit = Visit.objects.create(
        site=site,
        inspector=inspector_a,
        visited_at=timezone.now(),
        visited_on=timezone.localdate(),
        outcome="conforming",
    )
    photo = SitePhoto.objects.create(
        visit=visit,
        original="photos/original/cd/x.jpg",
        sha256="cd" * 32,
        content_type="image/jpeg",
        size_bytes=1,
        uploaded_by=inspector_a,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit_sitephoto_content(t) FROM photos_sitephoto AS t WHERE id = %s",
            [photo.pk],
        )
        content = json.loads(cursor.fetchone()[0])
    assert (content["form"], content["visit_id"]) == (2, visit.pk)
    report = chain_verify()
    assert not [p for p in report.record_problems if p.row_id == photo.pk]


def test_a_tip_photo_hashes_its_report_and_stays_out_of_case_history(
    case: Any, inspector_a: Any
) -> None:
    from tests.intake.conftest import file_tip

    tip = file_tip()
    photo = SitePhoto.objects.create(
        tip=tip,
        original="photos/original/ef/x.jpg",
        sha256="ef" * 32,
        content_type="image/jpeg",
        size_bytes=1,
        uploaded_by=inspector_a,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit_sitephoto_content(t) FROM photos_sitephoto AS t WHERE id = %s",
            [photo.pk],
        )
        content = json.loads(cursor.fetchone()[0])
    assert (content["form"], content["tip_id"]) == (3, tip.pk)
    report = chain_verify()
    assert not [p for p in report.record_problems if p.row_id == photo.pk]


def test_a_rows_hash_is_the_same_in_every_session(case: Any, inspector_a: Any) -> None:
    photo = new_photo(case, inspector_a)

    def photo_hash() -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT audit_record_hash('photos_sitephoto', %s, %s)", [photo.pk, case.pk]
            )
            return str(cursor.fetchone()[0])

    expected = photo_hash()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL TimeZone = 'Asia/Ho_Chi_Minh'")
        cursor.execute("SET LOCAL extra_float_digits = -10")
        cursor.execute("SET LOCAL DateStyle = 'SQL, DMY'")
        assert photo_hash() == expected


# --- published heads --------------------------------------------------------------


def test_the_runtime_role_may_read_published_heads_but_never_write_them(
    case: Any, inspector_a: Any
) -> None:
    case_event_record(case=case, actor=inspector_a, kind="note")
    out = io.StringIO()
    call_command("grant_runtime_role", ROLE, stdout=out)
    assert "owner-only tables (SELECT only): audit_publishedhead" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) AS p "
            "WHERE has_table_privilege(%s, 'audit_publishedhead', p)",
            [ROLE],
        )
        assert [row[0] for row in cursor.fetchall()] == ["SELECT"]
    with as_runtime_role():
        out_text, error = verify("--publish")
        assert "The audit chain is intact." in out_text
        assert error is not None and "only the schema owner may" in str(error)
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            chain_head_publish(count=1, digest=chain_head().hash)
    assert not PublishedHead.objects.exists()


def test_verify_audit_publishes_the_head_it_verified(case: Any, inspector_a: Any) -> None:
    case_event_record(case=case, actor=inspector_a, kind="note")
    before = db_now()
    out, error = verify("--publish")
    assert error is None and "Published chain head: count 1" in out
    published = PublishedHead.objects.get()
    assert (published.event_count, published.hash) == (1, chain_head().hash)
    assert before <= published.published_at <= db_now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_user")
        assert published.published_by == cursor.fetchone()[0]
    case_event_record(case=case, actor=inspector_a, kind="note")
    out, error = verify("--publish")
    assert error is None and "Published heads held: 1 of 1" in out
    assert list(PublishedHead.objects.values_list("event_count", flat=True)) == [1, 2]


def test_only_a_head_the_chain_holds_is_published_and_never_an_older_one(
    case: Any, inspector_a: Any
) -> None:
    first = case_event_record(case=case, actor=inspector_a, kind="note")
    second = case_event_record(case=case, actor=inspector_a, kind="note")
    for count, digest in ((2, first.hash), (3, "a" * 64), (0, "a" * 64)):
        with pytest.raises(IntegrityError, match="only a head of the chain"), transaction.atomic():
            chain_head_publish(count=count, digest=digest)
    chain_head_publish(count=2, digest=second.hash)
    with pytest.raises(IntegrityError, match="behind the last published"), transaction.atomic():
        chain_head_publish(count=1, digest=first.hash)
    # Published heads are history too: the owner's UPDATE is refused.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PublishedHead.objects.update(event_count=1, hash=first.hash)


def test_history_rewritten_before_a_published_head_fails_verification(
    case: Any, inspector_a: Any
) -> None:
    events = [
        case_event_record(case=case, actor=inspector_a, kind="note", payload={"n": n})
        for n in range(4)
    ]
    call_command("verify_audit", "--publish", stdout=io.StringIO())
    saved_by_the_city = chain_head()
    case_event_record(case=case, actor=inspector_a, kind="note", payload={"n": 4})
    # The owner edits event 2 and recomputes every hash after it.
    with owner_bypassing_triggers("audit_caseevent") as cursor:
        cursor.execute(
            "UPDATE audit_caseevent SET payload = '{\"n\": 42}' WHERE id = %s", [events[1].pk]
        )
    rechain()
    report = chain_verify()
    assert [(b.problem, b.seq) for b in report.breaks] == [("published_head_changed", 4)]
    assert report.published_confirmed == 0 and not report.intact
    out, error = verify()
    assert error is not None and "BREAK [published_head_changed] at position 4" in out
    # Had the owner removed the published heads too, the city's own copy still tells.
    with owner_bypassing_triggers("audit_publishedhead") as cursor:
        cursor.execute("DELETE FROM audit_publishedhead")
    assert chain_verify().intact
    out, error = verify("--head", saved_by_the_city.hash, "--count", str(saved_by_the_city.count))
    assert error is not None and "BREAK [head_changed] at position 4" in out


def test_deleting_events_after_a_published_head_fails_verification(
    case: Any, inspector_a: Any
) -> None:
    for _ in range(3):
        case_event_record(case=case, actor=inspector_a, kind="note")
    call_command("verify_audit", "--publish", stdout=io.StringIO())
    with owner_bypassing_triggers("audit_caseevent") as cursor:
        cursor.execute("DELETE FROM audit_caseevent WHERE seq >= 2")
    report = chain_verify()
    assert [(b.problem, b.seq) for b in report.breaks] == [("published_head_truncated", 2)]


# --- the services, the demo city and history from before --------------------------


def test_the_services_hand_their_step_and_photo_to_the_event(
    inspector_a: Any, settings: Any, tmp_path: Path
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media-not-public/"},
        },
    }
    seed_rules_and_calendar()
    case = open_case(inspector_a, days_ago=3)
    case = case_transition(
        actor=inspector_a,
        case=case,
        action="record_violation",
        data=data_for("record_violation", timezone.localdate()),
    )
    photo = photo_ingest(actor=inspector_a, case=case, data=jpeg(marked())).photo
    step = CaseStep.objects.get(case=case)
    records = {
        (e.payload["record"]["table"], e.payload["record"]["id"])
        for e in CaseEvent.objects.filter(payload__has_key="record")
    }
    assert records == {("cases_casestep", step.pk), ("photos_sitephoto", photo.pk)}
    report = chain_verify()
    assert report.intact and report.records_checked == 2


def test_a_freshly_loaded_demo_city_verifies() -> None:
    call_command(
        "load_demo", "--wards", "3", "--permits", "12", "--cases", "6", "--photos", "1",
        stdout=io.StringIO(),
    )  # fmt: skip
    rows = CaseStep.objects.count() + SitePhoto.objects.count()
    assert rows > 0
    assert CaseEvent.objects.filter(payload__has_key="record").count() == rows
    report = chain_verify()
    assert report.intact, (report.breaks, report.record_problems)
    assert report.records_checked == rows


def test_steps_and_photos_from_before_the_upgrade_are_sealed_into_the_chain(
    case: Any, inspector_a: Any, leader_a: Any
) -> None:
    system_actor()  # made by accounts 0004; a transactional test's flush may have removed it
    case_event_record(case=case, actor=inspector_a, kind="note")
    step, photo = new_step(case, leader_a), new_photo(case, inspector_a)
    assert [p[0] for p in problems(chain_verify())] == ["unrecorded", "unrecorded"]

    SEAL.seal_existing_records(apps, SimpleNamespace(connection=connection))

    sealed = CaseEvent.objects.filter(kind="record_sealed").order_by("seq")
    assert [(e.payload["record"]["table"], e.payload["record"]["id"]) for e in sealed] == [
        ("cases_casestep", step.pk),
        ("photos_sitephoto", photo.pk),
    ]
    assert {e.actor.username for e in sealed} == {SYSTEM_USERNAME}
    assert chain_verify().intact
    SEAL.seal_existing_records(apps, SimpleNamespace(connection=connection))  # nothing left
    assert sealed.count() == 2
    # From the seal on, a change to the row shows.
    with owner_bypassing_triggers("cases_casestep") as cursor:
        cursor.execute("UPDATE cases_casestep SET days_late = 9 WHERE id = %s", [step.pk])
    assert [p[:3] for p in problems(chain_verify())] == [("changed", "cases_casestep", step.pk)]
