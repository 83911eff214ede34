"""Admin base class: every geometry field gets the Leaflet map widget."""

from __future__ import annotations

from django.contrib.gis import admin

from backend.web.widgets import LeafletGeometryWidget


class MapAdmin(admin.GISModelAdmin):
    gis_widget = LeafletGeometryWidget
