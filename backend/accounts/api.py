"""Device tokens over the API: sign a phone in, renew its token, sign it out."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.authentication import DeviceTokenAuthentication
from backend.accounts.models import DeviceToken
from backend.accounts.services import (
    DeviceRequestSerializer,
    device_token_issue,
    device_token_renew,
    device_token_revoke,
    login_failures_clear,
    token_answer,
)
from backend.accounts.throttle import LoginThrottled
from backend.core.schema import refusals


class SignInLocked(APIException):
    """429 with Retry-After (DRF's handler sends the header for `wait`)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "login_throttled"

    def __init__(self, message: str, wait: int) -> None:
        super().__init__(message, self.default_code)
        self.wait = wait


class TokenRequestSerializer(DeviceRequestSerializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


TOKEN_ANSWER = inline_serializer(
    "DeviceTokenAnswer",
    {
        "token": serializers.CharField(),
        "expiry": serializers.DateTimeField(),
        "device": serializers.CharField(),
    },
)


class TokenView(APIView):
    """Exchange a username and password for a new device token (phones).

    Each call signs one more device in; the token is shown this once (its
    digest and a prefix that cannot authenticate are kept) and works as `Authorization: Token <token>` until
    it expires (renewed while in use) or is revoked. Throttled like every
    sign-in (backend.accounts.throttle): while locked, 429 with Retry-After
    and a message saying when to try again.
    """

    # The password is the proof; a session cookie sent along must not make
    # the request need a CSRF token.
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TOKEN_ANSWER, **refusals(429)})
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = authenticate(request, username=data["username"], password=data["password"])
        except LoginThrottled as exc:
            # Not a 400 about the credentials: the same ones may work later.
            raise SignInLocked(exc.lockout.message(), exc.lockout.retry_after_seconds()) from None
        if user is None:
            raise ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]},
                code="authorization",
            )
        issued = device_token_issue(user=user, device=data["device"])
        # No session login here (so no user_logged_in): clear the count directly.
        login_failures_clear(username=data["username"])
        return Response(issued.answer())


class DeviceTokenRequired(APIView):
    """Endpoints about the token the request itself carries.

    Only the token authenticates here, and the default IsAuthenticated
    refuses anything else with 401: `request.auth` is that token.
    """

    authentication_classes = [DeviceTokenAuthentication]


class TokenRenewView(DeviceTokenRequired):
    """Push this device token's expiry a full period on; answers the new expiry."""

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "DeviceTokenRenewed",
                {"expiry": serializers.DateTimeField(), "device": serializers.CharField()},
            )
        },
    )
    def post(self, request: Request) -> Response:
        token = cast(DeviceToken, request.auth)
        return Response(token_answer(device_token_renew(token=token)))


class LogoutView(DeviceTokenRequired):
    """Sign this device out: its token stops working at once (204)."""

    # None, not OpenApiTypes.NONE: that names a JSON body with a null schema.
    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        token = cast(DeviceToken, request.auth)
        device_token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
