"""Geometry validation with reasons a person can act on.

GEOS (through GeoDjango) reports *why* a polygon is invalid, e.g.
"Self-intersection[106.70 10.77]". We surface that reason instead of a bare
"invalid geometry".
"""

from __future__ import annotations

import json
import math

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon, WKBWriter


class GeometryProblem(ValueError):
    """The geometry cannot be stored; `reason` says why."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


GEOJSON_EXPECTED = (
    'not a GeoJSON geometry: it needs a "type" and matching "coordinates" '
    "(a polygon ring closes on its first position and has at least 4 positions)"
)


def parse_geometry(value: object, srid: int = 4326) -> GEOSGeometry:
    """Parse GeoJSON (str or mapping), WKT or EWKT into a 2-D GEOS geometry in `srid`.

    A geometry without a CRS is taken to be in `srid`; one that names another
    CRS (EWKT's SRID=, GeoJSON's "crs") is reprojected into `srid`. Z values
    are dropped: every geometry is stored in 2-D. Malformed input, an unknown
    CRS or an impossible reprojection raise GeometryProblem, never a GDAL or
    GEOS error.
    """
    if isinstance(value, GEOSGeometry):
        geom = value.clone()
    else:
        text = json.dumps(value) if isinstance(value, dict) else value
        if not isinstance(text, str) or not text.strip():
            raise GeometryProblem("unparseable", "empty geometry")
        try:
            geom = GEOSGeometry(text)
        except (GEOSException, GDALException, ValueError, TypeError) as exc:
            # GDAL's and GEOS's own words ("Invalid geometry pointer returned
            # from OGR_G_CreateGeometryFromJson") help nobody: say what is expected.
            reason = GEOJSON_EXPECTED if text.lstrip().startswith("{") else _plain_reason(exc)
            raise GeometryProblem("unparseable", reason) from None
        # GDAL leaves the SRID unset when it does not know the CRS a GeoJSON
        # document names: refuse it rather than silently read it as `srid`.
        if geom.srid is None and '"crs"' in text:
            raise GeometryProblem("unknown_crs", "unknown coordinate reference system")
    if geom.hasz:
        writer = WKBWriter()
        writer.outdim = 2
        flat = GEOSGeometry(writer.write(geom))
        flat.srid = geom.srid
        geom = flat
    if geom.srid is None:
        geom.srid = srid
    elif geom.srid != srid:
        try:
            geom = geom.transform(srid, clone=True)
        except (GEOSException, GDALException, ValueError) as exc:
            raise GeometryProblem("unprojectable", _plain_reason(exc)) from None
    return geom


def _plain_reason(exc: Exception) -> str:
    return str(exc).strip() or exc.__class__.__name__


def _outside_degree_ranges(geom: GEOSGeometry) -> bool:
    minx, miny, maxx, maxy = geom.extent
    return not (
        all(math.isfinite(v) for v in (minx, miny, maxx, maxy))
        and -180.0 <= minx <= maxx <= 180.0
        and -90.0 <= miny <= maxy <= 90.0
    )


def ensure_valid_polygon(geom: GEOSGeometry) -> GEOSGeometry:
    """Check that geom is a non-empty, valid Polygon or MultiPolygon."""
    if not isinstance(geom, Polygon | MultiPolygon):
        raise GeometryProblem("wrong_type", f"expected a Polygon, got {geom.geom_type}")
    if geom.empty:
        raise GeometryProblem("empty", "empty polygon")
    if not geom.valid:
        raise GeometryProblem("invalid", geom.valid_reason)
    if geom.srid in (None, 4326) and _outside_degree_ranges(geom):
        raise GeometryProblem(
            "out_of_range", "coordinates outside longitude -180..180 or latitude -90..90"
        )
    return geom


def as_multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        multi = MultiPolygon(geom)
        multi.srid = geom.srid
        return multi
    raise GeometryProblem("wrong_type", f"expected a Polygon, got {geom.geom_type}")


# WGS 84 / UTM zone 48N: metric, and covers southern Vietnam with little
# distortion. Used for short distances and buffers only; storage stays 4326.
METRIC_SRID = 32648


def metric_distance_m(a: GEOSGeometry, b: GEOSGeometry) -> float:
    """Distance in metres between two geometries stored in EPSG:4326."""
    try:
        return float(
            a.transform(METRIC_SRID, clone=True).distance(b.transform(METRIC_SRID, clone=True))
        )
    except (GEOSException, GDALException) as exc:
        raise GeometryProblem("unprojectable", _plain_reason(exc)) from None
