"""Where an imported case's history came from: the register file and its row.

A case brought in from a ward's paper register (`manage.py import_cases`) is
opened and taken through its steps by the same services as a live case, with
the same rules and deadlines; each of its steps and events carries this
source, and its history starts with an event naming the file and the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ImportSource:
    file_name: str
    sha256: str
    row: int  # the sheet's own row number, as the office sees it
    ward_code: str  # the ward the import was allowed into

    def as_payload(self) -> dict[str, Any]:
        return {"file": self.file_name, "sha256": self.sha256, "row": self.row}
