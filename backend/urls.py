from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from backend.accounts.api import LogoutView, TokenRenewView, TokenView
from backend.cases.api import CaseViewSet
from backend.core.permissions import api_docs_page
from backend.permits.api import PermitViewSet
from backend.sites.api import SiteViewSet
from backend.wards.api import WardViewSet
from backend.web import views as web

router = DefaultRouter()
router.register("wards", WardViewSet, basename="ward")
router.register("permits", PermitViewSet, basename="permit")
router.register("cases", CaseViewSet, basename="case")
router.register("sites", SiteViewSet, basename="site")

urlpatterns = [
    path("", web.home, name="home"),
    path("cases/", web.case_list, name="case_list"),
    path("healthz", web.healthz, name="healthz"),
    path("login/", web.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/auth/token/renew/", TokenRenewView.as_view(), name="api-token-renew"),
    path("api/auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("", include("backend.accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path(
        "api/docs/",
        api_docs_page(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="web/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
    # Before the API router: map tiles are the most frequent request, and
    # URL resolution tries patterns in order.
    path("", include("backend.maps.urls")),
    path("", include("backend.intake.urls")),
    path("api/", include(router.urls)),
    # Each app's own pages and endpoints (paths are spelled out inside).
    path("", include("backend.photos.urls")),
    path("", include("backend.sites.visit_urls")),
    path("", include("backend.cases.urls")),
    path("", include("backend.reports.urls")),
    path("", include("backend.sites.plan_urls")),
    path("", include("backend.audit.urls")),
    path("", include("backend.notifications.urls")),
    path("", include("backend.field.urls")),
    path("", include("backend.ogc.urls")),
    path("", include("backend.sites.urls")),
    path("", include("backend.intake.public_urls")),
    path("open311/v2/", include("backend.intake.open311_urls")),
]

# Error answers: escaped pages, JSON under /api/ (backend.core.error_pages).
handler400 = "backend.core.error_pages.bad_request"
handler403 = "backend.core.error_pages.permission_denied"
handler404 = "backend.core.error_pages.page_not_found"
handler500 = "backend.core.error_pages.server_error"
