"""When a user's devices are signed out without anyone asking for it.

A password change, a deactivation and the removal from the last ward end
every device token of the user. Those changes are made by Django's own code
(the admin's user and password forms, the password-change views), not by a
service of ours, so these receivers notice them and call the service that
does the work (backend.accounts.services.device_tokens_revoke_all).
"""

from __future__ import annotations

from typing import Any

from backend.accounts.models import WARD_ROLES, User, WardMembership
from backend.accounts.services import device_tokens_revoke_all

# The fields whose change signs every device out.
SIGN_OUT_FIELDS = frozenset({"password", "is_active"})


def note_sign_out_change(sender: Any, instance: Any, update_fields: Any = None, **_: Any) -> None:
    """pre_save: whether this save changes the password or deactivates the user."""
    instance._ttxd_signs_out = False
    if instance.pk is None or (
        update_fields is not None and not SIGN_OUT_FIELDS & set(update_fields)
    ):
        return  # a new user has no device; last_login updates are not about this
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    deactivated = before["is_active"] and not instance.is_active
    instance._ttxd_signs_out = deactivated or (
        before["password"] != instance.password and password_was_set(instance)
    )


def password_was_set(instance: Any) -> bool:
    """Whether a new hash is a new password, not the same one re-hashed.

    check_password() re-hashes an outdated hash on sign-in and saves it with
    `_password` cleared; set_password() leaves the raw password in `_password`
    until the save. A password made unusable takes password sign-in away.
    """
    return instance._password is not None or not instance.has_usable_password()


def revoke_after_sign_out_change(sender: Any, instance: Any, **_: Any) -> None:
    """post_save: in the same transaction as the change itself."""
    if getattr(instance, "_ttxd_signs_out", False):
        instance._ttxd_signs_out = False
        device_tokens_revoke_all(user_id=instance.pk)


def revoke_when_no_ward_left(sender: Any, instance: WardMembership, **_: Any) -> None:
    """post_delete of a membership: a ward user left with no ward is signed out."""
    user = User.objects.filter(pk=instance.user_id).values("role").first()
    if user is None or user["role"] not in WARD_ROLES:
        return
    if not WardMembership.objects.filter(user_id=instance.user_id).exists():
        device_tokens_revoke_all(user_id=instance.user_id)
