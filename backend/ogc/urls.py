from django.urls import re_path

from backend.ogc import views
from backend.ogc.package import package_download

# Each address with or without its trailing slash: clients join paths both ways.
urlpatterns = [
    re_path(r"^ogc/?$", views.LandingView.as_view(), name="ogc-landing"),
    re_path(r"^ogc/conformance/?$", views.ConformanceView.as_view(), name="ogc-conformance"),
    re_path(r"^ogc/collections/?$", views.CollectionsView.as_view(), name="ogc-collections"),
    re_path(
        r"^ogc/collections/(?P<collection_id>[\w-]+)/?$",
        views.CollectionView.as_view(),
        name="ogc-collection",
    ),
    re_path(
        r"^ogc/collections/(?P<collection_id>[\w-]+)/queryables/?$",
        views.QueryablesView.as_view(),
        name="ogc-queryables",
    ),
    re_path(
        r"^ogc/collections/(?P<collection_id>[\w-]+)/items/?$",
        views.ItemsView.as_view(),
        name="ogc-items",
    ),
    re_path(
        r"^ogc/collections/(?P<collection_id>[\w-]+)/items/(?P<feature_id>[^/]+)/?$",
        views.ItemView.as_view(),
        name="ogc-item",
    ),
    re_path(r"^ogc/package\.gpkg$", package_download, name="ogc-package"),
]
