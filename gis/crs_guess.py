"""Which coordinate system a file's numbers are in: named, built, or guessed.

VN-2000 provincial maps use a 3° Transverse Mercator zone (scale 0.9999,
false easting 500 km) on the province's own central meridian. EPSG has
codes for most of them (9205–9218, e.g. 9210 for 105°45′, Ho Chi Minh City),
but not for every meridian a province used: the former Bà Rịa–Vũng Tàu
drew on 107°45′. Those are built from the same parameters as EPSG's zones,
with EPSG's VN-2000 → WGS 84 transformation (EPSG:4756's TOWGS84).

A file with no .prj says nothing: its coordinate ranges tell degrees from
metres, and metres on a 3° zone (eastings near 500 km) from UTM, but not
which meridian; the guess is shown and the import waits for the user.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.contrib.gis.gdal import CoordTransform, GDALException, OGRGeometry, SpatialReference

from gis.coords import in_vietnam

# EPSG:4756 (VN-2000) to WGS 84, position vector, as PROJ lists it for EPSG:9210.
VN2000_TOWGS84 = (
    "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
)
# EPSG's VN-2000 / TM-3 zones by central meridian (degrees east).
VN2000_TM3_EPSG: dict[float, int] = {
    103.0: 9205,
    104.0: 9206,
    104.5: 9207,
    104.75: 9208,
    105.5: 9209,
    105.75: 9210,
    106.0: 9211,
    106.25: 9212,
    106.5: 9213,
    107.0: 9214,
    107.25: 9215,
    107.5: 9216,
    108.25: 9217,
    108.5: 9218,
}
VN2000_UTM_EPSG = {48: 3405, 49: 3406}
WGS84_UTM_EPSG = {48: 32648, 49: 32649}


class CrsProblem(ValueError):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def meridian_label(meridian: float) -> str:
    degrees = int(meridian)
    minutes = round((meridian - degrees) * 60)
    return f"{degrees}°{minutes:02d}′"


def vn2000_tm3_proj(meridian: float) -> str:
    """The PROJ string of VN-2000 / TM-3 on a central meridian (degrees east)."""
    return (
        f"+proj=tmerc +lat_0=0 +lon_0={meridian:g} +k=0.9999 +x_0=500000 +y_0=0 "
        f"+ellps=WGS84 +towgs84={VN2000_TOWGS84} +units=m +no_defs"
    )


@dataclass(frozen=True)
class Crs:
    """A coordinate system by the name users know and what GDAL needs."""

    label: str
    # "EPSG:9210" or a PROJ string for zones EPSG lacks.
    definition: str

    def spatial_reference(self) -> SpatialReference:
        return srs_from_text(self.definition)


def vn2000_tm3(meridian: float) -> Crs:
    if not (102.0 <= meridian <= 110.0) or round(meridian * 4) != meridian * 4:
        raise CrsProblem(
            "bad_meridian",
            f"{meridian} is not a VN-2000 central meridian (102–110, in steps of 15′)",
        )
    code = VN2000_TM3_EPSG.get(meridian)
    label = f"VN-2000 / TM-3 {meridian_label(meridian)}"
    if code is not None:
        return Crs(f"{label} (EPSG:{code})", f"EPSG:{code}")
    return Crs(label, vn2000_tm3_proj(meridian))


def srs_from_text(text: str) -> SpatialReference:
    """EPSG:n, a bare number, a PROJ string or WKT, or CrsProblem("unknown_crs")."""
    value = text.strip()
    if value.upper().startswith("EPSG:"):
        value = value[5:]
    try:
        if value.isdigit():
            return SpatialReference(int(value))
        return SpatialReference(value)
    except (GDALException, ValueError, TypeError) as exc:
        raise CrsProblem("unknown_crs", f"{text!r}: {exc}") from None


def crs_from_option(srs: str | None, vn2000_meridian: float | None) -> Crs | None:
    """The CRS the user names (--srs or --vn2000-meridian), or None."""
    if srs and vn2000_meridian is not None:
        raise CrsProblem("two_crs", "name the CRS once: an EPSG code or a VN-2000 meridian")
    if vn2000_meridian is not None:
        return vn2000_tm3(vn2000_meridian)
    if srs:
        # Only a code: a PROJ string or WKT from a form could point GDAL at files.
        code = srs.strip().upper().removeprefix("EPSG:")
        if not (code.isascii() and code.isdigit() and len(code) <= 6):
            raise CrsProblem("unknown_crs", f"{srs!r} is not an EPSG code")
        reference = srs_from_text(code)
        return Crs(f"{reference.name} (EPSG:{code})", f"EPSG:{code}")
    return None


@dataclass(frozen=True)
class CrsCandidate:
    crs: Crs
    # Where the middle of the data lands in WGS 84, for the user to recognise.
    lat: float
    lon: float


def _centre_in_wgs84(crs: Crs, x: float, y: float) -> tuple[float, float] | None:
    point = OGRGeometry(f"POINT ({x!r} {y!r})", srs=crs.spatial_reference())
    try:
        point.transform(CoordTransform(crs.spatial_reference(), SpatialReference(4326)))
    except GDALException:
        return None
    lon, lat = point.x, point.y  # type: ignore[attr-defined]
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return lat, lon


def guess_crs(
    extent: tuple[float, float, float, float], meridians: tuple[float, ...] = (105.75,)
) -> list[CrsCandidate]:
    """The systems these coordinates could be in, most likely first (empty: none fits).

    extent is (min_x, min_y, max_x, max_y) as the file stores it. Degrees
    inside Vietnam are WGS 84. Metres: a 3° zone keeps a province within
    ~170 km of its meridian's false easting (500 km), so eastings near it
    read as VN-2000 / TM-3 on the given meridians first; UTM 48N/49N
    (VN-2000 and WGS 84) follow when the data lands in Vietnam under them.
    """
    min_x, min_y, max_x, max_y = extent
    centre_x, centre_y = (min_x + max_x) / 2, (min_y + max_y) / 2
    if -180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90:
        if in_vietnam(centre_y, centre_x):
            return [CrsCandidate(Crs("WGS 84 (EPSG:4326)", "EPSG:4326"), centre_y, centre_x)]
        return []
    options: list[Crs] = []
    if min_x >= 330_000 and max_x <= 670_000:
        options.extend(vn2000_tm3(meridian) for meridian in meridians)
    for zone in (48, 49):
        options.append(
            Crs(
                f"VN-2000 / UTM {zone}N (EPSG:{VN2000_UTM_EPSG[zone]})",
                f"EPSG:{VN2000_UTM_EPSG[zone]}",
            )
        )
        options.append(
            Crs(
                f"WGS 84 / UTM {zone}N (EPSG:{WGS84_UTM_EPSG[zone]})",
                f"EPSG:{WGS84_UTM_EPSG[zone]}",
            )
        )
    found: list[CrsCandidate] = []
    for crs in options:
        centre = _centre_in_wgs84(crs, centre_x, centre_y)
        if centre is not None and in_vietnam(*centre):
            found.append(CrsCandidate(crs, centre[0], centre[1]))
    return found
