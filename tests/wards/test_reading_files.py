"""Ward boundary files of every format and Vietnamese CRS, read within limits."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from backend.wards.importing.reading import ImportOptions, WardFileRefused, read_ward_file
from gis.crs_guess import vn2000_tm3
from tests.wards import files
from tests.wards.legacy_text import cp1258_bytes, tcvn3_bytes, vni_bytes

NAMES = ["Phường Bến Thành", "Phường Sài Gòn", "Đặc khu Côn Đảo"]


def named_wards() -> list[files.Ward]:
    wards = files.grid_wards(3)
    for ward, name in zip(wards, NAMES, strict=True):
        ward.name = name
    return wards


def assert_at_the_city_centre(layer: Any) -> None:
    extent = layer.features[0].geometry.extent
    assert extent == pytest.approx(
        (files.LON, files.LAT, files.LON + files.STEP, files.LAT + files.STEP), abs=1e-6
    )


def test_shapefile_in_vn2000_is_read_in_wgs84(tmp_path: Path) -> None:
    shp = files.write(
        tmp_path / "ranh.shp", named_wards(), driver="ESRI Shapefile", srs="EPSG:9210"
    )
    layer = read_ward_file(shp, ImportOptions())
    assert layer.crs.definition == "EPSG:9210" and layer.crs_from_file
    assert [f.name for f in layer.features] == NAMES
    assert_at_the_city_centre(layer)


@pytest.mark.parametrize(
    ("driver", "name"),
    [
        ("GPKG", "ranh.gpkg"),
        ("GeoJSON", "ranh.geojson"),
        ("KML", "ranh.kml"),
        ("OpenFileGDB", "ranh.gdb"),
        ("ESRI Shapefile", "ranh.shp"),
    ],
)
def test_every_format_is_read_directly_or_zipped(tmp_path: Path, driver: str, name: str) -> None:
    written = files.write(tmp_path / name, named_wards(), driver=driver, srs="EPSG:4326")
    if driver in ("ESRI Shapefile", "OpenFileGDB"):
        target = tmp_path / "ranh.zip"
        if driver == "ESRI Shapefile":
            files.zip_shapefile(written, target)
        else:
            with zipfile.ZipFile(target, "w") as archive:
                for part in written.iterdir():
                    archive.write(part, f"ranh.gdb/{part.name}")
    elif driver == "KML":
        target = tmp_path / "ranh.kmz"
        with zipfile.ZipFile(target, "w") as archive:
            archive.write(written, "doc.kml")
    else:
        target = written
    layer = read_ward_file(target, ImportOptions())
    assert sorted(f.name for f in layer.features) == sorted(NAMES)
    assert_at_the_city_centre(layer)


def test_file_without_prj_is_refused_with_guesses_until_the_meridian_is_named(
    tmp_path: Path,
) -> None:
    # The former Bà Rịa–Vũng Tàu's zone, 107°45′, has no EPSG code.
    zone = vn2000_tm3(107.75)
    assert zone.definition.startswith("+proj=tmerc +lat_0=0 +lon_0=107.75 +k=0.9999 +x_0=500000")
    shp = files.write(
        tmp_path / "brvt.shp", named_wards(), driver="ESRI Shapefile", srs=zone.definition,
        keep_prj=False,
    )  # fmt: skip
    with pytest.raises(WardFileRefused) as refused:
        read_ward_file(shp, ImportOptions())
    assert refused.value.code == "crs_missing"
    assert any("107°45′" in line for line in refused.value.details), refused.value.details
    assert any("EPSG:9210" in line for line in refused.value.details)
    layer = read_ward_file(shp, ImportOptions(vn2000_meridian=107.75))
    assert_at_the_city_centre(layer)
    assert not layer.crs_from_file
    # Naming the EPSG code of another zone lands elsewhere: the user's word is taken.
    elsewhere = read_ward_file(shp, ImportOptions(srs="EPSG:9210"))
    assert elsewhere.features[0].geometry.extent[0] < files.LON - 1


def test_bad_meridian_and_unknown_epsg_are_refused_in_words(tmp_path: Path) -> None:
    shp = files.write(tmp_path / "a.shp", named_wards(), driver="ESRI Shapefile", keep_prj=False)
    with pytest.raises(WardFileRefused, match="105.75"):
        read_ward_file(shp, ImportOptions(vn2000_meridian=105.7))
    with pytest.raises(WardFileRefused) as refused:
        read_ward_file(shp, ImportOptions(srs="EPSG:999999"))
    assert refused.value.code == "unknown_crs"
    # Only codes: a PROJ string (which could name grid files) is not taken from a user.
    with pytest.raises(WardFileRefused) as refused:
        read_ward_file(shp, ImportOptions(srs="+proj=longlat +nadgrids=/etc/passwd"))
    assert refused.value.code == "unknown_crs"


@pytest.mark.parametrize(
    ("writer", "cpg", "encoding", "source"),
    [
        (tcvn3_bytes, "", "tcvn3", "bytes"),
        (vni_bytes, "1252", "vni", "bytes"),
        (cp1258_bytes, "1258", "cp1258", "cpg"),
        (cp1258_bytes, "", "cp1258", "bytes"),
    ],
)
def test_legacy_encodings_are_detected_converted_and_reported(
    tmp_path: Path, writer: Any, cpg: str, encoding: str, source: str
) -> None:
    shp = files.write(
        tmp_path / "cu.shp", named_wards(), driver="ESRI Shapefile", name_bytes=writer, cpg=cpg
    )
    layer = read_ward_file(shp, ImportOptions())
    assert (layer.encoding, layer.encoding_source) == (encoding, source)
    expected = [n.title() for n in NAMES] if encoding == "tcvn3" else NAMES
    assert [f.name for f in layer.features] == expected
    assert all(f.name_before and f.name_before != f.name for f in layer.features)


def test_tcvn3_text_inside_a_geojson_is_repaired(tmp_path: Path) -> None:
    source = tmp_path / "moji.geojson"
    source.write_text(
        files.geojson(named_wards(), name_bytes=tcvn3_bytes),
        encoding="utf-8",
    )
    layer = read_ward_file(source, ImportOptions())
    assert layer.encoding == "tcvn3"
    assert layer.features[0].name == "Phường Bến Thành"


def test_names_without_diacritics_are_flagged(tmp_path: Path) -> None:
    wards = files.grid_wards(2)
    wards[0].name, wards[1].name = "Phuong Ben Thanh", "Phuong Sai Gon"
    layer = read_ward_file(
        files.write(tmp_path / "a.geojson", wards, driver="GeoJSON"), ImportOptions()
    )
    assert layer.without_diacritics


def test_bowtie_is_repaired_holes_and_islands_kept(tmp_path: Path) -> None:
    x, y, s = files.LON, files.LAT, files.STEP
    bowtie = [[(x, y), (x + s, y + s), (x + s, y), (x, y + s), (x, y)]]
    holed = [
        [(x + 2 * s, y), (x + 3 * s, y), (x + 3 * s, y + s), (x + 2 * s, y + s), (x + 2 * s, y)],
        [(x + 2.4 * s, y + 0.4 * s), (x + 2.6 * s, y + 0.4 * s), (x + 2.6 * s, y + 0.6 * s),
         (x + 2.4 * s, y + 0.6 * s), (x + 2.4 * s, y + 0.4 * s)],
    ]  # fmt: skip
    wards = [
        files.Ward("B1", "Phường Nơ", [bowtie]),
        files.Ward("H1", "Phường Lỗ", [holed, files.square(5)]),
    ]
    layer = read_ward_file(files.write(tmp_path / "g.gpkg", wards, driver="GPKG"), ImportOptions())
    bow, hole = layer.features
    assert "Self-intersection" in bow.repair and bow.geometry.valid
    assert len(bow.geometry) == 2  # two triangles, no vertex lost
    assert hole.repair == "" and len(hole.geometry) == 2
    assert hole.geometry[0].num_interior_rings == 1


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = tmp_path / "bom.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ranh.shp", b"\0" * (150 * 1024 * 1024))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(WardFileRefused) as refused:
        read_ward_file(bomb, ImportOptions())
    assert refused.value.code == "archive_bomb"


def test_too_many_vertices_and_features_and_bytes_are_refused(
    tmp_path: Path, settings: Any
) -> None:
    path = files.write(tmp_path / "a.geojson", files.grid_wards(4), driver="GeoJSON")
    settings.TTXD_WARD_IMPORT_MAX_VERTICES_PER_WARD = 4
    with pytest.raises(WardFileRefused, match="1") as refused:
        read_ward_file(path, ImportOptions())
    assert refused.value.code == "feature_too_big"
    settings.TTXD_WARD_IMPORT_MAX_VERTICES_PER_WARD = 100
    settings.TTXD_WARD_IMPORT_MAX_VERTICES = 12
    with pytest.raises(WardFileRefused) as refused:
        read_ward_file(path, ImportOptions())
    assert refused.value.code == "too_many_vertices"
    settings.TTXD_WARD_IMPORT_MAX_FEATURES = 3
    with pytest.raises(WardFileRefused) as refused:
        read_ward_file(path, ImportOptions())
    assert refused.value.code == "too_many_features"
    settings.TTXD_WARD_IMPORT_MAX_BYTES = 100
    with pytest.raises(WardFileRefused) as refused:
        read_ward_file(path, ImportOptions())
    assert refused.value.code == "too_large"


def test_unknown_field_and_several_layers_are_refused_with_the_choices(tmp_path: Path) -> None:
    path = files.write(tmp_path / "a.geojson", files.grid_wards(1), driver="GeoJSON")
    with pytest.raises(WardFileRefused, match="ma_xa"):
        read_ward_file(path, ImportOptions(code_field="MAPHUONG"))
    rubbish = tmp_path / "x.zip"
    rubbish.write_bytes(b"not a zip at all")
    with pytest.raises(WardFileRefused) as refused:
        read_ward_file(rubbish, ImportOptions())
    assert refused.value.code == "archive_not_a_zip"
