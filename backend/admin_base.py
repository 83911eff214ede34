"""Admin base class: every geometry field gets the Leaflet map widget."""

from __future__ import annotations

from django.contrib.gis import admin

from backend.web.widgets import LeafletGeometryWidget


class MapAdmin(admin.GISModelAdmin):  # type: ignore[type-arg]
    gis_widget = LeafletGeometryWidget  # type: ignore[assignment]
