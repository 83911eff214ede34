"""One register row → the permit fields it sets, its refusals and its notes.

Values are returned JSON-ready (dates ISO, decimals as text, geometry as
EWKT) so the check can stage them and the confirmation write them later.
"""

from __future__ import annotations

import datetime
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, OGRGeometry, SpatialReference
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.tabular import CellError, ColumnMap, HeaderBlock, RowError
from backend.core.tabular.text import fold
from backend.core.tabular.values import (
    cell_text,
    is_blank,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
)
from backend.wards.models import Ward
from gis.coords import CoordinateError, CoordinateProblem, check_lat_lon
from gis.vn2000 import HCMC_VN2000_SRID, grid_axes

AREA_UNITS = ("m2", "m²", "m 2")
TEXT_LIMITS = {
    "number": 50,
    "holder_name": 200,
    "address": 300,
    "issuing_authority": 200,
    "map_sheet": 20,
    "parcel_number": 20,
}
# Field → (max_digits, decimal_places) of the model's DecimalField.
DECIMALS = {
    "permitted_footprint_m2": (10, 2),
    "permitted_floor_area_m2": (10, 2),
    "permitted_height_m": (6, 2),
}
REQUIRED = ("number", "issued_on", "holder_name", "address")


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # (x, y) found in the row: VN-2000 (easting, northing) when `grid`, else (lon, lat).
    position: tuple[float, float] | None = None
    grid: bool = False
    position_column: str = ""


def parcel_key(sheet: str, parcel: str) -> tuple[str, str]:
    """Sheet and parcel numbers compared as written, leading zeros and case aside."""
    return fold(sheet).lstrip("0") or "0", fold(parcel).lstrip("0") or "0"


class RowReader:
    """Reads rows of one sheet for one ward (its boundary checked once, prepared)."""

    def __init__(
        self,
        *,
        block: HeaderBlock,
        columns: ColumnMap,
        ward: Ward,
        parcels: dict[tuple[str, str], str] | None = None,
    ) -> None:
        self.block = block
        self.columns = columns
        self.ward = ward
        self.parcels = parcels
        self.max_km = float(settings.TTXD_PERMIT_IMPORT_MAX_KM_FROM_WARD)
        self.latest_issue = timezone.localdate() + datetime.timedelta(days=1)
        self._to_wgs84 = CoordTransform(SpatialReference(HCMC_VN2000_SRID), SpatialReference(4326))

    def _error(self, row: ParsedRow, key: str, value: Any, message: str) -> None:
        index = self.columns.columns.get(key)
        column = self.block.column_name(index) if index is not None else key
        row.errors.append(RowError(row.number, column, cell_text(value), message))

    def read(self, number: int, cells: Sequence[Any]) -> ParsedRow:
        row = ParsedRow(number)
        for key in self.columns.columns:
            if key in ("x", "y", "lat", "lon"):
                continue
            value = self.columns.value(cells, key)
            try:
                parsed = self._parse(key, value)
            except CellError as error:
                self._error(row, key, value, error.message)
                continue
            if parsed is None and key in REQUIRED:
                self._error(row, key, value, _("This cell must not be empty."))
                continue
            row.values[key] = parsed
        issued, expires = row.values.get("issued_on"), row.values.get("expires_on")
        if issued and expires and expires < issued:
            self._error(row, "expires_on", expires, _("The expiry date is before the issue date."))
        self._locate(row, cells)
        return row

    def _parse(self, key: str, value: Any) -> Any:
        if is_blank(value):
            return "" if key in TEXT_LIMITS and key not in REQUIRED else None
        if key in ("issued_on", "expires_on"):
            day = parse_date(value)
            if key == "issued_on" and day > self.latest_issue:
                raise CellError(_("The issue date is in the future: check the year."))
            return day.isoformat()
        if key in TEXT_LIMITS:
            return parse_text(value, max_length=TEXT_LIMITS[key])
        if key == "permitted_storeys":
            storeys = parse_int(value, units=("tầng", "tang"))
            if not 0 < storeys <= 200:
                raise CellError(_("Write the number of storeys, between 1 and 200."))
            return storeys
        digits, places = DECIMALS[key]
        number = parse_decimal(value, units=AREA_UNITS if key.endswith("m2") else ("m",))
        if number < 0 or number >= Decimal(10) ** (digits - places):
            raise CellError(_("This number is out of range: check the unit and separators."))
        return str(number.quantize(Decimal(1).scaleb(-places)))

    def _locate(self, row: ParsedRow, cells: Sequence[Any]) -> None:
        self._point(row, cells)
        if self.parcels is not None:
            sheet, parcel = row.values.get("map_sheet"), row.values.get("parcel_number")
            found = self.parcels.get(parcel_key(sheet, parcel)) if sheet and parcel else None
            if found is not None:
                row.values["parcel"] = found
            elif sheet and parcel:
                row.notes.append(
                    _(
                        "Row %(row)s: sheet %(sheet)s parcel %(parcel)s is not in the cadastral "
                        "layer; the permit is located by its coordinates only."
                    )
                    % {"row": row.number, "sheet": sheet, "parcel": parcel}
                )

    def locate(self, rows: Sequence[ParsedRow]) -> None:
        """Give a batch of rows their positions: one transformation, one query for the ward.

        VN-2000 pairs go through GDAL as one multipoint; whether each point lies
        in the ward, and how far outside it, is one PostGIS query on the batch.
        """
        placed = [row for row in rows if row.position is not None and not row.errors]
        grid = [row for row in placed if row.grid]
        if grid:
            points = OGRGeometry(
                "MULTIPOINT ("
                + ",".join(f"({r.position[0]!r} {r.position[1]!r})" for r in grid if r.position)
                + ")",
                srs=SpatialReference(HCMC_VN2000_SRID),
            )
            points.transform(self._to_wgs84)
            for row, (lon, lat) in zip(grid, _multipoint_coordinates(points), strict=True):
                row.position = (round(lon, 7), round(lat, 7))
        if not placed:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT t.ord, ST_Covers(w.boundary, q.pt),
                       CASE WHEN ST_Covers(w.boundary, q.pt) THEN 0
                            ELSE ST_Distance(w.boundary::geography, q.pt::geography) / 1000 END
                FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS t(x, y, ord)
                CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(t.x, t.y), 4326) AS pt) AS q
                JOIN {Ward._meta.db_table} AS w ON w.id = %s
                ORDER BY t.ord
                """,  # noqa: S608 (the table name is the model's own)
                [
                    [r.position[0] for r in placed if r.position],
                    [r.position[1] for r in placed if r.position],
                    self.ward.pk,
                ],
            )
            answers = cursor.fetchall()
        for row, (_ord, covered, km) in zip(placed, answers, strict=True):
            assert row.position is not None
            lon, lat = row.position
            if not covered and km > self.max_km:
                row.errors.append(
                    RowError(
                        row.number,
                        row.position_column,
                        f"{lat}, {lon}",
                        _(
                            "The position lies %(km)s km from the ward, outside the city's area: "
                            "check the coordinates."
                        )
                        % {"km": f"{km:.0f}"},
                    )
                )
                continue
            if not covered:
                row.notes.append(
                    _("Row %(row)s: the position lies outside ward %(ward)s; check it.")
                    % {"row": row.number, "ward": self.ward.name}
                )
            row.values["location"] = f"SRID=4326;POINT ({lon!r} {lat!r})"

    def _number(self, row: ParsedRow, cells: Sequence[Any], key: str) -> float | None:
        value = self.columns.value(cells, key)
        if is_blank(value):
            return None
        try:
            return float(parse_decimal(value))
        except CellError as error:
            self._error(row, key, value, error.message)
            return None

    def _column(self, key: str) -> str:
        index = self.columns.columns.get(key)
        return self.block.column_name(index) if index is not None else key

    def _point(self, row: ParsedRow, cells: Sequence[Any]) -> None:
        x, y = self._number(row, cells, "x"), self._number(row, cells, "y")
        if x is not None and y is not None:
            axes = grid_axes(x, y)
            if axes is None:
                self._error(
                    row,
                    "x",
                    self.columns.value(cells, "x"),
                    _(
                        "X and Y are not a VN-2000 position (X about 1.200.000, Y about 600.000 "
                        "in the city): check the columns and the unit (metres)."
                    ),
                )
                return None
            if axes.swapped:
                row.notes.append(
                    _(
                        "Row %(row)s: X and Y were swapped (X is the northing, about 1.200.000); "
                        "they were read the other way round."
                    )
                    % {"row": row.number}
                )
            row.position, row.grid = (axes.easting_m, axes.northing_m), True
            row.position_column = self._column("x")
            return
        lat, lon = self._number(row, cells, "lat"), self._number(row, cells, "lon")
        if lat is None or lon is None:
            return
        try:
            lat, lon = check_lat_lon(lat, lon)
        except CoordinateError as error:
            if error.problem is CoordinateProblem.SWAPPED:
                lat, lon = lon, lat
                row.notes.append(
                    _(
                        "Row %(row)s: latitude and longitude were swapped (latitude is about 10.8 "
                        "in the city); they were read the other way round."
                    )
                    % {"row": row.number}
                )
            else:
                self._error(
                    row,
                    "lat",
                    self.columns.value(cells, "lat"),
                    _(
                        "Latitude and longitude are not a position in Vietnam: write degrees "
                        "such as 10,7769 and 106,7009."
                    ),
                )
                return None
        row.position, row.position_column = (lon, lat), self._column("lat")


def _multipoint_coordinates(points: OGRGeometry) -> list[tuple[float, float]]:
    """A 2D multipoint's coordinates from its WKB (GDAL's per-point accessors cost ~100 µs each)."""
    data = bytes(points.wkb)
    order = "<" if data[0] == 1 else ">"
    # Header: byte order, type, count; then per point: byte order, type, x, y (21 bytes).
    return [(x, y) for _b, _t, x, y in struct.iter_unpack(f"{order}BIdd", data[9:])]
