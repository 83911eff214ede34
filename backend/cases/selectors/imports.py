"""Who may bring a ward's open-case backlog in (the same shape as the permit import's rule)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from backend.accounts.models import Role
from backend.accounts.selectors import Viewer
from backend.wards.models import Ward
from backend.wards.selectors import wards_valid_on, wards_visible_to

# The admin permissions an import needs: it adds cases and takes them through their steps.
IMPORT_PERMISSIONS = ("cases.add_violationcase", "cases.change_violationcase")


def wards_for_case_import(user: Viewer) -> QuerySet[Ward]:
    """The wards (boundary versions valid today) whose case register this user may import.

    Staff holding the permissions to add and change cases: superusers and city
    administrators for every ward; a ward leader, who signs the ward's
    decisions, for his or her own wards. Inspectors record but do not bring in
    decided cases; city auditors read and never write.
    """
    current = wards_valid_on(timezone.localdate())
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return current.none()
    if not user.has_perms(IMPORT_PERMISSIONS):
        return current.none()
    if user.is_superuser or user.role == Role.ADMIN:
        return current
    if user.role != Role.WARD_LEADER:
        return current.none()
    return current.filter(pk__in=wards_visible_to(user).values("pk"))


def may_import_cases(user: Viewer, ward: Ward) -> bool:
    return wards_for_case_import(user).filter(pk=ward.pk).exists()
