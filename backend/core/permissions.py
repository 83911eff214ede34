"""Role checks shared by the API: city roles read, ward roles also write."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOnlyUnlessWardUser(BasePermission):
    message = _("Your role may read but not change this.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        # Ward roles (inspector, ward leader) write; the user model says who has one.
        return request.method in SAFE_METHODS or bool(getattr(user, "is_ward_user", False))


def api_docs_open_to(user: Any) -> bool:
    """The schema and its docs page describe every endpoint and filter: for signed-in
    users, unless TTXD_API_DOCS_PUBLIC opens them (e.g. for an integrator's sandbox)."""
    return bool(settings.TTXD_API_DOCS_PUBLIC or (user and user.is_authenticated))


class SignedInUnlessApiDocsPublic(BasePermission):
    """drf-spectacular's SERVE_PERMISSIONS: the schema answers 401/403 to anyone else."""

    message = _("Sign in to read the API schema.")

    def has_permission(self, request: Any, view: Any) -> bool:
        return api_docs_open_to(request.user)


def api_docs_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The docs page sends an anonymous visitor to the sign-in page and back."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not api_docs_open_to(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded
