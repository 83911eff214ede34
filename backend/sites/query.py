"""The site list's query: the case query's names where both have them (bbox,
ward, overdue), and the site's own (status, origin, due_by, q).

    bbox, ward, status, origin, overdue, due_by, q

`overdue=1` and `due_by` read the one definition of "overdue for
inspection" (backend.sites.selectors), as of the local day.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.query import (
    BBoxFilter,
    ChoicesFilter,
    CodesFilter,
    DayFilter,
    FlagFilter,
    StrictFilterSet,
    TextFilter,
)
from backend.sites.models import Site, SiteOrigin, SiteStatus
from backend.sites.selectors import inspection_due_by_q, inspection_overdue_q

STATUS_CODES = list(SiteStatus.values)
ORIGIN_CODES = list(SiteOrigin.values)
SEARCH_MAX_LENGTH = 100


def _statuses() -> list[str]:
    return STATUS_CODES


def _origins() -> list[str]:
    return ORIGIN_CODES


class SiteQuery(StrictFilterSet):
    """Which sites: each parameter narrows; empty means no restriction."""

    aliases: ClassVar[dict[str, str]] = {"in_bbox": "bbox"}

    bbox = BBoxFilter(
        field_name="location", description="minlon,minlat,maxlon,maxlat in WGS 84 degrees"
    )
    ward = CodesFilter(field_name="ward__code", description="ward code(s), comma-separated")
    status = ChoicesFilter(
        _statuses, field_name="status", description="site status(es), comma-separated"
    )
    origin = ChoicesFilter(
        _origins, field_name="origin", description="permit, notified or patrol, comma-separated"
    )
    overdue = FlagFilter(
        method="filter_overdue", description="1: only sites overdue for inspection"
    )
    due_by = DayFilter(
        method="filter_due_by",
        description="next visit due on or before this day, overdue included "
        "(dd/mm/yyyy or YYYY-MM-DD)",
    )
    q = TextFilter(
        method="filter_text",
        description="part of the address, the owner's name or the permit number",
    )

    class Meta:
        model = Site
        fields: ClassVar[list[str]] = []

    today: datetime.date | None = None

    def check(self, values: dict[str, Any]) -> None:
        if len(values.get("q") or "") > SEARCH_MAX_LENGTH:
            raise self.refuse(
                _("Search for at most %(n)s characters.") % {"n": SEARCH_MAX_LENGTH}, "q"
            )

    def apply_on(self, qs: QuerySet[Any], today: datetime.date | None = None) -> QuerySet[Any]:
        """These sites among `qs`; "overdue" is as of `today` (the local date)."""
        self.today = today or timezone.localdate()
        return self.apply(qs)

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return qs.filter(inspection_overdue_q(self.today or timezone.localdate())) if value else qs

    def filter_due_by(self, qs: QuerySet[Any], name: str, value: datetime.date) -> QuerySet[Any]:
        return qs.filter(inspection_due_by_q(value)) if value else qs

    def filter_text(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(
            Q(address__icontains=value)
            | Q(owner_name__icontains=value)
            | Q(permit__number__icontains=value)
        )
