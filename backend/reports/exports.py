"""Exports of the filtered cases and their events: CSV, XLSX, GeoJSON, GeoPackage.

Rows come from PostgreSQL through a server-side cursor, a few thousand at a
time, and go straight out (CSV, GeoJSON) or into a temporary file that is then
streamed (XLSX in openpyxl's write-only mode; GeoPackage written by GDAL's
ogr2ogr from temporary CSV files with declared column types). Memory stays
flat however many cases are exported.

The XLSX and GeoPackage files are written by backend.reports.export_files.

CSV and XLSX headers are Vietnamese and fixed: they are a data format other
offices' spreadsheets and scripts rely on, not page text that follows the
reader's language. GeoJSON and GeoPackage use short ASCII field names, which
every GIS program handles.

Addresses, notes, names and document numbers are typed by users. In CSV and
XLSX, text that a spreadsheet program would take for a formula (it begins
with = + - @, a tab or a carriage return) is written with a leading
apostrophe, and XLSX cells holding text are always of string type: opening
an export never runs anything someone typed into a case. Numbers, dates and
the GIS formats are written as they are.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import translation

from backend.audit.models import EventKind
from backend.cases.models import DocumentType, Stage, ViolationCase, ViolationType
from backend.reports.selectors import selection_sql

FETCH_SIZE = 2000
CSV_BATCH = 500

# First characters that make Excel, LibreOffice and others read a cell as a
# formula (OWASP, "CSV injection"); "-" and "+" included: "-1+HYPERLINK(…)" runs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: Any) -> Any:
    """Typed text a spreadsheet shows as text, never evaluates; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    key: str  # GIS field name
    header: str  # Vietnamese header (CSV, XLSX)
    kind: str = "text"  # text | int | real | date | datetime | bool
    width: int = 16


CASE_COLUMNS = [
    Column("code", "Mã hồ sơ", width=22),
    Column("ward_code", "Mã phường", width=10),
    Column("ward_name", "Phường", width=22),
    Column("violation_type", "Mã hành vi vi phạm", width=12),
    Column("violation_label", "Hành vi vi phạm", width=40),
    Column("stage", "Mã giai đoạn", width=14),
    Column("stage_label", "Giai đoạn", width=28),
    Column("stage_deadline", "Hạn của giai đoạn", "date", 14),
    Column("overdue", "Quá hạn", "bool", 9),
    Column("detected_at", "Thời điểm phát hiện", "datetime", 18),
    Column("address", "Địa chỉ", width=36),
    Column("lat", "Vĩ độ (WGS 84)", "real", 12),
    Column("lon", "Kinh độ (WGS 84)", "real", 12),
    Column("permit", "Số giấy phép xây dựng", width=16),
    Column("inspector", "Cán bộ phụ trách", width=22),
    Column("n_events", "Số sự kiện", "int", 10),
    Column("late_steps", "Số bước trễ hạn", "int", 10),
    # The ward the case was opened in ("ward at the time"); the ward columns
    # above are the ward responsible today, which a merger may have changed.
    Column("opened_in_ward_code", "Mã phường khi mở hồ sơ", width=10),
    Column("opened_in_ward_name", "Phường khi mở hồ sơ", width=22),
]

EVENT_COLUMNS = [
    Column("case_code", "Mã hồ sơ", width=22),
    Column("seq", "Số thứ tự trong chuỗi", "int", 10),
    Column("kind", "Mã loại sự kiện", width=14),
    Column("kind_label", "Loại sự kiện", width=20),
    Column("action", "Mã thao tác", width=22),
    Column("action_label", "Thao tác", width=36),
    Column("occurred_on", "Ngày thực hiện", "date", 14),
    Column("recorded_at", "Thời điểm ghi nhận", "datetime", 18),
    Column("actor", "Người thực hiện", width=22),
    Column("stage_before", "Giai đoạn trước", width=24),
    Column("stage_after", "Giai đoạn sau", width=24),
    Column("doc_type", "Loại văn bản", width=24),
    Column("doc_number", "Số văn bản", width=18),
    Column("doc_date", "Ngày văn bản", "date", 14),
    Column("deadline_due", "Thời hạn phải thực hiện", "date", 14),
    Column("deadline_basis", "Căn cứ thời hạn", width=40),
    Column("on_time", "Đúng hạn", "bool", 9),
    Column("days_late", "Số ngày trễ", "int", 10),
    Column("note", "Ghi chú", width=36),
    Column("hash", "Mã băm SHA-256", width=66),
]

CASES_SQL = """
WITH sel AS ({selection})
SELECT c.code, w.code, w.name, c.violation_type, c.violation_type, c.stage, c.stage,
       c.stage_deadline,
       sel.overdue,
       c.detected_at, c.address, ST_Y(c.location), ST_X(c.location), p.number,
       COALESCE(NULLIF(u.full_name, ''), u.username),
       (SELECT count(*) FROM audit_caseevent e WHERE e.case_id = c.id),
       (SELECT count(*) FROM audit_caseevent e
         WHERE e.case_id = c.id AND e.payload -> 'on_time' = 'false'::jsonb),
       ow.code, ow.name
FROM cases_violationcase c
JOIN sel ON sel.id = c.id
JOIN wards_ward w ON w.id = c.ward_id
JOIN wards_ward ow ON ow.id = c.opened_in_ward_id
LEFT JOIN permits_permit p ON p.id = c.permit_id
LEFT JOIN accounts_user u ON u.id = c.assigned_inspector_id
ORDER BY w.code, c.code
"""

EVENTS_SQL = """
WITH sel AS ({selection})
SELECT c.code, e.seq, e.kind, e.kind, COALESCE(e.payload ->> 'action', ''),
       COALESCE(e.payload ->> 'action_label', ''),
       audit_event_day(e.payload, e.at) AS day, e.at,
       COALESCE(NULLIF(u.full_name, ''), u.username), e.stage_before, e.stage_after,
       e.payload #>> '{{document,type}}', e.payload #>> '{{document,number}}',
       e.payload #>> '{{document,date}}', e.payload #>> '{{deadline,due}}',
       e.payload #>> '{{deadline,basis}}',
       CASE jsonb_typeof(e.payload -> 'on_time') WHEN 'boolean'
            THEN (e.payload ->> 'on_time')::boolean END,
       CASE jsonb_typeof(e.payload -> 'days_late') WHEN 'number'
            THEN (e.payload ->> 'days_late')::numeric::bigint END,
       e.payload ->> 'note', e.hash
FROM audit_caseevent e
JOIN sel ON sel.id = e.case_id
JOIN cases_violationcase c ON c.id = e.case_id
JOIN accounts_user u ON u.id = e.actor_id
ORDER BY c.code, day, e.seq
"""

GEOJSON_SQL = """
WITH sel AS ({selection})
SELECT json_build_object(
    'type', 'Feature',
    'id', c.code,
    'geometry', ST_AsGeoJSON(c.location, 7)::json,
    'properties', json_build_object(
        'code', c.code,
        'ward_code', w.code,
        'ward_name', w.name,
        'opened_in_ward_code', ow.code,
        'opened_in_ward_name', ow.name,
        'violation_type', c.violation_type,
        'violation_label', %s::jsonb ->> c.violation_type,
        'stage', c.stage,
        'stage_label', %s::jsonb ->> c.stage,
        'stage_deadline', c.stage_deadline,
        'overdue', sel.overdue,
        'detected_at', c.detected_at,
        'address', c.address,
        'permit', p.number,
        'events', COALESCE((
            SELECT json_agg(json_build_object(
                'seq', e.seq,
                'kind', e.kind,
                'occurred_on', audit_event_day(e.payload, e.at),
                'recorded_at', e.at,
                'actor', u.username,
                'stage_before', e.stage_before,
                'stage_after', e.stage_after,
                'payload', e.payload,
                'hash', e.hash
            ) ORDER BY audit_event_day(e.payload, e.at), e.seq)
            FROM audit_caseevent e JOIN accounts_user u ON u.id = e.actor_id
            WHERE e.case_id = c.id
        ), '[]'::json)
    )
)::text
FROM cases_violationcase c
JOIN sel ON sel.id = c.id
JOIN wards_ward w ON w.id = c.ward_id
JOIN wards_ward ow ON ow.id = c.opened_in_ward_id
LEFT JOIN permits_permit p ON p.id = c.permit_id
ORDER BY w.code, c.code
"""


def _stream(sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
    """Rows through a server-side cursor, FETCH_SIZE at a time."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_SIZE):
            yield from batch


class Labels:
    """Code → label lookups in Vietnamese, resolved once per export."""

    def __init__(self) -> None:
        with translation.override("vi"):
            self.stage = {s.value: str(s.label) for s in Stage}
            self.violation = {v.value: str(v.label) for v in ViolationType}
            self.kind = {k.value: str(k.label) for k in EventKind}
            self.document = {d.value: str(d.label) for d in DocumentType}

        self._actions: dict[str, str] = {}

    def action(self, label: str) -> str:
        """The workflow's English label is its msgid: translated once per export."""
        if label not in self._actions:
            with translation.override("vi"):
                self._actions[label] = translation.gettext(label) if label else ""
        return self._actions[label]


def _date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def case_rows(cases: QuerySet[ViolationCase], today: datetime.date) -> Iterator[list[Any]]:
    labels = Labels()
    selection, params = selection_sql(cases, today)
    for row in _stream(CASES_SQL.format(selection=selection), params):
        values = list(row)
        values[4] = labels.violation.get(values[4], values[4])
        values[6] = labels.stage.get(values[6], values[6])
        values[8] = bool(values[8])
        yield values


def event_rows(cases: QuerySet[ViolationCase]) -> Iterator[list[Any]]:
    labels = Labels()
    selection, params = selection_sql(cases)
    for row in _stream(EVENTS_SQL.format(selection=selection), params):
        values = list(row)
        values[3] = labels.kind.get(values[3], values[3])
        values[5] = labels.action(values[5])
        values[9] = labels.stage.get(values[9], values[9])
        values[10] = labels.stage.get(values[10], values[10])
        values[11] = labels.document.get(values[11] or "", values[11] or "")
        values[13] = _date(values[13])
        values[14] = _date(values[14])
        yield values


# --- CSV -----------------------------------------------------------------------
class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_formatter(kind: str) -> Callable[[Any], Any]:
    """One formatter per column, chosen once: rows are many, kinds are few."""
    zone = ZoneInfo(settings.TIME_ZONE)
    if kind == "date":
        return lambda v: "" if v is None else f"{v.day:02d}/{v.month:02d}/{v.year:04d}"
    if kind == "datetime":
        return lambda v: "" if v is None else v.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S")
    if kind == "bool":
        return lambda v: "" if v is None else ("Có" if v else "Không")
    return lambda v: "" if v is None else spreadsheet_text(v)


def csv_stream(columns: list[Column], rows: Iterator[list[Any]]) -> Iterator[str]:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the diacritics."""
    writer = csv.writer(_Echo())
    formatters = [_csv_formatter(c.kind) for c in columns]
    yield "\ufeff" + writer.writerow([c.header for c in columns])
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow([f(v) for f, v in zip(formatters, row, strict=True)]))
        if len(batch) >= CSV_BATCH:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


# --- GeoJSON -------------------------------------------------------------------
def geojson_stream(cases: QuerySet[ViolationCase], today: datetime.date) -> Iterator[str]:
    labels = Labels()
    selection, params = selection_sql(cases, today)
    rows = _stream(
        GEOJSON_SQL.format(selection=selection),
        [
            *params,
            json.dumps(labels.violation, ensure_ascii=False),
            json.dumps(labels.stage, ensure_ascii=False),
        ],
    )
    yield '{"type":"FeatureCollection","features":[\n'
    first = True
    for (feature,) in rows:
        yield ("" if first else ",\n") + feature
        first = False
    yield "\n]}\n"


# --- XLSX ----------------------------------------------------------------------
FORMATS: dict[tuple[str, str], str] = {
    ("cases", "csv"): "text/csv; charset=utf-8",
    ("events", "csv"): "text/csv; charset=utf-8",
    ("cases", "xlsx"): "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("cases", "geojson"): "application/geo+json",
    ("cases", "gpkg"): "application/geopackage+sqlite3",
}
