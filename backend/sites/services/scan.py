"""The hourly pass over sites (run with the deadline scan): permits become sites,
sites follow their permits, and every site's next visit is counted again for today."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from backend.sites.services.permit_sync import SyncResult, sites_sync_from_permits
from backend.sites.services.schedule import sites_schedule_refresh


@dataclass(frozen=True)
class SitesScanResult:
    sync: SyncResult
    rescheduled: int


def sites_scan(*, today: datetime.date | None = None) -> SitesScanResult:
    day = today or timezone.localdate()
    sync = sites_sync_from_permits(today=day)
    return SitesScanResult(sync=sync, rescheduled=sites_schedule_refresh(today=day))
