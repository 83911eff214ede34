"""The coordinate reference systems the OGC API answers in (OGC API – Features Part 2).

Geometry is stored in WGS 84 longitude/latitude, which is OGC's CRS84. Every
other CRS is one transformation away, written into the statement from this
fixed table (never from the request). EPSG:4326 has latitude first: its
coordinates are swapped, as Part 2 requires. The VN-2000 grids are easting
then northing, as their EPSG definitions say; EPSG:9210, which PostGIS
ships without, is added to spatial_ref_sys by migration ogc 0001.
"""

from __future__ import annotations

from dataclasses import dataclass

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/"


@dataclass(frozen=True)
class Crs:
    uri: str
    epsg: int | None  # None: CRS84, the storage CRS
    lat_first: bool = False
    decimals: int = 7  # about 1 cm in degrees; 3 for metres

    def to_sql(self, column_sql: str) -> str:
        """SQL turning a stored (CRS84) geometry into this CRS, axes in its order."""
        if self.epsg is None:
            return column_sql
        if self.epsg == 4326:
            return f"ST_FlipCoordinates({column_sql})"
        return f"ST_Transform({column_sql}, {self.epsg:d})"


SUPPORTED: tuple[Crs, ...] = (
    Crs(CRS84, None),
    Crs(EPSG_URI + "4326", 4326, lat_first=True),
    Crs(EPSG_URI + "3857", 3857, decimals=3),
    # VN-2000 / TM-3 105-45: Ho Chi Minh City's cadastral grid.
    Crs(EPSG_URI + "9210", 9210, decimals=3),
    # VN-2000 / UTM zone 48N.
    Crs(EPSG_URI + "3405", 3405, decimals=3),
)
BY_URI = {crs.uri: crs for crs in SUPPORTED}
DEFAULT = SUPPORTED[0]


def crs_named(text: str) -> Crs | None:
    """The CRS a `crs` or `bbox-crs` parameter names: its URI, or also `EPSG:N`,
    `[EPSG:N]` (a safe CURIE) and `CRS84`, as clients write them."""
    name = text.strip()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name.upper() in {"CRS84", "OGC:CRS84"}:
        return DEFAULT
    if name.upper().startswith("EPSG:"):
        name = EPSG_URI + name[5:]
    name = name.replace("https://", "http://", 1)
    return BY_URI.get(name)


def header_value(crs: Crs) -> str:
    """The Content-Crs header (Part 2): the URI in angle brackets."""
    return f"<{crs.uri}>"
