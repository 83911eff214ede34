"""Permits take their parcel from a cadastral layer (map sheet + parcel number), else a point."""

from __future__ import annotations

import json
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from backend.permits.models import Permit
from backend.permits.selectors import permit_matching
from tests.imports.conftest import permit_row, vn2000

pytestmark = pytest.mark.django_db

# A 20 m x 20 m parcel around (106.69, 10.77), in ward A.
PARCEL = [
    [106.6899, 10.7699],
    [106.6901, 10.7699],
    [106.6901, 10.7701],
    [106.6899, 10.7701],
    [106.6899, 10.7699],
]


def cadastral_geopackage(tmp_path: Path) -> Path:
    """A GeoPackage in VN-2000 (EPSG:9210), as the cadastral office keeps it."""
    source = tmp_path / "thua.geojson"
    source.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"SoTo": "12", "SoThua": 101},
                        "geometry": {"type": "Polygon", "coordinates": [PARCEL]},
                    },
                    {
                        "type": "Feature",
                        "properties": {"SoTo": "13", "SoThua": 7},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [
                                    [106.681, 10.761],
                                    [106.6812, 10.761],
                                    [106.6812, 10.7612],
                                    [106.681, 10.761],
                                ]
                            ],
                        },
                    },
                ],
            }
        ),
        "utf-8",
    )
    target = tmp_path / "thua.gpkg"
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "GPKG",
            "-t_srs",
            "EPSG:9210",
            "-nln",
            "thua_dat",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    return target


def test_parcels_are_matched_by_sheet_and_number_else_the_point_is_kept(
    ward_a: Any, tmp_path: Path, register_file: Any
) -> None:
    layer = cadastral_geopackage(tmp_path)
    path = register_file(
        [
            permit_row(1, "01/GP", sheet="012", parcel="101"),  # leading zero on the sheet
            permit_row(2, "02/GP", sheet="12", parcel="999", xy=vn2000(106.685, 10.765)),
        ]
    )
    out = StringIO()
    call_command(
        "import_permits",
        str(path),
        "--ward",
        "90001",
        "--parcels",
        str(layer),
        "--parcel-sheet-field",
        "SoTo",
        "--parcel-number-field",
        "SoThua",
        stdout=out,
        stderr=StringIO(),
    )
    assert "tờ 12 thửa 999 không có trong lớp bản đồ địa chính" in out.getvalue()
    matched = Permit.objects.get(number="01/GP")
    assert matched.parcel is not None
    assert matched.parcel.extent == pytest.approx((106.6899, 10.7699, 106.6901, 10.7701), abs=1e-6)
    assert matched.parcel.covers(matched.location)
    unmatched = Permit.objects.get(number="02/GP")
    assert unmatched.parcel is None and unmatched.location is not None
    # Cases find both: the parcel that covers the point, or the nearest point.
    inside = permit_matching(Point(106.69, 10.77, srid=4326), 30.0, ward=ward_a)
    assert (inside.permit, inside.how) == (matched, "parcel")
    near = permit_matching(Point(106.6851, 10.765, srid=4326), 30.0, ward=ward_a)
    assert (near.permit, near.how) == (unmatched, "nearest")
    assert near.distance_m == pytest.approx(10.9, abs=0.5)


def test_a_layer_without_the_named_fields_is_refused(
    ward_a: Any, tmp_path: Path, register_file: Any
) -> None:
    from django.core.management import CommandError

    layer = cadastral_geopackage(tmp_path)
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_permits",
            str(register_file([permit_row(1, "01/GP")])),
            "--ward",
            "90001",
            "--parcels",
            str(layer),
            "--parcel-sheet-field",
            "ToBanDo",
            "--parcel-number-field",
            "SoThua",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert "không có trường “ToBanDo”" in str(refused.value)
    assert not Permit.objects.exists()


def test_a_parcel_without_geometry_is_skipped_not_a_server_error(tmp_path: Path) -> None:
    from backend.permits.importing.parcels import load_parcels

    layer = tmp_path / "thua.geojson"
    layer.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"SoTo": "1", "SoThua": 2}, "geometry": None},
                    {
                        "type": "Feature",
                        "properties": {"SoTo": "12", "SoThua": 101},
                        "geometry": {"type": "Polygon", "coordinates": [PARCEL]},
                    },
                ],
            }
        ),
        "utf-8",
    )
    parcels = load_parcels(
        layer, filename="thua.geojson", sheet_field="SoTo", number_field="SoThua"
    )
    assert len(parcels) == 1
