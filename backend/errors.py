"""Errors that services raise and the API turns into clear 4xx answers."""

from __future__ import annotations

from typing import Any


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
        key = self.field or "detail"
        body: dict[str, Any] = {key: [str(self.message)] if self.field else str(self.message)}
        body["code"] = self.code
        return body


class InvalidInput(ServiceError):
    status = 400


class NotAllowed(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409
