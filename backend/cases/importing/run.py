"""Importing a register file: every row checked and replayed, written all or nothing.

One transaction for the whole file; each row in a savepoint of its own, so a
row the rules refuse leaves no trace while the others are still checked.
At the end everything is rolled back on a dry run, or when a row was refused
and the user did not ask for the valid rows only: nothing is half imported.

Idempotent by a natural key per ward (backend.cases.import_keys): the
register's own case code when it has that column, else the record's number
and year. A row already imported is left alone; if it now says something
else it is reported, field by field: a case's history is append-only, and
a correction is a step taken on the case, not a rewrite of its import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.cases.importing.fields import CASE_FIELDS, LABELS
from backend.cases.importing.later_steps import StepRefused
from backend.cases.importing.replay import case_replay
from backend.cases.importing.rows import CaseRow, RowReader, document_sequence_of
from backend.cases.models import CaseImportKey
from backend.cases.selectors.imports import may_import_cases, wards_for_case_import
from backend.cases.services.import_source import ImportSource
from backend.core.errors import NotAllowed
from backend.core.tabular import RowError, TabularRefused, match_headers, open_table, tabular_limits
from backend.core.tabular.text import fold
from backend.core.tabular.values import cell_text, is_blank
from backend.wards.models import Ward
from backend.wards.selectors import ward_containing, wards_valid_on

CREATED, UNCHANGED, CHANGED, REFUSED = "created", "unchanged", "changed", "refused"


@dataclass
class RowOutcome:
    number: int
    action: str
    cells: list[Any]
    case_code: str = ""
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class CaseImportReport:
    file_name: str
    sha256: str
    labels: list[str]
    rows: list[RowOutcome]
    written: bool

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def summary(self) -> str:
        return _(
            "%(total)s rows: %(created)s new cases, %(unchanged)s already imported and "
            "unchanged, %(changed)s already imported but changed (not applied), %(refused)s "
            "refused."
        ) % {
            "total": len(self.rows),
            "created": self.count(CREATED),
            "unchanged": self.count(UNCHANGED),
            "changed": self.count(CHANGED),
            "refused": self.count(REFUSED),
        }


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_key(row: CaseRow) -> str | None:
    """The row's natural key in its ward, or None when it has neither code nor record."""
    if row.values.get("case_code"):
        return f"code:{fold(row.values['case_code'])}"[:120]
    record_on = row.day("record_on")
    if record_on and row.values.get("record_number"):
        return f"record:{record_on.year}:{document_sequence_of(row.values['record_number'])}"
    return None


class _Wards:
    """The ward of each row: its own ward column (code or name), else the file's ward."""

    def __init__(self, default: Ward | None, actor: Any, enforce_access: bool) -> None:
        self.default = default
        self.actor = actor
        self.enforce_access = enforce_access
        self._current = list(wards_valid_on(timezone.localdate()))

    def of(self, value: Any) -> Ward | str:
        if is_blank(value):
            if self.default is None:
                return _("Name the ward: this row has none and no ward was chosen for the file.")
            return self.default
        wanted = fold(cell_text(value))
        for ward in self._current:
            if wanted in (fold(ward.code), fold(ward.name)) or fold(f"Phường {wanted}") == fold(
                ward.name
            ):
                if self.enforce_access and not may_import_cases(self.actor, ward):
                    return _("You may not import cases into ward %(ward)s.") % {"ward": ward.name}
                return ward
        return _("No ward “%(ward)s” is in force today: write its code or its name.") % {
            "ward": cell_text(value)
        }


def cases_import(
    *,
    actor: Any,
    path: Path,
    file_name: str,
    ward: Ward | None,
    sheet: str = "",
    mapping: Mapping[str, str | None] | None = None,
    dry_run: bool = False,
    valid_rows_only: bool = False,
    enforce_access: bool = True,
) -> CaseImportReport:
    """Check and replay every row of the file; write them unless told or forced not to.

    NotAllowed when the actor may not import into `ward`; TabularRefused when
    the file is refused as a whole (size, format, no header, missing columns).
    `enforce_access=False` only for `manage.py import_cases` run without
    --user: whoever runs commands on the server already holds every ward.
    """
    if enforce_access and ward is not None and not may_import_cases(actor, ward):
        raise NotAllowed(
            _("You may not import cases into ward %(ward)s.") % {"ward": ward.name},
            code="not_allowed",
        )
    if enforce_access and ward is None and not wards_for_case_import(actor).exists():
        raise NotAllowed(_("You may not import cases into any ward."), code="not_allowed")
    digest = file_digest(path)
    name = Path(file_name).name[:255]
    with open_table(
        path, filename=file_name, sheet=sheet or None, limits=tabular_limits()
    ) as table:
        block, columns = match_headers(table, CASE_FIELDS, mapping)
        if ward is None and "ward" not in columns.columns:
            raise TabularRefused(
                _("Choose the ward the register belongs to, or give the sheet a ward column."),
                code="no_ward",
            )
        reader = RowReader(block=block, columns=columns)
        wards = _Wards(ward, actor, enforce_access)
        outcomes: list[RowOutcome] = []
        with transaction.atomic():
            seen: dict[tuple[str, str], int] = {}
            for number, cells in table.rows(block.data_start):
                if all(is_blank(v) for v in cells):
                    continue
                outcomes.append(
                    _import_row(reader, wards, number, cells, actor, name, digest, seen)
                )
            refused = any(row.action == REFUSED for row in outcomes)
            written = not dry_run and not (refused and not valid_rows_only)
            if not written:
                transaction.set_rollback(True)
    if not outcomes:
        raise TabularRefused(_("The sheet has a header but no rows under it."), code="empty")
    return CaseImportReport(name, digest, block.labels, outcomes, written)


def _import_row(
    reader: RowReader,
    wards: _Wards,
    number: int,
    cells: list[Any],
    actor: Any,
    file_name: str,
    digest: str,
    seen: dict[tuple[str, str], int],
) -> RowOutcome:
    row = reader.read(number, cells)
    outcome = RowOutcome(number, REFUSED, list(cells), notes=row.notes)
    ward = wards.of(reader.columns.value(cells, "ward"))
    if isinstance(ward, str):
        reader.error(row, "ward", reader.columns.value(cells, "ward"), ward)
    key = import_key(row) if not row.errors else None
    if not row.errors and key is None:
        reader.error(
            row,
            "record_number",
            "",
            _(
                "Give the record's number and date, or the register's case code: without "
                "either, the row cannot be recognised when the file is imported again."
            ),
        )
    if row.errors or key is None or isinstance(ward, str):
        outcome.errors = row.errors
        return outcome
    key = _register_key(key, row, ward)
    earlier = seen.get((ward.code, key))
    if earlier is not None:
        reader.error(
            row,
            "case_code" if "code:" in key else "record_number",
            row.values.get("case_code") or row.values.get("record_number"),
            _("The same case as row %(row)s.") % {"row": earlier},
        )
        outcome.errors = row.errors
        return outcome
    seen[(ward.code, key)] = number
    existing = CaseImportKey.objects.select_related("case").filter(ward_code=ward.code, key=key)
    found = existing.first()
    if found is not None:
        return _already_imported(outcome, found, row)
    source = ImportSource(file_name=file_name, sha256=digest, row=number, ward_code=ward.code)
    try:
        with transaction.atomic():
            case = case_replay(row=row, actor=actor, source=source)
            CaseImportKey.objects.create(
                ward_code=ward.code,
                key=key,
                case=case,
                values=row.values,
                source_file=file_name,
                sha256=digest,
                source_row=number,
                imported_by=actor,
            )
    except StepRefused as refusal:
        for column, message in refusal.problems:
            reader.error(row, column, reader.columns.value(cells, column), message)
        outcome.errors = row.errors
        return outcome
    except IntegrityError:
        reader.error(
            row,
            "record_number",
            row.values.get("record_number"),
            _("Another import brought this case in at the same time: import the file again."),
        )
        outcome.errors = row.errors
        return outcome
    outcome.action = CREATED
    outcome.case_code = case.code
    if case.opened_in_ward_id != case.ward_id:
        then = case.opened_in_ward
        outcome.notes.append(
            _(
                "Row %(row)s: detected on %(day)s in %(old)s (code %(old_code)s), part of "
                "%(new)s since %(from)s: case %(case)s is numbered in the register of %(old)s "
                "and handled by %(new)s; its papers dated before %(from)s keep the numbers of "
                "%(old)s."
            )
            % {
                "row": number,
                "day": timezone.localdate(case.detected_at).strftime("%d/%m/%Y"),
                "old": then.name,
                "old_code": then.code,
                "new": ward.name,
                "from": ward.valid_from.strftime("%d/%m/%Y"),
                "case": case.code,
            }
        )
    return outcome


def _register_key(key: str, row: CaseRow, ward: Ward) -> str:
    """The key within today's ward; for a case detected in a predecessor (before the
    2025 merger), within that predecessor's register, whose numbers another merged
    ward may have used too."""
    detected_on = row.day("detected_on") or row.day("record_on")
    if row.location is None or detected_on is None:
        return key
    then = ward_containing(row.location, detected_on)
    if then is None or then.code == ward.code:
        return key
    return f"{then.code}/{key}"[:120]


def _already_imported(outcome: RowOutcome, found: CaseImportKey, row: CaseRow) -> RowOutcome:
    outcome.case_code = found.case.code
    before, after = found.values, row.values
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if not changed:
        outcome.action = UNCHANGED
        return outcome
    outcome.action = CHANGED
    outcome.notes.append(
        _(
            "Row %(row)s: case %(case)s was imported from %(file)s row %(source_row)s and this "
            "row now differs in %(fields)s; nothing was changed. Record the correction as a "
            "step on the case."
        )
        % {
            "row": row.number,
            "case": found.case.code,
            "file": found.source_file,
            "source_row": found.source_row,
            "fields": ", ".join(
                f"{LABELS.get(k, k)} ({_shown(before.get(k))} → {_shown(after.get(k))})"
                for k in changed
            ),
        }
    )
    return outcome


def _shown(value: Any) -> str:
    return "—" if value in (None, "") else str(value)
