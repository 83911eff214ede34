"""Errors that services raise and the API turns into clear 4xx answers."""

from __future__ import annotations

from typing import Any

# The keys of every error body (backend.core.schema: InputError).
RESERVED_KEYS = ("detail", "code")


class ServiceError(Exception):
    """A request that cannot be carried out, with a message an officer can act on.

    `message` is already translated (gettext) in the caller's language;
    `field` names the input at fault, if any; `status` is the HTTP status.
    """

    status = 400

    def __init__(self, message: Any, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code

    def as_dict(self) -> dict[str, Any]:
        """`{"<field>": ["message"], "code": …}`, or `{"detail": "message", "code": …}`
        for the request as a whole and for an input named like those two keys
        (a client cannot otherwise tell a field's messages from the body's own)."""
        body: dict[str, Any]
        if self.field and self.field not in RESERVED_KEYS:
            body = {self.field: [str(self.message)]}
        else:
            body = {"detail": str(self.message)}
        body["code"] = self.code
        return body


class InvalidInput(ServiceError):
    status = 400


class NotAllowed(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


class IdempotencyKeyReused(ServiceError):
    """The same Idempotency-Key came back with different content."""

    status = 422


class RateLimited(ServiceError):
    """Too many requests from one client address, device or key (backend.core.rate_limits).

    `retry_after` is in seconds; the API sends it as the Retry-After header.
    """

    status = 429

    def __init__(self, message: Any, *, retry_after: int, code: str = "rate_limited") -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
