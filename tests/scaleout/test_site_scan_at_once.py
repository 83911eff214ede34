"""The sites' half of the hourly scan, run by two replicas at once, moves each site once.

`manage.py scan_deadlines` runs the deadline scan under its advisory lock, then
the sites' pass (backend.sites.services.scan) after it: a second scan started
as the first leaves its lock runs its sites' pass beside the first one's.
Both would read the same stray sites (their permit moved ward, or ended) and
write their own WARD_CHANGED and STATUS_CHANGED events for them. The sync
takes a transaction-level advisory lock (backend.sites.services.permit_sync),
so the second pass waits for the first to commit and then reads what it did
(the maps layer-version row's lock used to be all that serialised them). Threads here, each with its own
connection, so the two passes meet reliably rather than by the processes' timing.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection

from backend.permits.models import PermitStatus
from backend.sites.models import Site, SiteEvent, SiteEventKind, SiteStatus
from backend.sites.services.scan import sites_scan
from tests.factories import PermitFactory

SITES = 12


@pytest.mark.django_db(transaction=True)
def test_two_site_passes_at_once_move_each_site_and_end_each_permit_once(
    ward_a: Any, ward_b: Any
) -> None:
    day = datetime.date(2025, 10, 1)
    permits = [PermitFactory(ward=ward_a) for _ in range(SITES)]
    sites_scan(today=day)
    assert Site.objects.count() == SITES
    for permit in permits:
        permit.ward = ward_b
        permit.status = PermitStatus.REVOKED
        permit.save()

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            barrier.wait()
            sites_scan(today=day)
        except BaseException as error:  # asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert set(Site.objects.values_list("ward_id", "status")) == {
        (ward_b.pk, SiteStatus.PERMIT_EXPIRED)
    }
    for kind in (SiteEventKind.WARD_CHANGED, SiteEventKind.STATUS_CHANGED):
        per_site = SiteEvent.objects.filter(kind=kind).values_list("site_id", flat=True)
        assert sorted(per_site) == sorted(Site.objects.values_list("pk", flat=True)), kind
