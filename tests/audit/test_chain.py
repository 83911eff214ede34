"""The history is append-only in the database and hash-chained across the table."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from backend.audit.chain import GENESIS_HASH, content_canonical, event_hash, payload_canonical
from backend.audit.models import CaseEvent, HistoryIsAppendOnly
from backend.audit.services import case_event_record
from backend.audit.verification import chain_head, chain_verify
from backend.audit.verification_report import ChainHead
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(ward_a: Any, inspector_a: Any) -> Any:
    return CaseFactory(ward=ward_a, opened_by=inspector_a)


def record(case: Any, actor: Any, n: int = 1, **payload: Any) -> list[CaseEvent]:
    return [
        case_event_record(case=case, actor=actor, kind="note", payload={"n": i, **payload})
        for i in range(n)
    ]


def tamper(statement: str, params: Any = ()) -> None:
    """What a superuser could do: switch the guards off, rewrite, switch them on."""
    with connection.cursor() as cursor:
        # Fire the test transaction's deferred foreign-key checks first: ALTER
        # TABLE refuses to run while trigger events are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_caseevent DISABLE TRIGGER USER")
        cursor.execute(statement, params)
        cursor.execute("ALTER TABLE audit_caseevent ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def verify(*args: str) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("verify_audit", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_events_form_one_chain_from_the_genesis_hash(case: Any, inspector_a: Any) -> None:
    first, second, third = record(case, inspector_a, 3)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    # The hash is SHA-256 over the previous hash and the documented canonical JSON.
    stored = CaseEvent.objects.get(pk=second.pk)
    canonical = json.dumps(
        {
            "v": 1,
            "seq": 2,
            "case": case.pk,
            "actor": inspector_a.pk,
            "kind": "note",
            "at": stored.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "stage_before": "",
            "stage_after": "",
            "payload": {"n": 1},
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert stored.hash == hashlib.sha256((first.hash + canonical).encode()).hexdigest()
    assert chain_head() == ChainHead(3, third.hash)


def test_hashes_survive_the_database_round_trip_of_awkward_payloads(
    case: Any, inspector_a: Any
) -> None:
    payload = {
        "floats": [0.1, 1e-7, 1e20, 5.0, -0.0, 106.70123456789],
        "big": 2**63 + 1,
        "text": "Biên bản vi phạm hành chính — “số 12/BB”",
        "day": datetime.date(2026, 2, 13),
        "money": decimal.Decimal("12500000.50"),
        "nested": {"b": [1, {"z": None, "a": True}], "a": ()},
        7: "integer key",
    }
    event = case_event_record(case=case, actor=inspector_a, kind="note", payload=payload)
    assert event.payload["day"] == "2026-02-13" and event.payload["7"] == "integer key"
    report = chain_verify()
    assert report.intact and report.checked == 1
    # Integral floats hash as integers: jsonb may give 5.0 back as 5.
    kwargs: dict[str, Any] = dict(
        seq=1, case_id=1, actor_id=1, kind="k", at=timezone.now(), stage_before="", stage_after=""
    )
    assert content_canonical(payload=payload_canonical('{"x": 5.0}'), **kwargs) == (
        content_canonical(payload=payload_canonical('{"x": 5}'), **kwargs)
    )
    assert '"x":0.1' in content_canonical(payload=payload_canonical('{"x": 0.1}'), **kwargs)


def test_payloads_with_nan_are_refused_before_anything_is_written(
    case: Any, inspector_a: Any
) -> None:
    with pytest.raises(ValueError, match="finite"):
        case_event_record(case=case, actor=inspector_a, kind="note", payload={"x": float("nan")})
    assert not CaseEvent.objects.exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_caseevent SET kind = 'forged'",
        "UPDATE audit_caseevent SET payload = '{}' WHERE false",
        "DELETE FROM audit_caseevent",
        "DELETE FROM audit_caseevent WHERE false",
    ],
)
def test_the_database_refuses_to_rewrite_history(
    case: Any, inspector_a: Any, statement: str
) -> None:
    record(case, inspector_a, 2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert list(CaseEvent.objects.values_list("kind", flat=True)) == ["note", "note"]


def test_the_database_refuses_truncate_outside_the_test_harness(
    case: Any, inspector_a: Any
) -> None:
    record(case, inspector_a, 1)
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The suite allows TRUNCATE to empty its database (tests/conftest.py);
        # any other session does not.
        cursor.execute("SET LOCAL ttxd.allow_history_truncate = off")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_caseevent CASCADE")
    assert CaseEvent.objects.count() == 1


def test_the_orm_refuses_to_change_or_delete_an_event(case: Any, inspector_a: Any) -> None:
    (event,) = record(case, inspector_a)
    event.kind = "forged"
    with pytest.raises(HistoryIsAppendOnly):
        event.save()
    with pytest.raises(HistoryIsAppendOnly):
        event.delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(kind="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.all().delete()
    assert CaseEvent.objects.get().kind == "note"


def test_an_event_written_around_the_service_is_refused(case: Any, inspector_a: Any) -> None:
    with pytest.raises(IntegrityError, match="case_event_record"), transaction.atomic():
        CaseEvent.objects.create(case=case, actor=inspector_a, kind="note", at=timezone.now())
    (event,) = record(case, inspector_a)
    # A forged event that does not continue the chain is refused too.
    with pytest.raises(IntegrityError, match="does not continue the chain"), transaction.atomic():
        CaseEvent.objects.create(
            case=case, actor=inspector_a, kind="note", at=timezone.now(),
            seq=2, prev_hash="f" * 64, hash="e" * 64,
        )  # fmt: skip
    assert chain_verify().intact


def test_verify_audit_accepts_a_whole_chain_and_prints_its_head(
    case: Any, inspector_a: Any
) -> None:
    events = record(case, inspector_a, 4)
    out, error = verify()
    assert error is None
    assert f"count 4 hash {events[-1].hash}" in out
    assert "Events checked: 4" in out


def test_verify_audit_finds_an_edited_field(case: Any, inspector_a: Any) -> None:
    events = record(case, inspector_a, 5)
    tamper(
        "UPDATE audit_caseevent SET payload = jsonb_set(payload, '{n}', '99') WHERE id = %s",
        [events[2].pk],
    )
    out, error = verify()
    assert error is not None and error.returncode == 1
    assert f"BREAK [edited] at position 3, event id {events[2].pk}" in out
    # The recorded time is part of the content too.
    report_before = chain_verify()
    assert report_before.breaks[0].seq == 3


def test_verify_audit_finds_an_edited_time(case: Any, inspector_a: Any) -> None:
    events = record(case, inspector_a, 3)
    tamper("UPDATE audit_caseevent SET at = at - interval '3 days' WHERE id = %s", [events[0].pk])
    report = chain_verify()
    assert [(b.problem, b.seq, b.event_id) for b in report.breaks] == [("edited", 1, events[0].pk)]


def test_verify_audit_finds_a_deleted_event(case: Any, inspector_a: Any) -> None:
    events = record(case, inspector_a, 5)
    tamper("DELETE FROM audit_caseevent WHERE id = %s", [events[1].pk])
    out, error = verify()
    assert error is not None
    assert f"BREAK [missing] at position 2, event id {events[2].pk}" in out


def test_verify_audit_finds_a_deleted_event_even_when_positions_are_renumbered(
    case: Any, inspector_a: Any
) -> None:
    events = record(case, inspector_a, 4)
    tamper("DELETE FROM audit_caseevent WHERE id = %s", [events[1].pk])
    tamper("UPDATE audit_caseevent SET seq = seq - 1 WHERE seq > 2")
    report = chain_verify()
    assert report.breaks[0].seq == 2
    assert report.breaks[0].event_id == events[2].pk
    assert report.breaks[0].problem == "relinked"


def test_verify_audit_finds_two_swapped_events(case: Any, inspector_a: Any) -> None:
    events = record(case, inspector_a, 5)
    tamper("UPDATE audit_caseevent SET seq = -1 WHERE seq = 3")
    tamper("UPDATE audit_caseevent SET seq = 3 WHERE seq = 4")
    tamper("UPDATE audit_caseevent SET seq = 4 WHERE seq = -1")
    out, error = verify()
    assert error is not None
    assert f"BREAK [out_of_order] at position 3, event id {events[3].pk}" in out
    assert str(events[2].pk) in out  # names the event it was swapped with


def test_a_rewritten_chain_is_caught_by_an_earlier_recorded_head(
    case: Any, inspector_a: Any
) -> None:
    events = record(case, inspector_a, 4)
    recorded = chain_head()
    record(case, inspector_a, 2)
    # A careful forger edits event 2 and recomputes every hash after it: the
    # chain is consistent again, but no longer ends in the recorded head.
    tamper("UPDATE audit_caseevent SET payload = '{\"n\": 42}' WHERE id = %s", [events[1].pk])
    prev = events[0].hash
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, seq, case_id, actor_id, kind, at, stage_before, stage_after, payload::text "
            "FROM audit_caseevent WHERE seq >= 2 ORDER BY seq"
        )
        rows = cursor.fetchall()
    for event_id, seq, case_id, actor_id, kind, at, before, after, payload in rows:
        digest = event_hash(
            prev,
            content_canonical(
                seq=seq, case_id=case_id, actor_id=actor_id, kind=kind, at=at,
                stage_before=before, stage_after=after, payload=payload_canonical(payload),
            ),
        )  # fmt: skip
        tamper(
            "UPDATE audit_caseevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, digest, event_id],
        )
        prev = digest
    assert chain_verify().intact
    out, error = verify("--head", recorded.hash, "--count", str(recorded.count))
    assert error is not None
    assert "BREAK [head_changed] at position 4" in out
    assert "NOT confirmed" in out


def test_an_earlier_head_proves_the_history_up_to_it(case: Any, inspector_a: Any) -> None:
    record(case, inspector_a, 3)
    recorded = chain_head()
    later = record(case, inspector_a, 3)
    out, error = verify("--head", recorded.hash, "--count", str(recorded.count))
    assert error is None
    assert "History up to the earlier head (count 3) is unchanged." in out
    # A break after the recorded head still fails the run, but the head holds.
    tamper("UPDATE audit_caseevent SET kind = 'forged' WHERE id = %s", [later[1].pk])
    report = chain_verify(recorded)
    assert report.earlier_head_confirmed is True
    assert [b.problem for b in report.breaks] == ["edited"] and not report.intact


def test_deleting_the_newest_events_is_caught_by_an_earlier_head(
    case: Any, inspector_a: Any
) -> None:
    record(case, inspector_a, 4)
    recorded = chain_head()
    tamper("DELETE FROM audit_caseevent WHERE seq >= 3")
    assert chain_verify().intact  # alone, a shorter chain looks whole…
    out, error = verify("--head", recorded.hash, "--count", "4")
    assert error is not None  # …but not against the head the city wrote down
    assert "BREAK [truncated]" in out


def test_verify_audit_refuses_a_malformed_head() -> None:
    for args in (["--head", "abc", "--count", "1"], ["--head", "a" * 64], ["--count", "x"]):
        with pytest.raises(CommandError):
            call_command("verify_audit", *args, stdout=StringIO())


def test_an_empty_history_verifies() -> None:
    out, error = verify("--head", GENESIS_HASH, "--count", "0")
    assert error is None
    assert f"count 0 hash {GENESIS_HASH}" in out


@pytest.mark.parametrize(
    ("occurred_on", "expected"),
    [
        ("2026-02-28", datetime.date(2026, 2, 28)),
        ("2024-02-29", datetime.date(2024, 2, 29)),
        ("2026-02-30", None),  # not a day: the recording day instead
        ("2026-13-01", None),
        ("0000-01-01", None),
        ("28/02/2026", None),
        (None, None),
    ],
)
def test_the_legal_date_of_an_event_falls_back_to_its_recording_day(
    occurred_on: str | None, expected: datetime.date | None
) -> None:
    at = datetime.datetime(2026, 3, 1, 18, 30, tzinfo=datetime.UTC)  # 01:30 on 2/3 in HCMC
    payload = json.dumps({} if occurred_on is None else {"occurred_on": occurred_on})
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_event_day(%s::jsonb, %s)", [payload, at])
        assert cursor.fetchone()[0] == (expected or datetime.date(2026, 3, 2))
