"""The tip list's query, with the case query's names where both have them
(bbox, ward, overdue) and the tip's own (status, category, received_from,
received_to).

    bbox, ward, status, category, overdue, received_from, received_to

`overdue=1` reads the one definition of an overdue tip
(backend.intake.selectors.tips_overdue), as of the local day.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.query import (
    BBoxFilter,
    ChoicesFilter,
    CodesFilter,
    DayFilter,
    FlagFilter,
    StrictFilterSet,
)
from backend.intake.models import Tip, TipCategory, TipStatus
from backend.intake.selectors import tips_overdue


def _statuses() -> list[str]:
    return list(TipStatus.values)


def _categories() -> list[str]:
    return list(TipCategory.values)


class TipQuery(StrictFilterSet):
    """Which tips: each parameter narrows; empty means no restriction."""

    aliases: ClassVar[dict[str, str]] = {
        "in_bbox": "bbox",
        "from": "received_from",
        "to": "received_to",
    }

    bbox = BBoxFilter(
        field_name="location", description="minlon,minlat,maxlon,maxlat in WGS 84 degrees"
    )
    ward = CodesFilter(field_name="ward__code", description="ward code(s), comma-separated")
    status = ChoicesFilter(
        _statuses, field_name="status", description="tip status(es), comma-separated"
    )
    category = ChoicesFilter(
        _categories, field_name="category", description="category code(s), comma-separated"
    )
    overdue = FlagFilter(
        method="filter_overdue", description="1: only tips past their response date, unanswered"
    )
    received_from = DayFilter(
        field_name="received_at",
        lookup_expr="gte",
        description="received on or after (dd/mm/yyyy or YYYY-MM-DD)",
    )
    received_to = DayFilter(
        field_name="received_at",
        lookup_expr="lte",
        description="received on or before (dd/mm/yyyy or YYYY-MM-DD); not before received_from",
    )

    class Meta:
        model = Tip
        fields: ClassVar[list[str]] = []

    today: datetime.date | None = None

    def check(self, values: dict[str, Any]) -> None:
        first, last = values.get("received_from"), values.get("received_to")
        if first and last and first > last:
            raise self.refuse(_("The start of the date range is after its end."), "received_from")

    def apply_on(self, qs: QuerySet[Any], today: datetime.date | None = None) -> QuerySet[Any]:
        self.today = today or timezone.localdate()
        return self.apply(qs)

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return tips_overdue(qs, self.today) if value else qs
