"""The figures of a periodic report, computed by PostgreSQL from the live rows.

One function, `periodic_figures`, computes every indicator for a period, the
period before and the same period a year earlier, per ward and for the city
(the sum of the wards). Each indicator is one grouped statement with a count
per period (conditional aggregation): no loop over cases. Cases are counted
under the ward responsible for them (ViolationCase.ward), as the case list
filters them, so each figure equals the length of the list its link opens.

What each counts (in the period [start, end], legal dates of the steps):

- permits issued (Permit.issued_on); active sites at the period's end (the
  status of the site's last status event on or before that day: started,
  foundation, structure, finishing);
- inspections: site visits made; coverage: the share of the sites active at
  the end that were visited at least once in the period;
- violations detected (ViolationCase.detected_at), by clause of Decree 16
  Art. 16 and by source, as the audit dashboard's coverage counts them: a
  citizen's report (the case was opened from a tip: its "tip_linked" event
  with how "opened"), else patrol (a site visit opened it, or it belongs to a
  site found on patrol), else other;
- records made (record_violation, MBB01); sanction decisions (issue_sanction_decision,
  receive_decision, issue_remedy_decision); fines imposed (their total) and
  collected (payments recorded, without late interest);
- remedies: the closing steps by outcome (legalised, self-demolished,
  enforced); enforcement decisions (MQĐ11) and executions (MBB11); transfers;
- overdue cases at the period's end, by the stage they were overdue in
  (backend.cases.selectors.history.overdue_at_q).

Counts of steps count cases (distinct), so a figure equals its list; fines are
sums of the steps' amounts in đồng.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from backend.cases.models import CaseStep, Outcome, Stage, ViolationCase, ViolationType
from backend.cases.selectors.history import (
    SOURCES,
    case_source,
    closing_actions,
    overdue_at_q,
    stage_at,
)
from backend.core.query_fields import local_midnight
from backend.permits.models import Permit
from backend.reports.periodic.periods import Period
from backend.sites.models import ACTIVE_STATUSES, Site, SiteEvent, Visit
from backend.wards.selectors import wards_valid_on

CITY = ""  # the key of the city's row
PERIODS = ("current", "previous", "last_year")

RECORD_ACTIONS = ("record_violation",)
DECISION_ACTIONS = ("issue_sanction_decision", "receive_decision", "issue_remedy_decision")
PAYMENT_ACTIONS = ("record_fine_payment",)
ENFORCEMENT_DECISION_ACTIONS = ("decide_enforcement",)
EXECUTION_ACTIONS = ("record_enforcement",)
TRANSFER_ACTIONS = ("transfer",)


REMEDY_OUTCOMES = (Outcome.LEGALISED, Outcome.SELF_DEMOLISHED, Outcome.ENFORCED)

# A decision's total fine (backend.cases.fine_payment.decision_fine_total, in SQL).
FINE_TOTAL_SQL = """
CASE
  WHEN COALESCE("cases_casestep"."data"->>'fine_total', '') <> ''
    THEN ("cases_casestep"."data"->>'fine_total')::numeric::bigint
  WHEN jsonb_typeof("cases_casestep"."data"->'fines') = 'array'
       AND jsonb_array_length("cases_casestep"."data"->'fines') > 0
    THEN (SELECT COALESCE(SUM(NULLIF(f->>'amount', '')::numeric::bigint), 0)
          FROM jsonb_array_elements("cases_casestep"."data"->'fines') AS f
          WHERE jsonb_typeof(f) = 'object')
  ELSE COALESCE(NULLIF("cases_casestep"."data"->>'fine_amount', '')::numeric::bigint, 0)
END
"""
PAYMENT_SQL = """COALESCE(NULLIF("cases_casestep"."data"->>'amount', '')::numeric::bigint, 0)"""


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    group: str
    unit: str = "count"  # count, vnd, percent


def indicator_groups() -> dict[str, str]:
    return {
        "permits": _("Permits and sites"),
        "inspections": _("Inspections"),
        "detected": _("Violations detected, by clause"),
        "source": _("Violations detected, by source"),
        "handling": _("Handling"),
        "remedies": _("Remedies"),
        "overdue": _("Overdue cases at the end of the period, by stage"),
    }


def indicators() -> list[Indicator]:
    """Every indicator, in the report's order (labels in the active language)."""
    rows = [
        Indicator("permits_issued", _("Construction permits issued"), "permits"),
        Indicator("active_sites", _("Active sites at the end of the period"), "permits"),
        Indicator("visits", _("Site inspections made"), "inspections"),
        Indicator("sites_visited", _("Active sites inspected in the period"), "inspections"),
        Indicator("coverage", _("Inspection coverage of active sites"), "inspections", "percent"),
        Indicator("detected", _("Violations detected"), "detected"),
    ]
    rows += [
        Indicator(f"detected_{code}", str(label), "detected")
        for code, label in ViolationType.choices
    ]
    source_labels = {
        "patrol": _("Found on patrol (site visit)"),
        "citizen": _("From a citizen's report"),
        "other": _("Other sources"),
    }
    rows += [Indicator(f"source_{s}", source_labels[s], "source") for s in SOURCES]
    rows += [
        Indicator("records", _("Violation records made (MBB01)"), "handling"),
        Indicator("decisions", _("Sanction decisions"), "handling"),
        Indicator("fines_imposed", _("Fines imposed (VND)"), "handling", "vnd"),
        Indicator("fines_collected", _("Fines collected (VND)"), "handling", "vnd"),
        Indicator("enforcement_decisions", _("Enforcement decisions (MQĐ11)"), "handling"),
        Indicator("executions", _("Enforcements carried out (MBB11)"), "handling"),
        Indicator("transfers", _("Cases transferred to the competent authority"), "handling"),
        Indicator("remedy_legalised", _("Legalised (permit obtained)"), "remedies"),
        Indicator("remedy_self_demolished", _("Demolished by the violator"), "remedies"),
        Indicator("remedy_enforced", _("Demolished by enforcement"), "remedies"),
        Indicator("overdue", _("Overdue cases"), "overdue"),
    ]
    rows += [
        Indicator(f"overdue_{code}", str(label), "overdue")
        for code, label in Stage.choices
        if code != Stage.CLOSED
    ]
    return rows


# The actions behind each step indicator (counted as distinct cases, or summed).
STEP_COUNTS: dict[str, tuple[str, ...]] = {
    "records": RECORD_ACTIONS,
    "decisions": DECISION_ACTIONS,
    "enforcement_decisions": ENFORCEMENT_DECISION_ACTIONS,
    "executions": EXECUTION_ACTIONS,
    "transfers": TRANSFER_ACTIONS,
    **{f"remedy_{o}": closing_actions(o) for o in REMEDY_OUTCOMES},
}
STEP_SUMS: dict[str, tuple[tuple[str, ...], str]] = {
    "fines_imposed": (DECISION_ACTIONS, FINE_TOTAL_SQL),
    "fines_collected": (PAYMENT_ACTIONS, PAYMENT_SQL),
}


Table = dict[str, dict[str, dict[str, int]]]  # ward code → indicator → period → value


def _put(table: Table, rows: Iterable[dict[str, Any]], ward_key: str, keys: Iterable[str]) -> None:
    keys = list(keys)
    for row in rows:
        code = row[ward_key] or ""
        for key in keys:
            for name in PERIODS:
                table[code][key][name] += int(row.get(f"{key}__{name}") or 0)


def _in(periods: dict[str, Period], name: str, field: str) -> Q:
    p = periods[name]
    return Q(**{f"{field}__gte": p.start, f"{field}__lte": p.end})


def _detected_in(periods: dict[str, Period], name: str) -> Q:
    p = periods[name]
    after = p.end + datetime.timedelta(days=1)
    return Q(detected_at__gte=local_midnight(p.start), detected_at__lt=local_midnight(after))


def _ward_filter(qs: QuerySet[Any], field: str, ward_codes: list[str] | None) -> QuerySet[Any]:
    return qs.filter(**{f"{field}__in": ward_codes}) if ward_codes is not None else qs


def _span(periods: dict[str, Period]) -> tuple[datetime.date, datetime.date]:
    return min(p.start for p in periods.values()), max(p.end for p in periods.values())


def _cases(table: Table, periods: dict[str, Period], wards: list[str] | None) -> None:
    first, last = _span(periods)
    qs = _ward_filter(ViolationCase.objects.all(), "ward__code", wards).filter(
        detected_at__gte=local_midnight(first),
        detected_at__lt=local_midnight(last + datetime.timedelta(days=1)),
    )
    aggregates: dict[str, Any] = {}
    for name in PERIODS:
        within = _detected_in(periods, name)
        aggregates[f"detected__{name}"] = Count("id", filter=within)
        for code in ViolationType.values:
            aggregates[f"detected_{code}__{name}"] = Count(
                "id", filter=within & Q(violation_type=code)
            )
        for source in SOURCES:
            aggregates[f"source_{source}__{name}"] = Count("id", filter=within & Q(source=source))
    rows = qs.alias(source=case_source()).values("ward__code").annotate(**aggregates).order_by()
    keys = ["detected", *(f"detected_{c}" for c in ViolationType.values)]
    _put(table, rows, "ward__code", [*keys, *(f"source_{s}" for s in SOURCES)])


def _steps(table: Table, periods: dict[str, Period], wards: list[str] | None) -> None:
    first, last = _span(periods)
    every = {a for acts in STEP_COUNTS.values() for a in acts} | set(DECISION_ACTIONS)
    every |= set(PAYMENT_ACTIONS)
    qs = _ward_filter(CaseStep.objects.all(), "case__ward__code", wards).filter(
        action__in=sorted(every), occurred_on__gte=first, occurred_on__lte=last
    )
    aggregates: dict[str, Any] = {}
    for name in PERIODS:
        within = _in(periods, name, "occurred_on")
        for key, actions in STEP_COUNTS.items():
            aggregates[f"{key}__{name}"] = Count(
                "case_id", distinct=True, filter=within & Q(action__in=actions)
            )
        for key, (actions, sql) in STEP_SUMS.items():
            aggregates[f"{key}__{name}"] = Coalesce(
                Sum(
                    RawSQL(sql, [], output_field=BigIntegerField()),  # noqa: S611 (constant text)
                    filter=within & Q(action__in=actions),
                ),
                0,
            )
    rows = qs.values("case__ward__code").annotate(**aggregates).order_by()
    _put(table, rows, "case__ward__code", [*STEP_COUNTS, *STEP_SUMS])


def _overdue(table: Table, periods: dict[str, Period], wards: list[str] | None) -> None:
    for name in PERIODS:
        end = periods[name].end
        qs = _ward_filter(ViolationCase.objects.all(), "ward__code", wards).filter(
            overdue_at_q(end)
        )
        rows = (
            qs.annotate(stage_then=stage_at(end))
            .values("ward__code", "stage_then")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            code = row["ward__code"] or ""
            table[code]["overdue"][name] += row["n"]
            table[code][f"overdue_{row['stage_then']}"][name] += row["n"]


def _status_at(day: datetime.date) -> Coalesce:
    """A site's status at the end of `day`: its last status event's by then, else
    (a site without events) its status if it held it by then."""
    last_event = (
        SiteEvent.objects.filter(site_id=OuterRef("pk"), on__lte=day)
        .exclude(to_status="")
        .order_by("-on", "-id")
        .values("to_status")[:1]
    )
    held = Case(When(status_since__lte=day, then=F("status")), default=Value(None))
    return Coalesce(Subquery(last_event), held)


def _sites(table: Table, periods: dict[str, Period], wards: list[str] | None) -> None:
    first, last = _span(periods)
    permits = _ward_filter(Permit.objects.all(), "ward__code", wards).filter(
        issued_on__gte=first, issued_on__lte=last
    )
    rows = (
        permits.values("ward__code")
        .annotate(
            **{
                f"permits_issued__{n}": Count("id", filter=_in(periods, n, "issued_on"))
                for n in PERIODS
            }
        )
        .order_by()
    )
    _put(table, rows, "ward__code", ["permits_issued"])
    visits = _ward_filter(Visit.objects.all(), "site__ward__code", wards).filter(
        visited_on__gte=first, visited_on__lte=last
    )
    rows = (
        visits.values("site__ward__code")
        .annotate(
            **{f"visits__{n}": Count("id", filter=_in(periods, n, "visited_on")) for n in PERIODS}
        )
        .order_by()
    )
    _put(table, rows, "site__ward__code", ["visits"])
    for name in PERIODS:
        p = periods[name]
        visited = Exists(
            Visit.objects.filter(
                site_id=OuterRef("pk"), visited_on__gte=p.start, visited_on__lte=p.end
            )
        )
        sites = (
            _ward_filter(Site.objects.all(), "ward__code", wards)
            .annotate(status_then=_status_at(p.end))
            .filter(status_then__in=sorted(ACTIVE_STATUSES))
        )
        rows = (
            sites.values("ward__code")
            .annotate(active=Count("id"), seen=Count("id", filter=Q(visited)))
            .order_by()
        )
        for row in rows:
            code = row["ward__code"] or ""
            table[code]["active_sites"][name] += row["active"]
            table[code]["sites_visited"][name] += row["seen"]


def _coverage(values: dict[str, dict[str, int]]) -> None:
    for name in PERIODS:
        active = values["active_sites"][name]
        seen = values["sites_visited"][name]
        values["coverage"][name] = round(100 * seen / active) if active else 0


@dataclass
class Computed:
    """Every indicator's values for three periods, per ward and for the city."""

    periods: dict[str, Period]
    codes: list[str]
    names: dict[str, str]
    per_ward: dict[str, dict[str, dict[str, int]]]
    total: dict[str, dict[str, int]]


def compute(period: Period, ward_code: str | None = None) -> Computed:
    """The grouped statements for `period`, the one before and a year earlier:
    one ward's rows (ward_code) or every ward's (None)."""
    periods = {"current": period, "previous": period.previous(), "last_year": period.last_year()}
    wards = [ward_code] if ward_code else None
    table: Table = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(PERIODS, 0)))
    _sites(table, periods, wards)
    _cases(table, periods, wards)
    _steps(table, periods, wards)
    _overdue(table, periods, wards)
    keys = [i.key for i in indicators()]
    names = {w.code: w.name for w in wards_valid_on(period.end).order_by("code")}
    codes = [ward_code] if ward_code else sorted(set(names) | set(table))
    per_ward: dict[str, dict[str, dict[str, int]]] = {}
    for code in codes:
        values = {key: dict(table[code][key]) for key in keys}
        _coverage(values)
        per_ward[code] = values
    total = {key: {n: sum(per_ward[c][key][n] for c in codes) for n in PERIODS} for key in keys}
    _coverage(total)
    return Computed(periods, codes, names, per_ward, total)
