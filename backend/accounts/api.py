from __future__ import annotations

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (phones)."""

    permission_classes = [AllowAny]
