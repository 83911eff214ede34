"""Writes of the accounts app: the sign-in throttle's counts, the system account."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import FailedLogin, User, normalise_login_username
from backend.accounts.selectors import login_failure_window


@transaction.atomic
def login_failure_record(
    *, username: object, ip_address: str | None, now: datetime.datetime | None = None
) -> FailedLogin | None:
    """Count one failed sign-in, and forget those that no window can count any more.

    No actor and no case event: the person is not known, and nothing of a
    case changed. Pruning here keeps the table as small as one window of
    failures without a scheduled job (one indexed DELETE, usually of nothing).
    """
    now = now or timezone.now()
    name = normalise_login_username(username)
    FailedLogin.objects.filter(attempted_at__lt=now - login_failure_window()).delete()
    if not name and not ip_address:
        return None
    return FailedLogin.objects.create(username=name, ip_address=ip_address, attempted_at=now)


@transaction.atomic
def login_failures_clear(*, username: object) -> int:
    """A successful sign-in: its username starts again from no failures.

    The address's failures stay: one good password must not reset the count
    of someone trying many usernames from one place.
    """
    name = normalise_login_username(username)
    if not name:
        return 0
    deleted, _ = FailedLogin.objects.filter(username=name).delete()
    return deleted


# The account automatic changes are recorded under (migration accounts 0004).
SYSTEM_USERNAME = "system"


def system_actor() -> User:
    """The actor of changes nobody made by hand, such as the deadline scan's.

    Inactive, without a usable password and without a role: it can never
    sign in and sees nothing. Created by migration accounts 0004, or here if
    it was removed since.
    """
    user, _created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"full_name": "Hệ thống TTXD (tự động)", "is_active": False, "role": ""},
    )
    # Locked again if anyone opened it up in the admin: it must never sign in
    # or see a ward, whatever is recorded under it.
    if user.is_active or user.role or user.is_staff or user.has_usable_password():
        user.is_active = user.is_staff = user.is_superuser = False
        user.role = ""
        user.set_unusable_password()
        user.save(update_fields=["is_active", "is_staff", "is_superuser", "role", "password"])
    return user
