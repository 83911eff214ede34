"""The field app's pages: the shell, its service worker and its manifest."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from backend.accounts.models import WARD_ROLES
from backend.cases.models import ViolationType
from backend.field.offline import OFFLINE_LAYERS, basemap_prefetch_refusal

SESSION_EXPIRES_HEADER = "X-TTXD-Session-Expires"

# What the service worker keeps so the app opens with no network at all.
SHELL_STATIC = (
    "field/field.css",
    "field/app.js",
    "field/queue.js",
    "field/geo.js",
    # The ward map and its offline copy (backend.field.offline).
    "field/offline.js",
    "field/ward-map.js",
    "field/leaflet-global.js",
    "map/vector-layer.js",
    "map/styles.js",
    "vendor/pbf/index.js",
    "vendor/mapbox-vector-tile/index.js",
    "vendor/mapbox-point-geometry/index.js",
    # TTXD's icon, as every page links it (templates/ttxd/icons.html) and the manifest.
    "ttxd/favicon-32.png",
    "ttxd/icon.svg",
    "ttxd/apple-touch-icon.png",
    "ttxd/icon-192.png",
    "ttxd/icon-512.png",
    "ttxd/icon-maskable-512.png",
    "ttxd/site.css",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
)


def shell_urls() -> list[str]:
    urls = [static(path) for path in SHELL_STATIC]
    # ES modules import each other by plain relative names ("./queue.js"),
    # which a hashed (collectstatic) name does not match: keep both.
    urls += [settings.STATIC_URL + path for path in SHELL_STATIC if path.endswith(".js")]
    urls += [reverse("javascript-catalog"), reverse("field_manifest")]
    return list(dict.fromkeys(urls))


@lru_cache(maxsize=1)
def _static_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in SHELL_STATIC:
        digest.update(path.encode())
        found = finders.find(path)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


def shell_version() -> str:
    """Changes whenever a shell file (or its hashed URL) changes: a new cache."""
    urls = "\n".join(shell_urls()).encode()
    return hashlib.sha256(urls + _static_fingerprint().encode()).hexdigest()[:16]


def field_config(request: HttpRequest) -> dict[str, Any]:
    return {
        "urls": {
            "cases": reverse("field-cases"),
            "session": reverse("field-session"),
            "openCase": "/api/cases/",
            "casePhotos": reverse("case-photos", kwargs={"pk": 0}).replace("/0/", "/{id}/"),
            "login": f"{reverse('login')}?next={reverse('field_app')}",
            "serviceWorker": reverse("field_service_worker"),
            "app": reverse("field_app"),
            # The device token (backend.accounts.api, backend.field.api).
            "deviceToken": reverse("field-device-token"),
            "token": reverse("api-token"),
            "renewToken": reverse("api-token-renew"),
            "logout": reverse("api-logout"),
            # The page's sign-out form (base.html), which the app clears up before.
            "signOut": reverse("logout"),
        },
        "violationTypes": [[value, str(label)] for value, label in ViolationType.choices],
        "thresholds": {
            "farFromSiteM": settings.TTXD_PHOTO_FAR_FROM_SITE_M,
            "lowAccuracyM": settings.TTXD_PHOTO_LOW_ACCURACY_M,
        },
        "maxBytes": settings.TTXD_PHOTO_MAX_BYTES,
        "basemap": {
            "url": settings.TTXD_BASEMAP_URL or "",
            "attribution": settings.TTXD_BASEMAP_ATTRIBUTION or "",
        },
        "mapCenter": list(settings.TTXD_MAP_CENTER),
        "offline": {
            "ward": reverse("field-offline-ward"),
            "layers": [layer.as_dict() for layer in OFFLINE_LAYERS],
            "tiles": tiles_prefix(),
            "limitBytes": settings.TTXD_OFFLINE_MAX_BYTES,
        },
        "user": request.user.get_username(),
    }


@login_required
@require_GET
def field_app(request: HttpRequest) -> HttpResponse:
    """The phone app's shell; everything else happens in the browser (static/field/)."""
    user: Any = request.user
    if user.role not in WARD_ROLES:
        return render(request, "field/not_for_role.html", status=403)
    response = render(request, "field/index.html", {"config": field_config(request)})
    # The service worker keeps this page for offline use, and serves it only
    # until the session it was made for expires (templates/field/sw.js).
    # The row's expiry as read (a session is not saved again on every request).
    session: Any = request.session
    expires = getattr(session, "loaded_expiry", None) or session.get_expiry_date()
    response[SESSION_EXPIRES_HEADER] = str(int(expires.timestamp() * 1000))
    return response


def tiles_prefix() -> str:
    """/api/tiles/: where every vector tile URL starts."""
    return reverse("map_tile", kwargs={"layer": "L", "z": 0, "x": 0, "y": 0}).removesuffix(
        "L/0/0/0.pbf"
    )


def basemap_origins() -> list[str]:
    """The base map's servers (a "{s}" URL has three: a., b., c.)."""
    origins = set()
    for subdomain in "abc":
        parts = urlsplit((settings.TTXD_BASEMAP_URL or "").replace("{s}", subdomain))
        if parts.scheme and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /field/ so that its scope covers the app."""
    response = render(
        request,
        "field/sw.js",
        {
            "version": shell_version(),
            "shell": json.dumps(shell_urls()),
            "app_url": reverse("field_app"),
            "session_expires_header": SESSION_EXPIRES_HEADER,
            "signed_out_page": render_to_string("field/signed_out_offline.html", request=request),
            "tiles_prefix": tiles_prefix(),
            # Base-map tiles are served from the offline copy only where they may be saved.
            "basemap_origins": json.dumps(
                basemap_origins() if basemap_prefetch_refusal() is None else []
            ),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = reverse("field_app")
    # Browsers check for a new worker on each visit; never let a cache answer.
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    app = reverse("field_app")
    return JsonResponse(
        {
            "name": _("TTXD field inspections"),
            "short_name": "TTXD",
            "description": _("Photograph construction sites and open cases, even offline."),
            "start_url": app,
            "scope": app,
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#f6f7f9",
            "theme_color": "#12355b",
            "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "vi",
            # The site's own icon (backend/web/icons.py), the same on the home screen.
            "icons": [
                {"src": static("ttxd/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("ttxd/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("ttxd/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {
                    "src": static("ttxd/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        content_type="application/manifest+json",
    )
