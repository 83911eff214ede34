"""One digest of a text, computed the same way in Python and in PostgreSQL."""

from __future__ import annotations

import hashlib


def text_digest(value: str) -> str:
    """The hex SHA-256 of a text's UTF-8 bytes: what `digest_sql` computes."""
    return hashlib.sha256(value.encode()).hexdigest()


def digest_sql(expression: str) -> str:
    """SQL for the text_digest of a text expression."""
    return f"encode(sha256(convert_to({expression}, 'UTF8')), 'hex')"
