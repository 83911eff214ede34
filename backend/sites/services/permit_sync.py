"""Every permit becomes a site, and a permit's site follows its permit.

`sites_sync_from_permits` (the hourly scan, the permit import) creates the
missing sites already scheduled and moves existing ones with their permit's
ward and end; `sites_follow_boundaries` (a boundary import) moves the sites
of closed wards, by their permit or by their point.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models.functions import PointOnSurface
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.services import system_actor
from backend.cases.models import ViolationCase
from backend.cases.selectors import WorkCalendar, work_calendar
from backend.permits.models import Permit, PermitStatus
from backend.sites.models import (
    ACTIVE_STATUSES,
    Site,
    SiteEvent,
    SiteEventKind,
    SiteOrigin,
    SiteStatus,
)
from backend.sites.services.lifecycle import site_move
from backend.sites.services.schedule import PlanBook, plan_book, site_schedule_set
from backend.wards.models import Ward
from backend.wards.selectors import ward_containing

SYNC_CHUNK = 2000
ENDED_PERMIT_STATUSES = frozenset({PermitStatus.EXPIRED, PermitStatus.REVOKED})


@dataclass(frozen=True)
class SyncResult:
    created: int
    moved: int
    expired: int
    unplaced: int  # permits with neither a point nor a parcel: no site until located


def _permit_site_status(permit: Permit) -> str:
    return (
        SiteStatus.PERMIT_EXPIRED
        if permit.status in ENDED_PERMIT_STATUSES
        else SiteStatus.NOT_STARTED
    )


@transaction.atomic
def sites_sync_from_permits(
    permits: Any = None, *, actor: User | None = None, today: datetime.date | None = None
) -> SyncResult:
    """Give every permit (of `permits`, default all) its site, and keep sites in step.

    A new permit's site starts "not started" from its issue date (or "permit
    expired" for a permit already expired or revoked). An existing site
    follows its permit to another ward (a boundary import) and to its expiry.
    Idempotent: a second run changes nothing.
    """
    who = actor or system_actor()
    day = today or timezone.localdate()
    qs = Permit.objects.all() if permits is None else permits
    created = unplaced = 0
    book, calendar = plan_book(day), work_calendar()
    # In chunks: a register of 100,000 permits never sits in memory at once.
    missing = qs.filter(site__isnull=True).annotate(surface_point=PointOnSurface("parcel"))
    chunk: list[Site] = []
    for permit in missing.order_by("id").iterator(chunk_size=SYNC_CHUNK):
        point = permit.location or getattr(permit, "surface_point", None)
        if point is None:
            unplaced += 1
            continue
        chunk.append(_site_of_permit(permit, who))
        if len(chunk) >= SYNC_CHUNK:
            created += _create_sites(chunk, who, book, calendar)
            chunk = []
    created += _create_sites(chunk, who, book, calendar)
    moved = _follow_permit_wards(qs, who, day)
    expired = _follow_permit_ends(qs, who, day)
    return SyncResult(created=created, moved=moved, expired=expired, unplaced=unplaced)


def _site_of_permit(permit: Any, who: User) -> Site:
    return Site(
        ward_id=permit.ward_id,
        origin=SiteOrigin.PERMIT,
        permit=permit,
        address=permit.address,
        owner_name=permit.holder_name,
        location=permit.location or permit.surface_point,
        parcel=permit.parcel,
        works_class=permit.works_class,
        status=_permit_site_status(permit),
        status_since=permit.issued_on,
        created_by=who,
    )


def _create_sites(sites: list[Site], who: User, book: PlanBook, calendar: WorkCalendar) -> int:
    """Insert new permits' sites already scheduled (a new site has no visit yet)."""
    if not sites:
        return 0
    with_cases = set(
        ViolationCase.objects.filter(permit_id__in=[s.permit_id for s in sites]).values_list(
            "permit_id", flat=True
        )
    )
    wards = {w.pk: w for w in Ward.objects.filter(pk__in={s.ward_id for s in sites})}
    for site in sites:
        site.ward = wards[site.ward_id]
        site_schedule_set(site, has_case=site.permit_id in with_cases, book=book, calendar=calendar)
    Site.objects.bulk_create(sites, batch_size=SYNC_CHUNK)
    SiteEvent.objects.bulk_create(
        [
            SiteEvent(
                site=site,
                kind=SiteEventKind.CREATED,
                on=site.status_since,
                to_status=site.status,
                evidence=_("Permit %(number)s")
                % {"number": site.permit.number if site.permit else ""},
                actor=who,
            )
            for site in sites
        ],
        batch_size=SYNC_CHUNK,
    )
    return len(sites)


def _follow_permit_wards(permits: Any, who: User, day: datetime.date) -> int:
    stray = Site.objects.filter(permit__in=permits.values("pk")).exclude(
        ward_id=F("permit__ward_id")
    )
    count = 0
    for site in stray.select_related("permit", "ward", "permit__ward"):
        assert site.permit is not None
        SiteEvent.objects.create(
            site=site,
            kind=SiteEventKind.WARD_CHANGED,
            on=day,
            data={"from": site.ward.code, "to": site.permit.ward.code},
            evidence=_("The permit moved to ward %(ward)s.") % {"ward": site.permit.ward.name},
            actor=who,
        )
        site.ward_id = site.permit.ward_id
        site.save(update_fields=["ward", "updated_at"])
        count += 1
    return count


@transaction.atomic
def sites_follow_boundaries(
    closed_ward_ids: list[int], *, day: datetime.date, actor: User, source: str = ""
) -> int:
    """After a boundary import: each site of a closed ward goes to the ward now containing it.

    A permit's site follows its permit (which the import moved already); a
    notified or patrol site goes by its point. Each move is a site event.
    """
    if not closed_ward_ids:
        return 0
    permit_sites = Site.objects.filter(ward_id__in=closed_ward_ids, permit__isnull=False)
    moved = _follow_permit_wards(
        Permit.objects.filter(pk__in=permit_sites.values("permit_id")), actor, day
    )
    others = Site.objects.filter(ward_id__in=closed_ward_ids, permit__isnull=True)
    for site in others.select_related("ward"):
        ward = ward_containing(site.location, day)
        if ward is None or ward.pk == site.ward_id:
            continue
        SiteEvent.objects.create(
            site=site,
            kind=SiteEventKind.WARD_CHANGED,
            on=day,
            data={"from": site.ward.code, "to": ward.code, "source": source[:255]},
            evidence=_("The ward's boundary changed: the site is now in ward %(ward)s.")
            % {"ward": ward.name},
            actor=actor,
        )
        site.ward = ward
        site.save(update_fields=["ward", "updated_at"])
        moved += 1
    return moved


def _follow_permit_ends(permits: Any, who: User, day: datetime.date) -> int:
    ended = Site.objects.filter(
        permit__in=permits.values("pk"),
        permit__status__in=list(ENDED_PERMIT_STATUSES),
        status__in=[SiteStatus.NOT_STARTED, *ACTIVE_STATUSES],
    ).select_related("permit")
    count = 0
    for site in ended:
        assert site.permit is not None
        site_move(
            site,
            to_status=SiteStatus.PERMIT_EXPIRED,
            on=site.permit.expires_on or day,
            actor=who,
            evidence=_("Permit %(number)s is %(status)s.")
            % {"number": site.permit.number, "status": site.permit.get_status_display().lower()},
            kind=SiteEventKind.STATUS_CHANGED,
        )
        count += 1
    return count
