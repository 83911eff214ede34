"""Rate limits counted in PostgreSQL, shared by every web process and replica.

A limit allows `limit` hits per key in fixed windows of `window_seconds`,
aligned from the Unix epoch (a 3600 s window starts on the hour, UTC). Fixed
windows need one row per key and window and one statement per hit; a client
can get up to twice the limit across a window boundary, which is acceptable
for keeping out floods and is what makes counting this cheap.

Each hit is one `INSERT … ON CONFLICT … DO UPDATE … RETURNING count`: the
row lock PostgreSQL takes on conflict serialises concurrent hits on one key,
so none is lost, whichever process or connection sends them.

Call `rate_limits_check` before the request's own transaction (in autocommit,
as views run): the hit is then committed at once, and counts even when the
request fails afterwards; inside a transaction the counter row stays locked,
and the count uncommitted, until that transaction ends.

Keys — client addresses, device ids, API keys — are stored only as an HMAC
under SECRET_KEY. Rotating SECRET_KEY therefore starts every count afresh.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import ngettext

from backend.core.errors import RateLimited
from backend.core.models import RateCounter

# Separates these digests from every other use of SECRET_KEY.
_DIGEST_SALT = "backend.core.rate_limits"
_SCOPE_MAX_LENGTH = RateCounter._meta.get_field("scope").max_length or 0


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per key in each window; `limit <= 0` turns the limit off.

    `who` names the senders in the refusal, e.g. _("this connection");
    without it the message speaks of requests in general.
    """

    scope: str
    limit: int
    window_seconds: int
    who: str | Promise = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Configuration mistakes, not bad input: they should stop a deploy's first request loudly.
        if not self.scope or len(self.scope) > _SCOPE_MAX_LENGTH:
            raise ValueError(f"A rate limit's scope takes 1 to {_SCOPE_MAX_LENGTH} characters.")
        if self.limit > 0 and self.window_seconds <= 0:
            raise ValueError(f"Rate limit {self.scope}: window_seconds must be positive.")

    @property
    def enabled(self) -> bool:
        return self.limit > 0


@dataclass(frozen=True)
class RateDecision:
    """What one hit found: `count` includes it (0 when it was not counted).

    `retry_after_seconds` is when the current window ends, if refused (else 0).
    """

    allowed: bool
    count: int
    remaining: int
    retry_after_seconds: int


def rate_key_digest(key: str) -> str:
    """HMAC-SHA256 (hex) of a key under SECRET_KEY: what RateCounter stores instead of it."""
    return salted_hmac(_DIGEST_SALT, key, algorithm="sha256").hexdigest()


# One statement: the window from the database's clock (or the caller's `now`),
# the insert, the increment on conflict, and the seconds left in the window.
_HIT_SQL = f"""
WITH clock AS (
    SELECT COALESCE(%(now)s::timestamptz, statement_timestamp()) AS now
)
INSERT INTO {RateCounter._meta.db_table} AS rate_counter (scope, key_digest, window_start, count)
SELECT %(scope)s, %(digest)s,
       to_timestamp(floor(extract(epoch FROM clock.now) / %(window)s) * %(window)s),
       1
FROM clock
ON CONFLICT (scope, key_digest, window_start)
DO UPDATE SET count = rate_counter.count + 1
RETURNING rate_counter.count,
          extract(epoch FROM rate_counter.window_start) + %(window)s
          - (SELECT extract(epoch FROM clock.now) FROM clock)
"""  # noqa: S608 (the table name is the model's own; every value is a parameter)


def rate_limit_hit(
    limit: RateLimit, key: str | None, *, now: datetime.datetime | None = None
) -> RateDecision:
    """Count one hit of `key` against `limit` and say whether it is within the limit.

    A limit that is off, or a missing key (no client address, no device id),
    counts nothing and allows. `now` replaces the database's clock (tests,
    replays).
    """
    if not limit.enabled or not key:
        return RateDecision(
            allowed=True, count=0, remaining=max(limit.limit, 0), retry_after_seconds=0
        )
    with connection.cursor() as cursor:
        cursor.execute(
            _HIT_SQL,
            {
                "now": now,
                "scope": limit.scope,
                "digest": rate_key_digest(key),
                "window": limit.window_seconds,
            },
        )
        count, seconds_left = cursor.fetchone()
    allowed = count <= limit.limit
    return RateDecision(
        allowed=allowed,
        count=count,
        remaining=max(limit.limit - count, 0),
        retry_after_seconds=0 if allowed else max(1, math.ceil(seconds_left)),
    )


def rate_limits_check(
    pairs: list[tuple[RateLimit, str | None]], *, now: datetime.datetime | None = None
) -> list[RateDecision]:
    """Count a hit on every (limit, key) pair; raise RateLimited if any is over its limit.

    Every pair is counted even once one refuses, so that a client over one
    limit keeps using up the others too. The refusal names the limit that
    lasts longest and says when to try again.
    """
    decisions = [rate_limit_hit(limit, key, now=now) for limit, key in pairs]
    refused = [
        (decision.retry_after_seconds, limit)
        for (limit, _key), decision in zip(pairs, decisions, strict=True)
        if not decision.allowed
    ]
    if refused:
        retry_after, limit = max(refused, key=lambda item: item[0])
        raise RateLimited(_refusal_message(limit, retry_after), retry_after=retry_after)
    return decisions


def _refusal_message(limit: RateLimit, retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    if limit.who:
        return ngettext(
            "Too many requests from %(who)s. Please try again in %(minutes)d minute.",
            "Too many requests from %(who)s. Please try again in %(minutes)d minutes.",
            minutes,
        ) % {"who": limit.who, "minutes": minutes}
    return ngettext(
        "Too many requests. Please try again in %(minutes)d minute.",
        "Too many requests. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def rate_counters_prune(older_than_seconds: int, *, now: datetime.datetime | None = None) -> int:
    """Delete the counters of windows that began over `older_than_seconds` ago; how many.

    Pass at least the longest window in use: a younger row may still be counting.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=older_than_seconds)
    deleted, _ = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
