"""The values a query parameter may take, read from the query string.

Each field takes every value of its parameter (`a,b`, `a&a=b`) and gives one
clean value, or refuses with a message that names the parameter as the user
wrote it (StrictFilterSet fills in the name). backend.core.query puts them
behind django-filter's filters.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.gis.geos import GEOSGeometry, LineString, Point, Polygon
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gis.coords import parse_bbox

# The first records anyone keeps digitally; a date before is a typo (0202 for 2020).
EARLIEST_YEAR = 2000
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")
CODE = re.compile(r"^[0-9A-Za-z_-]{1,20}$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_CODES = 200


def latest_year() -> int:
    """Next year: a filter date beyond selects nothing, and dates near 9999 break
    the date arithmetic (the month after 9999-12 does not exist)."""
    return timezone.localdate().year + 1


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of `day` in Asia/Ho_Chi_Minh, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    """The first day of `month` (yyyy-mm) and the first day of the next."""
    year, number = int(month[:4]), int(month[5:])
    return datetime.date(year, number, 1), datetime.date(year + number // 12, number % 12 + 1, 1)


def bbox_geometry(box: tuple[float, float, float, float]) -> GEOSGeometry:
    """The box as a geometry; a box of zero width or height is a point or a line,
    since a collapsed polygon is invalid and would intersect nothing."""
    minlon, minlat, maxlon, maxlat = box
    geom: GEOSGeometry
    if minlon == maxlon and minlat == maxlat:
        geom = Point(minlon, minlat)
    elif minlon == maxlon or minlat == maxlat:
        geom = LineString((minlon, minlat), (maxlon, maxlat))
    else:
        geom = Polygon.from_bbox(box)
    geom.srid = 4326
    return geom


class Refused(ValidationError):
    """A value a field refuses: `message` is formatted with the parameter's name."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message, params=params)


class RawValues(forms.Widget):
    """Every value of the parameter: `a,b`, `a&a=b` and a plain dict all read alike."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        raw = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return [str(chunk) for chunk in raw if chunk is not None]


class QueryField(forms.Field):
    """A query parameter: the raw values in, one clean value out, or Refused."""

    widget = RawValues

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["required"] = False
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Any:
        return self.read(value or [])

    def read(self, raw: list[str]) -> Any:
        raise NotImplementedError

    @staticmethod
    def listed(raw: list[str]) -> list[str]:
        """The comma-separated and repeated values, in order, without blanks or repeats."""
        return list(
            dict.fromkeys(v.strip() for chunk in raw for v in chunk.split(",") if v.strip())
        )

    @staticmethod
    def single(raw: list[str]) -> str:
        return raw[-1].strip() if raw else ""


class ChoicesField(QueryField):
    def __init__(self, allowed: Callable[[], list[str]], *args: Any, **kwargs: Any) -> None:
        self.allowed = allowed
        super().__init__(*args, **kwargs)

    def read(self, raw: list[str]) -> tuple[str, ...]:
        values, allowed = self.listed(raw), self.allowed()
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise Refused(
                _("Unknown value for %(name)s: %(values)s. Allowed: %(allowed)s."),
                values=", ".join(unknown),
                allowed=", ".join(allowed),
            )
        # Canonical order, so the same selection always gives the same cache key.
        return tuple(v for v in allowed if v in values)


class CodesField(QueryField):
    def read(self, raw: list[str]) -> tuple[str, ...]:
        codes = self.listed(raw)
        if len(codes) > MAX_CODES or not all(CODE.match(c) for c in codes):
            raise Refused(_("ward must be a comma-separated list of ward codes."))
        return tuple(sorted(codes))


class FlagField(QueryField):
    def read(self, raw: list[str]) -> bool:
        text = self.single(raw).lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise Refused(_("%(name)s must be 1 or 0 (got “%(value)s”)."), value=text[:40])


class DayField(QueryField):
    def read(self, raw: list[str]) -> datetime.date | None:
        text = self.single(raw)
        if not text:
            return None
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date
            except ValueError:
                continue
            if not EARLIEST_YEAR <= day.year <= latest_year():
                raise Refused(
                    _("%(name)s must be a date from 01/01/%(first)d to 31/12/%(last)d."),
                    first=EARLIEST_YEAR,
                    last=latest_year(),
                )
            return day
        raise Refused(_("%(name)s must be a date written dd/mm/yyyy or yyyy-mm-dd."))


class MonthField(QueryField):
    def read(self, raw: list[str]) -> str:
        text = self.single(raw)
        if not text:
            return ""
        match = MONTH.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise Refused(_("%(name)s must be a month written yyyy-mm."))
        if not EARLIEST_YEAR <= int(match.group(1)) <= latest_year():
            raise Refused(
                _("%(name)s must be a month from %(first)d-01 to %(last)d-12."),
                first=EARLIEST_YEAR,
                last=latest_year(),
            )
        return text


class TextField(QueryField):
    def read(self, raw: list[str]) -> str:
        return self.single(raw)


class BBoxField(QueryField):
    def __init__(self, *args: Any, needed: bool = False, **kwargs: Any) -> None:
        self.needed = needed
        super().__init__(*args, **kwargs)

    def read(self, raw: list[str]) -> GEOSGeometry | None:
        text = self.single(raw)
        if not text:
            if self.needed:
                raise Refused(_("bbox is required: minlon,minlat,maxlon,maxlat in degrees."))
            return None
        try:
            return bbox_geometry(parse_bbox(text))
        except ValueError as exc:
            raise Refused(
                _("%(name)s must be minlon,minlat,maxlon,maxlat in degrees (%(reason)s)."),
                reason=str(exc),
            ) from None
