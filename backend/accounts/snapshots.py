"""A request's authentication, kept so that a later statement can re-check it.

Every map tile is authenticated afresh: a logout, an expired session, a
deactivation, a password, role or ward change must take effect on the very
next tile. Done the ordinary way that costs three reads before the tile
itself (session, user, the user's wards), more than a light tile's own query.

After a request has been authenticated the ordinary way (Django's session
and auth code, or DRF's token check), `snapshot_of` records what that
decision rested on:

- the credential: the session row's key and the digest of its content (the
  content carries the user id and the HMAC of the password hash), or the API
  token's key and its user;
- the user's password hash (as a digest), active flag and role;
- for ward roles, the ward ids the access selectors restrict to.

`AuthSnapshot.guard()` is one SQL condition (accounts_access_unchanged, a
PL/pgSQL function from migration accounts 0003) that holds only while every
one of those facts is still what it was, checked against the rows themselves. A
statement that includes it answers in the same database snapshot as its own
rows, and answers nothing when it fails; the caller then authenticates the
ordinary way (and may take a new snapshot). Nothing is trusted from memory
alone: the memory only says which facts to re-check.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from backend.accounts.digests import text_digest
from backend.accounts.models import WARD_ROLES
from backend.accounts.selectors import ward_ids_of

SESSION = "session"
TOKEN = "token"  # noqa: S105 - a credential kind, not a secret
TOKEN_PREFIX = "Token "  # noqa: S105 - the Authorization scheme, not a secret


class _Now:
    """Stands in a guard's parameters for the time the guard is checked."""

    def __repr__(self) -> str:
        return "NOW"


NOW = _Now()


def token_key(request: Any) -> str | None:
    """The key of an `Authorization: Token <key>` header, read as DRF's
    TokenAuthentication reads it (None where DRF would refuse the header)."""
    if not request.META.get("HTTP_AUTHORIZATION", "").startswith(TOKEN_PREFIX):
        return None
    from rest_framework.authentication import get_authorization_header

    parts = get_authorization_header(request).split()
    if len(parts) != 2:
        return None
    try:
        return str(parts[1].decode())
    except UnicodeError:
        return None


def request_credential(request: Any) -> tuple[str, str] | None:
    """The credential the ordinary path would authenticate this request by.

    backend.maps.api.tile takes the session's user whenever the session is
    valid, and looks at a token only otherwise. Whether the session is valid
    is what a snapshot of it re-checks, so a request with a session cookie is
    only ever answered by that session's snapshot; a token counts only
    without one.
    """
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key:
        return (SESSION, session_key)
    key = token_key(request)
    return (TOKEN, key) if key else None


@dataclass(frozen=True)
class AuthSnapshot:
    credential: str  # SESSION or TOKEN
    key: str
    user_id: int
    role: str
    # None: the role's access does not depend on wards (city roles, no role).
    ward_ids: tuple[int, ...] | None
    condition: str  # the guard's SQL, with placeholders
    params: tuple[Any, ...]  # its parameters, NOW where the current time goes

    @property
    def cache_key(self) -> tuple[str, str]:
        return (self.credential, self.key)

    def guard(self, now: datetime.datetime) -> tuple[str, list[Any]]:
        """SQL true only while the facts this snapshot was taken on still hold."""
        return self.condition, [now if p is NOW else p for p in self.params]


# Defined by migration accounts 0003; the ward ids it compares are those of
# ward_ids_queryset (tests/accounts/test_snapshots.py keeps the two equal).
GUARD_SQL = "accounts_access_unchanged(%s, %s, %s, %s, %s, %s, %s, %s::bigint[])"


def snapshot_of(request: Any, user: Any, credential: str) -> AuthSnapshot | None:
    """The snapshot of a request just authenticated as `user` by `credential`.

    None when there is nothing that can be re-checked (a session that was not
    read from its row, or that this request changes).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    session_key = session_digest = token = None
    if credential == SESSION:
        session = request.session
        session_digest = getattr(session, "loaded_digest", None)
        if not session_digest or session.modified or not session.session_key:
            return None
        key = session_key = session.session_key
    elif credential == TOKEN:
        key = token = token_key(request)
        if not key:
            return None
    else:
        raise ValueError(f"unknown credential {credential!r}")
    # The session's auth hash is an HMAC of the password hash, so an unchanged
    # password hash means the session still verifies; is_active and role are
    # what the backends and the access selectors read from the user.
    ward_ids = tuple(sorted(ward_ids_of(user))) if user.role in WARD_ROLES else None
    return AuthSnapshot(
        credential=credential,
        key=key,
        user_id=user.pk,
        role=str(user.role or ""),
        ward_ids=ward_ids,
        condition=GUARD_SQL,
        params=(
            session_key,
            session_digest,
            token,
            NOW,
            user.pk,
            str(user.role or ""),
            text_digest(user.password or ""),
            None if ward_ids is None else list(ward_ids),
        ),
    )
