"""A visit to a site: the checklist, its findings against the permit, the outcome.

- `visit_check`: who may record it and what was sent, refused before anything
  is written (403 outside the inspector's wards, 400 with the field);
- `visit_record`: the visit and the site in one transaction: last visit,
  visit count, storeys built, a later stage seen moves the site on
  (site_status_change with the visit as evidence), a VISITED event, the
  schedule refreshed; "violation found" opens a case pre-filled from the
  site, its permit, the suggested clause and the findings, linked to the
  site, with the visit's photos as its first evidence.

A completed site takes no visit until reopened (409), checked inside the
transaction so that a retry of a visit recorded before completion still gets
its first answer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.selectors import Viewer
from backend.cases.models import ViolationCase, ViolationType
from backend.cases.services.opening import case_open
from backend.core.errors import Conflict, InvalidInput
from backend.core.idempotency import fingerprint_of
from backend.photos.services import device_accuracy, device_point, visit_photos_to_case
from backend.sites.models import (
    CLOSED_STATUSES,
    WORKS_ORDER,
    Site,
    SiteEvent,
    SiteEventKind,
    SiteStatus,
    Visit,
    VisitOutcome,
)
from backend.sites.services.lifecycle import (
    _allowed_moves,
    _require_ward_staff,
    site_case_link,
    site_status_change,
)
from backend.sites.services.schedule import site_schedule_refresh
from backend.sites.services.visit_checks import (
    WORKS_CLASS_DIFFERS,
    Checklist,
    ClauseSuggestion,
    checklist_read,
    clause_suggestion,
    finding_message,
    visit_findings,
)
from gis.geometry import metric_distance_m


@dataclass(frozen=True)
class VisitDraft:
    """A visit checked and cleaned, not yet written."""

    actor: User
    site: Site
    visited_at: datetime.datetime
    position: Point | None
    accuracy_m: float | None
    checklist: Checklist
    outcome: str
    violation_type: str  # as chosen by the inspector ("" : the suggestion)
    findings: list[dict[str, Any]]
    suggestion: ClauseSuggestion | None

    @property
    def visited_on(self) -> datetime.date:
        return timezone.localdate(self.visited_at)

    @property
    def case_clause(self) -> str:
        """The clause a case opened on this visit is recorded under ("" : no case)."""
        if self.outcome != VisitOutcome.VIOLATION:
            return ""
        return self.violation_type or (self.suggestion.code if self.suggestion else "")

    @property
    def fingerprint(self) -> str:
        """What a retry with the same Idempotency-Key must repeat."""
        return fingerprint_of(
            {
                "site": self.site.pk,
                "visited_at": self.visited_at.isoformat(),
                "position": None if self.position is None else [self.position.x, self.position.y],
                "accuracy": self.accuracy_m,
                "checklist": self.checklist.as_dict(),
                "outcome": self.outcome,
                "violation_type": self.violation_type,
            }
        )


@dataclass(frozen=True)
class VisitResult:
    visit: Visit
    case: ViolationCase | None


EARLIEST_VISIT = datetime.date(2000, 1, 1)


def _visited_at(value: Any) -> datetime.datetime:
    if value is None or value == "":
        return timezone.now()
    invalid = InvalidInput(
        _("The visit time must be a date and time (ISO 8601)."),
        field="visited_at",
        code="invalid_datetime",
    )
    if not isinstance(value, str):
        raise invalid
    try:
        moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise invalid from None
    if moment.year < EARLIEST_VISIT.year:
        raise InvalidInput(
            _("The visit time is before 01/01/2000: check the date and time of the phone."),
            field="visited_at",
            code="too_early",
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    # A phone's clock may run a few minutes fast; a visit later than that is a wrong date.
    if moment.year > timezone.now().year + 1 or moment > timezone.now() + datetime.timedelta(
        minutes=10
    ):
        raise InvalidInput(
            _("The visit time is in the future: check the date and time of the phone."),
            field="visited_at",
            code="in_future",
        )
    return moment


def _position(data: Any) -> tuple[Point | None, float | None]:
    try:
        point = device_point(data.get("lat"), data.get("lon"))
        accuracy = device_accuracy(data.get("accuracy_m"))
    except InvalidInput as error:
        field = {"device_lat": "lat", "device_accuracy_m": "accuracy_m"}.get(
            error.field or "", error.field
        )
        raise InvalidInput(error.message, field=field, code=error.code) from None
    return point, accuracy


def visit_check(*, actor: Viewer, site: Site, data: Any) -> VisitDraft:
    """The visit from what was sent: the checklist, the outcome, when and where.

    `data` holds the checklist fields (backend.sites.services.visit_checks),
    `outcome`, optional `violation_type` (default: the suggested clause),
    `visited_at` (default now), and the phone's `lat`, `lon`, `accuracy_m`.
    """
    who = _require_ward_staff(actor, site.ward_id)
    checklist = checklist_read(data)
    visited_at = _visited_at(data.get("visited_at"))
    position, accuracy = _position(data)
    outcome = data.get("outcome") or ""
    if outcome not in VisitOutcome.values:
        raise InvalidInput(
            _("Choose the outcome: conforming, reminder given or violation found."),
            field="outcome",
            code="unknown_outcome",
        )
    violation_type = data.get("violation_type") or ""
    if violation_type and violation_type not in ViolationType.values:
        raise InvalidInput(
            _("Unknown violation type “%(value)s”. Use one of: %(choices)s.")
            % {"value": str(violation_type)[:40], "choices": ", ".join(ViolationType.values)},
            field="violation_type",
            code="unknown_violation_type",
        )
    findings = visit_findings(site, checklist)
    day = timezone.localdate(visited_at)
    suggestion = clause_suggestion(
        findings, works_class=checklist.works_class or site.works_class, day=day
    )
    # A works class other than recorded is a fact to note, not a departure from the permit.
    departures = [f for f in findings if f["code"] != WORKS_CLASS_DIFFERS]
    if outcome == VisitOutcome.CONFORMING and departures:
        raise InvalidInput(
            _(
                "The checklist departs from the permit (%(findings)s): "
                "record a reminder or a violation, or correct the checklist."
            )
            % {"findings": "; ".join(finding_message(f) for f in departures)},
            field="outcome",
            code="findings_not_conforming",
        )
    if outcome == VisitOutcome.VIOLATION:
        if not findings and not checklist.notes:
            raise InvalidInput(
                _("Say what the violation is: tick what departs from the permit, or write a note."),
                field="notes",
                code="violation_without_findings",
            )
        if not violation_type and suggestion is None:
            raise InvalidInput(
                _("Choose the clause of Decree 16/2022 Art. 16 the violation falls under."),
                field="violation_type",
                code="violation_type_missing",
            )
    return VisitDraft(
        actor=who,
        site=site,
        visited_at=visited_at,
        position=position,
        accuracy_m=accuracy,
        checklist=checklist,
        outcome=outcome,
        violation_type=violation_type,
        findings=findings,
        suggestion=suggestion,
    )


def _stage_moves_on(site: Site, seen: str, day: datetime.date) -> bool:
    """A stage seen later in the works than the site's status moves it on (never back)."""
    if not seen or seen == site.status or seen not in WORKS_ORDER:
        return False
    if site.status in WORKS_ORDER and WORKS_ORDER.index(SiteStatus(seen)) < WORKS_ORDER.index(
        SiteStatus(site.status)
    ):
        return False
    return seen in _allowed_moves(site.status) and day >= site.status_since


def _case_description(draft: VisitDraft) -> str:
    lines = [
        _("Found on the visit of %(day)s to the site at %(address)s.")
        % {"day": draft.visited_on.strftime("%d/%m/%Y"), "address": draft.site.address or "—"}
    ]
    permit = draft.site.permit
    if permit is not None:
        lines.append(
            _("Permit %(number)s issued on %(day)s by %(authority)s.")
            % {
                "number": permit.number,
                "day": permit.issued_on.strftime("%d/%m/%Y"),
                "authority": permit.issuing_authority,
            }
        )
    lines += [f"- {finding_message(f)}" for f in draft.findings]
    if draft.checklist.notes:
        lines.append(draft.checklist.notes)
    return "\n".join(lines)


def _case_from_visit(draft: VisitDraft, site: Site, visit: Visit) -> ViolationCase:
    permit = site.permit
    facts: dict[str, Any] = {
        "works_class": draft.checklist.works_class or site.works_class,
        "violator_name": site.owner_name,
    }
    if draft.checklist.storeys_built is not None:
        facts["storeys"] = draft.checklist.storeys_built
    if permit is not None:
        facts.update(map_sheet=permit.map_sheet, parcel_number=permit.parcel_number)
    case = case_open(
        actor=draft.actor,
        location=site.location,
        violation_type=draft.case_clause,
        address=site.address,
        description=_case_description(draft),
        detected_at=draft.visited_at,
        facts=facts,
    )
    visit.case = case
    visit.save(update_fields=["case"])
    site_case_link(
        actor=draft.actor,
        site=site,
        case=case,
        on=draft.visited_on,
        how=_("Opened on the visit of %(day)s.") % {"day": draft.visited_on.strftime("%d/%m/%Y")},
    )
    visit_photos_to_case(actor=draft.actor, visit=visit)
    return case


@transaction.atomic
def visit_record(draft: VisitDraft) -> VisitResult:
    """Write the visit and bring the site up to date (see the module's doc)."""
    site = (
        Site.objects.select_for_update(of=("self",))
        .select_related("permit", "ward")
        .get(pk=draft.site.pk)
    )
    if site.status in CLOSED_STATUSES:
        raise Conflict(
            _("The site is completed: reopen it before recording a visit."),
            code="site_completed",
        )
    day = draft.visited_on
    checklist = draft.checklist
    visit = Visit.objects.create(
        site=site,
        inspector=draft.actor,
        visited_at=draft.visited_at,
        visited_on=day,
        position=draft.position,
        accuracy_m=draft.accuracy_m,
        distance_m=(
            metric_distance_m(draft.position, site.location) if draft.position is not None else None
        ),
        status_seen=checklist.status_seen,
        permit_displayed=checklist.permit_displayed,
        site_screened=checklist.site_screened,
        storeys_built=checklist.storeys_built,
        height_m=checklist.height_m,
        footprint_m2=checklist.footprint_m2,
        within_parcel=checklist.within_parcel,
        setbacks_respected=checklist.setbacks_respected,
        works_class=checklist.works_class,
        notes=checklist.notes,
        outcome=draft.outcome,
        findings=draft.findings,
    )
    SiteEvent.objects.create(
        site=site,
        kind=SiteEventKind.VISITED,
        on=day,
        storeys_built=checklist.storeys_built,
        evidence=str(VisitOutcome(draft.outcome).label),
        visit=visit,
        data={
            "outcome": draft.outcome,
            "findings": [f["code"] for f in draft.findings],
            "suggested_clause": draft.suggestion.code if draft.suggestion else None,
        },
        actor=draft.actor,
    )
    # A visit recorded late (queued offline) does not move the last visit back.
    if site.last_visit_on is None or day > site.last_visit_on:
        site.last_visit_on = day
    site.visit_count += 1
    if checklist.storeys_built is not None:
        site.storeys_built = checklist.storeys_built
    site.save(update_fields=["last_visit_on", "visit_count", "storeys_built", "updated_at"])
    if _stage_moves_on(site, checklist.status_seen, day):
        site_status_change(
            actor=draft.actor,
            site=site,
            to_status=checklist.status_seen,
            on=day,
            evidence=_("Seen on the visit of %(day)s.") % {"day": day.strftime("%d/%m/%Y")},
            storeys_built=checklist.storeys_built,
            visit=visit,
        )
        site.refresh_from_db()
    case = _case_from_visit(draft, site, visit) if draft.case_clause else None
    site_schedule_refresh(site)
    return VisitResult(visit=visit, case=case)
