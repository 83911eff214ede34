"""The map page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from backend.accounts.selectors import user_sees_all_wards
from backend.cases.models import Stage, ViolationType
from backend.intake.models import TipCategory, TipStatus
from backend.maps.selectors.popups import case_page_url
from backend.maps.selectors.visible_wards import map_extent, map_wards
from backend.maps.tiles import (
    CASE_POINT_MIN_ZOOM,
    MAX_ZOOM,
    PERMIT_MIN_ZOOM,
    SITE_MIN_ZOOM,
    TIP_MIN_ZOOM,
)
from backend.sites.models import SiteStatus

# Placeholders the page's script replaces in URL templates.
ID_PLACEHOLDER = 999999999


def tip_page_url(pk: int) -> str:
    """The ward's page of one citizen's report (the desk's /tips/{id}/)."""
    try:
        return reverse("tip_detail", args=[pk])
    except NoReverseMatch:
        return f"/tips/{pk}/"


def _labels() -> dict[str, str]:
    """Every text the map script shows, translated here (gettext, English msgids)."""
    return {
        "cases": _("Violation cases"),
        "permits": _("Permit parcels"),
        "wards": _("Ward boundaries"),
        "basemap": _("Base map"),
        "casesInCluster": _("%(n)s cases here: zoom in to see them."),
        "overdueInCluster": _("%(n)s overdue"),
        "type": _("Violation"),
        "stage": _("Stage"),
        "deadline": _("Deadline"),
        "daysLeft": _("%(n)s days left"),
        "dueToday": _("Due today"),
        "overdueBy": _("Overdue by %(n)s days"),
        "noDeadline": _("No deadline"),
        "legalBasis": _("Legal basis"),
        "inspector": _("Inspector"),
        "unassigned": _("Not assigned"),
        "address": _("Address"),
        "ward": _("Ward"),
        "permit": _("Permit"),
        "detected": _("Detected"),
        "openCase": _("Open the case"),
        "noPhotos": _("No photos yet."),
        "photoUnavailable": _("Photo not available"),
        "cameraFacing": _("Camera facing %(deg)s°"),
        "permitNumber": _("Permit no."),
        "holder": _("Permit holder"),
        "issuedBy": _("Issued by"),
        "issuedOn": _("Issued on"),
        "expiresOn": _("Expires on"),
        "status": _("Status"),
        "parcel": _("Map sheet / parcel"),
        "storeys": _("Permitted storeys"),
        "height": _("Permitted height (m)"),
        "floorArea": _("Permitted floor area (m²)"),
        "worksClass": _("Works class"),
        "loadFailed": _("The map data could not be loaded. Check the connection and try again."),
        "notFound": _("This item is no longer visible to you."),
        "noResults": _("Nothing found."),
        "total": _("Cases shown"),
        "overdueTotal": _("of which overdue"),
        "inView": _("in the current view"),
        "zoomForPermits": _("Zoom in to see permit parcels."),
        "sites": _("Construction sites"),
        "site": _("Construction site"),
        "siteStatus": _("Status of the works"),
        "origin": _("Origin"),
        "owner": _("Owner"),
        "storeysBuilt": _("Storeys built"),
        "nextVisit": _("Next visit due"),
        "lastVisit": _("Last visited"),
        "notVisited": _("Not visited yet."),
        "inspectionOverdue": _("Overdue for inspection"),
        "inspectionDue": _("Due within a week"),
        "openSite": _("Open the site"),
        "zoomForSites": _("Zoom in to see construction sites."),
        "tips": _("Citizens' reports"),
        "tip": _("Citizen's report"),
        "tipCategory": _("What is happening"),
        "tipReceived": _("Received"),
        "tipResponse": _("Response"),
        "tipOverdue": _("Response overdue"),
        "openTip": _("Open the report"),
        "zoomForTips": _("Zoom in to see citizens' reports."),
    }


@login_required
@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    today = timezone.localdate()
    wards = map_wards(user, today)
    extent = map_extent(user, today)
    config = {
        "urls": {
            "tile": reverse("map_tile", args=["__layer__", "__z__", "__x__", "__y__"]),
            "counts": reverse("map_counts"),
            "search": reverse("map_search"),
            "case": reverse("map_case", args=[ID_PLACEHOLDER]),
            "permit": reverse("map_permit", args=[ID_PLACEHOLDER]),
            "site": reverse("map_site", args=[ID_PLACEHOLDER]),
            "casePage": case_page_url(ID_PLACEHOLDER),
            "tipPage": tip_page_url(ID_PLACEHOLDER),
        },
        "idPlaceholder": str(ID_PLACEHOLDER),
        "basemap": {
            "url": settings.TTXD_BASEMAP_URL or "",
            "attribution": settings.TTXD_BASEMAP_ATTRIBUTION or "",
        },
        "extent": extent,
        "center": list(settings.TTXD_MAP_CENTER),
        "zoom": {
            "max": min(MAX_ZOOM, 20),
            "casePoints": CASE_POINT_MIN_ZOOM,
            "permits": PERMIT_MIN_ZOOM,
            "sites": SITE_MIN_ZOOM,
            "tips": TIP_MIN_ZOOM,
        },
        "stages": [{"code": s.value, "label": str(s.label)} for s in Stage],
        "tipStatuses": {s.value: str(s.label) for s in TipStatus},
        "tipCategories": {c.value: str(c.label) for c in TipCategory},
        "labels": _labels(),
    }
    return render(
        request,
        "maps/map.html",
        {
            "config": config,
            "stages": list(Stage),
            "site_statuses": list(SiteStatus),
            "tip_statuses": list(TipStatus),
            "violation_types": list(ViolationType),
            "wards": wards,
            "show_ward_filter": len(wards) > 1 or user_sees_all_wards(user),
        },
    )
