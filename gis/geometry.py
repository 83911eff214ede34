"""Geometry validation with reasons a person can act on.

GEOS (through GeoDjango) reports *why* a polygon is invalid, e.g.
"Self-intersection[106.70 10.77]". We surface that reason instead of a bare
"invalid geometry".
"""

from __future__ import annotations

import json
import math

from django.contrib.gis.gdal import CoordTransform, GDALException, SpatialReference
from django.contrib.gis.geos import (
    GEOSException,
    GEOSGeometry,
    MultiPolygon,
    Point,
    Polygon,
    WKBWriter,
)
from django.core.exceptions import SuspiciousOperation

from gis.coords import VIETNAM_LAT, VIETNAM_LON


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
        except SuspiciousOperation:
            # Django refuses a GeoJSON "crs" that links to an outside resource
            # (a URL or file GDAL would fetch): say so instead of failing.
            raise GeometryProblem("external_crs", "the CRS is a link, not a name") from None
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
# Where UTM 48N (central meridian 105° E) is used: Vietnam (gis.coords), where
# its scale error stays under 0.4 %. Elsewhere a projection centred on the
# geometries themselves measures better.
METRIC_ZONE_LON = VIETNAM_LON
METRIC_ZONE_LAT = VIETNAM_LAT

# WGS 84 ellipsoid (EPSG:7030).
WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563
WGS84_B = WGS84_A * (1 - WGS84_F)
# The WGS 84 mean radius (IUGG), for the spherical fallback.
MEAN_EARTH_RADIUS_M = 6371008.7714


def _check_degrees(lat: float, lon: float) -> None:
    if not (
        math.isfinite(lat)
        and math.isfinite(lon)
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    ):
        raise GeometryProblem(
            "out_of_range", "coordinates outside longitude -180..180 or latitude -90..90"
        )


def haversine_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on the sphere of the WGS 84 mean radius (within 0.5 %)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * MEAN_EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def geodesic_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in metres on the WGS 84 ellipsoid between two positions in degrees.

    Vincenty's inverse formula (millimetre accuracy), valid anywhere on Earth:
    a phone abroad or a camera's bogus fix is a long distance, not an error.
    For nearly antipodal points, where the iteration does not converge, the
    great-circle distance on the mean sphere stands in (within 0.5 %).
    Raises GeometryProblem only for values that are not degrees.
    """
    for lat, lon in ((lat1, lon1), (lat2, lon2)):
        _check_degrees(lat, lon)
    if lat1 == lat2 and lon1 == lon2:
        return 0.0
    f, a, b = WGS84_F, WGS84_A, WGS84_B
    # The shorter way round: 106.69° E to 170° W is 83.31° west, not 276.69° east.
    big_l = math.radians((lon2 - lon1 + 540.0) % 360.0 - 180.0)
    u1 = math.atan((1 - f) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - f) * math.tan(math.radians(lat2)))
    sin_u1, cos_u1 = math.sin(u1), math.cos(u1)
    sin_u2, cos_u2 = math.sin(u2), math.cos(u2)
    lam = big_l
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        if sin_sigma == 0.0:
            return 0.0  # the same point
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        # On the equator cos²α is 0 and the term vanishes.
        cos_2sm = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
        )
        if abs(lam) > math.pi:
            break  # diverging: nearly antipodal
        if abs(lam - previous) < 1e-12:
            u_sq = cos2_alpha * (a * a - b * b) / (b * b)
            big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
            big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
            delta_sigma = (
                big_b
                * sin_sigma
                * (
                    cos_2sm
                    + big_b
                    / 4
                    * (
                        cos_sigma * (-1 + 2 * cos_2sm**2)
                        - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
                    )
                )
            )
            return float(b * big_a * (sigma - delta_sigma))
    return haversine_distance_m(lat1, lon1, lat2, lon2)


def _as_wgs84(geom: GEOSGeometry) -> GEOSGeometry:
    if geom.srid in (None, 4326):
        return geom
    try:
        return geom.transform(4326, clone=True)
    except (GEOSException, GDALException) as exc:
        raise GeometryProblem("unprojectable", _plain_reason(exc)) from None


def _in_metric_zone(extent: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = extent
    return (
        METRIC_ZONE_LON[0] <= minx <= maxx <= METRIC_ZONE_LON[1]
        and METRIC_ZONE_LAT[0] <= miny <= maxy <= METRIC_ZONE_LAT[1]
    )


def _projected_distance(a: GEOSGeometry, b: GEOSGeometry, srs: SpatialReference | int) -> float:
    first, second = a.clone(), b.clone()
    first.srid = second.srid = 4326
    transform = CoordTransform(SpatialReference(4326), srs) if not isinstance(srs, int) else srs
    first.transform(transform)
    second.transform(transform)
    distance = float(first.distance(second))
    if not math.isfinite(distance):
        raise GDALException("the projection gave a distance that is not a number")
    return distance


def _local_projection(geom: GEOSGeometry) -> SpatialReference:
    """An azimuthal equidistant projection centred on `geom`.

    Distances from the centre are true in it, so the distance from a small
    geometry there to anything else, however far, is measured almost exactly.
    """
    lat0, lon0 = _centre(geom)
    return SpatialReference(
        f"+proj=aeqd +lat_0={lat0:.9f} +lon_0={lon0:.9f} +datum=WGS84 +units=m +no_defs"
    )


def _centre(geom: GEOSGeometry) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.extent
    return (miny + maxy) / 2, (minx + maxx) / 2


def _centre_distance(a: GEOSGeometry, b: GEOSGeometry) -> float:
    return geodesic_distance_m(*_centre(a), *_centre(b))


def _reach(geom: GEOSGeometry) -> float:
    """How far any point of `geom` lies from its centre, at most (via its extent's corners)."""
    minx, miny, maxx, maxy = geom.extent
    lat, lon = _centre(geom)
    corners = ((miny, minx), (miny, maxx), (maxy, minx), (maxy, maxx))
    return max(geodesic_distance_m(lat, lon, y, x) for y, x in corners)


def _span(geom: GEOSGeometry) -> float:
    minx, miny, maxx, maxy = geom.extent
    return math.hypot(maxx - minx, maxy - miny)


def _vertex_distance(a: GEOSGeometry, b: GEOSGeometry) -> float:
    """The shortest geodesic between vertices: an upper bound when no projection will do."""
    try:
        if a.intersects(b):
            return 0.0
    except (GEOSException, ValueError):
        pass  # an invalid polygon: its vertices still say how far it is
    return min(
        geodesic_distance_m(ya, xa, yb, xb) for xa, ya in _vertices(a) for xb, yb in _vertices(b)
    )


def _vertices(geom: GEOSGeometry) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []

    def walk(value: object) -> None:
        if isinstance(value, list) and value and isinstance(value[0], int | float):
            out.append((float(value[0]), float(value[1])))
        elif isinstance(value, list):
            for item in value:
                walk(item)

    document = json.loads(geom.json)
    for part in document.get("geometries", [document]):
        walk(part.get("coordinates", []))
    return out


def metric_distance_m(a: GEOSGeometry, b: GEOSGeometry) -> float:
    """Distance in metres between two geometries in EPSG:4326 (no SRID is read as 4326).

    Two points: the geodesic on the WGS 84 ellipsoid, anywhere on Earth. Other
    geometries: measured in UTM 48N in Vietnam, elsewhere in a projection
    centred on the smaller of them; where that projection fails or folds up
    (near its antipode), the shortest geodesic between their vertices.
    Raises GeometryProblem only for coordinates that are not degrees or an
    empty geometry, never a GDAL or GEOS error.
    """
    a, b = _as_wgs84(a), _as_wgs84(b)
    if a.empty or b.empty:
        raise GeometryProblem("empty", "empty geometry")
    for geom in (a, b):
        minx, miny, maxx, maxy = geom.extent
        _check_degrees(miny, minx)
        _check_degrees(maxy, maxx)
    if isinstance(a, Point) and isinstance(b, Point):
        return geodesic_distance_m(a.y, a.x, b.y, b.x)
    extent = (
        min(a.extent[0], b.extent[0]),
        min(a.extent[1], b.extent[1]),
        max(a.extent[2], b.extent[2]),
        max(a.extent[3], b.extent[3]),
    )
    try:
        if _in_metric_zone(extent):
            return _projected_distance(a, b, METRIC_SRID)
        smaller = a if _span(a) <= _span(b) else b
        distance = _projected_distance(a, b, _local_projection(smaller))
    except (GEOSException, GDALException, ValueError):
        return _vertex_distance(a, b)
    # Near the antipode of the projection's centre shapes fold up (a distance of
    # 0 across the globe): no true distance undercuts the distance between the
    # centres less each geometry's reach from its centre (1 % for the ellipsoid).
    floor = _centre_distance(a, b) - _reach(a) - _reach(b)
    if distance < 0.99 * floor - 1.0:
        return _vertex_distance(a, b)
    return distance
