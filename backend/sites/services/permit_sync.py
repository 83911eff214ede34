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

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.services import system_actor
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
from backend.sites.services.schedule import sites_schedule_refresh
from backend.wards.selectors import ward_containing

ENDED_PERMIT_STATUSES = frozenset({PermitStatus.EXPIRED, PermitStatus.REVOKED})


@dataclass(frozen=True)
class SyncResult:
    created: int
    moved: int
    expired: int
    unplaced: int  # permits with neither a point nor a parcel: no site until located


# One statement for a whole register: a permit with a point or a parcel and no
# site yet gets one, "not started" from its issue date, or "permit expired".
_INSERT_SITES = """
INSERT INTO sites_site (
    ward_id, origin, permit_id, address, owner_name, location, parcel, works_class,
    small_works, status, status_since, visit_count, had_violation, version,
    created_by_id, created_at, updated_at)
SELECT p.ward_id, %s, p.id, p.address, p.holder_name,
       COALESCE(p.location, ST_PointOnSurface(p.parcel)), p.parcel, p.works_class, false,
       CASE WHEN p.status = ANY(%s) THEN %s ELSE %s END,
       p.issued_on, 0, false, 1, %s, now(), now()
FROM permits_permit AS p
WHERE p.id IN ({permits})
  AND (p.location IS NOT NULL OR p.parcel IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM sites_site AS s WHERE s.permit_id = p.id)
ORDER BY p.id
ON CONFLICT (permit_id) DO NOTHING
"""
# The sites of these permits without any event yet: the ones just inserted.
_INSERT_EVENTS = """
INSERT INTO sites_siteevent (
    site_id, kind, "on", from_status, to_status, evidence, data, actor_id, at)
SELECT s.id, %s, s.status_since, '', s.status, replace(%s, %s, p.number), '{{}}'::jsonb, %s,
       now()
FROM sites_site AS s JOIN permits_permit AS p ON p.id = s.permit_id
WHERE s.permit_id IN ({permits})
  AND NOT EXISTS (SELECT 1 FROM sites_siteevent AS e WHERE e.site_id = s.id)
ORDER BY s.id
"""
_UNPLACED = """
SELECT count(*) FROM permits_permit AS p
WHERE p.id IN ({permits}) AND p.location IS NULL AND p.parcel IS NULL
  AND NOT EXISTS (SELECT 1 FROM sites_site AS s WHERE s.permit_id = p.id)
"""
NUMBER_SLOT = "%(number)s"


@transaction.atomic
def sites_sync_from_permits(
    permits: Any = None, *, actor: User | None = None, today: datetime.date | None = None
) -> SyncResult:
    """Give every permit (of `permits`, default all) its site, and keep sites in step.

    A new permit's site starts "not started" from its issue date (or "permit
    expired" for a permit already expired or revoked), scheduled by the plan.
    An existing site follows its permit to another ward (a boundary import)
    and to its expiry. Idempotent: a second run changes nothing. Set-based:
    a register of 100,000 permits is a few statements, never in memory.
    """
    who = actor or system_actor()
    day = today or timezone.localdate()
    with connection.cursor() as cursor:
        # Two syncs at once (two schedulers, a scan beside a permit import) take
        # turns: the second then finds nothing left to create. Without this the
        # only thing serialising them was the map layer-version trigger's row lock.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended('sites_sync', 0))")
    qs = Permit.objects.all() if permits is None else permits
    permits_sql, permits_params = qs.values("pk").query.sql_with_params()
    ended = [str(status) for status in ENDED_PERMIT_STATUSES]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_SITES.format(permits=permits_sql),
            [
                SiteOrigin.PERMIT,
                ended,
                SiteStatus.PERMIT_EXPIRED,
                SiteStatus.NOT_STARTED,
                who.pk,
                *permits_params,
            ],
        )
        created = cursor.rowcount
        if created:
            cursor.execute(
                _INSERT_EVENTS.format(permits=permits_sql),
                [
                    SiteEventKind.CREATED,
                    str(_("Permit %(number)s")),
                    NUMBER_SLOT,
                    who.pk,
                    *permits_params,
                ],
            )
        cursor.execute(_UNPLACED.format(permits=permits_sql), list(permits_params))
        unplaced = int(cursor.fetchone()[0])
    if created:
        # The new sites: of these permits, never scheduled (a subquery, not a list of ids).
        sites_schedule_refresh(
            Site.objects.filter(permit__in=qs, plan_rule__isnull=True, next_visit_due__isnull=True),
            today=day,
        )
    moved = _follow_permit_wards(qs, who, day)
    expired = _follow_permit_ends(qs, who, day)
    return SyncResult(created=created, moved=moved, expired=expired, unplaced=unplaced)


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
