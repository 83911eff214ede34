"""Confirming a checked import: every staged row written in one transaction, or none.

Each row is compared again with its permit under a row lock (the check may
be minutes old), so what is written is what differs now; each permit created
or changed gets a PermitEvent naming the file and row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.accounts.models import User
from backend.core.errors import Conflict, InvalidInput, ServiceError
from backend.permits.importing.changes import new_permit_values, permit_changes
from backend.permits.models import (
    ImportStatus,
    Permit,
    PermitEvent,
    PermitEventKind,
    PermitImportRow,
    PermitImportRun,
)

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
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    last = 0
    done = 0
    staged = PermitImportRow.objects.filter(run=run).exclude(action="refused")
    while True:
        rows = list(staged.filter(row_number__gt=last).order_by("row_number")[:CHUNK])
        if not rows:
            break
        last = rows[-1].row_number
        _write_chunk(run, actor, rows, counts)
        done += len(rows)
        if progress:
            progress(done, run.rows_valid)
    return counts


def _write_chunk(
    run: PermitImportRun, actor: User, rows: list[PermitImportRow], counts: dict[str, int]
) -> None:
    def key(row: PermitImportRow) -> tuple[str, str]:
        return (
            str(row.values.get("issuing_authority") or run.issuing_authority),
            str(row.values["number"]),
        )

    keys = {key(row) for row in rows}
    existing = {
        (p.issuing_authority, p.number): p
        for p in Permit.objects.select_for_update(of=("self",))
        .select_related("ward")
        .filter(number__in={n for _a, n in keys}, issuing_authority__in={a for a, _n in keys})
    }
    created: list[tuple[Permit, PermitImportRow]] = []
    changed: list[tuple[Permit, PermitImportRow, dict[str, Any]]] = []
    for row in rows:
        permit = existing.get(key(row))
        if permit is None:
            authority, number = key(row)
            values = new_permit_values(row.values)
            created.append(
                (Permit(number=number, issuing_authority=authority, ward=run.ward, **values), row)
            )
            continue
        if permit.ward.code != run.ward.code:
            raise Conflict(
                _(
                    "Permit %(number)s was moved to ward %(ward)s since the check; check the "
                    "file again."
                )
                % {"number": permit.number, "ward": permit.ward.name},
                code="moved",
            )
        changes = permit_changes(permit, row.values)
        if not changes:
            counts["unchanged"] += 1
            continue
        for field, value in new_permit_values(row.values).items():
            setattr(permit, field, value)
        changed.append((permit, row, changes))
    Permit.objects.bulk_create([permit for permit, _row in created], batch_size=CHUNK)
    fields = sorted({field for _p, _r, changes in changed for field in changes})
    if changed:
        Permit.objects.bulk_update([permit for permit, _r, _c in changed], fields, batch_size=CHUNK)
    events = [
        PermitEvent(
            permit=permit,
            kind=PermitEventKind.CREATED,
            actor=actor,
            changes={},
            source_file=run.file_name,
            source_row=row.row_number,
            import_run=run,
        )
        for permit, row in created
    ] + [
        PermitEvent(
            permit=permit,
            kind=PermitEventKind.UPDATED,
            actor=actor,
            changes=changes,
            source_file=run.file_name,
            source_row=row.row_number,
            import_run=run,
        )
        for permit, row, changes in changed
    ]
    PermitEvent.objects.bulk_create(events, batch_size=CHUNK)
    counts["created"] += len(created)
    counts["updated"] += len(changed)


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
