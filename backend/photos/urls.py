from django.urls import path

from backend.photos import api, views

urlpatterns = [
    path("api/cases/<int:pk>/photos/", api.CasePhotosView.as_view(), name="case-photos"),
    path(
        "api/sites/<int:pk>/visits/<int:visit>/photos/",
        api.VisitPhotosView.as_view(),
        name="site-visit-photos",
    ),
    path("photos/<int:pk>/<str:variant>/", views.photo_file, name="photo_file"),
]
