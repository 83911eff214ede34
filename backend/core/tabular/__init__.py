"""Tabular intake shared by every import (permit register, case backlog, …).

Spreadsheets from outside are read as streams within limits checked before
anything is loaded (`reading.open_table`), their header block found and
matched to the caller's fields (`headers`), their cells parsed the way
Vietnamese offices write them (`values`), and the rows refused written back
as a workbook with a reason column (`refused`). Nothing here knows an app:
each app's import describes its fields and turns rows into its own records.
"""

from backend.core.tabular.headers import ColumnMap, FieldSpec, HeaderBlock, match_headers
from backend.core.tabular.limits import TabularLimits, tabular_limits
from backend.core.tabular.reading import Table, TabularRefused, open_table
from backend.core.tabular.refused import write_refused_rows
from backend.core.tabular.values import CellError, RowError, parse_date, parse_decimal, parse_int

__all__ = [
    "CellError",
    "ColumnMap",
    "FieldSpec",
    "HeaderBlock",
    "RowError",
    "Table",
    "TabularLimits",
    "TabularRefused",
    "match_headers",
    "open_table",
    "parse_date",
    "parse_decimal",
    "parse_int",
    "tabular_limits",
    "write_refused_rows",
]
