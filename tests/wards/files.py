"""Ward boundary files built for the tests, written by GDAL's ogr2ogr."""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Ho Chi Minh City's old centre, in WGS 84 degrees.
LON, LAT = 106.70, 10.77
STEP = 0.01  # about 1.1 km


@dataclass
class Ward:
    code: str
    name: str
    # Rings of (lon, lat): the outer ring first, then holes; several polygons allowed.
    polygons: list[list[list[tuple[float, float]]]]


def square(col: int, row: int = 0, size: float = STEP) -> list[list[tuple[float, float]]]:
    x, y = LON + col * size, LAT + row * size
    return [[(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]]


def grid_wards(count: int, prefix: str = "W") -> list[Ward]:
    return [Ward(f"{prefix}{i + 1:03d}", f"Phường Số {i + 1}", [square(i)]) for i in range(count)]


def geojson(wards: Sequence[Ward], name_bytes: Callable[[str], bytes] | None = None) -> str:
    features = []
    for ward in wards:
        name = ward.name if name_bytes is None else name_bytes(ward.name).decode("latin-1")
        features.append(
            {
                "type": "Feature",
                "properties": {"ma_xa": ward.code, "ten_xa": name},
                "geometry": {"type": "MultiPolygon", "coordinates": ward.polygons},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def write(
    path: Path,
    wards: Sequence[Ward],
    *,
    driver: str,
    srs: str = "EPSG:4326",
    name_bytes: Callable[[str], bytes] | None = None,
    keep_prj: bool = True,
    cpg: str | None = None,
) -> Path:
    """Write the wards with ogr2ogr in `driver`, reprojected to `srs`.

    name_bytes writes names as those raw bytes (a legacy encoding) into a
    shapefile's DBF; cpg replaces (or, with "", removes) its .cpg.
    """
    source = path.with_suffix(".source.geojson")
    source.write_text(geojson(wards, name_bytes), encoding="utf-8")
    command = ["ogr2ogr", "-f", driver, "-s_srs", "EPSG:4326", "-t_srs", srs]
    if driver == "ESRI Shapefile":
        command += ["-lco", "ENCODING=ISO-8859-1" if name_bytes else "ENCODING=UTF-8"]
    subprocess.run([*command, str(path), str(source)], check=True, capture_output=True)
    source.unlink()
    if driver == "ESRI Shapefile":
        if not keep_prj:
            path.with_suffix(".prj").unlink()
        if cpg is not None:
            path.with_suffix(".cpg").unlink(missing_ok=True)
            if cpg:
                path.with_suffix(".cpg").write_text(cpg)
    return path


def zip_shapefile(shp: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(shp.parent.glob(shp.stem + ".*")):
            archive.write(part, f"ranh_gioi/{part.name}")
    return target
