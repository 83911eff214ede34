"""System checks of the field app's settings (run by `manage.py check`, migrate, runserver)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def basemap_prefetch_allowed(app_configs: Any, **kwargs: Any) -> list[Error]:
    """TTXD_BASEMAP_PREFETCH must not point at OpenStreetMap's public tile servers."""
    from backend.field.offline import is_osm_public_tile_server

    url = settings.TTXD_BASEMAP_URL or ""
    if settings.TTXD_BASEMAP_PREFETCH and is_osm_public_tile_server(url):
        return [
            Error(
                f"TTXD_BASEMAP_PREFETCH is on but TTXD_BASEMAP_URL ({url}) is an "
                "OpenStreetMap public tile server, whose tile usage policy forbids "
                "bulk prefetching.",
                hint="Switch TTXD_BASEMAP_PREFETCH off, or point TTXD_BASEMAP_URL at a "
                "tile server whose terms allow offline copies (your own).",
                id="field.E001",
            )
        ]
    return []
