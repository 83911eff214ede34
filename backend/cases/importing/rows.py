"""One register row → the typed values of the case it describes, or what to correct.

Values are kept JSON-ready (dates ISO, numbers as text) so that a re-import
can compare a row with the one it imported. The law's own checks (a fine in
its band, a decision within its period…) are not made here: the replay runs
the workflow's, so a row is held to exactly what a live case is.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.cases.importing.fields import LABELS
from backend.cases.importing.stage_checks import REMEDY_ONLY, stage_problems
from backend.cases.models import ViolationType, ViolatorKind
from backend.cases.workflow.choices import Remedy, ServiceMethod
from backend.core.tabular import CellError, ColumnMap, HeaderBlock, RowError
from backend.core.tabular.positions import PositionReader
from backend.core.tabular.text import fold
from backend.core.tabular.values import (
    cell_text,
    is_blank,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
)
from backend.permits.models import WorksClass

TEXT_LIMITS = {
    "case_code": 60,
    "ward": 200,
    "conduct": 2000,
    "violator_name": 200,
    "violator_address": 300,
    "violator_id_number": 30,
    "violator_org_code": 30,
    "violator_representative": 200,
    "address": 300,
    "map_sheet": 20,
    "parcel_number": 20,
    "recorded_by": 200,
    "signer": 200,
    "delegation_number": 60,
    "factors": 2000,
    "transfer_authority": 300,
    "transfer_reason": 2000,
    "permit_number": 60,
    "permit_issuer": 200,
    "notice_signer": 200,
    "enforcement_measures": 2000,
    "enforcement_signer": 200,
    "enforcement_result": 2000,
}
DATES = (
    "detected_on",
    "violator_birth_date",
    "record_on",
    "decision_on",
    "served_on",
    "received_on",
    "delegation_date",
    "transfer_on",
    "permit_date",
    "permit_shown_on",
    "notice_on",
    "notice_delivered_on",
    "enforcement_on",
    "enforced_on",
)
# Planned: may lie ahead.
PLANNED_DATES = ("enforcement_planned_on",)
DOCUMENT_NUMBERS = (
    "record_number",
    "decision_number",
    "handover_number",
    "notice_number",
    "enforcement_number",
    "enforced_number",
)
POSITION_KEYS = ("x", "y", "lat", "lon")
_CLAUSE_PATTERNS = (
    re.compile(r"^(?:khoan|k) ?(\d{1,2})(?: (?:dieu|d) ?16)?(?: .*)?$"),
    re.compile(r"^(?:dieu|d) ?16 (?:khoan|k) ?(\d{1,2})(?: .*)?$"),
    re.compile(r"^16 (\d{1,2})$"),
    re.compile(r"^art ?16 (\d{1,2})$"),
)
_LEADING_NUMBER = re.compile(r"^\s*(?:số\s*)?0*(\d{1,7})(?:\s*/.*)?$", re.IGNORECASE)


@dataclass
class CaseRow:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    location: Point | None = None

    def day(self, key: str) -> datetime.date | None:
        value = self.values.get(key)
        return datetime.date.fromisoformat(value) if value else None


def violation_type_of(text: str) -> str:
    """ "khoản 7 Điều 16", "16.7", "art16_7", "K7" → "art16_7", or CellError."""
    folded = fold(text)
    if folded in ViolationType.values:
        return folded
    for pattern in _CLAUSE_PATTERNS:
        match = pattern.match(folded)
        if match:
            code = f"art16_{int(match.group(1))}"
            if code == "art16_11":
                raise CellError(
                    _(
                        "Clause 11 (land use) is fined under the land decree: such cases are "
                        "not handled here."
                    )
                )
            if code in ViolationType.values:
                return code
    raise CellError(
        _(
            "Write the clause of Art. 16 of Decree 16/2022/NĐ-CP, e.g. “khoản 7 Điều 16” or "
            "“16.7” (clauses 1–10, 12, 13)."
        )
    )


def document_sequence_of(value: Any) -> int:
    """ "12/BB-VPHC", "12", 12 → 12: the number in the ward's register for its year."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_int(value)
    match = _LEADING_NUMBER.match(cell_text(value))
    if not match or int(match.group(1)) < 1:
        raise CellError(_("Write the number as on the paper, e.g. 12/BB-VPHC or 12."))
    return int(match.group(1))


def _choice(value: Any, options: Sequence[tuple[tuple[str, ...], str]], message: str) -> str:
    folded = fold(cell_text(value))
    for words, code in options:
        if folded == code or any(word in folded for word in words):
            return code
    raise CellError(message)


VIOLATOR_KINDS = (
    (("to chuc", "doanh nghiep", "cong ty", "organisation"), ViolatorKind.ORGANISATION.value),
    (("ca nhan", "ho gia dinh", "individual"), ViolatorKind.INDIVIDUAL.value),
)
WORKS_CLASSES = (
    (("nha o rieng le", "nha rieng le", "nha o"), WorksClass.INDIVIDUAL_HOUSE.value),
    (("kha thi", "du an"), WorksClass.FEASIBILITY_PROJECT.value),
    (("cong trinh khac", "khac"), WorksClass.OTHER_WORKS.value),
)
REMEDIES = (
    (("hop thuc", "cap phep", "giay phep", "legalise"), Remedy.LEGALISE),
    (("pha do", "thao do", "demolish"), Remedy.DEMOLISH),
)
SERVICE_METHODS = (
    (("buu dien", "buu chinh", "gui bao dam", "post"), ServiceMethod.POST),
    (("niem yet", "posted"), ServiceMethod.POSTED),
    (("truc tiep", "giao tay", "in person"), ServiceMethod.IN_PERSON),
)
# Before the sanction kind: "không phạt tiền" names the remedy-only decision.
DECISION_KINDS = (
    (
        ("khac phuc", "mqd15", "mqd 15", "qd kphq", "khong phat tien", "remedy"),
        REMEDY_ONLY,
    ),
    (("xu phat", "mqd02", "mqd 02", "qd xphc", "sanction"), "sanction"),
)
NO_FINE_REASONS = (
    (("thoi hieu", "limitation"), "limitation"),
    (("thoi han", "qua han", "period"), "period_over"),
)
NOTICE_REASONS = (
    (("tu choi", "khong duoc cap", "permit refused"), "permit_refused"),
    (("khong xin", "rut", "tu bo", "withdrawn"), "withdrawn"),
    (("het thoi han", "qua thoi han", "het han", "window"), "window_expired"),
)
NOTICE_DELIVERIES = (
    (("buu dien", "buu chinh", "gui bao dam", "post"), "post"),
    (("truc tiep", "giao tay", "ban giao", "in person"), "in_person"),
)
SIGNER_TITLES = (
    (("pho chu tich", "deputy", "kt"), "deputy"),
    (("chu tich", "chairman"), "chairman"),
)


def factor_of(text: str) -> str:
    folded = fold(text)
    lower, higher = "giam nhe" in folded, "tang nang" in folded
    if lower and higher:
        return "both"
    return "mitigating" if lower else "aggravating" if higher else "none"


class RowReader:
    """Reads the rows of one sheet (its header block and columns already found)."""

    def __init__(self, *, block: HeaderBlock, columns: ColumnMap) -> None:
        self.block = block
        self.columns = columns
        self.positions = PositionReader()

    def column_of(self, key: str) -> str:
        index = self.columns.columns.get(key)
        if index is not None:
            return self.block.column_name(index)
        return _("(no column) %(field)s") % {"field": LABELS.get(key, key)}

    def error(self, row: CaseRow, key: str, value: Any, message: str) -> None:
        row.errors.append(RowError(row.number, self.column_of(key), cell_text(value), message))

    def read(self, number: int, cells: Sequence[Any]) -> CaseRow:
        row = CaseRow(number)
        for key in self.columns.columns:
            if key in POSITION_KEYS:
                continue
            value = self.columns.value(cells, key)
            if is_blank(value):
                continue
            try:
                row.values[key] = self._parse(key, value)
            except CellError as problem:
                self.error(row, key, value, problem.message)
        for key in ("violation_type", "violator_name", "address"):
            if key not in row.values and not any(
                e.column == self.column_of(key) for e in row.errors
            ):
                self.error(row, key, "", _("This cell must not be empty."))
        self._stages(row, cells)
        self._locate(row, cells)
        return row

    def _parse(self, key: str, value: Any) -> Any:
        if key in DATES:
            day = parse_date(value)
            if day > timezone.localdate():
                raise CellError(_("The date is in the future: check the year."))
            return day.isoformat()
        if key == "violation_type":
            return violation_type_of(cell_text(value))
        if key in PLANNED_DATES:
            return parse_date(value).isoformat()
        if key in DOCUMENT_NUMBERS:
            document_sequence_of(value)
            return parse_text(value, max_length=60)
        if key == "violator_kind":
            return _choice(value, VIOLATOR_KINDS, _("Write “cá nhân” or “tổ chức”."))
        if key == "works_class":
            return _choice(
                value,
                WORKS_CLASSES,
                _("Write “nhà ở riêng lẻ”, “công trình khác” or “dự án (báo cáo khả thi)”."),
            )
        if key == "remedy":
            return _choice(
                value, REMEDIES, _("Write “hợp thức hóa” (obtain a permit) or “phá dỡ”.")
            )
        if key == "service_method":
            return _choice(
                value, SERVICE_METHODS, _("Write “trực tiếp”, “bưu điện” or “niêm yết”.")
            )
        if key == "decision_kind":
            return _choice(
                value,
                DECISION_KINDS,
                _("Write “xử phạt” (MQĐ02) or “khắc phục hậu quả” (MQĐ15, without a fine)."),
            )
        if key == "no_fine_reason":
            return _choice(
                value,
                NO_FINE_REASONS,
                _("Write “hết thời hạn ra quyết định” or “hết thời hiệu”."),
            )
        if key == "notice_reason":
            return _choice(
                value,
                NOTICE_REASONS,
                _("Write “hết thời hạn”, “không được cấp phép” or “không xin cấp phép”."),
            )
        if key == "notice_delivery":
            return _choice(value, NOTICE_DELIVERIES, _("Write “bưu điện” or “trực tiếp”."))
        if key == "signer_title":
            return _choice(value, SIGNER_TITLES, _("Write “Chủ tịch” or “Phó Chủ tịch”."))
        if key in ("fine_amount", "storeys", "remedy_days"):
            units = ("đồng", "vnđ", "vnd", "đ") if key == "fine_amount" else ("tầng", "ngày")
            number = parse_int(value, units=units)
            if number < 0:
                raise CellError(_("Write a positive number."))
            return number
        if key == "floor_area_m2":
            area = parse_decimal(value, units=("m2", "m²"))
            if area < 0 or area >= Decimal("1e8"):
                raise CellError(_("This number is out of range: check the unit and separators."))
            return str(area.quantize(Decimal("0.01")))
        return parse_text(value, max_length=TEXT_LIMITS[key])

    def _stages(self, row: CaseRow, cells: Sequence[Any]) -> None:
        """Each step the row implies needs its date and number; a later one needs the earlier."""
        for key, _value, message in stage_problems(row.values):
            # The cell as the office wrote it (the values are ISO dates and plain numbers).
            self.error(row, key, self.columns.value(cells, key), message)

    def _locate(self, row: CaseRow, cells: Sequence[Any]) -> None:
        position = self.positions.read(
            **{key: self.columns.value(cells, key) for key in POSITION_KEYS}
        )
        if position.problem is not None:
            self.error(row, position.problem.key, position.problem.value, position.problem.message)
            return
        if position.point is None:
            key = "x" if "x" in self.columns.columns else "lat"
            self.error(
                row,
                key,
                "",
                _(
                    "The site's position is needed: write its VN-2000 X and Y, or its latitude "
                    "and longitude."
                ),
            )
            return
        if position.note:
            row.notes.append(
                _("Row %(row)s: %(note)s") % {"row": row.number, "note": position.note}
            )
        row.location = position.point
        row.values["location"] = [position.point.x, position.point.y]
