"""Sites, visits and visit photos written directly (the visit service is another module's)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone

from backend.photos.models import SitePhoto
from backend.sites.models import Site, SiteEvent, SiteEventKind, SiteOrigin, SiteStatus, Visit

IN_A = (106.690, 10.770)
IN_B = (106.710, 10.770)


def make_site(ward: Any, lonlat: tuple[float, float] = IN_A, **kwargs: Any) -> Site:
    actor = kwargs.pop("actor", None)
    kwargs.setdefault("origin", SiteOrigin.PATROL)
    kwargs.setdefault("status", SiteStatus.STRUCTURE)
    kwargs.setdefault("status_since", datetime.date(2025, 9, 1))
    kwargs.setdefault("address", "12 Đường Thử")
    site = Site.objects.create(ward=ward, location=Point(*lonlat, srid=4326), **kwargs)
    if actor is not None:
        SiteEvent.objects.create(
            site=site,
            kind=SiteEventKind.CREATED,
            on=site.status_since,
            to_status=site.status,
            evidence="Thấy đang xây",
            actor=actor,
        )
    return site


def make_visit(site: Site, inspector: Any, day: datetime.date, **kwargs: Any) -> Visit:
    kwargs.setdefault("outcome", "conforming")
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    return Visit.objects.create(
        site=site, inspector=inspector, visited_at=at, visited_on=day, **kwargs
    )


def make_visit_photo(visit: Visit, bearing: float | None = None, n: int = 0) -> SitePhoto:
    exif: dict[str, Any] = {"bearing_deg": bearing} if bearing is not None else {}
    digest = f"{visit.pk:032x}{n:032x}"
    return SitePhoto.objects.create(
        visit=visit,
        original=f"photos/original/{digest}.jpg",
        thumbnail=f"photos/thumbnail/{digest}.jpg",
        preview=f"photos/preview/{digest}.jpg",
        sha256=digest,
        content_type="image/jpeg",
        size_bytes=1000,
        metadata={"exif": exif},
        captured_at=visit.visited_at,
        uploaded_by=visit.inspector,
    )
