"""Recording sites and moving them through their life, each change a SiteEvent.

- `site_record`: permit-exempt works that notified their start, or an
  unpermitted site found on patrol (permits' sites: backend.sites.services.permit_sync);
- `site_status_change`: a dated change with its evidence, forward through
  the works (or to abandoned / permit expired, or resumed from those);
- `site_reopen`: a completed site back under watch, with the reason;
- `site_case_link`: a case tied to the site, which is then watched more closely.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import WARD_ROLES, User
from backend.accounts.selectors import Viewer, ward_ids_of
from backend.core.errors import Conflict, InvalidInput, NotAllowed
from backend.permits.models import WorksClass
from backend.sites.models import (
    ACTIVE_STATUSES,
    CLOSED_STATUSES,
    WORKS_ORDER,
    Site,
    SiteEvent,
    SiteEventKind,
    SiteOrigin,
    SiteStatus,
)
from backend.sites.services.schedule import site_schedule_refresh
from backend.wards.selectors import ward_containing


def _require_ward_staff(actor: Viewer, ward_id: int) -> User:
    if not (actor.is_authenticated and isinstance(actor, User) and actor.role in WARD_ROLES):
        raise NotAllowed(_("Only the ward's inspectors and leaders record construction sites."))
    if ward_id not in ward_ids_of(actor):
        raise NotAllowed(_("This site is not in one of your wards."))
    return actor


def _check_day(on: datetime.date, *, not_before: datetime.date | None = None) -> None:
    if on > timezone.localdate():
        raise InvalidInput(_("The date is in the future: enter the day it happened."), field="on")
    if not_before is not None and on < not_before:
        raise InvalidInput(
            _("The date is before %(day)s, when the site's current status began.")
            % {"day": not_before.strftime("%d/%m/%Y")},
            field="on",
        )


@transaction.atomic
def site_record(
    *,
    actor: Viewer,
    origin: str,
    location: Point,
    address: str,
    on: datetime.date,
    evidence: str,
    owner_name: str = "",
    works_class: str = WorksClass.INDIVIDUAL_HOUSE,
    status: str = SiteStatus.STARTED,
    storeys_built: int | None = None,
) -> Site:
    """A site without a permit: permit-exempt works that notified their start
    (small works: visited at start and at completion), or found on patrol."""
    if origin not in (SiteOrigin.NOTIFIED, SiteOrigin.PATROL, SiteOrigin.TIP):
        raise InvalidInput(
            _("A site comes from a permit, a notice of start, a patrol or a citizen's report."),
            field="origin",
        )
    if status not in (SiteStatus.NOT_STARTED, *ACTIVE_STATUSES):
        raise InvalidInput(_("A new site is not started or under construction."), field="status")
    _check_day(on)
    if not evidence.strip():
        raise InvalidInput(
            _(
                "Say what the site is recorded from: the notice's number and date, or what was seen."
            ),
            field="evidence",
        )
    ward = ward_containing(location, on)
    if ward is None:
        raise InvalidInput(
            _(
                "The point is outside every ward. Check that latitude and longitude are not swapped."
            ),
            field="location",
        )
    who = _require_ward_staff(actor, ward.pk)
    site = Site.objects.create(
        ward=ward,
        origin=origin,
        address=address.strip(),
        owner_name=owner_name.strip(),
        location=location,
        works_class=works_class,
        small_works=origin == SiteOrigin.NOTIFIED,
        status=status,
        status_since=on,
        storeys_built=storeys_built,
        created_by=who,
    )
    SiteEvent.objects.create(
        site=site,
        kind=SiteEventKind.CREATED,
        on=on,
        to_status=status,
        storeys_built=storeys_built,
        evidence=evidence.strip(),
        actor=who,
    )
    return site_schedule_refresh(site)


def _allowed_moves(current: str) -> set[str]:
    if current in CLOSED_STATUSES:
        return set()
    moves: set[str] = {SiteStatus.ABANDONED, SiteStatus.PERMIT_EXPIRED}
    if current in WORKS_ORDER:
        moves |= set(WORKS_ORDER[WORKS_ORDER.index(SiteStatus(current)) + 1 :])
    else:  # abandoned or permit expired: the works may resume at any stage
        moves |= set(WORKS_ORDER[1:])
    moves.discard(current)
    return moves


def site_move(
    site: Site,
    *,
    to_status: str,
    on: datetime.date,
    actor: User,
    evidence: str,
    kind: str,
    storeys_built: int | None = None,
    visit: Any = None,
) -> Site:
    SiteEvent.objects.create(
        site=site,
        kind=kind,
        on=on,
        from_status=site.status,
        to_status=to_status,
        storeys_built=storeys_built,
        evidence=evidence,
        visit=visit,
        actor=actor,
    )
    site.status, site.status_since = to_status, on
    if storeys_built is not None:
        site.storeys_built = storeys_built
    site.version += 1
    site.save(update_fields=["status", "status_since", "storeys_built", "version", "updated_at"])
    return site


def _locked(site: Site, version: int | None) -> Site:
    fresh = Site.objects.select_for_update().get(pk=site.pk)
    if version is not None and fresh.version != version:
        raise Conflict(
            _("Someone else changed this site meanwhile. Reload it and try again."),
            code="stale_version",
        )
    return fresh


@transaction.atomic
def site_status_change(
    *,
    actor: Viewer,
    site: Site,
    to_status: str,
    on: datetime.date,
    evidence: str,
    storeys_built: int | None = None,
    version: int | None = None,
    visit: Any = None,
) -> Site:
    """Move a site on: a dated change, by whom, with its evidence (a notice, a visit)."""
    who = _require_ward_staff(actor, site.ward_id)
    fresh = _locked(site, version)
    if to_status not in SiteStatus.values:
        raise InvalidInput(_("Unknown site status."), field="to_status")
    if to_status not in _allowed_moves(fresh.status):
        if fresh.status in CLOSED_STATUSES:
            message = _("The site is completed: reopen it before changing its status.")
        else:
            message = _("A site cannot go from “%(from)s” back to “%(to)s”.") % {
                "from": SiteStatus(fresh.status).label,
                "to": SiteStatus(to_status).label,
            }
        raise Conflict(message, code="status_not_allowed")
    _check_day(on, not_before=fresh.status_since)
    if not evidence.strip() and visit is None:
        raise InvalidInput(
            _("Say what shows the change: the commencement notice, a visit, a photo."),
            field="evidence",
        )
    site_move(
        fresh,
        to_status=to_status,
        on=on,
        actor=who,
        evidence=evidence.strip(),
        kind=SiteEventKind.STATUS_CHANGED,
        storeys_built=storeys_built,
        visit=visit,
    )
    return site_schedule_refresh(fresh)


@transaction.atomic
def site_reopen(
    *, actor: Viewer, site: Site, on: datetime.date, reason: str, version: int | None = None
) -> Site:
    """A completed site back under watch (works resumed, the completion was wrong)."""
    who = _require_ward_staff(actor, site.ward_id)
    fresh = _locked(site, version)
    if fresh.status not in CLOSED_STATUSES:
        raise Conflict(
            _("The site is not completed: there is nothing to reopen."), code="not_closed"
        )
    _check_day(on, not_before=fresh.status_since)
    if not reason.strip():
        raise InvalidInput(_("Say why the site is reopened."), field="reason")
    site_move(
        fresh,
        to_status=SiteStatus.FINISHING,
        on=on,
        actor=who,
        evidence=reason.strip(),
        kind=SiteEventKind.REOPENED,
    )
    return site_schedule_refresh(fresh)


@transaction.atomic
def site_case_link(*, actor: User, site: Site, case: Any, on: datetime.date, how: str) -> Site:
    """Tie a case to the site (opened on a visit, or matched to it): watched more closely."""
    if site.cases.filter(pk=case.pk).exists():
        return site
    site.cases.add(case)
    SiteEvent.objects.create(
        site=site,
        kind=SiteEventKind.CASE_LINKED,
        on=on,
        evidence=how,
        data={"case_id": case.pk, "case_code": case.code},
        actor=actor,
    )
    return site_schedule_refresh(site)


@transaction.atomic
def site_visit_request(*, actor: User, site: Site, on: datetime.date, reason: str) -> Site:
    """Ask for a visit of the site on `on`, ahead of its plan (a citizen's report).

    The site is due that day (on Today's list) until a visit on or after it;
    a completed site takes no visit until it is reopened.
    """
    site = _locked(site, None)
    who = _require_ward_staff(actor, site.ward_id)
    if site.status in CLOSED_STATUSES:
        raise Conflict(
            _("The site is completed and takes no visit until it is reopened."),
            code="site_completed",
        )
    if (
        site.visit_requested_on is None
        or site.visit_requested_on > on
        or (site.last_visit_on is not None and site.last_visit_on >= site.visit_requested_on)
    ):
        site.visit_requested_on = on
        site.save(update_fields=["visit_requested_on"])
    SiteEvent.objects.create(
        site=site, kind=SiteEventKind.VISIT_REQUESTED, on=on, evidence=reason.strip(), actor=who
    )
    return site_schedule_refresh(site)
