"""Reading a layer of polygons from any vector file GDAL reads, within limits.

Shapefile (with its .prj and .cpg, or a .zip of them), GeoPackage, GeoJSON,
KML/KMZ and FileGDB (GDAL's OpenFileGDB) are all read through OGR
(django.contrib.gis.gdal). Zips and KMZs are opened through gis.archives,
which refuses bombs from their directory. Sizes, feature and vertex counts
are checked before each step reads more, so a hostile file is refused
before it fills memory.

The result is in WGS 84, each feature a valid MultiPolygon (repairs
reported), its name NFC with the legacy encoding it came in reported.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import (
    CoordTransform,
    DataSource,
    GDALException,
    OGRGeometry,
    SpatialReference,
)
from django.contrib.gis.gdal.field import OFTString
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon

from gis import archives, legacy_vietnamese
from gis.crs_guess import Crs, CrsCandidate, CrsProblem, guess_crs
from gis.ward_geometry import polygons_of, repaired

DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".kml", ".gdb")
CODE_FIELDS = ("ma", "ma_xa", "ma_phuong", "maphuong", "ma_px", "ma_dvhc", "madvhc", "code")
NAME_FIELDS = ("ten", "ten_xa", "ten_phuong", "tenphuong", "ten_px", "ten_dvhc", "name", "ten_dv")


class VectorFileProblem(ValueError):
    """Why the file cannot be read; `params` fill the caller's message."""

    def __init__(self, code: str, detail: str = "", **params: Any) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.params = params


@dataclass(frozen=True)
class VectorLimits:
    max_bytes: int = 200 * 1024**2
    max_features: int = 5_000
    max_vertices_total: int = 20_000_000
    max_vertices_per_feature: int = 2_000_000
    archive: archives.ArchiveLimits = archives.ArchiveLimits()


@dataclass
class WardFeature:
    number: int  # 1-based position in the layer, as users count
    code: str
    name: str
    geometry: MultiPolygon  # WGS 84
    vertices: int
    # GEOS's reason when the geometry was invalid and repaired.
    repair: str = ""
    name_before: str = ""  # the name as the bytes read naively, when converted


@dataclass
class WardLayer:
    driver: str
    layer: str
    layers: list[str]
    fields: list[str]
    code_field: str
    name_field: str
    crs: Crs
    crs_from_file: bool
    encoding: str
    encoding_source: str  # "cpg", "bytes" or "utf-8 format"
    without_diacritics: bool
    features: list[WardFeature] = field(default_factory=list)
    merged_codes: list[str] = field(default_factory=list)


def _size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    if path.suffix.lower() == ".shp":
        return sum(p.stat().st_size for p in path.parent.glob(path.stem + ".*") if p.is_file())
    return path.stat().st_size


def _find_dataset(folder: Path) -> Path:
    found = [
        p
        for p in sorted(folder.rglob("*"))
        if p.suffix.lower() in DATASET_SUFFIXES and (p.is_dir() == (p.suffix.lower() == ".gdb"))
    ]
    if not found:
        raise VectorFileProblem("no_dataset", "the archive holds no vector file")
    return found[0]


def dataset_path(path: Path, workdir: Path, limits: VectorLimits) -> Path:
    """The file or folder GDAL should open: a zip or KMZ is checked and extracted first."""
    if not path.exists():
        raise VectorFileProblem("missing", str(path))
    size = _size_of(path)
    if size > limits.max_bytes:
        raise VectorFileProblem("too_large", f"{size} bytes", size=size, limit=limits.max_bytes)
    suffix = path.suffix.lower()
    if suffix not in (".zip", ".kmz"):
        return path
    try:
        with archives.open_zip(path, limits.archive) as archive:
            members = archives.inspect(archive, limits.archive)
            if sum(m.size for m in members) > limits.max_bytes:
                raise VectorFileProblem("too_large", "inflated", limit=limits.max_bytes)
            archives.extract(archive, workdir)
    except archives.ArchiveRefused as exc:
        raise VectorFileProblem(f"archive_{exc.code}", exc.detail) from None
    if suffix == ".kmz":
        kmls = sorted(workdir.rglob("*.kml"))
        if not kmls:
            raise VectorFileProblem("no_dataset", "the KMZ holds no KML document")
        return kmls[0]
    return _find_dataset(workdir)


@contextlib.contextmanager
def _raw_shapefile_text() -> Iterator[None]:
    """Have the Shapefile driver hand over the DBF's bytes as they are (no recoding)."""
    lgdal.CPLSetThreadLocalConfigOption(b"SHAPE_ENCODING", b"")
    try:
        yield
    finally:
        lgdal.CPLSetThreadLocalConfigOption(b"SHAPE_ENCODING", None)


def _pick(candidates: tuple[str, ...], fields: list[str], chosen: str | None, kind: str) -> str:
    if chosen:
        for name in fields:
            if name.lower() == chosen.lower():
                return name
        raise VectorFileProblem("no_such_field", chosen, field=chosen, fields=", ".join(fields))
    by_lower = {name.lower(): name for name in fields}
    for candidate in candidates:
        if candidate in by_lower:
            return by_lower[candidate]
    raise VectorFileProblem(f"no_{kind}_field", kind, fields=", ".join(fields))


def _tidy_name(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _choose_layer(source: DataSource, wanted: str | None) -> Any:
    names = [source[i].name for i in range(source.layer_count)]
    if wanted:
        if wanted not in names:
            raise VectorFileProblem("no_such_layer", wanted, layer=wanted, layers=", ".join(names))
        return source[names.index(wanted)]
    polygonal = [
        source[i] for i in range(source.layer_count) if "Polygon" in source[i].geom_type.name
    ]
    if len(names) == 1:
        return source[0]
    if len(polygonal) == 1:
        return polygonal[0]
    raise VectorFileProblem("choose_layer", "", layers=", ".join(names))


def _crs_of(layer: Any, crs: Crs | None, meridians: tuple[float, ...]) -> tuple[Crs, bool]:
    if crs is not None:
        return crs, False
    reference = layer.srs
    if reference is not None:
        try:
            code = reference.srid
        except GDALException:
            code = None
        label = f"{reference.name} (EPSG:{code})" if code else str(reference.name)
        return Crs(label, f"EPSG:{code}" if code else reference.wkt), True
    extent = layer.extent.tuple if layer.num_feat else (0.0, 0.0, 0.0, 0.0)
    candidates: list[CrsCandidate] = guess_crs(extent, meridians)
    raise VectorFileProblem("crs_missing", "", candidates=candidates)


def read_ward_layer(
    path: Path,
    *,
    workdir: Path,
    limits: VectorLimits,
    layer: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
    crs: Crs | None = None,
    meridians: tuple[float, ...] = (105.75,),
) -> WardLayer:
    """Every feature of the chosen layer as a ward, or VectorFileProblem."""
    target = dataset_path(path, workdir, limits)
    is_shapefile = target.suffix.lower() == ".shp"
    declared = None
    if is_shapefile:
        cpg = target.with_suffix(".cpg")
        if not cpg.exists():
            cpg = target.with_suffix(".CPG")
        if cpg.exists():
            declared = legacy_vietnamese.encoding_from_cpg(cpg.read_text("latin-1")[:100])
    context = _raw_shapefile_text() if is_shapefile else contextlib.nullcontext()
    with context:
        try:
            source = DataSource(str(target), encoding="latin-1" if is_shapefile else "utf-8")
        except GDALException:
            raise VectorFileProblem("unreadable", target.name) from None
        chosen = _choose_layer(source, layer)
        try:
            count = chosen.num_feat
        except GDALException:
            raise VectorFileProblem("unreadable", target.name) from None
        if count > limits.max_features:
            raise VectorFileProblem("too_many_features", "", count=count, limit=limits.max_features)
        if count == 0:
            raise VectorFileProblem("empty", "")
        fields = list(chosen.fields)
        picked_code = _pick(CODE_FIELDS, fields, code_field, "code")
        picked_name = _pick(NAME_FIELDS, fields, name_field, "name")
        source_crs, crs_from_file = _crs_of(chosen, crs, meridians)
        try:
            transform = CoordTransform(source_crs.spatial_reference(), SpatialReference(4326))
        except (GDALException, CrsProblem) as exc:
            raise VectorFileProblem("unknown_crs", str(exc)) from None
        rows = _read_rows(chosen, picked_code, picked_name, transform, limits, is_shapefile)
    return _assemble(
        rows,
        declared=declared,
        is_shapefile=is_shapefile,
        header=dict(
            driver=str(source.driver),
            layer=chosen.name,
            layers=[source[i].name for i in range(source.layer_count)],
            fields=fields,
            code_field=picked_code,
            name_field=picked_name,
            crs=source_crs,
            crs_from_file=crs_from_file,
        ),
    )


@dataclass
class _Row:
    number: int
    code: str
    raw_name: bytes
    geometry: GEOSGeometry
    vertices: int


def _text(feature: Any, name: str, raw: bool) -> bytes:
    value = feature[name]
    if isinstance(value, OFTString):
        text = value.as_string() or ""
        return text.encode("latin-1") if raw else text.encode("utf-8")
    shown = value.value
    if isinstance(shown, float) and shown.is_integer():
        shown = int(shown)
    return b"" if shown is None else str(shown).encode("utf-8")


def _read_rows(
    layer: Any,
    code_field: str,
    name_field: str,
    transform: CoordTransform,
    limits: VectorLimits,
    raw: bool,
) -> list[_Row]:
    rows: list[_Row] = []
    total = 0
    for number, feature in enumerate(layer, start=1):
        try:
            ogr: OGRGeometry = feature.geom
        except (GDALException, ValueError):
            raise VectorFileProblem("no_geometry", "", number=number) from None
        vertices = int(ogr.point_count)
        if vertices > limits.max_vertices_per_feature:
            raise VectorFileProblem(
                "feature_too_big", "", number=number, count=vertices,
                limit=limits.max_vertices_per_feature,
            )  # fmt: skip
        total += vertices
        if total > limits.max_vertices_total:
            raise VectorFileProblem("too_many_vertices", "", limit=limits.max_vertices_total)
        ogr.set_3d(False)
        try:
            ogr.transform(transform)
            geometry = ogr.geos
        except (GDALException, GEOSException):
            raise VectorFileProblem("bad_geometry", "", number=number) from None
        code = _text(feature, code_field, raw).decode("utf-8", errors="replace").strip()
        if not code:
            raise VectorFileProblem("no_code", "", number=number)
        rows.append(_Row(number, code, _text(feature, name_field, raw), geometry, vertices))
    return rows


def _assemble(
    rows: list[_Row], *, declared: str | None, is_shapefile: bool, header: dict[str, Any]
) -> WardLayer:
    if declared:
        encoding, source, bare = declared, "cpg", False
    else:
        guess = legacy_vietnamese.guess_encoding(r.raw_name for r in rows)
        encoding, bare = guess.encoding, guess.without_diacritics
        source = "bytes" if is_shapefile else "utf-8 format"
    result = WardLayer(**header, encoding=encoding, encoding_source=source, without_diacritics=bare)
    by_code: dict[str, WardFeature] = {}
    for row in rows:
        # What a reader that ignores the encoding would show.
        naive = _tidy_name(row.raw_name.decode("cp1252", errors="replace"))
        if encoding in (legacy_vietnamese.UTF8, legacy_vietnamese.ASCII):
            name = naive = _tidy_name(row.raw_name.decode("utf-8", errors="replace"))
        elif is_shapefile:
            name = _tidy_name(legacy_vietnamese.decode(row.raw_name, encoding))
        else:  # a UTF-8 format holding legacy text read as Windows-1252
            naive = _tidy_name(row.raw_name.decode("utf-8", errors="replace"))
            name = _tidy_name(legacy_vietnamese.redecode(naive, encoding))
        if encoding == legacy_vietnamese.TCVN3:
            name = name.title()  # TCVN3 has no capitals of its own
        if not name:
            raise VectorFileProblem("no_name", "", number=row.number, ward=row.code)
        try:
            polygons, reason = repaired(row.geometry)
        except GEOSException:
            raise VectorFileProblem("bad_geometry", "", number=row.number) from None
        if not polygons:
            raise VectorFileProblem("not_polygon", "", number=row.number, ward=row.code)
        existing = by_code.get(row.code)
        if existing is not None:
            # A ward stored as several features (islands): one multipolygon.
            existing.geometry = MultiPolygon(
                [*polygons_of(existing.geometry), *polygons], srid=4326
            )
            existing.vertices += row.vertices
            existing.repair = existing.repair or reason
            if row.code not in result.merged_codes:
                result.merged_codes.append(row.code)
            continue
        feature = WardFeature(
            number=row.number,
            code=row.code,
            name=name,
            geometry=MultiPolygon(polygons, srid=4326),
            vertices=row.vertices,
            repair=reason,
            name_before=naive if naive != name else "",
        )
        by_code[row.code] = feature
        result.features.append(feature)
    return result
