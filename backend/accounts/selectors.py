"""Who works where: the base of every "what may this user see" selector."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from backend.accounts.digests import text_digest, token_digest
from backend.accounts.models import (
    CITY_ROLES,
    WARD_ROLES,
    DeviceToken,
    FailedLogin,
    Role,
    User,
    WardMembership,
    normalise_login_username,
)

if TYPE_CHECKING:
    from rest_framework.request import Request

# Whoever asks: a signed-in user or the anonymous one (request.user).
Viewer: TypeAlias = User | AnonymousUser

_Row = TypeVar("_Row", bound=Model)


def user_sees_all_wards(user: Viewer) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in CITY_ROLES)


def ward_ids_of(user: Viewer) -> list[int]:
    """The ward ids a ward user works in (empty for anyone else)."""
    if not (user and user.is_authenticated and user.is_active and user.role in WARD_ROLES):
        return []
    cached = getattr(user, "_ttxd_ward_ids", None)
    if cached is None:
        # Membership is of a ward, not of one version of its boundary: when a
        # ward is redrawn (a new row with the same official code), its staff
        # keep working there without being re-added.
        cached = list(ward_ids_queryset(user.pk))
        user._ttxd_ward_ids = cached
    return list(cached)


def ward_ids_queryset(user_id: int) -> QuerySet[Any]:
    """The ids of every boundary version of the wards a user is a member of, in order."""
    codes = WardMembership.objects.filter(user_id=user_id).values("ward__code")
    wards: QuerySet[Any] = _ward_model().objects.all()
    return wards.filter(code__in=codes).order_by("id").values_list("id", flat=True)


def _ward_model() -> Any:
    return WardMembership._meta.get_field("ward").related_model


def restrict_to_user_wards(
    qs: QuerySet[_Row], user: Viewer, ward_field: str = "ward"
) -> QuerySet[_Row]:
    """Filter qs to rows whose `ward_field` is one of the user's wards.

    City roles see everything; ward roles their wards; anyone else nothing.
    """
    if user_sees_all_wards(user):
        return qs
    ids = ward_ids_of(user)
    if not ids:
        return qs.none()
    return qs.filter(Q(**{f"{ward_field}__in": ids}))


def inspectors_visible_to(user: Viewer) -> QuerySet[User]:
    """Active inspectors this user may pick or see: of their wards, or all for city roles."""
    qs = User.objects.filter(is_active=True, role=Role.INSPECTOR)
    if user_sees_all_wards(user):
        return qs
    ids = ward_ids_of(user)
    if not ids:
        return qs.none()
    # Same official code, any boundary version (see ward_ids_of).
    codes = _ward_model().objects.filter(pk__in=ids).values("code")
    return qs.filter(memberships__ward__code__in=codes).distinct()


def users_of_ward(ward_id: int, role: str | None = None) -> QuerySet[User]:
    # Same official code, any boundary version (see ward_ids_of).
    codes = _ward_model().objects.filter(pk=ward_id).values("code")
    qs = User.objects.filter(is_active=True, memberships__ward__code__in=codes)
    if role:
        qs = qs.filter(role=role)
    return qs.distinct()


def users_visible_to(user: Viewer) -> QuerySet[User]:
    """Accounts this user may look at (and, as staff, manage) besides their own.

    City roles: everyone but superusers. Ward roles: the inspectors and ward
    leaders of their wards who are not staff. A superuser, a city account or
    another staff member may sit in the same ward, but holds access the
    viewer does not: resetting its password would take that access over.
    """
    if not (user and user.is_authenticated and user.is_active):
        return User.objects.none()
    own = Q(pk=user.pk)
    if user_sees_all_wards(user):
        return User.objects.filter(Q(is_superuser=False) | own)
    codes = _ward_model().objects.filter(pk__in=ward_ids_of(user)).values("code")
    members = WardMembership.objects.filter(ward__code__in=codes).values("user_id")
    colleagues = Q(pk__in=members, role__in=WARD_ROLES, is_superuser=False, is_staff=False)
    return User.objects.filter(colleagues | own)


def failed_logins_visible_to(user: Viewer) -> QuerySet[FailedLogin]:
    """Failed sign-ins under the names of users_visible_to(user).

    A name that matches no account is left out: it is often a password typed
    into the username box, or a probe from outside, and no ward owns it.
    """
    names = {
        normalise_login_username(name)
        for name in users_visible_to(user).values_list("username", flat=True)
    }
    return FailedLogin.objects.filter(username__in=names)


def device_tokens_of(user: Viewer) -> QuerySet[DeviceToken]:
    """The user's own device tokens, newest first (their devices page)."""
    tokens: QuerySet[DeviceToken] = DeviceToken.objects.all()
    if not (user and user.is_authenticated):
        return tokens.none()
    return tokens.filter(user_id=user.pk).order_by("-created", "-id")


def device_tokens_visible_to(user: Viewer) -> QuerySet[DeviceToken]:
    """Device tokens a staff member may list and revoke in the admin: those
    of the accounts they may look at (users_visible_to)."""
    tokens: QuerySet[DeviceToken] = DeviceToken.objects.select_related("user")
    return tokens.filter(user_id__in=users_visible_to(user).values("pk"))


@dataclass(frozen=True)
class Lockout:
    """Sign-ins are refused until `until` (backend.accounts.throttle)."""

    until: datetime.datetime

    def retry_after_seconds(self, now: datetime.datetime | None = None) -> int:
        now = now or timezone.now()
        return max(1, math.ceil((self.until - now).total_seconds()))

    def message(self, now: datetime.datetime | None = None) -> str:
        now = now or timezone.now()
        minutes = max(1, math.ceil(self.retry_after_seconds(now) / 60))
        until = timezone.localtime(self.until)
        # The time alone is clear within the day; a longer lock names the date too.
        same_day = until.date() == timezone.localtime(now).date()
        when = until.strftime("%H:%M" if same_day else "%H:%M %d/%m/%Y")
        return ngettext(
            "Too many failed sign-in attempts. Please try again after %(time)s "
            "(in %(minutes)d minute).",
            "Too many failed sign-in attempts. Please try again after %(time)s "
            "(in %(minutes)d minutes).",
            minutes,
        ) % {"time": when, "minutes": minutes}


def login_failure_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.TTXD_LOGIN_FAILURE_WINDOW_MINUTES)


def login_lockout(
    username: object, ip_address: str | None, now: datetime.datetime | None = None
) -> Lockout | None:
    """Whether sign-ins for this username or from this address are refused now.

    Locked while the window holds `limit` failures or more; the lock ends when
    the limit-th most recent of them leaves the window. A limit of 0 turns
    that check off.
    """
    now = now or timezone.now()
    username = normalise_login_username(username)
    window = login_failure_window()
    recent = FailedLogin.objects.filter(attempted_at__gt=now - window).order_by("-attempted_at")
    ends: list[datetime.datetime] = []
    checks = [
        ("username", username, settings.TTXD_LOGIN_FAILURES_PER_USERNAME),
        ("ip_address", ip_address, settings.TTXD_LOGIN_FAILURES_PER_IP),
    ]
    for field, value, limit in checks:
        if not value or limit <= 0:
            continue
        nth = recent.filter(**{field: value}).values_list("attempted_at", flat=True)[
            limit - 1 : limit
        ]
        ends.extend(at + window for at in nth)
    return Lockout(until=max(ends)) if ends else None


# --- Authentication snapshots (the map tiles' fast path) ---------------------
#
# A request's authentication, kept so that a later statement can re-check it.
#
# Every map tile is authenticated afresh: a logout, an expired session, a
# deactivation, a password, role or ward change must take effect on the very
# next tile. Done the ordinary way that costs three reads before the tile
# itself (session, user, the user's wards), more than a light tile's own query.
#
# After a request has been authenticated the ordinary way (Django's session
# and auth code, or the device-token check), `snapshot_of` records what that
# decision rested on:
#
# - the credential: the session row's key and the digest of its content (the
#   content carries the user id and the HMAC of the password hash), or the
#   device token's digest (how it is stored) and its user;
# - the user's password hash (as a digest), active flag and role;
# - for ward roles, the ward ids the access selectors restrict to.
#
# `AuthSnapshot.guard()` is one SQL condition (accounts_access_unchanged, a
# PL/pgSQL function from migrations accounts 0003 and 0006) that holds only while every
# one of those facts is still what it was, checked against the rows themselves. A
# statement that includes it answers in the same database snapshot as its own
# rows, and answers nothing when it fails; the caller then authenticates the
# ordinary way (and may take a new snapshot). Nothing is trusted from memory
# alone: the memory only says which facts to re-check.

SESSION = "session"
TOKEN = "token"  # noqa: S105 - a credential kind, not a secret
TOKEN_SCHEME = b"token"  # noqa: S105 - the Authorization scheme (REST_KNOX), not a secret


class _Now:
    """Stands in a guard's parameters for the time the guard is checked."""

    def __repr__(self) -> str:
        return "NOW"


NOW = _Now()


def _authorization_parts(request: HttpRequest | Request) -> list[bytes]:
    from rest_framework.authentication import get_authorization_header

    # The stub asks for DRF's Request; the header is read from META, which a
    # plain HttpRequest (the tile view's) has too.
    return list(get_authorization_header(request).split())  # type: ignore[arg-type]


def has_token_header(request: HttpRequest | Request) -> bool:
    """Whether the request names a device token (`Authorization: Token …`,
    the scheme in any case), as backend.accounts.authentication reads it."""
    if not request.META.get("HTTP_AUTHORIZATION"):
        return False
    parts = _authorization_parts(request)
    return bool(parts) and parts[0].lower() == TOKEN_SCHEME


def token_key(request: HttpRequest | Request) -> str | None:
    """The token of an `Authorization: Token <token>` header, read as the
    device-token check reads it (None where it would refuse the header)."""
    if not has_token_header(request):
        return None
    parts = _authorization_parts(request)
    if len(parts) != 2:
        return None
    try:
        return str(parts[1].decode())
    except UnicodeError:
        return None


def request_credential(request: HttpRequest | Request) -> tuple[str, str] | None:
    """The credential the ordinary path would authenticate this request by.

    As the API does (backend.accounts.authentication), backend.maps.tile_view.tile
    judges a request that names a device token by that token alone, and
    looks at the session only otherwise: a request with a token header is
    only ever answered by that token's snapshot, whatever cookie it carries.
    """
    if has_token_header(request):
        key = token_key(request)
        return (TOKEN, key) if key else None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return (SESSION, session_key) if session_key else None


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


# Defined by migration accounts 0006; the ward ids it compares are those of
# ward_ids_queryset (tests/accounts/test_snapshots.py keeps the two equal).
GUARD_SQL = "accounts_access_unchanged(%s, %s, %s, %s, %s, %s, %s, %s::bigint[])"


def snapshot_of(
    request: HttpRequest | Request, user: Viewer | None, credential: str
) -> AuthSnapshot | None:
    """The snapshot of a request just authenticated as `user` by `credential`.

    None when there is nothing that can be re-checked (a session that was not
    read from its row, or that this request changes).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    session_key = session_digest = digest = None
    if credential == SESSION:
        session = request.session
        session_digest = getattr(session, "loaded_digest", None)
        if not session_digest or session.modified or not session.session_key:
            return None
        key = session_key = session.session_key
    elif credential == TOKEN:
        token = token_key(request)
        if not token:
            return None
        # Only the digest goes to the database: tokens are looked up by it.
        key, digest = token, token_digest(token)
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
            digest,
            NOW,
            user.pk,
            str(user.role or ""),
            text_digest(user.password or ""),
            None if ward_ids is None else list(ward_ids),
        ),
    )
