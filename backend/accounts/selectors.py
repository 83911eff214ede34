"""Who works where: the base of every "what may this user see" selector."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from backend.accounts.models import CITY_ROLES, WARD_ROLES, User, WardMembership


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
        cached = list(
            _ward_model()
            .objects.filter(code__in=user.memberships.values("ward__code"))
            .values_list("id", flat=True)
        )
        user._ttxd_ward_ids = cached
    return list(cached)


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


def users_of_ward(ward_id: int, role: str | None = None) -> QuerySet[User]:
    # Same official code, any boundary version (see ward_ids_of).
    codes = _ward_model().objects.filter(pk=ward_id).values("code")
    qs = User.objects.filter(is_active=True, memberships__ward__code__in=codes)
    if role:
        qs = qs.filter(role=role)
    return qs.distinct()
