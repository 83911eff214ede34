from django.urls import path

from backend.field import api, offline_api, views

urlpatterns = [
    path("field/", views.field_app, name="field_app"),
    path("field/sw.js", views.service_worker, name="field_service_worker"),
    path("field/manifest.webmanifest", views.manifest, name="field_manifest"),
    path("api/field/cases/", api.FieldCasesView.as_view(), name="field-cases"),
    path("api/field/session/", api.FieldSessionView.as_view(), name="field-session"),
    path("api/field/device-token/", api.FieldDeviceTokenView.as_view(), name="field-device-token"),
    path(
        "api/field/offline/ward/",
        offline_api.OfflineWardView.as_view(),
        name="field-offline-ward",
    ),
    path(
        "api/field/offline/ward/package/",
        offline_api.OfflinePackageView.as_view(),
        name="field-offline-package",
    ),
]
