"""Geometry validation with reasons a person can act on.

GEOS (through GeoDjango) reports *why* a polygon is invalid, e.g.
"Self-intersection[106.70 10.77]". We surface that reason instead of a bare
"invalid geometry".
"""

from __future__ import annotations

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon


class GeometryProblem(ValueError):
    """The geometry cannot be stored; `reason` says why."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def parse_geometry(value: object, srid: int = 4326) -> GEOSGeometry:
    """Parse GeoJSON (str or mapping) or WKT into a GEOS geometry with an SRID."""
    import json

    if isinstance(value, GEOSGeometry):
        geom = value
    else:
        text = json.dumps(value) if isinstance(value, dict) else value
        if not isinstance(text, str) or not text.strip():
            raise GeometryProblem("unparseable", "empty geometry")
        try:
            geom = GEOSGeometry(text)
        except (GEOSException, ValueError, TypeError) as exc:
            raise GeometryProblem("unparseable", str(exc) or "unparseable geometry") from None
    if geom.srid is None:
        geom.srid = srid
    return geom


def ensure_valid_polygon(geom: GEOSGeometry) -> GEOSGeometry:
    """Check that geom is a non-empty, valid Polygon or MultiPolygon."""
    if not isinstance(geom, Polygon | MultiPolygon):
        raise GeometryProblem("wrong_type", f"expected a Polygon, got {geom.geom_type}")
    if geom.empty:
        raise GeometryProblem("empty", "empty polygon")
    if not geom.valid:
        raise GeometryProblem("invalid", geom.valid_reason)
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
    return float(a.transform(METRIC_SRID, clone=True).distance(b.transform(METRIC_SRID, clone=True)))
