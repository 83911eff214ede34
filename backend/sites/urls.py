from django.urls import path

from backend.sites import api, views

urlpatterns = [
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("api/sites/<int:pk>/status/", api.SiteStatusView.as_view(), name="site-status"),
    path("api/sites/<int:pk>/reopen/", api.SiteReopenView.as_view(), name="site-reopen"),
]
