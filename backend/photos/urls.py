from django.urls import path

from backend.photos import api, tip_api, tip_views, views

urlpatterns = [
    path("api/cases/<int:pk>/photos/", api.CasePhotosView.as_view(), name="case-photos"),
    path(
        "api/sites/<int:pk>/visits/<int:visit>/photos/",
        api.VisitPhotosView.as_view(),
        name="site-visit-photos",
    ),
    path("photos/<int:pk>/<str:variant>/", views.photo_file, name="photo_file"),
]

# A citizen's report (backend.intake): its photos, by the report's code, without sign-in.
urlpatterns += [
    path(
        "api/public/tips/<str:code>/photos/",
        tip_api.TipPhotosView.as_view(),
        name="public-tip-photos",
    ),
    path(
        "phan-anh/anh/<str:code>/<int:photo_id>.jpg",
        tip_views.tip_photo_public,
        name="tip_photo_public",
    ),
]
