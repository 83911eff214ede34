"""The location sketch in a violation record's appendix, drawn without map tiles.

Ward offices sit on closed networks, so the sketch is drawn from the
database's own geometries: the site, its footprint, the permit parcels around
it and the ward boundary, in true metres (gis.sketch_frame).
"""

from __future__ import annotations

import io
import itertools
from typing import Any

from backend.cases.models import ViolationCase
from backend.permits.selectors import permits_visible_to
from gis.sketch_frame import dash_segments, exterior_rings, sketch_frame_around


def location_sketch_png(case: ViolationCase, user: Any = None, size: int = 900) -> bytes:
    """A north-up sketch of the site, drawn offline (no map tiles needed).

    Red: the site point and the footprint of the works; blue: the permit's
    parcel; grey: neighbouring permit parcels; dashed: the ward boundary.
    Distances are true in metres (gis.sketch_frame), so are the 20 m grid and
    scale bar.
    """
    from PIL import Image, ImageDraw, ImageFont

    lon0, lat0 = case.location.x, case.location.y
    shapes: list[tuple[Any, str, int]] = []
    if case.permit is not None and case.permit.parcel:
        shapes.append((case.permit.parcel, "#1f5fbf", 4))
    if case.footprint:
        shapes.append((case.footprint, "#c0392b", 4))
    frame = sketch_frame_around(
        lon0,
        lat0,
        (
            point
            for geom, _colour, _width in shapes
            for ring in exterior_rings(geom)
            for point in ring
        ),
        size_px=size,
    )
    bounds = frame.bounds_polygon()
    neighbours = []
    if user is not None:
        neighbours = [
            p.parcel
            for p in permits_visible_to(user)
            .filter(parcel__bboverlaps=bounds)
            .exclude(pk=case.permit_id or 0)
            .select_related(None)
            .only("parcel")[:60]
        ]

    def outline(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [frame.pixel(x, y) for x, y in ring]

    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    try:
        font: Any = ImageFont.load_default(size=18)
    except (TypeError, OSError):  # a Pillow without FreeType: the small bitmap font
        font = ImageFont.load_default()
    grid_m = 20
    for offset in frame.grid_offsets(grid_m):
        draw.line([(offset, 0), (offset, size)], fill="#eeeeee")
        draw.line([(0, offset), (size, offset)], fill="#eeeeee")
    boundary = case.ward.boundary
    if boundary is not None and boundary.intersects(bounds):
        for ring in exterior_rings(boundary):
            for a, b in itertools.pairwise(outline(ring)):
                for dash in dash_segments(a, b, size):
                    draw.line(list(dash), fill="#444444", width=3)
    for parcel in neighbours:
        for ring in exterior_rings(parcel):
            draw.polygon(outline(ring), outline="#999999", width=2)
    for geom, colour, width in shapes:
        for ring in exterior_rings(geom):
            draw.polygon(outline(ring), outline=colour, width=width)
    cx, cy = size / 2, size / 2
    draw.ellipse([cx - 10, cy - 10, cx + 10, cy + 10], fill="#c0392b", outline="black", width=2)
    draw.polygon([(size - 45, 20), (size - 57, 58), (size - 33, 58)], fill="black")
    draw.text((size - 51, 62), "N", fill="black", font=font)
    bar = grid_m * frame.pixels_per_metre
    margin = frame.margin_px
    draw.rectangle([margin, size - 34, margin + bar, size - 27], fill="black")
    draw.text((margin, size - 24), f"{grid_m} m", fill="black", font=font)
    draw.text((margin, 12), f"{lat0:.6f} N, {lon0:.6f} E (WGS 84)", fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
