"""Finding a sheet's header block and matching its columns to an import's fields.

Registers start with titles, blank lines and one to three header rows, the
upper ones merged over the lower (“Tọa độ” over “X” and “Y”). In a merged
range only its first cell holds the label, so an upper label is carried
right over the empty cells whose lower rows are labelled. Every start row
and depth among the first rows is tried; the block matching the most fields
wins (the shallower on a tie). Labels are compared folded (no case,
diacritics or punctuation), equal to an alias or starting with one (units
such as "(m²)" or "(VN-2000)" may follow).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter

from backend.core.tabular.reading import Table, TabularRefused
from backend.core.tabular.text import fold, nfc
from backend.core.tabular.values import is_blank

MAX_HEADER_DEPTH = 3
_LETTERS = re.compile(r"^[A-Za-z]{1,3}$")
_PARENS = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class FieldSpec:
    """One field an import reads: its key, its label for people, and the headers that mean it."""

    key: str
    label: Any  # a (lazy) translated string
    aliases: tuple[str, ...]  # written as offices write them; folded when compared
    required: bool = False

    def folded_aliases(self) -> tuple[str, ...]:
        return tuple(fold(alias) for alias in self.aliases)


@dataclass(frozen=True)
class HeaderBlock:
    first_row: int  # sheet row number of the block's top row
    depth: int
    labels: list[str]  # one composed label per column, NFC ("Tọa độ X")

    @property
    def data_start(self) -> int:
        return self.first_row + self.depth

    def column_name(self, index: int) -> str:
        """ "D — Ngày cấp": the letter and the header, as the user finds the column."""
        label = self.labels[index] if index < len(self.labels) else ""
        letter = get_column_letter(index + 1)
        return f"{letter} — {label}" if label else letter


@dataclass
class ColumnMap:
    """Which column holds each field (0-based), as detected or as the user chose."""

    columns: dict[str, int] = field(default_factory=dict)

    def value(self, row: Sequence[Any], key: str) -> Any:
        index = self.columns.get(key)
        if index is None or index >= len(row):
            return None
        return row[index]

    def as_labels(self, block: HeaderBlock) -> dict[str, str]:
        """The mapping as header labels (what is remembered, and what M.json holds)."""
        return {
            key: (
                block.labels[index]
                if index < len(block.labels) and block.labels[index]
                else get_column_letter(index + 1)
            )
            for key, index in self.columns.items()
        }


def _compose(rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    """Each column's labels from the top row down, merged upper labels carried right."""
    width = max((len(row) for row in rows), default=0)
    grid = [
        [nfc(str(row[c])) if c < len(row) and not is_blank(row[c]) else "" for c in range(width)]
        for row in rows
    ]
    for level in range(len(grid) - 1):
        for c in range(1, width):
            below = any(grid[lower][c] for lower in range(level + 1, len(grid)))
            if not grid[level][c] and below and grid[level][c - 1]:
                grid[level][c] = grid[level][c - 1]
    return [[grid[lv][c] for lv in range(len(grid)) if grid[lv][c]] for c in range(width)]


def _candidates(parts: Sequence[str]) -> list[tuple[str, int]]:
    """(folded label, bonus): the whole label, without its (units), and its lowest part."""
    full = " ".join(parts)
    found = [(fold(full), 1000), (fold(_PARENS.sub(" ", full)), 900)]
    if len(parts) > 1:
        found.append((fold(parts[-1]), 800))
    return [(label, bonus) for label, bonus in found if label]


def _match(columns: Sequence[Sequence[str]], fields: Iterable[FieldSpec]) -> dict[str, int]:
    best: dict[str, tuple[int, int]] = {}  # field → (score, column)
    taken: dict[int, tuple[int, str]] = {}  # column → (score, field)
    specs = [(spec.key, spec.folded_aliases()) for spec in fields]
    for column, parts in enumerate(columns):
        for folded, bonus in _candidates(parts):
            for key, aliases in specs:
                for alias in aliases:
                    if folded == alias:
                        score = bonus + len(alias)
                    elif folded.startswith(alias + " "):
                        score = len(alias)
                    else:
                        continue
                    if score > taken.get(column, (-1, ""))[0]:
                        taken[column] = (score, key)
    for column, (score, key) in sorted(taken.items()):
        if key not in best or score > best[key][0]:
            best[key] = (score, column)
    return {key: column for key, (_score, column) in best.items()}


def find_header_block(table: Table, fields: Sequence[FieldSpec]) -> tuple[HeaderBlock, ColumnMap]:
    """The header block among the first rows and the columns it names, or TabularRefused."""
    head: list[tuple[int, list[Any]]] = []
    for number, values in table.rows():
        head.append((number, values))
        if len(head) >= table.limits.header_search_rows:
            break
    best: tuple[int, int, HeaderBlock, dict[str, int]] | None = None
    for start in range(len(head)):
        for depth in range(1, MAX_HEADER_DEPTH + 1):
            if start + depth > len(head):
                break
            parts = _compose([values for _n, values in head[start : start + depth]])
            matched = _match(parts, fields)
            labels = [" ".join(column) for column in parts]
            if best is None or (len(matched), -depth) > (best[0], best[1]):
                block = HeaderBlock(first_row=head[start][0], depth=depth, labels=labels)
                best = (len(matched), -depth, block, matched)
    if best is None or best[0] == 0:
        raise TabularRefused(
            _(
                "No header row was found in the first %(rows)s rows: the sheet needs a row of "
                "column names such as %(examples)s."
            )
            % {
                "rows": table.limits.header_search_rows,
                "examples": ", ".join(f"“{spec.aliases[0]}”" for spec in fields[:4]),
            },
            code="no_header",
        )
    return best[2], ColumnMap(dict(best[3]))


def apply_mapping(
    block: HeaderBlock,
    detected: ColumnMap,
    mapping: Mapping[str, str | None],
    fields: Sequence[FieldSpec],
    *,
    lenient: bool = False,
) -> ColumnMap:
    """The detected columns with the user's choices on top.

    `mapping` maps a field key to a header label as the sheet writes it (compared
    folded), a column letter ("D"), or "" / None for "not in this file".
    `lenient` (a mapping remembered from an earlier file) skips labels this
    sheet does not have instead of refusing it.
    """
    known = {spec.key for spec in fields}
    columns = dict(detected.columns)
    folded_labels = [fold(label) for label in block.labels]
    for key, wanted in mapping.items():
        if key not in known:
            raise TabularRefused(
                _("The column mapping names an unknown field “%(field)s”.") % {"field": key},
                code="bad_mapping",
            )
        if not wanted:
            columns.pop(key, None)
            continue
        target = fold(wanted)
        if target in folded_labels:
            columns[key] = folded_labels.index(target)
        elif _LETTERS.match(wanted.strip()):
            columns[key] = column_index_from_string(wanted.strip().upper()) - 1
        elif not lenient:
            raise TabularRefused(
                _("The sheet has no column “%(column)s” (chosen for %(field)s).")
                % {"column": wanted, "field": next(s.label for s in fields if s.key == key)},
                code="bad_mapping",
            )
    return ColumnMap(columns)


def missing_required(columns: ColumnMap, fields: Sequence[FieldSpec]) -> list[FieldSpec]:
    return [spec for spec in fields if spec.required and spec.key not in columns.columns]


def refuse_missing(columns: ColumnMap, fields: Sequence[FieldSpec]) -> None:
    missing = missing_required(columns, fields)
    if missing:
        raise TabularRefused(
            _(
                "The sheet has no column for: %(fields)s. Name the columns as in the register "
                "or choose them in the column mapping."
            )
            % {"fields": ", ".join(str(spec.label) for spec in missing)},
            code="missing_columns",
        )


def match_headers(
    table: Table,
    fields: Sequence[FieldSpec],
    mapping: Mapping[str, str | None] | None = None,
    *,
    defaults: Mapping[str, str | None] | None = None,
) -> tuple[HeaderBlock, ColumnMap]:
    """The header block and the columns of every field.

    Detected from the labels, then `defaults` applied where this sheet has
    the columns they name (a mapping remembered from an earlier file), then
    `mapping` (the user's choice for this file), whose columns must all exist.
    """
    chosen = dict(mapping or {})
    remembered = {k: v for k, v in (defaults or {}).items() if k not in chosen}
    both = {**remembered, **chosen}
    # The labels chosen count as aliases: a register with its own column
    # names still has its header block found.
    searched = [
        FieldSpec(spec.key, spec.label, (*spec.aliases, str(both[spec.key])), spec.required)
        if both.get(spec.key) and not _LETTERS.match(str(both[spec.key]).strip())
        else spec
        for spec in fields
    ]
    block, detected = find_header_block(table, searched)
    columns = apply_mapping(block, detected, remembered, fields, lenient=True)
    columns = apply_mapping(block, columns, chosen, fields)
    refuse_missing(columns, fields)
    return block, columns
