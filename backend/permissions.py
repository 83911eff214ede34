"""Role checks shared by the API: city roles read, ward roles also write."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from backend.accounts.models import WARD_ROLES


class ReadOnlyUnlessWardUser(BasePermission):
    message = _("Your role may read but not change this.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.role in WARD_ROLES
