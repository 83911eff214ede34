from django.urls import path

from backend.photos import api, views

urlpatterns = [
    path("api/cases/<int:pk>/photos/", api.CasePhotosView.as_view(), name="case-photos"),
    path("photos/<int:pk>/<str:variant>/", views.photo_file, name="photo_file"),
]
