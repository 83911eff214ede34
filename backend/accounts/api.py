from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from backend.accounts.services import login_failures_clear
from backend.accounts.throttle import LoginThrottled


class SignInLocked(APIException):
    """429 with Retry-After (DRF's handler sends the header for `wait`)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "login_throttled"

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message, self.default_code)
        self.wait = wait


class ThrottledAuthTokenSerializer(AuthTokenSerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            validated: dict[str, Any] = super().validate(attrs)
        except LoginThrottled as exc:
            # Not a 400 about the credentials: the same ones may work later.
            raise SignInLocked(exc.lockout.message(), exc.lockout.retry_after_seconds()) from None
        return validated


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (phones).

    Throttled like every sign-in (backend.accounts.throttle): while locked,
    429 with Retry-After and a message saying when to try again.
    """

    permission_classes = [AllowAny]
    serializer_class = ThrottledAuthTokenSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().post(request, *args, **kwargs)
        # No session login here (so no user_logged_in): clear the count directly.
        data = request.data
        login_failures_clear(username=data.get("username") if isinstance(data, dict) else None)
        return response
