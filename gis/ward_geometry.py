"""Ward polygons made valid without losing what they are: parts and holes kept.

GEOS's make_valid keeps every vertex: a bowtie becomes two triangles, a
ring touching itself becomes a polygon with a hole. Lines and points it may
leave behind (a spike, a repeated edge) carry no area and are dropped.
"""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon


def polygons_of(geometry: GEOSGeometry) -> list[Polygon]:
    """The polygons inside a geometry of any kind (collections searched)."""
    if isinstance(geometry, Polygon):
        return [] if geometry.empty else [geometry]
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        found: list[Polygon] = []
        parts: Any = geometry
        for part in parts:
            found.extend(polygons_of(part))
        return found
    return []


def repaired(geometry: GEOSGeometry) -> tuple[list[Polygon], str]:
    """(polygons, "") for a valid geometry; (repaired polygons, GEOS's reason) otherwise."""
    if geometry.valid:
        return polygons_of(geometry), ""
    reason = geometry.valid_reason
    fixed = geometry.make_valid()
    polygons = polygons_of(fixed)
    multi = MultiPolygon(polygons, srid=geometry.srid) if polygons else None
    if multi is not None and not multi.valid:
        # Parts of a collection may overlap each other: their union is one valid shape.
        polygons = polygons_of(multi.unary_union)
    return polygons, reason
