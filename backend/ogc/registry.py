"""The collections the OGC API serves: a small registry of definitions.

A later app adds a layer by registering one CollectionDefinition (usually
from its AppConfig.ready, or from backend/ogc/collections.py): where its rows
come from (its app's "visible to" selector), its geometry, its time, and
which columns become properties, which of them are queryables.
Everything else (links, extents, paging, CRS, filters, HTML, access) is the
same for every collection.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Expression, QuerySet

from backend.accounts.selectors import Viewer, user_sees_all_wards, ward_ids_of

RowsOf = Callable[[Viewer, datetime.date], QuerySet[Any]]
AllRows = Callable[[datetime.date], QuerySet[Any]]


@dataclass(frozen=True)
class Property:
    """One property of a feature: a column (or a path such as `ward__code`) or an expression."""

    name: str
    type: str  # JSON Schema type: string, integer, number, boolean
    title: Any
    source: str | Callable[[datetime.date], Expression] | None = None  # default: the name
    format: str | None = None  # JSON Schema format: date, date-time
    queryable: bool = False
    enum: Sequence[tuple[str, Any]] = ()  # (value, label) for coded values

    @property
    def lookup(self) -> str:
        """The queryset path a filter on this property uses."""
        return self.source if isinstance(self.source, str) else self.name


@dataclass(frozen=True)
class CollectionDefinition:
    id: str
    title: Any
    description: Any
    geometry_field: str  # a geometry column of the rows' model (stored in EPSG:4326)
    geometry_type: str  # GeoJSON type, for queryables and clients
    visible_rows: RowsOf  # what this user may see (the app's selector)
    all_rows: AllRows  # everything, for a collection a setting makes public
    properties: tuple[Property, ...]
    # The temporal extent and the `datetime` filter: a start field and,
    # for rows valid over an interval, an end field (None = still valid).
    time_start: str | None = None
    time_end: str | None = None
    time_is_date: bool = False
    order: int = 100
    # A geometry computed from several columns (instead of geometry_field's own).
    geometry_expression: Callable[[], Expression] | None = None

    def property_named(self, name: str) -> Property | None:
        return next((p for p in self.properties if p.name == name), None)

    @property
    def queryables(self) -> tuple[Property, ...]:
        return tuple(p for p in self.properties if p.queryable)


_REGISTRY: dict[str, CollectionDefinition] = {}


def register(definition: CollectionDefinition) -> CollectionDefinition:
    if definition.id in _REGISTRY and _REGISTRY[definition.id] is not definition:
        raise ValueError(f"OGC collection {definition.id!r} is already registered")
    _REGISTRY[definition.id] = definition
    return definition


def registered() -> list[CollectionDefinition]:
    return sorted(_REGISTRY.values(), key=lambda d: (d.order, d.id))


def definition_named(collection_id: str) -> CollectionDefinition | None:
    return _REGISTRY.get(collection_id)


# --- Access --------------------------------------------------------------------


def is_public(definition: CollectionDefinition) -> bool:
    return definition.id in settings.TTXD_OGC_PUBLIC_COLLECTIONS


def may_read(user: Viewer, definition: CollectionDefinition) -> bool:
    """Whether the collection is shown to this user at all.

    Public collections: to everyone. The others: to a city role, or to a ward
    role with at least one ward; which rows they then see is their selector's
    answer (a ward user sees their wards' rows only).
    """
    if is_public(definition):
        return True
    return user_sees_all_wards(user) or bool(ward_ids_of(user))


def rows_for(user: Viewer, definition: CollectionDefinition, today: datetime.date) -> QuerySet[Any]:
    """The rows this user reads from the collection (call may_read first).

    A public collection is the same for everyone: a signed-in ward user is not
    shown less of it than an anonymous visitor.
    """
    if is_public(definition):
        return definition.all_rows(today)
    return definition.visible_rows(user, today)


def readable_by(user: Viewer) -> list[CollectionDefinition]:
    return [d for d in registered() if may_read(user, d)]
