"""The query parameters of /ogc/…/items, read strictly: a wrong one is a 400
with a message saying what to send (OGC API – Features Part 1 §7.6: an
unknown parameter is an error, a limit past the maximum is not)."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Polygon
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.ogc import crs as crs_module
from backend.ogc.crs import Crs
from backend.ogc.errors import OgcError
from backend.ogc.registry import CollectionDefinition, Property

# Parameters every endpoint accepts, and those of items.
COMMON = frozenset({"f"})
ITEM = COMMON | {"crs"}
ITEMS = ITEM | {"limit", "bbox", "bbox-crs", "datetime", "after", "before"}


def check_known(query: QueryDict, allowed: frozenset[str] | set[str]) -> None:
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        raise OgcError(
            _("Unknown query parameter “%(names)s”. This address accepts: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))}
        )


def _single(query: QueryDict, name: str) -> str | None:
    values = query.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise OgcError(_("Give the parameter “%(name)s” only once.") % {"name": name})
    return values[0]


def read_crs(query: QueryDict, name: str = "crs") -> Crs:
    text = _single(query, name)
    if text is None or text == "":
        return crs_module.DEFAULT
    found = crs_module.crs_named(text)
    if found is None:
        raise OgcError(
            _("The coordinate reference system “%(crs)s” is not offered. Use one of: %(offered)s.")
            % {"crs": text, "offered": ", ".join(c.uri for c in crs_module.SUPPORTED)}
        )
    return found


@dataclass
class ItemsQuery:
    crs: Crs
    limit: int
    after: int | None = None
    before: int | None = None
    bbox: Polygon | None = None
    # Parameters to repeat in paging links (everything but the paging itself).
    kept: dict[str, str] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    interval: tuple[datetime.datetime | None, datetime.datetime | None, bool] | None = None


def read_items_query(query: QueryDict, definition: CollectionDefinition) -> ItemsQuery:
    queryables = {p.name: p for p in definition.queryables}
    check_known(query, ITEMS | set(queryables))
    result = ItemsQuery(crs=read_crs(query), limit=_limit(query))
    result.after = _id(query, "after")
    result.before = _id(query, "before")
    if result.after is not None and result.before is not None:
        raise OgcError(_("Give either “after” or “before”, not both."))
    bbox_text = _single(query, "bbox")
    if bbox_text is not None:
        result.bbox = _bbox(bbox_text, read_crs(query, "bbox-crs"))
    elif _single(query, "bbox-crs") is not None:
        raise OgcError(_("“bbox-crs” names the CRS of “bbox”: give “bbox” too."))
    when = _single(query, "datetime")
    if when is not None:
        result.interval = _interval(when)
    for name, prop in queryables.items():
        text = _single(query, name)
        if text is not None:
            result.filters[prop.lookup] = _property_value(prop, text)
    for name in query:
        if name not in {"after", "before", "limit"}:
            result.kept[name] = str(query.get(name, ""))
    return result


def _limit(query: QueryDict) -> int:
    text = _single(query, "limit")
    if text is None:
        return int(settings.TTXD_OGC_LIMIT_DEFAULT)
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise OgcError(
            _("“limit” must be a whole number from 1 to %(max)d.")
            % {"max": settings.TTXD_OGC_LIMIT_MAX}
        )
    return min(value, int(settings.TTXD_OGC_LIMIT_MAX))


def is_plain_number(text: str) -> bool:
    """ASCII digits only (str.isdigit also takes "²" and other digits int() refuses)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def _id(query: QueryDict, name: str) -> int | None:
    text = _single(query, name)
    if text is None:
        return None
    if not is_plain_number(text):
        raise OgcError(
            _("“%(name)s” is a paging position: follow the “next” or “prev” link as given.")
            % {"name": name}
        )
    return int(text)


def _bbox(text: str, bbox_crs: Crs) -> Polygon:
    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise OgcError(
            _(
                "“bbox” must be four numbers separated by commas: min longitude, min latitude, "
                "max longitude, max latitude (e.g. 106.68,10.76,106.72,10.78)."
            )
        )
    if len(numbers) == 6:  # with heights: minx, miny, minz, maxx, maxy, maxz
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    x1, y1, x2, y2 = numbers
    if bbox_crs.lat_first:
        x1, y1, x2, y2 = y1, x1, y2, x2
    if x1 > x2 or y1 > y2:
        raise OgcError(
            _("In “bbox” the lower corner comes first: each minimum must not exceed its maximum.")
        )
    if bbox_crs.epsg in (None, 4326) and (y1 < -90 or y2 > 90 or x1 < -180 or x2 > 180):
        raise OgcError(
            _(
                "“bbox” is outside the range of degrees (longitude −180…180, latitude −90…90). "
                "For projected coordinates name their CRS in “bbox-crs”."
            )
        )
    box = Polygon.from_bbox((x1, y1, x2, y2))
    if bbox_crs.epsg in (None, 4326):
        box.srid = 4326
        return box
    # A projected box: densified, then transformed by GDAL (which knows every
    # EPSG code, including VN-2000 grids missing from PostGIS's table).
    try:
        dense = Polygon(_densified(box.exterior_ring.coords), srid=bbox_crs.epsg)
        dense.transform(CoordTransform(SpatialReference(bbox_crs.epsg), SpatialReference(4326)))
    except Exception as error:  # GDAL raises its own kinds for points it cannot transform
        raise OgcError(
            _("“bbox” could not be transformed from %(crs)s.") % {"crs": bbox_crs.uri}
        ) from error
    dense.srid = 4326
    return dense


def _densified(ring: Any, steps: int = 8) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    coords = list(ring)
    for (ax, ay), (bx, by) in zip(coords, coords[1:], strict=False):
        for i in range(steps):
            t = i / steps
            points.append((ax + (bx - ax) * t, ay + (by - ay) * t))
    points.append(points[0])
    return points


def _moment(text: str, *, end: bool) -> tuple[datetime.datetime, bool]:
    """A bound of `datetime`: the moment, and whether it is a whole day (a date).

    Impossible dates (30 February) and the calendar's edges (year 1, 9999, where
    a day more or a time zone overflows) are refused as malformed."""
    try:
        moment, whole_day = _parsed_moment(text, end=end)
        if not (1 < moment.year < 9999):
            raise OverflowError
        timezone.localtime(moment)
    except (ValueError, OverflowError):
        raise OgcError(DATETIME_FORMAT) from None
    return moment, whole_day


def _parsed_moment(text: str, *, end: bool) -> tuple[datetime.datetime, bool]:
    day = parse_date(text) if len(text) == 10 else None
    if day is not None:
        if end:
            day += datetime.timedelta(days=1)
        start = datetime.datetime.combine(
            day, datetime.time(), tzinfo=timezone.get_current_timezone()
        )
        return start, True
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(text)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment, False


DATETIME_FORMAT = gettext_lazy(
    "“datetime” must be a date or time in RFC 3339 (e.g. 2025-07-01 or "
    "2025-07-01T08:00:00+07:00), or an interval of two joined by “/”, "
    "with “..” for an open end (e.g. 2025-07-01/..)."
)


def _interval(text: str) -> tuple[datetime.datetime | None, datetime.datetime | None, bool]:
    """(start, end, end_exclusive). A date as an end covers that whole day."""
    if "/" not in text:
        instant, whole_day = _moment(text, end=False)
        if whole_day:
            return instant, instant + datetime.timedelta(days=1), True
        return instant, instant, False
    first, _sep, second = text.partition("/")
    if first in ("", "..") and second in ("", ".."):
        raise OgcError(_("“datetime” needs at least one end of the interval."))
    start = None if first in ("", "..") else _moment(first, end=False)[0]
    end, exclusive = (None, False) if second in ("", "..") else _moment(second, end=True)
    if start is not None and end is not None and start > end:
        raise OgcError(_("In “datetime” the interval's start must come before its end."))
    return start, end, exclusive


def _property_value(prop: Property, text: str) -> Any:
    if prop.enum and text not in {value for value, _label in prop.enum}:
        raise OgcError(
            _("“%(name)s” must be one of: %(values)s.")
            % {"name": prop.name, "values": ", ".join(v for v, _label in prop.enum)}
        )
    if prop.type == "integer":
        if not is_plain_number(text.removeprefix("-")):
            raise OgcError(_("“%(name)s” must be a whole number.") % {"name": prop.name})
        return int(text)
    if prop.type == "boolean":
        if text not in ("true", "false"):
            raise OgcError(_("“%(name)s” must be true or false.") % {"name": prop.name})
        return text == "true"
    return text


def apply_filters(
    qs: QuerySet[Any], definition: CollectionDefinition, query: ItemsQuery
) -> QuerySet[Any]:
    """The rows matching bbox, datetime and the property filters (not the paging)."""
    if query.bbox is not None:
        qs = qs.filter(**{f"{definition.geometry_field}__intersects": query.bbox})
    if query.filters:
        qs = qs.filter(**query.filters)
    if query.interval is not None and definition.time_start:
        qs = qs.filter(_time_q(definition, *query.interval))
    return qs


def _bound(definition: CollectionDefinition, moment: datetime.datetime) -> Any:
    if definition.time_is_date:
        return timezone.localtime(moment).date()
    return moment


def _time_q(
    definition: CollectionDefinition,
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    end_exclusive: bool,
) -> Q:
    """Rows whose time (an instant, or [start, end) for versioned rows) meets the interval."""
    first = definition.time_start
    last = definition.time_end or first
    condition = Q()
    if end is not None:
        bound = _bound(definition, end)
        exclusive = end_exclusive
        if definition.time_is_date and end_exclusive:
            # A whole-day end came as the next midnight: the day before, inclusive.
            bound = bound - datetime.timedelta(days=1)
            exclusive = False
        condition &= Q(**{f"{first}__lt" if exclusive else f"{first}__lte": bound})
    if start is not None:
        bound = _bound(definition, start)
        if definition.time_end:
            condition &= Q(**{f"{last}__isnull": True}) | Q(**{f"{last}__gt": bound})
        else:
            condition &= Q(**{f"{last}__gte": bound})
    return condition
