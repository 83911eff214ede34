"""TTXD's own icon: a ward building with a checkmark, drawn once as shapes.

The same shapes are written as SVG and rasterised with Pillow into every PNG
size browsers and phones ask for, and into /favicon.ico (frontend/root, served
at the site's root by WhiteNoise). The files are committed; run
`manage.py build_icons` after changing a shape, and tests/foundation checks
that the committed files match what this draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw

NAVY = "#12355b"  # the site's header colour (ttxd/site.css), the field app's theme
WHITE = "#ffffff"
GOLD = "#f2b632"
CANVAS = 512  # the drawing's own units; every output is scaled from them
CORNER = 96  # corner radius of the rounded tile
SUPERSAMPLE = 4  # drawn larger, then reduced: smooth edges without an SVG renderer
# The safe zone of a maskable icon is the central circle of 80 % diameter.
MASKABLE_SCALE = 0.8


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    radius: float = 0


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str


@dataclass(frozen=True)
class Stroke:
    points: tuple[tuple[float, float], ...]
    width: float
    colour: str


Shape = Rect | Circle | Stroke

# The glyph on the tile: a tower and its lower wing on a ground line, and a
# gold badge with a checkmark (the permit in order), ringed in navy.
GLYPH: tuple[Shape, ...] = (
    Rect(136, 112, 168, 288, WHITE),
    Rect(304, 208, 88, 192, WHITE),
    *(
        Rect(x, y, 28, 32, NAVY)
        for y in (144, 196, 248, 300)
        for x in (164, 206, 248)
        if not (y == 300 and x == 206)
    ),
    Rect(200, 344, 40, 56, NAVY),
    Rect(324, 236, 20, 28, NAVY),
    Rect(356, 236, 20, 28, NAVY),
    Rect(96, 400, 320, 16, WHITE, radius=8),
    Circle(360, 368, 96, NAVY),
    Circle(360, 368, 80, GOLD),
    Stroke(((318, 370), (348, 400), (402, 340)), 24, NAVY),
)


def _scaled(shape: Shape, k: float, offset: float) -> Shape:
    def p(v: float) -> float:
        return v * k + offset

    if isinstance(shape, Rect):
        return Rect(p(shape.x), p(shape.y), shape.w * k, shape.h * k, shape.fill, shape.radius * k)
    if isinstance(shape, Circle):
        return Circle(p(shape.cx), p(shape.cy), shape.r * k, shape.fill)
    return Stroke(tuple((p(x), p(y)) for x, y in shape.points), shape.width * k, shape.colour)


def shapes(*, maskable: bool = False) -> list[Shape]:
    """The icon in drawing units: a rounded tile, or a full-bleed square whose
    glyph keeps to the safe zone (maskable icons, iOS home screens)."""
    if not maskable:
        return [Rect(0, 0, CANVAS, CANVAS, NAVY, radius=CORNER), *GLYPH]
    offset = CANVAS * (1 - MASKABLE_SCALE) / 2
    return [Rect(0, 0, CANVAS, CANVAS, NAVY)] + [_scaled(s, MASKABLE_SCALE, offset) for s in GLYPH]


def _n(v: float) -> str:
    return f"{v:g}"


def svg(*, maskable: bool = False) -> str:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CANVAS} {CANVAS}">']
    for s in shapes(maskable=maskable):
        if isinstance(s, Rect):
            rx = f' rx="{_n(s.radius)}"' if s.radius else ""
            parts.append(
                f'  <rect x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.w)}" height="{_n(s.h)}"'
                f'{rx} fill="{s.fill}"/>'
            )
        elif isinstance(s, Circle):
            parts.append(
                f'  <circle cx="{_n(s.cx)}" cy="{_n(s.cy)}" r="{_n(s.r)}" fill="{s.fill}"/>'
            )
        else:
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in s.points)
            parts.append(
                f'  <polyline points="{points}" fill="none" stroke="{s.colour}"'
                f' stroke-width="{_n(s.width)}" stroke-linecap="round" stroke-linejoin="round"/>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render(size: int, *, maskable: bool = False) -> Image.Image:
    """The icon as a size × size RGBA image."""
    big = size * SUPERSAMPLE
    k = big / CANVAS
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for s in shapes(maskable=maskable):
        if isinstance(s, Rect):
            box = (s.x * k, s.y * k, (s.x + s.w) * k - 1, (s.y + s.h) * k - 1)
            if s.radius:
                draw.rounded_rectangle(box, radius=s.radius * k, fill=s.fill)
            else:
                draw.rectangle(box, fill=s.fill)
        elif isinstance(s, Circle):
            r = s.r * k
            draw.ellipse((s.cx * k - r, s.cy * k - r, s.cx * k + r, s.cy * k + r), fill=s.fill)
        else:
            points = [(x * k, y * k) for x, y in s.points]
            width = s.width * k
            draw.line(points, fill=s.colour, width=round(width), joint="curve")
            for x, y in (points[0], points[-1]):  # round caps, as stroke-linecap="round"
                draw.ellipse(
                    (x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=s.colour
                )
    return image.resize((size, size), Image.Resampling.LANCZOS)


STATIC_DIR = Path(settings.BASE_DIR) / "frontend" / "static" / "ttxd"
ROOT_DIR = Path(settings.BASE_DIR) / "frontend" / "root"  # settings.WHITENOISE_ROOT

# file name -> (size, maskable); the links are in templates/ttxd/icons.html and
# the field app's manifest (backend.field.views).
PNGS: dict[str, tuple[int, bool]] = {
    "favicon-32.png": (32, False),
    "apple-touch-icon.png": (180, True),  # iOS rounds the corners itself
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "icon-maskable-512.png": (512, True),
}
ICO_SIZES = (16, 32, 48)


def write_icons(static_dir: Path = STATIC_DIR, root_dir: Path = ROOT_DIR) -> list[Path]:
    """Write icon.svg, the PNGs and favicon.ico; answer the paths written."""
    static_dir.mkdir(parents=True, exist_ok=True)
    root_dir.mkdir(parents=True, exist_ok=True)
    written = [static_dir / "icon.svg"]
    written[0].write_text(svg(), encoding="utf-8")
    for name, (size, maskable) in PNGS.items():
        path = static_dir / name
        render(size, maskable=maskable).save(path, format="PNG", optimize=True)
        written.append(path)
    ico = root_dir / "favicon.ico"
    largest = max(ICO_SIZES)
    render(largest).save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[render(s) for s in ICO_SIZES if s != largest],
    )
    written.append(ico)
    return written
