"""How API requests are authenticated: a device token, else the session.

Device tokens are django-rest-knox's (backend.accounts.models.DeviceToken).
The check itself is backend.accounts.services.device_token_authenticate,
shared with the map tiles: the token is found by its digest (unique,
indexed: one read), an expired one is revoked and refused, and a valid one's
expiry is renewed while in use. Here is DRF's side of it, and the refusals,
worded for the person holding the phone.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from backend.accounts.models import DeviceToken, User
from backend.accounts.selectors import has_token_header
from backend.accounts.services import device_token_authenticate, device_token_renew

TOKEN_REFUSED = _(
    "This device is no longer signed in (its sign-in expired or was revoked). "
    "Sign in again with your password."
)
TOKEN_HEADER_INVALID = _(
    "The Authorization header must be “Token ” followed by the device token, with no spaces."
)


class SessionUnlessTokenAuthentication(SessionAuthentication):
    """The session, unless the request names a device token: then the token
    decides (a phone's request is not taken for the browser session it may
    also carry, and its sign-out revokes the token it sent)."""

    def authenticate(self, request: Request) -> Any:
        if has_token_header(request):
            return None
        return super().authenticate(request)

    def authenticate_header(self, request: Request) -> str | None:
        # DRF asks the first class: a refused token is a 401 with
        # `WWW-Authenticate: Token` (sign in again), not a 403.
        return str(knox_settings.AUTH_HEADER_PREFIX) if has_token_header(request) else None


class DeviceTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    def authenticate(self, request: Request) -> tuple[User, DeviceToken] | None:
        if not has_token_header(request):
            return None
        parts = get_authorization_header(request).split()
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(TOKEN_HEADER_INVALID)
        return self.authenticate_credentials(parts[1])

    def authenticate_credentials(self, token: bytes) -> tuple[User, DeviceToken]:
        try:
            text = token.decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(TOKEN_REFUSED) from None
        found = device_token_authenticate(token=text)
        if found is None:
            raise exceptions.AuthenticationFailed(TOKEN_REFUSED)
        return found.user, found

    def renew_token(self, auth_token: DeviceToken) -> None:
        """knox's hook, answered by the one renewal rule (the service)."""
        device_token_renew(token=auth_token)
