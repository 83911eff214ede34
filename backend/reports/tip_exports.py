"""Exports of citizens' reports (tips): the list of tips, and the dashboard's figures.

GET /audit/export/tips.csv and /audit/export/tips.xlsx: one row per tip the
user may see (tips_visible_to), filtered by `ward`, `status`,
`received_from` and `received_to`. Who reported a tip (name, phone,
e-mail) is personal data, for the tip's ward staff only
(reporters_visible_to):

- a user who may read no reporter at all (the city's auditors, the
  administrator) gets a file without the three columns;
- a ward user gets them, filled only on the rows of their own wards (the
  rows they see are their wards' anyway; the rule is per row, so it holds
  if the list ever shows more).

GET /audit/export/tip-figures.csv and .xlsx: the figures of the dashboard's
section on citizens' reports (backend.reports.tip_figures), a row per ward
and one for all wards shown.

The headers are Vietnamese and fixed, as the case exports
(backend.reports.exports); typed text is neutralised the same way (a cell
that a spreadsheet would take for a formula starts with an apostrophe; XLSX
cells of text are strings). Rows come through a server-side cursor; the
CSV streams and the XLSX is written in openpyxl's write-only mode.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from django.contrib.gis.db.models.functions import AsWKT
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from backend.core.query import ChoicesFilter, CodesFilter, DayFilter, StrictFilterSet
from backend.intake.models import OPEN_STATUSES, Tip, TipCategory, TipStatus
from backend.intake.selectors import reporters_visible_to, tips_visible_to
from backend.photos.models import SitePhoto
from backend.reports.export_files import xlsx_row
from backend.reports.exports import FETCH_SIZE, Column
from backend.reports.tip_figures import TipFigures, WardTips

ALL_WARDS = "Tất cả các phường được chọn"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS: dict[tuple[str, str], str] = {
    ("tips", "csv"): "text/csv; charset=utf-8",
    ("tips", "xlsx"): XLSX_TYPE,
    ("tip-figures", "csv"): "text/csv; charset=utf-8",
    ("tip-figures", "xlsx"): XLSX_TYPE,
}

TIP_COLUMNS = [
    Column("code", "Mã phản ánh", width=22),
    Column("ward_code", "Mã phường", width=10),
    Column("ward_name", "Phường", width=22),
    Column("category", "Mã nội dung phản ánh", width=14),
    Column("category_label", "Nội dung phản ánh", width=36),
    Column("status", "Mã trạng thái", width=14),
    Column("status_label", "Trạng thái", width=22),
    Column("received_at", "Thời điểm tiếp nhận", "datetime", 18),
    Column("response_due_on", "Hạn trả lời", "date", 14),
    Column("settled_at", "Thời điểm trả lời", "datetime", 18),
    Column("overdue", "Quá hạn trả lời", "bool", 9),
    Column("case_code", "Mã hồ sơ vi phạm", width=22),
    Column("lat", "Vĩ độ (WGS 84)", "real", 12),
    Column("lon", "Kinh độ (WGS 84)", "real", 12),
    Column("address", "Địa chỉ", width=36),
    Column("description", "Mô tả", width=48),
    Column("photos", "Số ảnh", "int", 8),
]
# Only for users who may read some reporters (reporters_visible_to), filled
# only on the rows of those wards.
REPORTER_COLUMNS = [
    Column("reporter_name", "Họ tên người phản ánh", width=24),
    Column("reporter_phone", "Điện thoại người phản ánh", width=16),
    Column("reporter_email", "Thư điện tử người phản ánh", width=26),
]

TIP_FIGURE_COLUMNS = [
    Column("month", "Tháng", width=9),
    Column("ward_code", "Mã phường", width=10),
    Column("ward_name", "Phường", width=26),
    Column("received", "Số phản ánh tiếp nhận trong tháng", "int", 14),
    Column("open", "Số phản ánh đang chờ trả lời", "int", 14),
    Column("overdue", "Số phản ánh quá hạn trả lời", "int", 14),
    Column("answered", "Số phản ánh đã trả lời trong tháng", "int", 14),
    Column("answered_on_time", "Số phản ánh trả lời đúng hạn", "int", 14),
    Column("on_time_share", "Tỷ lệ trả lời đúng hạn", "real", 12),
    Column("led_to_case", "Số phản ánh dẫn đến hồ sơ vi phạm", "int", 14),
    Column("as_of", "Số liệu tính đến ngày", "date", 14),
]


def _statuses() -> list[str]:
    return list(TipStatus.values)


class TipExportQuery(StrictFilterSet):
    """Which tips go into the export: each parameter narrows; empty means all."""

    ward = CodesFilter(field_name="ward__code", description="ward code(s), comma-separated")
    status = ChoicesFilter(
        _statuses, field_name="status", description="report status(es), comma-separated"
    )
    received_from = DayFilter(
        field_name="received_at",
        lookup_expr="gte",
        description="received on or after (dd/mm/yyyy or YYYY-MM-DD)",
    )
    received_to = DayFilter(
        field_name="received_at",
        lookup_expr="lte",
        description="received on or before (dd/mm/yyyy or YYYY-MM-DD)",
    )

    class Meta:
        model = Tip
        fields: ClassVar[list[str]] = []

    def check(self, values: dict[str, Any]) -> None:
        start, end = values.get("received_from"), values.get("received_to")
        if start and end and end < start:
            raise self.refuse(
                _("received_to (%(to)s) is before received_from (%(from)s).")
                % {"to": end.strftime("%d/%m/%Y"), "from": start.strftime("%d/%m/%Y")},
                "received_to",
            )


def tips_for_export(user: Any, query: TipExportQuery) -> QuerySet[Tip]:
    return query.apply(tips_visible_to(user))


def tip_columns(user: Any) -> list[Column]:
    """The columns of this user's file: the reporter's only for those who may read some."""
    return TIP_COLUMNS + (REPORTER_COLUMNS if reporters_visible_to(user) else [])


def tip_rows(user: Any, tips: QuerySet[Tip], today: datetime.date) -> Iterator[list[Any]]:
    """One list per tip, in TIP_COLUMNS order (then the reporter's, for who may read some)."""
    readable = reporters_visible_to(user)
    with translation.override("vi"):
        categories = {c.value: str(c.label) for c in TipCategory}
        statuses = {s.value: str(s.label) for s in TipStatus}
    photos = (
        SitePhoto.objects.filter(tip=OuterRef("pk"))
        .order_by()
        .values("tip")
        .annotate(n=Count("id"))
        .values("n")
    )
    fields = [
        "code",
        "ward__code",
        "ward__name",
        "category",
        "status",
        "received_at",
        "response_due_on",
        "settled_at",
        "case_code",
        "point",
        "address",
        "description",
        "photo_count",
    ]
    if readable:
        fields += ["ward_id", "reporter_name", "reporter_phone", "reporter_email"]
    rows = (
        tips.order_by("ward__code", "received_at", "id")
        .annotate(
            case_code=F("case__code"),
            point=AsWKT("location"),
            photo_count=Coalesce(Subquery(photos, output_field=IntegerField()), 0),
        )
        .values_list(*fields)
    )
    open_statuses = {str(s) for s in OPEN_STATUSES}
    for row in rows.iterator(chunk_size=FETCH_SIZE):
        code, ward_code, ward_name, category, status, received, due, settled = row[:8]
        case_code, point, address, description, photo_count = row[8:13]
        lon, lat = _lon_lat(point)
        values: list[Any] = [
            code,
            ward_code,
            ward_name,
            category,
            categories.get(category, category),
            status,
            statuses.get(status, status),
            received,
            due,
            settled,
            status in open_statuses and due < today,
            case_code,
            lat,
            lon,
            address,
            description,
            photo_count,
        ]
        if readable:
            ward_id, name, phone, email = row[13:]
            values += [name, phone, email] if ward_id in readable else ["", "", ""]
        yield values


def _lon_lat(wkt: str | None) -> tuple[float | None, float | None]:
    """POINT(lon lat) → (lon, lat), rounded to the 7 decimals of the other exports."""
    if not wkt or not wkt.startswith("POINT("):
        return None, None
    lon, lat = wkt[6:-1].split()
    return round(float(lon), 7), round(float(lat), 7)


# --- The figures -------------------------------------------------------------------
def _figure_row(figures: TipFigures, ward: WardTips) -> list[Any]:
    share = ward.on_time_share
    return [
        f"{figures.first:%m/%Y}",
        ward.code,
        ward.name or ALL_WARDS,
        ward.received,
        ward.open,
        ward.overdue,
        ward.answered,
        ward.answered_on_time,
        None if share is None else round(share, 4),
        ward.led_to_case,
        figures.today,
    ]


def figure_rows(compute: Callable[[], TipFigures]) -> Iterator[list[Any]]:
    """Each ward's row, then the all-wards row; computed when the first row is asked for."""
    figures = compute()
    for ward in figures.wards:
        yield _figure_row(figures, ward)
    yield _figure_row(figures, figures.city)


def xlsx_file(title: str, columns: list[Column], rows: Iterator[list[Any]]) -> Path:
    """A workbook of one sheet, in a temporary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(xlsx_row(sheet, columns, row))
    handle, name = tempfile.mkstemp(prefix="ttxd-tips-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(name)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)
