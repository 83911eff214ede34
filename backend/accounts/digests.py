"""One digest of a text, computed the same way in Python and in PostgreSQL."""

from __future__ import annotations

import hashlib


def text_digest(value: str) -> str:
    """The hex SHA-256 of a text's UTF-8 bytes, as accounts_access_unchanged
    (migration accounts 0003) computes it in SQL:
    encode(sha256(convert_to(value, 'UTF8')), 'hex')."""
    return hashlib.sha256(value.encode()).hexdigest()
