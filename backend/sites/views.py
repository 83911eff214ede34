"""The site page /sites/{id}/: a site over time (issue 14, §5).

Visits in order; photos side by side by date, matched by the camera's
bearing when the EXIF has one (grouped by compass sector); storeys over time
as a small server-drawn chart with the permitted storeys as a line; the
status history with its evidence. Everything through the access selectors.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from backend.cases.selectors import cases_visible_to
from backend.maps.selectors.popups import photo_bearing
from backend.photos.models import SitePhoto
from backend.photos.selectors import photos_visible_to
from backend.sites.chart import storeys_chart
from backend.sites.models import Site, SiteStatus, Visit
from backend.sites.selectors import inspection_state, site_events_of, sites_visible_to
from backend.sites.serializers import permit_limits

# Eight compass sectors of 45°, the first centred on north.
SECTORS = (
    _("North"),
    _("North-east"),
    _("East"),
    _("South-east"),
    _("South"),
    _("South-west"),
    _("West"),
    _("North-west"),
)
NO_BEARING = len(SECTORS)


def bearing_sector(bearing: float | None) -> int:
    """The sector index of a camera bearing (degrees from north), NO_BEARING if unknown."""
    if bearing is None:
        return NO_BEARING
    return int(((bearing % 360.0) + 22.5) // 45.0) % len(SECTORS)


@dataclass
class PhotoRow:
    """Photos facing one way (or of unknown bearing), one cell per visit day."""

    label: Any
    cells: list[list[dict[str, Any]]] = field(default_factory=list)


def _photo_grid(
    photos: list[SitePhoto], visits: list[Visit]
) -> tuple[list[datetime.date], list[PhotoRow]]:
    days = sorted({v.visited_on for v in visits if any(p.visit_id == v.pk for p in photos)})
    column = {day: i for i, day in enumerate(days)}
    visit_day = {v.pk: v.visited_on for v in visits}
    rows: dict[int, PhotoRow] = {}
    for photo in photos:
        bearing = photo_bearing(photo.metadata)
        sector = bearing_sector(bearing)
        label = SECTORS[sector] if sector < NO_BEARING else _("Bearing unknown")
        row = rows.setdefault(sector, PhotoRow(label=label, cells=[[] for _ in days]))
        assert photo.visit_id is not None  # visit photos only (see site_detail)
        row.cells[column[visit_day[photo.visit_id]]].append(
            {"photo": photo, "bearing": bearing, "warnings": bool(photo.warnings)}
        )
    return days, [rows[k] for k in sorted(rows)]


def _readings(site: Site, visits: list[Visit]) -> list[tuple[datetime.date, int]]:
    readings = [(v.visited_on, v.storeys_built) for v in visits]
    readings += [(e.on, e.storeys_built) for e in site.events.filter(visit__isnull=True)]
    return [(day, storeys) for day, storeys in readings if storeys is not None]


@login_required
@require_safe
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    site = get_object_or_404(sites_visible_to(user), pk=pk)
    today = timezone.localdate()
    visits = list(
        Visit.objects.filter(site=site)
        .select_related("inspector", "case")
        .order_by("visited_at", "id")
    )
    photos = list(
        photos_visible_to(user)
        .filter(visit__site=site)
        .order_by("visit__visited_at", "captured_at", "id")
    )
    days, photo_rows = _photo_grid(photos, visits)
    limits = permit_limits(site)
    context = {
        "site": site,
        "today": today,
        "inspection": inspection_state(site, today),
        "limits": limits,
        "visits": visits,
        "photo_days": days,
        "photo_rows": photo_rows,
        "chart": storeys_chart(_readings(site, visits), limits["storeys"] if limits else None),
        "history": [
            {
                "event": event,
                "from_label": SiteStatus(event.from_status).label if event.from_status else "",
                "to_label": SiteStatus(event.to_status).label if event.to_status else "",
            }
            for event in site_events_of(site)
        ],
        "cases": list(cases_visible_to(user).filter(sites=site).order_by("id")),
    }
    return render(request, "sites/site_detail.html", context)
