"""Refusals in the shape OGC API clients read: `{"code", "description"}`.

OGC API – Common's exception body; `detail` repeats the message in the
project's own error shape (backend.core.errors), so the same client code
reads both.
"""

from __future__ import annotations

from typing import Any


class OgcError(Exception):
    def __init__(self, message: Any, *, status: int = 400, code: str = "InvalidParameterValue"):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.code = code

    def as_dict(self) -> dict[str, Any]:
        text = str(self.message)
        return {"code": self.code, "description": text, "detail": text, "status": self.status}
