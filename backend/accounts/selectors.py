"""Who works where: the base of every "what may this user see" selector."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from backend.accounts.models import (
    CITY_ROLES,
    WARD_ROLES,
    FailedLogin,
    Role,
    User,
    WardMembership,
    normalise_login_username,
)


def user_sees_all_wards(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in CITY_ROLES)


def ward_ids_of(user: Any) -> list[int]:
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


def restrict_to_user_wards(qs: QuerySet[Any], user: Any, ward_field: str = "ward") -> QuerySet[Any]:
    """Filter qs to rows whose `ward_field` is one of the user's wards.

    City roles see everything; ward roles their wards; anyone else nothing.
    """
    if user_sees_all_wards(user):
        return qs
    ids = ward_ids_of(user)
    if not ids:
        return qs.none()
    return qs.filter(Q(**{f"{ward_field}__in": ids}))


def inspectors_visible_to(user: Any) -> QuerySet[User]:
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
    username: Any, ip_address: str | None, now: datetime.datetime | None = None
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
