"""The map's filters, parsed once and applied the same way by every endpoint.

The page, the tiles, the counts and the GeoJSON endpoints all read the same
query string (stage, type, overdue, from, to, ward), so a link a leader sends
shows the recipient the same cases, within the recipient's own access.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.gis.geos import Polygon
from django.db.models import Case, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.cases.models import Stage, ViolationType
from backend.cases.selectors import overdue_flag, overdue_q
from backend.core.errors import InvalidInput
from gis.coords import parse_bbox

WARD_CODE = re.compile(r"^[0-9A-Za-z_-]{1,20}$")
FILTER_PARAMETERS = ("stage", "type", "overdue", "from", "to", "ward")
# The choices, in their canonical order (computed once: enum .values builds a
# new list on every access, and every map tile parses the filters).
STAGE_CODES = list(Stage.values)
VIOLATION_TYPE_CODES = list(ViolationType.values)
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"", "0", "false", "no", "off"}
# Dates far outside any case's life are typos (e.g. 0202 for 2020).
EARLIEST_DATE = datetime.date(2000, 1, 1)


def _values(params: Any, name: str) -> list[str]:
    """Comma-separated and/or repeated query parameters, in order, without blanks."""
    raw = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
    out: list[str] = []
    for chunk in raw:
        for value in str(chunk).split(","):
            value = value.strip()
            if value and value not in out:
                out.append(value)
    return out


def _choices(params: Any, name: str, allowed: list[str]) -> tuple[str, ...]:
    values = _values(params, name)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise InvalidInput(
            _("Unknown value for %(name)s: %(values)s. Allowed: %(allowed)s.")
            % {"name": name, "values": ", ".join(unknown), "allowed": ", ".join(allowed)},
            field=name,
        )
    # Canonical order, so the same selection always gives the same ETag.
    return tuple(v for v in allowed if v in values)


def _date(params: Any, name: str) -> datetime.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a date, not a time
        except ValueError:
            continue
        if day < EARLIEST_DATE or day.year > 2100:
            break
        return day
    raise InvalidInput(
        _("%(name)s must be a date written YYYY-MM-DD or dd/mm/yyyy (got “%(value)s”).")
        % {"name": name, "value": raw[:40]},
        field=name,
    )


def _flag(params: Any, name: str) -> bool:
    raw = (params.get(name) or "").strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise InvalidInput(
        _("%(name)s must be 1 or 0 (got “%(value)s”).") % {"name": name, "value": raw[:40]},
        field=name,
    )


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of `day` in Asia/Ho_Chi_Minh, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def overdue_condition(today: datetime.date) -> Q:
    """Contract: an open stage whose deadline is before today (local date)."""
    return overdue_q(today)


def overdue_annotation(today: datetime.date) -> Case:
    return overdue_flag(today)


@dataclass(frozen=True)
class MapFilters:
    stages: tuple[str, ...] = ()
    violation_types: tuple[str, ...] = ()
    overdue_only: bool = False
    detected_from: datetime.date | None = None
    detected_to: datetime.date | None = None
    ward_codes: tuple[str, ...] = ()

    @classmethod
    def from_params(cls, params: Any) -> MapFilters:
        """Parse the query string; anything unreadable is a 400 naming the parameter."""
        if not any(name in params for name in FILTER_PARAMETERS):
            return cls()  # most tiles: the map without filters
        ward_codes = tuple(_values(params, "ward"))
        bad = [c for c in ward_codes if not WARD_CODE.match(c)]
        if bad or len(ward_codes) > 200:
            raise InvalidInput(
                _("ward must be a comma-separated list of ward codes."), field="ward"
            )
        filters = cls(
            stages=_choices(params, "stage", STAGE_CODES),
            violation_types=_choices(params, "type", VIOLATION_TYPE_CODES),
            overdue_only=_flag(params, "overdue"),
            detected_from=_date(params, "from"),
            detected_to=_date(params, "to"),
            ward_codes=tuple(sorted(ward_codes)),
        )
        if (
            filters.detected_from
            and filters.detected_to
            and filters.detected_from > filters.detected_to
        ):
            raise InvalidInput(
                _("The start of the detection date range is after its end."), field="from"
            )
        return filters

    def without_stages(self) -> MapFilters:
        return replace(self, stages=())

    def canonical(self) -> str:
        """A stable text form of the filters (part of every cache key)."""
        return "|".join(
            [
                ",".join(self.stages),
                ",".join(self.violation_types),
                "1" if self.overdue_only else "0",
                self.detected_from.isoformat() if self.detected_from else "",
                self.detected_to.isoformat() if self.detected_to else "",
                ",".join(self.ward_codes),
            ]
        )

    def apply_to_cases(self, qs: QuerySet[Any], today: datetime.date) -> QuerySet[Any]:
        if self.stages:
            qs = qs.filter(stage__in=self.stages)
        if self.violation_types:
            qs = qs.filter(violation_type__in=self.violation_types)
        if self.overdue_only:
            qs = qs.filter(overdue_condition(today))
        if self.detected_from:
            qs = qs.filter(detected_at__gte=local_midnight(self.detected_from))
        if self.detected_to:
            end = local_midnight(self.detected_to + datetime.timedelta(days=1))
            qs = qs.filter(detected_at__lt=end)
        return self.apply_ward(qs, "ward__code")

    def apply_ward(self, qs: QuerySet[Any], field: str) -> QuerySet[Any]:
        if self.ward_codes:
            qs = qs.filter(**{f"{field}__in": self.ward_codes})
        return qs


def bbox_from_params(params: Any, *, required: bool) -> Polygon | None:
    """The viewport `bbox=minlon,minlat,maxlon,maxlat` as a WGS 84 polygon."""
    raw = (params.get("bbox") or "").strip()
    if not raw:
        if required:
            raise InvalidInput(
                _("bbox is required: minlon,minlat,maxlon,maxlat in degrees."), field="bbox"
            )
        return None
    try:
        box = parse_bbox(raw)
    except ValueError as exc:
        raise InvalidInput(
            _("bbox must be minlon,minlat,maxlon,maxlat in degrees (%(reason)s).")
            % {"reason": exc},
            field="bbox",
        ) from None
    polygon = Polygon.from_bbox(box)
    polygon.srid = 4326
    return polygon
