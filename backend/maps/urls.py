from django.urls import path, re_path

from backend.maps import api, tile_view, views

# Also matched by backend.maps.middleware (this module is included at the root).
TILE_PATH = r"^api/tiles/(?P<layer>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+)\.pbf$"

urlpatterns = [
    path("map/", views.map_page, name="map"),
    # Coordinates are parsed by the view, so a malformed one is a 400, not a 404.
    re_path(TILE_PATH, tile_view.tile, name="map_tile"),
    path("api/map/cases.geojson", api.cases_geojson, name="map_cases_geojson"),
    path("api/map/permits.geojson", api.permits_geojson, name="map_permits_geojson"),
    path("api/map/counts/", api.counts, name="map_counts"),
    path("api/map/search/", api.search, name="map_search"),
    path("api/map/cases/<int:pk>/", api.case_popup, name="map_case"),
    path("api/map/permits/<int:pk>/", api.permit_popup, name="map_permit"),
    path("api/map/sites/<int:pk>/", api.site_popup, name="map_site"),
]
