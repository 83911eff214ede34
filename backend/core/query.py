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
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlencode

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter

from backend.core.errors import InvalidInput
from backend.core.query_fields import (
    CODE,
    FALSE_WORDS,
    MONTH,
    TRUE_WORDS,
    BBoxField,
    ChoicesField,
    CodesField,
    DayField,
    FlagField,
    MonthField,
    QueryField,
    TextField,
    local_midnight,
    month_bounds,
)
from backend.core.schema import FILTER_DATE_PATTERN, bounding_box, comma_separated

Q = TypeVar("Q", bound="StrictFilterSet")


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
