"""The public pages of citizens' reports: the report form and a report's status.

No sign-in: nothing here reads who is signed in, and the pages carry no
staff navigation. The form works on weak networks: the browser keeps the
report and its photos in IndexedDB and sends them once the network allows
(frontend/static/intake/report.js); a small service worker keeps the page
and its files so it reopens offline (frontend/templates/intake/public/sw.js).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backend.intake.models import Tip, TipCategory
from backend.intake.selectors import tip_by_code, tip_public_photos, tip_public_status

# What the service worker keeps so the form opens with no network at all.
SHELL_STATIC = (
    "intake/report.js",
    "intake/queue.js",
    # queue.js reuses the field app's retry rules.
    "field/queue.js",
    "intake/report.css",
    "ttxd/site.css",
    "ttxd/site.js",
    "ttxd/favicon-32.png",
    "ttxd/icon.svg",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
)


def shell_urls() -> list[str]:
    urls = [static(path) for path in SHELL_STATIC]
    # report.js imports "./queue.js" by its plain name (a hashed name would not match).
    urls += [settings.STATIC_URL + path for path in SHELL_STATIC if path.endswith(".js")]
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


def report_config() -> dict[str, Any]:
    return {
        "urls": {
            "tips": reverse("public-tips"),
            "serviceWorker": reverse("tip_service_worker"),
            "page": reverse("tip_report"),
        },
        "minFillSeconds": settings.TTXD_TIP_MIN_FILL_SECONDS,
        "maxPhotos": settings.TTXD_TIP_MAX_PHOTOS,
        "maxBytes": settings.TTXD_PHOTO_MAX_BYTES,
        "basemap": {
            "url": settings.TTXD_BASEMAP_URL or "",
            "attribution": settings.TTXD_BASEMAP_ATTRIBUTION or "",
        },
        "mapCenter": list(settings.TTXD_MAP_CENTER),
        "text": {
            "waiting": _("Waiting for the network"),
            "sending": _("Sending…"),
            "sent": _("Sent"),
            "refused": _("Not accepted"),
            "photos": _("Photos"),
            "code": _("Your report's code"),
            "follow": _("Follow this report"),
            "noPin": _("Put the pin on the site: tap the map or use your position."),
            "noCategory": _("Choose what is happening."),
            "tooManyPhotos": _("At most %(count)d photos.")
            % {"count": settings.TTXD_TIP_MAX_PHOTOS},
            "tooLarge": _("A photo is larger than %(limit)d MB.")
            % {"limit": settings.TTXD_PHOTO_MAX_BYTES // (1024 * 1024)},
            "queued": _(
                "Your report is kept on this phone and will be sent as soon as there is a network."
            ),
            "locating": _("Finding your position…"),
            "noPosition": _("Your position could not be found: tap the map where the site is."),
            "pinSet": _("Pin placed."),
            "photoRefused": _("Photo not accepted"),
            "edit": _("Correct and send again"),
        },
    }


@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    """The phone-first report form (no sign-in)."""
    return render(
        request,
        "intake/public/report.html",
        {
            "config": report_config(),
            "categories": TipCategory.choices,
            "max_photos": settings.TTXD_TIP_MAX_PHOTOS,
        },
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The report page's service worker, served under /phan-anh/ so its scope covers it."""
    urls = shell_urls()
    version = hashlib.sha256(("\n".join(urls) + _static_fingerprint()).encode()).hexdigest()[:16]
    response = render(
        request,
        "intake/public/sw.js",
        {"version": version, "shell": json.dumps(urls), "page_url": reverse("tip_report")},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = reverse("tip_report")
    response["Cache-Control"] = "no-cache"
    return response


def _not_found(request: HttpRequest, code: str) -> HttpResponse:
    # One page for a malformed code and an unknown one: codes cannot be probed.
    return render(request, "intake/public/not_found.html", {"code": code[:40]}, status=404)


@require_GET
def status_lookup(request: HttpRequest) -> HttpResponse:
    """The "follow a report" form: a code typed in leads to its page."""
    code = request.GET.get("code", "")
    tip = tip_by_code(code)
    if tip is None:
        return _not_found(request, code)
    return HttpResponseRedirect(reverse("tip_status_page", kwargs={"code": tip.code}))


def _photos(tip: Tip) -> list[dict[str, Any]]:
    out = []
    for photo in tip_public_photos(tip):
        url = reverse("tip_photo_public", kwargs={"code": tip.code, "photo_id": photo.pk})
        out.append({"preview": url, "thumbnail": f"{url}?size=small"})
    return out


@require_GET
def status_page(request: HttpRequest, code: str) -> HttpResponse:
    """Where a report stands, for whoever holds its code: no personal data, no staff names."""
    tip = tip_by_code(code)
    if tip is None:
        return _not_found(request, code)
    if tip.code != code:
        return HttpResponseRedirect(reverse("tip_status_page", kwargs={"code": tip.code}))
    response = render(
        request,
        "intake/public/status.html",
        {"status": tip_public_status(tip), "photos": _photos(tip)},
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
