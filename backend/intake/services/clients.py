"""The city's apps that file reports through Open311, and their API keys.

A key is shown once, when it is issued or rotated; only its SHA-256 digest and
its first characters are kept, so a leaked database does not leak the keys.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.intake.models import IntegrationClient

KEY_PREFIX_LENGTH = 8


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    client: IntegrationClient
    key: str  # shown once to the administrator, never stored


def _new_key() -> tuple[str, str, str]:
    key = secrets.token_urlsafe(32)
    return key, key_digest(key), key[:KEY_PREFIX_LENGTH]


@transaction.atomic
def integration_client_issue(*, actor: Any, name: str, contact: str = "") -> IssuedKey:
    """A new app with a fresh key."""
    key, digest, prefix = _new_key()
    client = IntegrationClient.objects.create(
        name=name,
        contact=contact,
        key_digest=digest,
        key_prefix=prefix,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return IssuedKey(client=client, key=key)


@transaction.atomic
def integration_client_rotate(*, actor: Any, client: IntegrationClient) -> IssuedKey:
    """A new key for the app; the old one stops working at once."""
    key, digest, prefix = _new_key()
    IntegrationClient.objects.filter(pk=client.pk).update(key_digest=digest, key_prefix=prefix)
    client.refresh_from_db()
    return IssuedKey(client=client, key=key)


@transaction.atomic
def integration_client_revoke(*, actor: Any, client: IntegrationClient) -> None:
    IntegrationClient.objects.filter(pk=client.pk).update(is_active=False)
    client.refresh_from_db()


def integration_client_by_key(key: Any) -> IntegrationClient | None:
    """The active app this key belongs to, or None."""
    if not isinstance(key, str) or not key or len(key) > 200:
        return None
    client = IntegrationClient.objects.filter(key_digest=key_digest(key), is_active=True).first()
    return client


def integration_client_seen(client: IntegrationClient) -> None:
    IntegrationClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
