"""Users, their role and the wards they work in."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("Inspector")
    WARD_LEADER = "ward_leader", _("Ward leader")
    CITY_AUDITOR = "city_auditor", _("City auditor")
    ADMIN = "admin", _("Administrator")


# Roles that see every ward; ward roles see only the wards they belong to.
CITY_ROLES = frozenset({Role.CITY_AUDITOR, Role.ADMIN})
WARD_ROLES = frozenset({Role.INSPECTOR, Role.WARD_LEADER})

DEVICE_NAME_MAX_LENGTH = 100


# The stubs cannot follow DeviceToken's untyped base (knox) to its reverse manager.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    wards = models.ManyToManyField(
        "wards.Ward",
        through="accounts.WardMembership",
        related_name="members",
        blank=True,
        verbose_name=_("wards"),
    )
    # Not a field: the ward ids accounts.selectors.ward_ids_of read once for this object.
    _ttxd_ward_ids: list[int] | None

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_city(self) -> bool:
        return self.role in CITY_ROLES

    @property
    def is_ward_user(self) -> bool:
        return self.role in WARD_ROLES


class WardMembership(models.Model):
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="memberships")
    ward = models.ForeignKey("wards.Ward", on_delete=models.CASCADE, related_name="memberships")
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("ward membership")
        verbose_name_plural = _("ward memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "ward"], name="unique_ward_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.ward}"


def normalise_login_username(raw: Any) -> str:
    """The form failed sign-ins are counted under: " Admin" and "admin" are one name.

    NFKC as Django normalises usernames, then casefolded, so that case
    variants of one name share its count.
    """
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw)).strip().casefold()
    return text[: FailedLogin._meta.get_field("username").max_length]


class FailedLogin(models.Model):
    """One failed sign-in, counted by the sign-in throttle (backend.accounts.throttle).

    Kept in PostgreSQL because several web processes share nothing else; rows
    older than the throttle's window are pruned as new ones are written.
    """

    # Normalised (normalise_login_username), whether or not such a user
    # exists: unknown names are throttled the same way.
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [
            models.Index(fields=["username", "-attempted_at"], name="failed_login_username_idx"),
            models.Index(fields=["ip_address", "-attempted_at"], name="failed_login_ip_idx"),
            models.Index(fields=["attempted_at"], name="failed_login_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username or '-'} @ {self.ip_address or '-'}"


class DeviceToken(AbstractAuthToken):  # type: ignore[misc]
    """An API token of one device (a phone), revocable on its own.

    django-rest-knox's token: stored as its digest and, in `token_key`, its
    first 15 characters, which cannot authenticate alone (the token itself is
    shown once, when issued); it expires, and its expiry is renewed while it
    is in use (REST_KNOX in settings). The row also names the device and,
    when it was issued from a signed-in page (the field app), that page's
    session, so that revoking the device ends that session too.
    """

    # A plain id for pages and admin links: the digest stays out of URLs.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    # knox reads the user's tokens as user.auth_token_set.
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="auth_token_set",
        verbose_name=_("user"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expiry = models.DateTimeField(_("expires"), null=True, blank=True)
    device = models.CharField(_("device"), max_length=DEVICE_NAME_MAX_LENGTH, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    session_key = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.device or '-'} ({self.user})"
