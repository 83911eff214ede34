"""The query language of every list: one FilterSet per kind of row, one set of
names and messages, the old names kept as aliases.

A query is parsed once from the query string (`Query.from_params`), refuses
anything unreadable with a 400 naming the parameter as the user spelled it,
and then behaves as a value: equal queries select the same rows, so a query
is part of cache keys (`canonical`) and can be written back into a link
(`as_params`, `link`). The filters are django-filter's; the values they accept
are this module's fields, so every endpoint reads `stage=a,b`, `stage=a&stage=b`,
`dd/mm/yyyy` and `yyyy-mm-dd` alike.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlencode

import django_filters
from django import forms
from django.contrib.gis.geos import GEOSGeometry, LineString, Point, Polygon
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter

from backend.core.errors import InvalidInput
from backend.core.schema import FILTER_DATE_PATTERN, bounding_box, comma_separated
from gis.coords import parse_bbox

Q = TypeVar("Q", bound="StrictFilterSet")

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


class QueryFilter(django_filters.Filter):  # type: ignore[misc]  # django-filter has no stubs
    """A filter whose field is a QueryField; knows how to write its value back
    as text and how the schema describes it."""

    field_class: type[QueryField] = QueryField
    description = ""

    def __init__(self, *args: Any, description: str = "", **kwargs: Any) -> None:
        self.description = description or self.description
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, "", (), False):
            return qs
        filtered: QuerySet[Any] = super().filter(qs, value)
        return filtered

    def as_text(self, value: Any) -> str:
        return str(value or "")

    def openapi(self, name: str, *, deprecated: bool = False) -> OpenApiParameter:
        return OpenApiParameter(name, str, description=self.description, deprecated=deprecated)


class ChoicesFilter(QueryFilter):
    field_class = ChoicesField

    def __init__(self, allowed: Callable[[], list[str]], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, allowed=allowed, **kwargs)
        self.allowed = allowed

    def as_text(self, value: Any) -> str:
        return value if isinstance(value, str) else ",".join(value or ())

    def openapi(self, name: str, *, deprecated: bool = False) -> OpenApiParameter:
        parameter = comma_separated(name, enum=self.allowed(), description=self.description)
        parameter.deprecated = deprecated
        return parameter


class CodesFilter(ChoicesFilter):
    field_class = CodesField  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "in")
        QueryFilter.__init__(self, *args, **kwargs)

    def openapi(self, name: str, *, deprecated: bool = False) -> OpenApiParameter:
        parameter = comma_separated(name, pattern=CODE.pattern, description=self.description)
        parameter.deprecated = deprecated
        return parameter


class FlagFilter(QueryFilter):
    field_class = FlagField

    def as_text(self, value: Any) -> str:
        return "1" if value else ""

    def openapi(self, name: str, *, deprecated: bool = False) -> OpenApiParameter:
        return OpenApiParameter(
            name,
            str,
            enum=sorted(set(TRUE_WORDS + FALSE_WORDS)),
            description=self.description,
            deprecated=deprecated,
        )


class DayFilter(QueryFilter):
    """A local date against a datetime column: `gte` from its midnight, `lte` up
    to the next midnight (a range on the column, so its index is used)."""

    field_class = DayField

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if not value or self.method:
            return super().filter(qs, value)
        if self.lookup_expr == "lte":
            bound = {f"{self.field_name}__lt": local_midnight(value + datetime.timedelta(days=1))}
        else:
            bound = {f"{self.field_name}__gte": local_midnight(value)}
        return qs.filter(**bound)

    def as_text(self, value: Any) -> str:
        return value.isoformat() if value else ""

    def openapi(self, name: str, *, deprecated: bool = False) -> OpenApiParameter:
        return OpenApiParameter(
            name,
            str,
            pattern=FILTER_DATE_PATTERN,
            description=self.description,
            deprecated=deprecated,
        )


class MonthFilter(QueryFilter):
    field_class = MonthField

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if not value or self.method:
            return super().filter(qs, value)
        first, after = month_bounds(value)
        return qs.filter(
            **{
                f"{self.field_name}__gte": local_midnight(first),
                f"{self.field_name}__lt": local_midnight(after),
            }
        )

    def openapi(self, name: str, *, deprecated: bool = False) -> OpenApiParameter:
        return OpenApiParameter(
            name, str, pattern=MONTH.pattern, description=self.description, deprecated=deprecated
        )


class TextFilter(QueryFilter):
    field_class = TextField


class BBoxFilter(QueryFilter):
    """Rows whose geometry meets the box (`intersects`: the GiST index first)."""

    field_class = BBoxField

    def __init__(self, *args: Any, needed: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "intersects")
        super().__init__(*args, needed=needed, **kwargs)
        self.needed = needed

    def as_text(self, value: Any) -> str:
        if not value:
            return ""
        minlon, minlat, maxlon, maxlat = value.extent
        return ",".join(repr(v) for v in (minlon, minlat, maxlon, maxlat))

    def openapi(self, name: str, *, deprecated: bool = False) -> OpenApiParameter:
        parameter = bounding_box(name, required=self.needed)
        parameter.deprecated = deprecated
        return parameter


class StrictFilterSet(django_filters.FilterSet):  # type: ignore[misc]  # no stubs
    """A FilterSet that refuses with InvalidInput and behaves as a value.

    `aliases` maps old parameter names to the current ones: links sent before
    the names were unified keep working, and a refusal names the parameter as
    it was written. A subclass adds cross-parameter checks in `check`.
    """

    aliases: ClassVar[Mapping[str, str]] = {}

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        data = data if data is not None else {}
        self.spelled: dict[str, str] = {}
        self._params: dict[str, str] | None = None
        unaliased: dict[str, list[str]] = {}
        for name in self.base_filters:
            for spelling in (name, *(old for old, new in self.aliases.items() if new == name)):
                if spelling in data:
                    values = (
                        data.getlist(spelling) if hasattr(data, "getlist") else [data[spelling]]
                    )
                    unaliased[name] = [str(v) for v in values if v is not None]
                    self.spelled[name] = spelling
                    break
        super().__init__(_Values(unaliased), *args, **kwargs)
        self.values: dict[str, Any] = self._cleaned()

    @classmethod
    def from_params(cls: type[Q], params: Any) -> Q:
        """Parse a query string; anything unreadable is a 400 naming the parameter."""
        return cls(params)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return (*cls.base_filters, *cls.aliases)

    def _cleaned(self) -> dict[str, Any]:
        form = self.form
        cleaned: dict[str, Any] = {}
        for name, field in form.fields.items():
            spelled = self.spelled.get(name, name)
            try:
                cleaned[name] = field.clean(field.widget.value_from_datadict(form.data, None, name))
            except ValidationError as exc:
                params = {**(exc.params or {}), "name": spelled}
                raise InvalidInput(str(exc.message) % params, field=spelled) from None
        form.cleaned_data = cleaned
        self.check(cleaned)
        return cleaned

    def check(self, values: dict[str, Any]) -> None:
        """Rules between parameters; raise InvalidInput."""

    def is_valid(self) -> bool:
        return True  # parsing already refused anything invalid

    def refuse(self, message: str, name: str) -> InvalidInput:
        spelled = self.spelled.get(name, name)
        return InvalidInput(message, field=spelled)

    # -- as a value ---------------------------------------------------------

    def as_params(self) -> dict[str, str]:
        """The non-empty filters as query parameters, under their current names."""
        if self._params is None:
            texts = {name: self._text(name, value) for name, value in self.values.items()}
            self._params = {name: text for name, text in texts.items() if text}
        return dict(self._params)

    def _text(self, name: str, value: Any) -> str:
        return str(self.filters[name].as_text(value))

    def canonical(self) -> str:
        """A stable text form (part of cache keys)."""
        return urlencode(sorted(self.as_params().items()))

    def _changed_params(self, changes: Mapping[str, Any]) -> dict[str, str]:
        params = self.as_params()
        for name, value in changes.items():
            text = self._text(name, value)
            if text:
                params[name] = text
            else:
                params.pop(name, None)
        return params

    def replaced(self: Q, **changes: Any) -> Q:
        """The same query with some filters changed (a value as the filter holds it)."""
        return type(self)(self._changed_params(changes))

    def only(self: Q, names: Iterable[str]) -> Q:
        kept = set(names)
        return type(self)({k: v for k, v in self.as_params().items() if k in kept})

    def link(self, **changes: Any) -> str:
        """The query string of this query with some filters changed (for figure links:
        a dashboard writes thousands, so without parsing each again)."""
        return urlencode(self._changed_params(changes))

    def apply(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        filtered: QuerySet[Any] = self.filter_queryset(qs)
        return filtered

    def __bool__(self) -> bool:
        return bool(self.as_params())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and other.canonical() == self.canonical()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.canonical()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.canonical()!r})"

    @classmethod
    def openapi_parameters(cls, *names: str) -> list[OpenApiParameter]:
        """The schema's parameters for these filters (all by default), aliases
        marked deprecated."""
        chosen = names or tuple(cls.base_filters)
        out = []
        for name in chosen:
            query_filter = cls.base_filters[name]
            out.append(query_filter.openapi(name))
            for old, new in cls.aliases.items():
                if new == name:
                    out.append(query_filter.openapi(old, deprecated=True))
        return out


class _Values(dict[str, list[str]]):
    """The parameters after aliasing, read like a QueryDict."""

    def getlist(self, name: str) -> list[str]:
        return self.get(name, [])
