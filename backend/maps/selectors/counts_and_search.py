"""The map's legend counts and its search box.

Both start from the access selectors: the counts group visible cases by
stage in SQL; the search finds visible cases by code or address and visible
permits by number, exact codes first.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Value, When

from backend.cases.models import Stage
from backend.cases.selectors import cases_visible_to, overdue_q
from backend.cases.selectors.query import CaseQuery
from backend.maps.selectors.coordinates import X, XMax, XMin, Y, YMax, YMin
from backend.maps.sql import compiled, run_rows
from backend.permits.selectors import permits_visible_to

SEARCH_LIMIT = 8


def case_stage_counts(user: Any, query: CaseQuery, today: datetime.date) -> dict[str, Any]:
    """Cases per stage under the query (within the view when it has a bbox).

    Every stage is counted whatever the stage filter says (so the legend shows
    what ticking a stage would add); `total` and `overdue_total` respect it.
    """
    qs = query.without_stages().apply_on(cases_visible_to(user), today).order_by()
    stages = dict.fromkeys(Stage.values, 0)
    overdue = dict.fromkeys(Stage.values, 0)
    if not qs.query.is_empty():
        grouped = qs.values("stage").annotate(
            n=Count("id"), overdue=Count("id", filter=overdue_q(today))
        )
        for stage, n, late in run_rows(*compiled(grouped)):
            stages[stage] = n
            overdue[stage] = late
    chosen = query.stages or tuple(Stage.values)
    return {
        "stages": stages,
        "overdue": overdue,
        "total": sum(stages[s] for s in chosen),
        "overdue_total": sum(overdue[s] for s in chosen),
    }


def map_search(
    user: Any, text: str, query: CaseQuery, today: datetime.date
) -> list[dict[str, Any]]:
    """Cases by code or address (among those the query selects) and permits by
    number (in its wards), exact codes first."""
    text = text.strip()
    cases = (
        query.apply_on(cases_visible_to(user), today)
        .filter(Q(code__icontains=text) | Q(address__icontains=text))
        .annotate(
            exact=Case(
                When(code__iexact=text, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            lon=X("location"),
            lat=Y("location"),
        )
        .order_by("exact", "-detected_at", "-id")
        .values("id", "code", "address", "stage", "lon", "lat")[:SEARCH_LIMIT]
    )
    permits = (
        query.with_ward_codes(permits_visible_to(user), "ward__code")
        .filter(number__icontains=text, parcel__isnull=False)
        .annotate(
            exact=Case(
                When(number__iexact=text, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            west=XMin("parcel"),
            south=YMin("parcel"),
            east=XMax("parcel"),
            north=YMax("parcel"),
        )
        .order_by("exact", "-issued_on", "id")
        .values("id", "number", "address", "holder_name", "west", "south", "east", "north")[
            :SEARCH_LIMIT
        ]
    )
    results: list[dict[str, Any]] = [
        {
            "kind": "case",
            "id": row["id"],
            "label": row["code"],
            "detail": row["address"],
            "stage": row["stage"],
            "lon": row["lon"],
            "lat": row["lat"],
        }
        for row in cases
    ]
    results += [
        {
            "kind": "permit",
            "id": row["id"],
            "label": row["number"],
            "detail": " · ".join(v for v in (row["holder_name"], row["address"]) if v),
            "bbox": [row["west"], row["south"], row["east"], row["north"]],
            "lon": (row["west"] + row["east"]) / 2,
            "lat": (row["south"] + row["north"]) / 2,
        }
        for row in permits
    ]
    return results
