"""The import tests' register: a ward A sheet as offices keep it (title, merged headers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from tests.imports.workbooks import write_xlsx

TITLE = ["SỔ THEO DÕI CẤP GIẤY PHÉP XÂY DỰNG — PHƯỜNG A"]
TOP = [
    "STT",
    "Số giấy phép",
    "Ngày cấp",
    "Chủ đầu tư",
    "Địa chỉ công trình",
    "Số tờ",
    "Số thửa",
    "Diện tích xây dựng (m²)",
    "Tổng diện tích sàn (m²)",
    "Số tầng",
    "Chiều cao (m)",
    "Tọa độ (VN-2000)",
    None,
]
BOTTOM = [None] * 11 + ["X", "Y"]
MERGES = [f"{c}3:{c}4" for c in "ABCDEFGHIJK"] + ["L3:M3"]


def vn2000(lon: float, lat: float) -> tuple[float, float]:
    """(X northing, Y easting) of a WGS 84 position on the city's VN-2000 grid."""
    point = Point(lon, lat, srid=4326).transform(9210, clone=True)
    assert point is not None
    return round(point.y, 2), round(point.x, 2)


# Inside ward A (tests.factories.WARD_A_BOX: 106.68–106.70 E, 10.76–10.78 N).
INSIDE_A = vn2000(106.69, 10.77)
INSIDE_A_2 = vn2000(106.685, 10.765)


def permit_row(index: int, number: str, **overrides: Any) -> list[Any]:
    x, y = overrides.pop("xy", INSIDE_A)
    row = {
        "stt": index,
        "number": number,
        "issued": "03/04/2025",
        "holder": "Nguyễn Văn An",
        "address": f"{index} Đường Số 1",
        "sheet": "12",
        "parcel": str(100 + index),
        "footprint": "85,5",
        "floor": "1.234,5",
        "storeys": "5",
        "height": "18,6",
        "x": x,
        "y": y,
    }
    row.update(overrides)
    return list(row.values())


def register(path: Path, rows: list[list[Any]]) -> Path:
    return write_xlsx(path, [TITLE, [], TOP, BOTTOM, *rows], merges=MERGES)


@pytest.fixture
def register_file(tmp_path: Path) -> Any:
    def make(rows: list[list[Any]], name: str = "so-cap-phep.xlsx") -> Path:
        return register(tmp_path / name, rows)

    return make
