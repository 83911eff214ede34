"""Writes of the accounts app: the sign-in throttle's counts, the system account,
device tokens (and the shape of a token request and answer, which the field
app's token endpoint shares)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from knox.settings import knox_settings
from rest_framework import serializers

from backend.accounts.digests import token_digest
from backend.accounts.models import (
    DEVICE_NAME_MAX_LENGTH,
    DeviceToken,
    FailedLogin,
    User,
    WardMembership,
    normalise_login_username,
)
from backend.accounts.selectors import login_failure_window, token_key


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


# --- Device tokens ----------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    """A new device token: `token` is shown this once and never stored."""

    row: DeviceToken
    token: str

    def answer(self) -> dict[str, Any]:
        return token_answer(self.row, self.token)


def device_name(raw: object) -> str:
    """A device's name as given, on one line (control characters and runs of
    spaces become one space) and no longer than the column."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(raw or ""))
    return " ".join(text.split())[:DEVICE_NAME_MAX_LENGTH]


@transaction.atomic
def device_token_issue(*, user: User, device: object = "", session_key: str = "") -> IssuedToken:
    """A token for one more device of `user`, expiring after REST_KNOX's TOKEN_TTL.

    `session_key`: the signed-in session it was issued from, if any; revoking
    the device ends that session too.
    """
    now = timezone.now()
    row, token = DeviceToken.objects.create(
        user=user, device=device_name(device), session_key=session_key or "", last_used_at=now
    )
    return IssuedToken(row=row, token=token)


@transaction.atomic
def device_token_renew(*, token: DeviceToken) -> DeviceToken:
    """Push the token's expiry to a full TOKEN_TTL from now, and note when the
    device was last seen: on every authenticated request, and when the phone
    asks before the expiry it was told comes near.

    At most one write per REST_KNOX's MIN_REFRESH_INTERVAL: a phone in steady
    use would otherwise write on every request, and a renewal asked for just
    after the request's own is the same renewal.
    """
    now = timezone.now()
    new_expiry = now + knox_settings.TOKEN_TTL
    if token.expiry is not None and (
        (new_expiry - token.expiry).total_seconds() <= knox_settings.MIN_REFRESH_INTERVAL
    ):
        return token
    token.expiry = new_expiry
    token.last_used_at = now
    token.save(update_fields=["expiry", "last_used_at"])
    return token


def token_answer(row: DeviceToken, token: str | None = None) -> dict[str, Any]:
    """What the API answers about a device token; `token` only when just issued."""
    answer: dict[str, Any] = {
        "expiry": row.expiry.isoformat() if row.expiry else None,
        "device": row.device,
    }
    return {"token": token, **answer} if token is not None else answer


class DeviceRequestSerializer(serializers.Serializer[Any]):
    """The request body of a new device token: the device's optional name
    (tidied by device_name). Anything but an object or a form is refused."""

    default_error_messages = {
        "invalid": gettext_lazy("Send a JSON object or a form."),
    }

    device = serializers.CharField(
        max_length=DEVICE_NAME_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        # DRF's own Vietnamese catalogue lacks this message.
        error_messages={
            "max_length": gettext_lazy(
                "A device name can be at most {max_length} characters: shorten it."
            )
        },
    )


def _end_sessions(keys: list[str]) -> None:
    keys = [key for key in keys if key]
    if keys:
        Session.objects.filter(session_key__in=keys).delete()


@transaction.atomic
def device_token_revoke(*, token: DeviceToken) -> None:
    """Sign one device out: its token, and the session it was issued from."""
    _end_sessions([token.session_key])
    DeviceToken.objects.filter(pk=token.pk).delete()


def device_token_authenticate(*, token: str) -> DeviceToken | None:
    """The device token a request signs in with, renewed while in use
    (REST_KNOX's AUTO_REFRESH); None when it is refused: unknown, expired
    (then signed out as a revocation would be) or its user deactivated."""
    found: DeviceToken | None = (
        DeviceToken.objects.select_related("user").filter(digest=token_digest(token)).first()
    )
    if found is None:
        return None
    if found.expiry is not None and found.expiry <= timezone.now():
        device_token_revoke(token=found)
        return None
    if not found.user.is_active:
        return None
    if knox_settings.AUTO_REFRESH and found.expiry is not None:
        device_token_renew(token=found)
    return found


def device_token_user(request: Any) -> User | None:
    """The user of the request's device token, as the API would take it
    (the token's expiry renewed), or None when the token is refused."""
    key = token_key(request)
    found = None if key is None else device_token_authenticate(token=key)
    return found.user if found else None


@transaction.atomic
def device_tokens_revoke_all(*, user_id: int) -> int:
    """Sign every device of a user out (password changed, account deactivated,
    no ward left, or an administrator's decision). Returns how many."""
    tokens = DeviceToken.objects.filter(user_id=user_id)
    _end_sessions(list(tokens.values_list("session_key", flat=True)))
    deleted, _ = tokens.delete()
    return int(deleted)


@transaction.atomic
def memberships_move_to_ward(moves: dict[int, int]) -> int:
    """Give every member of an old ward (key) a membership of its new ward (value).

    After a boundary merger the staff of the wards merged work in the new
    one; someone already a member there keeps one membership. The old
    membership stays: the old ward's closed cases, which keep their ward,
    stay readable by the people who handled them.
    """
    moved = 0
    for old_ward_id, new_ward_id in sorted(moves.items()):
        for membership in WardMembership.objects.select_for_update().filter(ward_id=old_ward_id):
            WardMembership.objects.get_or_create(user_id=membership.user_id, ward_id=new_ward_id)
            moved += 1
    return moved
