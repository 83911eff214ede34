"""The public side of citizens' reports: the pages at /phan-anh/ and their API.

The report's photos (upload and public derivatives) are served by the photo
app (backend.photos.urls), like every other photo.
"""

from django.urls import path

from backend.intake import public_api, public_views

urlpatterns = [
    path("phan-anh/", public_views.report_page, name="tip_report"),
    path("phan-anh/sw.js", public_views.service_worker, name="tip_service_worker"),
    path("phan-anh/theo-doi/", public_views.status_lookup, name="tip_status_lookup"),
    path("phan-anh/theo-doi/<str:code>/", public_views.status_page, name="tip_status_page"),
    path("api/public/tips/", public_api.PublicTipsView.as_view(), name="public-tips"),
    path(
        "api/public/tips/<str:code>/",
        public_api.PublicTipStatusView.as_view(),
        name="public-tip-status",
    ),
]
