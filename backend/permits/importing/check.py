"""Checking a register: every row parsed, checked and staged, nothing written to permits.

Runs outside any transaction of its own: the staged rows and the progress
are committed batch by batch, so the page that polls the run (served by any
process) sees the bar move. Permits are touched only by `apply`.
"""

from __future__ import annotations

import datetime
import io
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.errors import Conflict, ServiceError
from backend.core.tabular import RowError, match_headers, open_table, tabular_limits
from backend.core.tabular.values import cell_text, is_blank
from backend.permits.importing.fields import PERMIT_FIELDS
from backend.permits.importing.parcels import load_parcels
from backend.permits.importing.rows import ParsedRow, RowReader
from backend.permits.importing.sql import mark_actions, rows_of_other_wards
from backend.permits.importing.storage import local_path
from backend.permits.models import ImportStatus, PermitImportRow, PermitImportRun
from backend.permits.selectors import permit_import_mapping
from backend.wards.models import Ward

Progress = Callable[[int, int], None]
BATCH = 1000
STALE_AFTER = datetime.timedelta(minutes=5)


def _json(value: Any) -> str:
    """JSON as a COPY text field (backslashes, tabs and line breaks escaped)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _raw(cells: list[Any]) -> list[Any]:
    return [v if v is None or isinstance(v, int | float | str) else cell_text(v) for v in cells]


def _claim(run: PermitImportRun) -> None:
    ready = Q(status__in=[ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED])
    # A check whose request died (a worker restarted) stops beating: it may start again.
    stale = Q(status=ImportStatus.CHECKING, heartbeat_at__lt=timezone.now() - STALE_AFTER)
    claimed = PermitImportRun.objects.filter(ready | stale, pk=run.pk).update(
        status=ImportStatus.CHECKING, rows_done=0, message="", heartbeat_at=timezone.now()
    )
    if not claimed:
        raise Conflict(_("This import is already being checked or was imported."), code="busy")
    run.refresh_from_db()


def import_check(run: PermitImportRun, *, progress: Progress | None = None) -> PermitImportRun:
    """Check and stage every row of the run's sheet; the run says what confirming would do.

    ServiceError (the file refused as a whole) leaves the run FAILED with the message.
    """
    _claim(run)
    PermitImportRow.objects.filter(run=run).delete()
    try:
        _check(run, progress)
    except ServiceError as refusal:
        PermitImportRow.objects.filter(run=run).delete()
        PermitImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED, message=str(refusal.message), finished_at=timezone.now()
        )
        run.refresh_from_db()
        raise
    except BaseException:
        PermitImportRow.objects.filter(run=run).delete()
        PermitImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            message=_("The check stopped on an unexpected error; nothing was imported."),
        )
        raise
    run.refresh_from_db()
    return run


def _check(run: PermitImportRun, progress: Progress | None) -> None:
    parcels = None
    if run.parcels_file:
        with local_path(run.parcels_file) as parcels_path:
            parcels = load_parcels(
                parcels_path,
                filename=run.parcels_file_name,
                sheet_field=run.parcel_sheet_field,
                number_field=run.parcel_number_field,
            )
    with (
        local_path(run.stored_file) as path,
        open_table(
            path, filename=run.file_name, sheet=run.sheet or None, limits=tabular_limits()
        ) as table,
    ):
        block, columns = match_headers(
            table, PERMIT_FIELDS, run.mapping, defaults=permit_import_mapping(run.ward)
        )
        total = max((table.declared_rows or 0) - block.data_start + 1, 0)
        run.headers = block.labels
        run.mapping = columns.as_labels(block)
        run.sheet = table.sheet or ""
        run.rows_total = total
        run.save(update_fields=["headers", "mapping", "sheet", "rows_total"])
        reader = RowReader(block=block, columns=columns, ward=run.ward, parcels=parcels)
        staging = _Staging(run, reader)
        for number, cells in table.rows(block.data_start):
            if all(is_blank(v) for v in cells):
                continue
            staging.add(reader.read(number, cells), cells)
            if len(staging.batch) >= BATCH:
                staging.flush()
                if progress:
                    progress(staging.done, max(total, staging.done))
        staging.flush()
    staging.decide()
    counts = staging.counts
    if not staging.done:
        raise ServiceError(_("The sheet has a header but no rows under it."), code="empty")
    refused_file = _refused_workbook(run) if counts["refused"] else None
    run.status = ImportStatus.CHECKED
    run.rows_total = run.rows_done = staging.done
    run.rows_valid = staging.done - counts["refused"]
    run.rows_refused = counts["refused"]
    run.rows_warned = staging.warned
    run.to_create, run.to_update, run.unchanged = (
        counts["create"],
        counts["update"],
        counts["unchanged"],
    )
    run.finished_at = timezone.now()
    if refused_file is not None:
        with refused_file.open("rb") as handle:
            run.refused_file.save(f"refused-{run.pk}.xlsx", File(handle), save=False)
        refused_file.unlink()
    run.save()
    if progress:
        progress(run.rows_done, run.rows_total)


class _Staging:
    """Rows checked against the permits already filed, staged a batch at a time."""

    def __init__(self, run: PermitImportRun, reader: RowReader) -> None:
        self.run = run
        self.reader = reader
        self.batch: list[tuple[ParsedRow, list[Any]]] = []
        self.seen: dict[tuple[str, str], int] = {}
        self.counts = {"create": 0, "update": 0, "unchanged": 0, "refused": 0}
        self.done = 0
        self.warned = 0

    def authority(self, row: ParsedRow) -> str:
        return str(row.values.get("issuing_authority") or self.run.issuing_authority)

    def add(self, row: ParsedRow, cells: list[Any]) -> None:
        number = row.values.get("number")
        if number and not row.errors:
            key = (self.authority(row), number)
            if key in self.seen:
                index = self.reader.columns.columns["number"]
                row.errors.append(
                    RowError(
                        row.number,
                        self.reader.block.column_name(index),
                        number,
                        _("This permit number is already on row %(row)s: keep one row per permit.")
                        % {"row": self.seen[key]},
                    )
                )
            else:
                self.seen[key] = row.number
        self.batch.append((row, cells))

    def flush(self) -> None:
        if not self.batch:
            return
        self.reader.locate([row for row, _cells in self.batch])
        lines = []
        for row, cells in self.batch:
            self.warned += bool(row.notes)
            # Refused now, or decided against the permits once all are staged.
            action = "refused" if row.errors else "pending"
            fields = (
                str(row.number),
                _json(_raw(cells)),
                _json(row.values),
                _json([error.as_text() for error in row.errors]),
                _json(row.notes),
                action,
            )
            lines.append(f"{self.run.pk}\t" + "\t".join(fields) + "\n")
        # COPY: staging is the bulk of the check's writes (Django's bulk_create
        # spends more time building the statement than the database inserting).
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {PermitImportRow._meta.db_table} "
                "(run_id, row_number, raw, values, errors, notes, action) FROM STDIN",
                io.StringIO("".join(lines)),
            )
        self.done += len(self.batch)
        self.batch = []
        PermitImportRun.objects.filter(pk=self.run.pk).update(
            rows_done=self.done, heartbeat_at=timezone.now()
        )

    def decide(self) -> None:
        """Each valid row against the permits filed: refused (another ward's), or its action."""
        wards = {ward.pk: ward.name for ward in Ward.objects.all().only("pk", "name")}
        index = self.reader.columns.columns["number"]
        for row_id, number, ward_id in rows_of_other_wards(self.run):
            row = PermitImportRow.objects.get(pk=row_id)
            row.errors = [
                RowError(
                    number,
                    self.reader.block.column_name(index),
                    str(row.values.get("number")),
                    _("This permit is filed under ward %(ward)s: it can only be changed there.")
                    % {"ward": wards.get(ward_id, "?")},
                ).as_text()
            ]
            row.action = "refused"
            row.save(update_fields=["errors", "action"])
        mark_actions(self.run)
        counted = PermitImportRow.objects.filter(run=self.run).values("action")
        for item in counted.annotate(count=Count("id")):
            self.counts[item["action"]] = item["count"]


def _refused_workbook(run: PermitImportRun) -> Path:
    from backend.core.tabular import write_refused_rows

    rows = (
        PermitImportRow.objects.filter(run=run, action="refused")
        .order_by("row_number")
        .values_list("row_number", "raw", "errors")
    )
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as handle:
        name = handle.name
    write_refused_rows(
        name,
        run.headers,
        ((number, raw, "\n".join(errors)) for number, raw, errors in rows.iterator(2000)),
    )
    return Path(name)


def import_is_stale(run: PermitImportRun) -> bool:
    return run.status == ImportStatus.CHECKING and (
        run.heartbeat_at is None or run.heartbeat_at < timezone.now() - STALE_AFTER
    )
