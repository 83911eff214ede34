"""Rate limits counted in PostgreSQL (backend.core.rate_limits): windows, keys, concurrency."""

from __future__ import annotations

import datetime
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from backend.core.errors import RateLimited
from backend.core.models import RateCounter
from backend.core.rate_limits import (
    RateLimit,
    rate_counters_prune,
    rate_key_digest,
    rate_limit_hit,
    rate_limits_check,
)

UTC = datetime.UTC
# 10:00:10 UTC: ten seconds into an hour-long window.
NOW = datetime.datetime(2026, 3, 2, 10, 0, 10, tzinfo=UTC)
HOURLY = RateLimit("test_ip", 3, 3600)


def hits(limit: RateLimit, key: str | None, times: int, now: datetime.datetime = NOW) -> list[Any]:
    return [rate_limit_hit(limit, key, now=now) for _ in range(times)]


@pytest.mark.django_db
def test_hits_are_counted_up_to_the_limit_then_refused_until_the_window_ends() -> None:
    decisions = hits(HOURLY, "203.0.113.7", 5)
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.count for d in decisions] == [1, 2, 3, 4, 5]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]
    # The window is 10:00–11:00 UTC: refused for the 3590 s left of it.
    assert [d.retry_after_seconds for d in decisions] == [0, 0, 0, 3590, 3590]
    (row,) = RateCounter.objects.all()
    assert row.count == 5 and row.window_start == datetime.datetime(2026, 3, 2, 10, tzinfo=UTC)


@pytest.mark.django_db
def test_each_key_and_each_scope_has_its_own_count() -> None:
    hits(HOURLY, "203.0.113.7", 3)
    assert rate_limit_hit(HOURLY, "203.0.113.8", now=NOW).count == 1
    assert rate_limit_hit(RateLimit("test_device", 3, 3600), "203.0.113.7", now=NOW).count == 1
    assert not rate_limit_hit(HOURLY, "203.0.113.7", now=NOW).allowed


@pytest.mark.django_db
def test_windows_are_aligned_on_the_clock_and_a_new_one_starts_from_zero() -> None:
    assert not hits(HOURLY, "k", 4)[-1].allowed
    # Later in the same window: still the same count.
    late = NOW.replace(minute=59, second=59)
    last = rate_limit_hit(HOURLY, "k", now=late)
    assert (last.count, last.retry_after_seconds) == (5, 1)
    # 11:00:00 begins the next window.
    fresh = rate_limit_hit(HOURLY, "k", now=NOW.replace(hour=11, second=0))
    assert (fresh.allowed, fresh.count, fresh.remaining) == (True, 1, 2)
    # Windows of other lengths align on the epoch too: 7-minute ones at
    # 09:56:00 and 10:03:00 (multiples of 420 s since 1970).
    seven = RateLimit("test_7min", 1, 420)
    assert rate_limit_hit(seven, "k", now=NOW).allowed
    refused = rate_limit_hit(seven, "k", now=NOW)
    assert (refused.allowed, refused.retry_after_seconds) == (False, 170)
    starts = set(RateCounter.objects.values_list("scope", "window_start"))
    assert starts == {
        ("test_ip", datetime.datetime(2026, 3, 2, 10, tzinfo=UTC)),
        ("test_ip", datetime.datetime(2026, 3, 2, 11, tzinfo=UTC)),
        ("test_7min", datetime.datetime(2026, 3, 2, 9, 56, tzinfo=UTC)),
    }


@pytest.mark.django_db
def test_without_now_the_database_clock_places_the_hit() -> None:
    decision = rate_limit_hit(RateLimit("test_clock", 1, 60), "k")
    assert decision.allowed and decision.count == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        (db_now,) = cursor.fetchone()
    (row,) = RateCounter.objects.all()
    assert row.window_start <= db_now < row.window_start + datetime.timedelta(seconds=60)
    assert row.window_start.second == 0 and row.window_start.microsecond == 0
    refused = rate_limit_hit(RateLimit("test_clock", 1, 60), "k")
    assert not refused.allowed and 1 <= refused.retry_after_seconds <= 60


@pytest.mark.django_db
def test_a_limit_of_zero_is_off_and_a_missing_key_is_not_counted() -> None:
    for limit in (RateLimit("test_off", 0, 3600), RateLimit("test_off", -1, 0)):
        assert all(d.allowed and d.count == 0 for d in hits(limit, "203.0.113.7", 20))
    for key in (None, ""):
        assert all(d.allowed and d.count == 0 for d in hits(HOURLY, key, 20))
    assert not RateCounter.objects.exists()
    rate_limits_check([(RateLimit("test_off", 0, 3600), "k")] * 5, now=NOW)


def test_a_limit_needs_a_scope_and_a_window() -> None:
    with pytest.raises(ValueError, match="window_seconds"):
        RateLimit("test_ip", 10, 0)
    with pytest.raises(ValueError, match="scope"):
        RateLimit("", 10, 60)
    with pytest.raises(ValueError, match="scope"):
        RateLimit("x" * 41, 10, 60)


@pytest.mark.django_db
def test_keys_are_stored_only_as_an_hmac_under_the_secret_key() -> None:
    key = "203.0.113.7"
    rate_limit_hit(HOURLY, key, now=NOW)
    (row,) = RateCounter.objects.all()
    assert row.key_digest == rate_key_digest(key)
    assert len(row.key_digest) == 64 and int(row.key_digest, 16) >= 0
    # Nothing in the row, nor anywhere in the table, holds the key itself.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(r)::text FROM {RateCounter._meta.db_table} r")  # noqa: S608
        (text,) = cursor.fetchone()
    assert key not in text and "203.0.113" not in text
    # Keyed: not a plain hash anyone could compute for every IPv4 address.
    with override_settings(SECRET_KEY="another-" + "s" * 50):
        assert rate_key_digest(key) != row.key_digest
    assert rate_key_digest("203.0.113.8") != row.key_digest


@pytest.mark.django_db
def test_the_check_counts_every_pair_and_refuses_with_the_longest_wait() -> None:
    per_ip = RateLimit("test_ip", 2, 3600, who="this connection")
    per_device = RateLimit("test_device", 1, 600, who="this device")
    pairs: list[tuple[RateLimit, str | None]] = [(per_ip, "203.0.113.7"), (per_device, "phone-1")]
    assert [d.count for d in rate_limits_check(pairs, now=NOW)] == [1, 1]
    with translation.override("en"), pytest.raises(RateLimited) as refused:
        rate_limits_check(pairs, now=NOW)
    # Only the device's limit is over; its 10-minute window ends at 10:10.
    assert refused.value.status == 429 and refused.value.retry_after == 590
    assert refused.value.as_dict() == {
        "detail": "Too many requests from this device. Please try again in 10 minutes.",
        "code": "rate_limited",
    }
    # Counted although refused: the next hit finds the address over its limit too.
    with translation.override("en"), pytest.raises(RateLimited) as again:
        rate_limits_check(pairs, now=NOW)
    assert again.value.retry_after == 3590
    assert str(again.value.message).startswith("Too many requests from this connection.")
    assert dict(RateCounter.objects.values_list("scope", "count")) == {
        "test_ip": 3,
        "test_device": 3,
    }


@pytest.mark.django_db
def test_the_refusal_is_in_vietnamese_and_says_minutes_in_whole_numbers() -> None:
    one = RateLimit("test_min", 1, 60)
    hits(one, "k", 1)
    with translation.override("vi"), pytest.raises(RateLimited) as refused:
        rate_limits_check([(one, "k")], now=NOW)
    # 50 s left rounds up to one minute, never "0 minutes".
    assert refused.value.retry_after == 50
    assert str(refused.value.message) == "Có quá nhiều yêu cầu. Vui lòng thử lại sau 1 phút."


class _Limited(APIView):
    """An endpoint that checks one limit, as the tips' will."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    limit = RateLimit("test_api", 1, 3600, who="this connection")

    def post(self, request: Request) -> Response:
        rate_limits_check([(self.limit, request.META.get("REMOTE_ADDR"))])
        return Response({"ok": True}, status=201)


@pytest.mark.django_db
def test_the_api_answers_429_with_retry_after_and_the_message() -> None:
    factory = APIRequestFactory()
    view = _Limited.as_view()

    def post() -> Any:
        return view(factory.post("/", {}, format="json", HTTP_ACCEPT_LANGUAGE="vi"))

    assert post().status_code == 201
    response = post()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert response.data["code"] == "rate_limited"
    assert response.data["detail"].startswith("Có quá nhiều yêu cầu từ")


THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_on_one_key_are_each_counted_once() -> None:
    """Twenty connections at once, a limit of ten: exactly ten get through."""
    limit = RateLimit("test_race", 10, 3600)
    start = threading.Barrier(THREADS)
    decisions: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def hit() -> None:
        try:
            start.wait(timeout=10)
            decision = rate_limit_hit(limit, "203.0.113.7", now=NOW)
            with lock:
                decisions.append(decision)
        except BaseException as exc:  # reported by the assertions below
            with lock:
                errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=hit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(d.count for d in decisions) == list(range(1, THREADS + 1))
    assert sum(d.allowed for d in decisions) == 10
    assert RateCounter.objects.get().count == THREADS


@pytest.mark.django_db
def test_pruning_forgets_windows_that_began_long_enough_ago() -> None:
    for hours_ago in (0, 1, 2, 30):
        rate_limit_hit(HOURLY, "k", now=NOW - datetime.timedelta(hours=hours_ago))
    # Windows that began before 07:00:10: only the one of 30 hours ago.
    assert rate_counters_prune(3 * 3600, now=NOW) == 1
    kept = sorted(RateCounter.objects.values_list("window_start", flat=True))
    assert kept == [NOW.replace(hour=h, second=0) for h in (8, 9, 10)]
    # Before 09:00:10: the 08:00 and 09:00 windows; the current one stays.
    assert rate_counters_prune(3600, now=NOW) == 2
    assert list(RateCounter.objects.values_list("window_start", flat=True)) == [
        NOW.replace(second=0)
    ]


@pytest.mark.django_db
def test_the_prune_command_keeps_windows_younger_than_the_retention(settings: Any) -> None:
    settings.TTXD_RATE_COUNTER_RETENTION_HOURS = 24
    rate_limit_hit(HOURLY, "recent")  # the database's clock: now
    old = datetime.datetime.now(UTC) - datetime.timedelta(hours=25)
    rate_limit_hit(HOURLY, "old", now=old)
    out = StringIO()
    call_command("prune_rate_counters", stdout=out)
    assert "1 rate counter(s) forgotten." in out.getvalue()
    assert list(RateCounter.objects.values_list("key_digest", flat=True)) == [
        rate_key_digest("recent")
    ]
    call_command("prune_rate_counters", "--older-than-hours", "0.0001", stdout=out)
    assert not RateCounter.objects.exists()
