"""A Leaflet map widget for every geometry in the admin (no CDN, no OpenLayers)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.gis.forms.widgets import BaseGeometryWidget
from django.contrib.gis.geos import GEOSGeometry


class LeafletGeometryWidget(BaseGeometryWidget):
    template_name = "gis/leaflet_widget.html"
    map_srid = 4326
    map_width = 640
    map_height = 420

    class Media:
        css = {
            "all": (
                "vendor/leaflet/leaflet.css",
                "vendor/leaflet-geoman/leaflet-geoman.css",
                "ttxd/map-widget.css",
            )
        }
        js = (
            "vendor/leaflet/leaflet.js",
            "vendor/leaflet-geoman/leaflet-geoman.js",
            "ttxd/map-widget.js",
        )

    def serialize(self, value: GEOSGeometry | None) -> str:
        # GeoJSON in the hidden field; GEOSGeometry reads it back on submit.
        return value.json if value else ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)
        # Django's base widget no longer passes its size to the template; without
        # it the map collapses to zero width in the admin's form rows.
        context["map_width"] = self.map_width
        context["map_height"] = self.map_height
        context["basemap_url"] = settings.TTXD_BASEMAP_URL
        context["basemap_attribution"] = settings.TTXD_BASEMAP_ATTRIBUTION
        context["default_center"] = settings.TTXD_MAP_CENTER
        return context
