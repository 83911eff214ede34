"""Every read the map makes, each starting from an access selector.

Tiles, GeoJSON and counts are aggregated or serialized by PostgreSQL; the
rows always come from cases_visible_to / permits_visible_to /
wards_visible_to, compiled to SQL, so the map can never show a row that the
lists and the case pages would hide. By job: tile_layers, geojson,
counts_and_search, popups, visible_wards (the page's wards and extent), and
coordinates (the PostGIS accessors they share).
"""
