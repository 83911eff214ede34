from django.urls import path

from backend.sites import visit_api

urlpatterns = [
    path("api/sites/<int:pk>/visits/", visit_api.SiteVisitsView.as_view(), name="site-visits"),
]
