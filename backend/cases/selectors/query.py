"""The case query: the one set of names every list of cases reads.

`/api/cases/`, the map (tiles, GeoJSON, counts, search), the case list page,
the audit dashboard and every export take these parameters, so a link copied
from one opens the same cases in another (within the reader's own access):

    bbox, ward, stage, violation_type, overdue, detected_from, detected_to,
    opened_month, visited_stage, late, timed, closed_month,
    step, step_from, step_to, source, overdue_on, overdue_stage

The map's and the first API's names (`in_bbox`, `type`, `from`, `to`) are
aliases: links have been sent with them.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.audit.models import CaseEvent
from backend.audit.selectors import EventDay
from backend.cases.models import Stage, ViolationCase, ViolationType
from backend.cases.selectors import overdue_q
from backend.cases.selectors.history import (
    SOURCES,
    case_source_q,
    overdue_at_q,
    stage_at,
    steps_in_q,
)
from backend.cases.workflow.table import ACTIONS
from backend.core.query import (
    BBoxFilter,
    ChoicesFilter,
    CodesFilter,
    DayFilter,
    FlagFilter,
    MonthFilter,
    StrictFilterSet,
)
from backend.core.query_fields import month_bounds

# Computed once: an enum's .values builds a new list on every access, and
# every map tile parses a query.
STAGE_CODES = list(Stage.values)
VIOLATION_TYPE_CODES = list(ViolationType.values)


def _stages() -> list[str]:
    return STAGE_CODES


def _violation_types() -> list[str]:
    return VIOLATION_TYPE_CODES


ACTION_CODES = list(ACTIONS)


def _actions() -> list[str]:
    return ACTION_CODES


def _sources() -> list[str]:
    return list(SOURCES)


def _events_of(**conditions: Any) -> Exists:
    return Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), **conditions))


class CaseQuery(StrictFilterSet):
    """Which cases: each parameter narrows; empty means no restriction."""

    aliases: ClassVar[dict[str, str]] = {
        "in_bbox": "bbox",
        "type": "violation_type",
        "from": "detected_from",
        "to": "detected_to",
    }

    bbox = BBoxFilter(
        field_name="location", description="minlon,minlat,maxlon,maxlat in WGS 84 degrees"
    )
    ward = CodesFilter(field_name="ward__code", description="ward code(s), comma-separated")
    stage = ChoicesFilter(_stages, field_name="stage", description="stage code(s), comma-separated")
    violation_type = ChoicesFilter(
        _violation_types,
        field_name="violation_type",
        description="violation type code(s), comma-separated",
    )
    overdue = FlagFilter(method="filter_overdue", description="1: only cases past their deadline")
    detected_from = DayFilter(
        field_name="detected_at",
        lookup_expr="gte",
        description="detected on or after (dd/mm/yyyy or YYYY-MM-DD)",
    )
    detected_to = DayFilter(
        field_name="detected_at",
        lookup_expr="lte",
        description="detected on or before (dd/mm/yyyy or YYYY-MM-DD); not before detected_from",
    )
    opened_month = MonthFilter(field_name="detected_at", description="detected in this month")
    visited_stage = ChoicesFilter(
        _stages, method="filter_visited_stage", description="were in this stage at some point"
    )
    late = FlagFilter(method="filter_late", description="1: at least one step taken late")
    timed = FlagFilter(method="filter_timed", description="1: at least one step had a deadline")
    closed_month = MonthFilter(method="filter_closed_month", description="closed in this month")
    # The periodic reports' figures (backend.reports.periodic) link with these.
    step = ChoicesFilter(
        _actions,
        method="filter_step",
        description="with a step of these action(s), dated within step_from–step_to",
    )
    step_from = DayFilter(method="filter_nothing", description="with step: dated on or after")
    step_to = DayFilter(method="filter_nothing", description="with step: dated on or before")
    source = ChoicesFilter(
        _sources,
        method="filter_source",
        description="patrol (a site visit opened it), citizen (a citizen's report), other",
    )
    overdue_on = DayFilter(
        method="filter_overdue_on", description="overdue at the end of this day (as it stood)"
    )
    overdue_stage = ChoicesFilter(
        _stages, method="filter_nothing", description="with overdue_on: overdue in this stage then"
    )

    # The filters the audit dashboard offers (its figures add the others).
    SCOPE: ClassVar[tuple[str, ...]] = ("ward", "violation_type", "detected_from", "detected_to")
    # The filters of a map: the page's form and every map endpoint.
    MAP: ClassVar[tuple[str, ...]] = (
        "stage",
        "violation_type",
        "overdue",
        "detected_from",
        "detected_to",
        "ward",
    )

    class Meta:
        model = ViolationCase
        fields: ClassVar[list[str]] = []

    today: datetime.date | None = None

    def check(self, values: dict[str, Any]) -> None:
        first, last = values.get("detected_from"), values.get("detected_to")
        if first and last and first > last:
            raise self.refuse(
                _("The start of the detection date range is after its end."), "detected_from"
            )
        if values.get("overdue_stage") and not values.get("overdue_on"):
            raise self.refuse(_("overdue_stage needs overdue_on (the day)."), "overdue_stage")
        first, last = values.get("step_from"), values.get("step_to")
        if (first or last) and not values.get("step"):
            raise self.refuse(_("step_from and step_to need step (the action)."), "step")
        if first and last and first > last:
            raise self.refuse(_("The start of the step date range is after its end."), "step_from")

    def apply_on(self, qs: QuerySet[Any], today: datetime.date | None = None) -> QuerySet[Any]:
        """These cases among `qs`; "overdue" is as of `today` (the local date)."""
        if not self:
            return qs  # the shared empty query (case_query) is never changed
        self.today = today or timezone.localdate()
        return self.apply(qs)

    # -- the filters that are more than a lookup ---------------------------

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return qs.filter(overdue_q(self.today or timezone.localdate())) if value else qs

    def filter_visited_stage(
        self, qs: QuerySet[Any], name: str, value: tuple[str, ...]
    ) -> QuerySet[Any]:
        return qs.filter(_events_of(stage_after__in=value)) if value else qs

    def filter_late(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return qs.filter(_events_of(payload__on_time=False)) if value else qs

    def filter_timed(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return qs.filter(_events_of(payload__on_time__in=[True, False])) if value else qs

    def filter_closed_month(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if not value:
            return qs
        first, after = month_bounds(value)
        closing = (
            CaseEvent.objects.filter(case_id=OuterRef("pk"), stage_after=Stage.CLOSED)
            .exclude(stage_before=Stage.CLOSED)
            .annotate(day=EventDay())
            .filter(day__gte=first, day__lt=after)
        )
        return qs.filter(Exists(closing))

    def filter_nothing(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return qs  # read by another filter

    def filter_step(self, qs: QuerySet[Any], name: str, value: tuple[str, ...]) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(steps_in_q(value, self.values["step_from"], self.values["step_to"]))

    def filter_source(self, qs: QuerySet[Any], name: str, value: tuple[str, ...]) -> QuerySet[Any]:
        if not value or set(value) >= set(SOURCES):
            return qs
        condition = case_source_q(value[0])
        for other in value[1:]:
            condition |= case_source_q(other)
        return qs.filter(condition)

    def filter_overdue_on(
        self, qs: QuerySet[Any], name: str, value: datetime.date | None
    ) -> QuerySet[Any]:
        if not value:
            return qs
        qs = qs.filter(overdue_at_q(value))
        stages = self.values["overdue_stage"]
        return qs.alias(stage_then=stage_at(value)).filter(stage_then__in=stages) if stages else qs

    # -- what other code reads ----------------------------------------------

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(self.values["stage"])

    @property
    def ward_codes(self) -> tuple[str, ...]:
        return tuple(self.values["ward"])

    @property
    def detected_since(self) -> datetime.date | None:
        value: datetime.date | None = self.values["detected_from"]
        return value

    @property
    def map_only(self) -> bool:
        """Only the map's filters are set: what the map's endpoints can honour."""
        return set(self.as_params()) <= set(self.MAP) | {"bbox"}

    def without_stages(self) -> CaseQuery:
        return self.replaced(stage=())

    @property
    def scope(self) -> CaseQuery:
        return self.only(self.SCOPE)

    def with_ward_codes(self, qs: QuerySet[Any], field: str) -> QuerySet[Any]:
        """The `ward` filter on rows other than cases (permits, wards)."""
        codes = self.ward_codes
        return qs.filter(**{f"{field}__in": codes}) if codes else qs


NO_CASE_QUERY: CaseQuery | None = None


def case_query(params: Any) -> CaseQuery:
    """The case query of a request's parameters (the empty query is built once:
    most map tiles come without filters)."""
    global NO_CASE_QUERY
    if not any(name in params for name in CaseQuery.names()):
        if NO_CASE_QUERY is None:
            NO_CASE_QUERY = CaseQuery({})
        return NO_CASE_QUERY
    return CaseQuery(params)
