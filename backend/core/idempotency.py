"""Safe retries: a client-made Idempotency-Key gets the first answer again.

A phone with a poor connection cannot tell "the server never got it" from
"the answer got lost", so it retries with the same key until it hears back.

How a key is handled, all inside the caller's transaction:

- a transaction-level advisory lock on (user, key) is *tried*: if another
  request holds it, that request is still being processed → 409, and the
  client retries later;
- a record of the key from an earlier, committed request with the same
  fingerprint → its answer is replayed; with another fingerprint → 422;
- otherwise the request runs and its record is written in the same
  transaction as what it created: a crash rolls back both, so a retry starts
  from scratch and nothing is ever half-recorded.

PostgreSQL holds locks and records because several web processes share
nothing else. Used by photo uploads and by case opening (the field app's
offline queue sends both).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, transaction
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from backend.core.errors import Conflict, IdempotencyKeyReused, InvalidInput
from backend.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 100

T = TypeVar("T")
P = TypeVar("P")


def fingerprint_of(value: Any) -> str:
    """SHA-256 of a canonical JSON form of what a request asked for."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def idempotency_key_check(key: str | None) -> str:
    """The key as sent, if it is one we can store; 400 otherwise."""
    if key is None or not key.strip():
        raise InvalidInput(
            _("The Idempotency-Key header is required: send a new UUID with each photo."),
            field=HEADER,
            code="idempotency_key_missing",
        )
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidInput(
            _("The Idempotency-Key must be at most %(limit)d printable ASCII characters.")
            % {"limit": MAX_KEY_LENGTH},
            field=HEADER,
            code="idempotency_key_invalid",
        )
    return key


def idempotency_claim(
    *, user: Any, key: str, scope: str, fingerprint: str
) -> IdempotencyRecord | None:
    """Hold the key for this transaction; return the earlier request's record, if any.

    Raises Conflict (409) while another request with the key is in progress
    and IdempotencyKeyReused (422) when the key was used for other content.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("idempotency_claim must run inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"idempotency:{user.pk}:{key}"],
        )
        locked = bool(cursor.fetchone()[0])
    if not locked:
        raise Conflict(
            _("A request with this Idempotency-Key is still being processed. Try again shortly."),
            field=HEADER,
            code="idempotency_in_progress",
        )
    record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.scope != scope or record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _(
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for new content."
            ),
            field=HEADER,
            code="idempotency_key_reused",
        )
    return record


@dataclass(frozen=True)
class Kept:
    """What a key's record keeps of its first outcome."""

    result_id: int | None  # what the request created
    status: int | None = None  # the API answer, replayed as it was
    body: Any = None


def idempotency_once(
    *,
    user: Any,
    key: str,
    scope: str,
    fingerprint: str,
    run: Callable[[], T],
    replay: Callable[[IdempotencyRecord], T | None],
    kept: Callable[[T], Kept | None],
) -> T:
    """Run `run` once per user and key; a retry gets `replay(record)` instead.

    `replay` gives the first outcome again, or None to run anew; `kept` says
    what the record keeps of an outcome, or None to keep nothing (a refusal:
    a corrected retry with the same key is not blocked). The record is
    written in the transaction of what `run` created.
    """
    with transaction.atomic():
        record = idempotency_claim(user=user, key=key, scope=scope, fingerprint=fingerprint)
        if record is not None:
            earlier = replay(record)
            if earlier is not None:
                return earlier
        outcome = run()
        keep = kept(outcome)
        if keep is not None:
            IdempotencyRecord.objects.create(
                user=user,
                key=key,
                scope=scope,
                fingerprint=fingerprint,
                result_id=keep.result_id,
                response_status=keep.status,
                response_body=keep.body,
            )
        return outcome


def response_replayed(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body, status=record.response_status)
    response[REPLAY_HEADER] = "true"
    return response


def _kept_answer(response: Response) -> Kept | None:
    if not 200 <= response.status_code < 300:
        return None
    data = response.data if isinstance(response.data, dict) else {}
    result_id = data.get("id")
    return Kept(
        result_id=result_id if isinstance(result_id, int) else None,
        status=response.status_code,
        body=response.data,
    )


def idempotent_response(
    request: Request,
    *,
    scope: str,
    required: bool,
    prepare: Callable[[], P],
    fingerprint: Callable[[P], str],
    respond: Callable[[P], Response],
    replay_result: Callable[[int], Response] | None = None,
) -> Response:
    """Answer a create request so that a retry with its Idempotency-Key gets the first answer.

    In this order: the header is checked (a missing one is 400 if `required`,
    otherwise the request is simply answered); `prepare` checks the request,
    so its refusals come before the key is claimed and are never kept; the key
    is claimed for `fingerprint(prepared)`; a retry gets the kept answer, or
    `replay_result(id)` for a record a service caller wrote without one;
    otherwise `respond(prepared)` runs and a 2xx answer is kept.
    """
    raw_key = request.headers.get(HEADER)
    if raw_key is None and not required:
        return respond(prepare())
    key = idempotency_key_check(raw_key)
    prepared = prepare()

    def replay(record: IdempotencyRecord) -> Response | None:
        if record.response_status is not None:
            return response_replayed(record)
        if replay_result is not None and record.result_id is not None:
            return replay_result(record.result_id)
        return None

    return idempotency_once(
        user=request.user,
        key=key,
        scope=scope,
        fingerprint=fingerprint(prepared),
        run=lambda: respond(prepared),
        replay=replay,
        kept=_kept_answer,
    )


def honours_idempotency_key(scope: str) -> Callable[[Any], Any]:
    """Decorate a DRF create method so an optional Idempotency-Key makes it safe to retry.

    Without the header the method runs as before. With it, the first
    successful answer is stored with what it created and replayed to every
    retry carrying the same key and the same request body.
    """

    def decorate(method: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(method)
        def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            return idempotent_response(
                request,
                scope=scope,
                required=False,
                prepare=lambda: None,
                fingerprint=lambda _: fingerprint_of(
                    {"scope": scope, "path": request.path, "data": request.data}
                ),
                respond=lambda _: method(view, request, *args, **kwargs),
            )

        return wrapper

    return decorate
