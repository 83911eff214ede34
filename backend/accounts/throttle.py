"""The sign-in throttle: too many failed sign-ins lock a username or an address for a while.

Every sign-in — the login page, the admin's login, POST /api/auth/token/ —
goes through django.contrib.auth.authenticate(). LoginThrottleBackend is the
first authentication backend: before any password is checked it refuses when,
within TTXD_LOGIN_FAILURE_WINDOW_MINUTES, the username has failed
TTXD_LOGIN_FAILURES_PER_USERNAME times or the client address
TTXD_LOGIN_FAILURES_PER_IP times; otherwise the next backend checks the
password. Each failure authenticate() reports (user_login_failed) is counted
in PostgreSQL, which every web process shares; a successful sign-in clears
its username's count. Refused attempts are not counted, so a lock ends one
window after the failure that started it.

The client address is REMOTE_ADDR and nothing else, since anyone can write an
X-Forwarded-For header. Behind a reverse proxy, the proxy (or the WSGI
server's proxy protocol support) must hand the real client address to
REMOTE_ADDR; otherwise every client shares the proxy's address, and the
per-address limit should be switched off (TTXD_LOGIN_FAILURES_PER_IP=0).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from backend.accounts.selectors import Lockout, login_lockout
from backend.accounts.services import login_failure_record, login_failures_clear


def client_ip(request: Any) -> str | None:
    """REMOTE_ADDR, if it is an IP address (see the note on proxies above)."""
    meta = getattr(request, "META", None) or {}
    raw = str(meta.get("REMOTE_ADDR") or "").strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


class LoginThrottled(ValidationError):
    """Raised from authenticate(): sign-in forms show its message as their error."""

    def __init__(self, lockout: Lockout) -> None:
        self.lockout = lockout
        super().__init__(lockout.message(), code="login_throttled")


class LoginThrottleBackend:
    """Refuses sign-ins while locked; never lets anyone in itself.

    It must come before the backend that checks passwords in
    AUTHENTICATION_BACKENDS. Raising (rather than returning None) is what
    stops authenticate() before the next backend, and lets the login forms
    and the token endpoint say why and until when. It deliberately has no
    get_user() or permission methods: Django then never picks it to load a
    session's user (force_login, for one, takes the first backend that has
    get_user) nor asks it about permissions.
    """

    def authenticate(
        self, request: Any, username: Any = None, password: Any = None, **kwargs: Any
    ) -> None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None and password is None:
            return None  # not a sign-in with a password: nothing to count
        lockout = login_lockout(username, client_ip(request))
        if lockout is not None:
            raise LoginThrottled(lockout)
        return None


def count_failed_login(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    """user_login_failed: every backend refused these credentials."""
    username = credentials.get(get_user_model().USERNAME_FIELD, credentials.get("username"))
    login_failure_record(username=username, ip_address=client_ip(request))


def clear_failed_logins(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """user_logged_in (the login page, the admin); the token endpoint clears by itself."""
    login_failures_clear(username=user.get_username())
