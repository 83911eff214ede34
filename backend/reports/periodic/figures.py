"""A periodic report's figures as JSON, each with the link to the list behind it.

Built from backend.reports.periodic.indicators (the computation).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from backend.reports.periodic.indicators import (
    CITY,
    PERIODS,
    STEP_COUNTS,
    STEP_SUMS,
    Computed,
    compute,
    indicator_groups,
    indicators,
)
from backend.reports.periodic.periods import Period


def _links(key: str, ward: str, periods: dict[str, Period]) -> dict[str, str | None]:
    return {name: figure_link(key, ward, periods[name]) for name in PERIODS}


def figure_link(key: str, ward: str, period: Period) -> str | None:
    """The list behind a figure: cases (/cases/?…) or permits (/api/permits/?…)."""
    params: dict[str, str] = {"ward": ward} if ward else {}
    start, end = period.start.isoformat(), period.end.isoformat()
    if key == "permits_issued":
        return "/api/permits/?" + urlencode({**params, "issued_from": start, "issued_to": end})
    if key in {"active_sites", "visits", "sites_visited", "coverage"}:
        return None  # sites and visits, not cases: the sites list has no past state
    if key == "detected" or key.startswith("detected_") or key.startswith("source_"):
        params |= {"detected_from": start, "detected_to": end}
        if key.startswith("detected_"):
            params["violation_type"] = key.removeprefix("detected_")
        if key.startswith("source_"):
            params["source"] = key.removeprefix("source_")
        return "/cases/?" + urlencode(params)
    if key == "overdue" or key.startswith("overdue_"):
        params["overdue_on"] = end
        if key.startswith("overdue_"):
            params["overdue_stage"] = key.removeprefix("overdue_")
        return "/cases/?" + urlencode(params)
    actions = STEP_COUNTS.get(key) or STEP_SUMS[key][0]
    params |= {"step": ",".join(actions), "step_from": start, "step_to": end}
    return "/cases/?" + urlencode(params)


def render(computed: Computed, ward_code: str | None) -> dict[str, Any]:
    """The figures of one ward's report (ward_code) or the city's, as JSON."""
    periods = computed.periods
    values = computed.per_ward[ward_code] if ward_code else computed.total
    keys = [i.key for i in indicators()]
    groups = indicator_groups()
    return {
        "ward": {"code": ward_code, "name": computed.names.get(ward_code, "")}
        if ward_code
        else None,
        "period": periods["current"].as_json(),
        "previous": periods["previous"].as_json(),
        "last_year": periods["last_year"].as_json(),
        "indicators": [
            {
                "key": i.key,
                "label": i.label,
                "group": i.group,
                "group_label": groups[i.group],
                "unit": i.unit,
                **values[i.key],
                "links": _links(i.key, ward_code or CITY, periods),
            }
            for i in indicators()
        ],
        "wards": (
            []
            if ward_code
            else [
                {
                    "code": c,
                    "name": computed.names.get(c, ""),
                    "values": {k: computed.per_ward[c][k] for k in keys},
                }
                for c in computed.codes
            ]
        ),
    }


def periodic_figures(period: Period, ward_code: str | None) -> dict[str, Any]:
    """Every indicator for `period`, the one before and the same one a year
    earlier: the ward's (ward_code) or the city's with a row per ward."""
    return render(compute(period, ward_code), ward_code)
