"""Confirming a checked import: every staged row written in one transaction, or none.

Each row is compared again with its permit under a row lock (the check may
be minutes old), so what is written is what differs now; each permit created
or changed gets a PermitEvent naming the file and row. The writes are SQL
over the staged rows (backend.permits.importing.sql): progress inside the
transaction could not be seen by other processes anyway, so the run shows
"importing" until it commits.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.accounts.models import User
from backend.core.errors import Conflict, InvalidInput, ServiceError
from backend.permits.importing.sql import rows_of_other_wards, write_creations, write_updates
from backend.permits.models import ImportStatus, Permit, PermitImportRun
from backend.sites.services.permit_sync import sites_sync_from_permits

CHUNK = 2000
Progress = Callable[[int, int], None]


def import_apply(
    run: PermitImportRun, *, actor: User, progress: Progress | None = None
) -> PermitImportRun:
    """Write the run's checked rows (all of them, or its valid ones when the run says so)."""
    if run.status != ImportStatus.CHECKED:
        raise Conflict(_("Check the file before importing it."), code="not_checked")
    if run.rows_refused and not run.valid_rows_only:
        raise InvalidInput(
            ngettext(
                "%(count)s row was refused: correct it and import the file again, or choose "
                "to import the valid rows only.",
                "%(count)s rows were refused: correct them and import the file again, or "
                "choose to import the valid rows only.",
                run.rows_refused,
            )
            % {"count": run.rows_refused},
            code="rows_refused",
        )
    if not run.rows_valid:
        raise InvalidInput(_("No row of the file can be imported."), code="nothing_valid")
    claimed = PermitImportRun.objects.filter(pk=run.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.APPLYING, heartbeat_at=timezone.now()
    )
    if not claimed:
        raise Conflict(_("This import is already being imported."), code="busy")
    try:
        with transaction.atomic():
            counts = _write(run, actor, progress)
    except IntegrityError:
        _back_to_checked(run)
        raise Conflict(
            _(
                "Another import wrote the same permits at the same time; nothing was imported. "
                "Import the file again."
            ),
            code="concurrent_import",
        ) from None
    except ServiceError:
        _back_to_checked(run)
        raise
    except BaseException:
        _back_to_checked(run)
        raise
    PermitImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.APPLIED,
        to_create=counts["created"],
        to_update=counts["updated"],
        unchanged=counts["unchanged"],
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def _back_to_checked(run: PermitImportRun) -> None:
    PermitImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.CHECKED)


def _write(run: PermitImportRun, actor: User, progress: Progress | None) -> dict[str, int]:
    moved = rows_of_other_wards(run)
    if moved:
        raise Conflict(
            _(
                "Row %(row)s: its permit was filed under another ward since the check; check "
                "the file again."
            )
            % {"row": moved[0][1]},
            code="moved",
        )
    matched, updated = write_updates(run, actor.pk)
    if progress:
        progress(matched, run.rows_valid)
    created = write_creations(run, actor.pk)
    # Every permit is a construction site to watch (backend.sites), from the import on.
    sites_sync_from_permits(Permit.objects.filter(ward__code=run.ward.code), actor=actor)
    if progress:
        progress(run.rows_valid, run.rows_valid)
    return {"created": created, "updated": updated, "unchanged": matched - updated}


def summary(run: PermitImportRun) -> str:
    """What the check found (or the import did), in one line for people."""
    return _(
        "%(total)s rows: %(valid)s valid, %(refused)s refused, %(warned)s with notes; "
        "new %(create)s, updated %(update)s, unchanged %(unchanged)s."
    ) % {
        "total": run.rows_total,
        "valid": run.rows_valid,
        "refused": run.rows_refused,
        "warned": run.rows_warned,
        "create": run.to_create,
        "update": run.to_update,
        "unchanged": run.unchanged,
    }
