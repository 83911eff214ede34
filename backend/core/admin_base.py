"""Admin base classes: map widgets for geometry, and rows scoped to the user's wards."""

from __future__ import annotations

from typing import Any

from django.contrib import admin as django_admin
from django.contrib.gis import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.core.widgets import LeafletGeometryWidget


def sees_every_ward_in_admin(request: HttpRequest) -> bool:
    """Superusers see every row (whatever their role); everyone else what the selectors allow.

    Without this, a ward user given staff access and a view permission would
    list every ward's rows: the admin applies model permissions only.
    """
    return bool(getattr(request.user, "is_superuser", False))


class WardScopedMixin:
    """List, change, history and delete pages show only `visible_rows(request)`.

    The admin looks every object up through get_queryset, so a row outside the
    scope is absent from the list and its own pages answer "does not exist".
    """

    def visible_rows(self, request: HttpRequest) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if sees_every_ward_in_admin(request):
            return super().get_queryset(request)  # type: ignore[misc,no-any-return]
        qs = self.visible_rows(request)
        ordering = self.get_ordering(request)  # type: ignore[attr-defined]
        return qs.order_by(*ordering) if ordering else qs


class WardScopedAdmin(WardScopedMixin, django_admin.ModelAdmin):  # type: ignore[type-arg]
    pass


class MapAdmin(admin.GISModelAdmin):  # type: ignore[type-arg]
    gis_widget = LeafletGeometryWidget  # type: ignore[assignment]
