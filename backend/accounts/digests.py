"""Digests: of a text (the same in Python and in PostgreSQL), of a device token."""

from __future__ import annotations

import hashlib

from knox.crypto import hash_token


def text_digest(value: str) -> str:
    """The hex SHA-256 of a text's UTF-8 bytes, as accounts_access_unchanged
    (migration accounts 0003) computes it in SQL:
    encode(sha256(convert_to(value, 'UTF8')), 'hex')."""
    return hashlib.sha256(value.encode()).hexdigest()


def token_digest(token: str) -> str:
    """The digest a device token is stored under (knox's hash, SHA-512 hex)."""
    return str(hash_token(token))
