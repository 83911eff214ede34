"""From uploaded bytes to what is stored: type, size checks, EXIF, derivatives.

No database here. The order matters for safety and speed:

1. the type comes from the first bytes, against an allow-list (never the
   file name or the client's Content-Type);
2. the container is opened lazily: dimensions and EXIF are read from headers
   and a pixel flood is refused before any pixel is decoded;
3. only then are pixels decoded, JPEGs in draft mode (libjpeg scales the DCT
   by 1/2, 1/4 or 1/8 while decoding), so a 12 MP photo never exists in
   memory at full size;
4. derivatives are re-encoded from pixels alone: upright, no EXIF, no ICC,
   no comments, no XMP — nothing from the original's metadata survives.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

import pillow_heif
from django.utils.translation import gettext as _
from PIL import Image

from backend.core.errors import InvalidInput
from backend.photos.errors import UnsupportedImageType
from gis.exif import ExifFacts, exif_facts_from_bytes

pillow_heif.register_heif_opener()

# Pillow's plug-in for each allowed kind, and the media type it is served with.
PIL_FORMAT = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF", "heif": "HEIF"}
CONTENT_TYPE = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heic": "image/heic",
    "heif": "image/heif",
}
HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"mif2", b"heif"})
AVIF_BRANDS = frozenset({b"avif", b"avis"})

# Orientation tag value -> the transposition that makes the picture upright
# (EXIF 2.32, tag 0x0112).
UPRIGHT = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}
PREVIEW_QUALITY = 82
THUMBNAIL_QUALITY = 78


def sniff_kind(head: bytes) -> str | None:
    """The image kind from its first bytes, or None if not on the allow-list."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and len(head) >= 12:
        box_size = int.from_bytes(head[:4], "big")
        major = head[8:12]
        compatible = {head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
        brands = {major} | compatible
        if brands & HEIC_BRANDS:
            return "heic"
        # AVIF is a HEIF container with AV1 inside, which we cannot decode.
        if major in HEIF_BRANDS and not brands & AVIF_BRANDS:
            return "heif"
    return None


@dataclass(frozen=True)
class Derivatives:
    preview: bytes
    preview_size: tuple[int, int]
    thumbnail: bytes
    thumbnail_size: tuple[int, int]


@dataclass(frozen=True)
class PreparedPhoto:
    """Everything ingest stores, computed before any database write."""

    data: bytes
    sha256: str
    kind: str
    content_type: str
    width: int  # as shown, i.e. after orientation
    height: int
    exif: ExifFacts
    orientation_applied: int
    derivatives: Derivatives


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _corrupt() -> InvalidInput:
    return InvalidInput(
        _("The image is truncated or corrupt and cannot be read. Take or choose the photo again."),
        field="file",
        code="corrupt_image",
    )


def image_open(data: bytes, *, max_pixels: int) -> tuple[Any, str]:
    """Open the container lazily and check its type and declared size.

    Returns the (not yet decoded) Pillow image and its kind. Raises 415 for a
    type outside the allow-list, 400 for a pixel flood or an unreadable
    header. Nothing is decoded here.
    """
    if not data:
        raise InvalidInput(_("The file is empty."), field="file", code="empty_file")
    kind = sniff_kind(data[:64])
    if kind is None:
        raise UnsupportedImageType(
            _("Only JPEG, PNG, WebP and HEIC/HEIF photos are accepted."),
            field="file",
            code="unsupported_type",
        )
    try:
        image = Image.open(io.BytesIO(data), formats=[PIL_FORMAT[kind]])
        width, height = image.size
    except Image.DecompressionBombError:
        raise _flood(max_pixels) from None
    except Exception:  # any header the decoder rejects is a corrupt file, not a 500
        raise _corrupt() from None
    if width <= 0 or height <= 0:
        raise _corrupt()
    if width * height > max_pixels:
        image.close()
        raise _flood(max_pixels)
    return image, kind


def _flood(max_pixels: int) -> InvalidInput:
    return InvalidInput(
        _("The image declares more than %(limit)d megapixels and is refused.")
        % {"limit": max_pixels // 1_000_000},
        field="file",
        code="pixel_flood",
    )


def image_exif(image: Any) -> ExifFacts:
    """EXIF facts from the opened container's headers (no pixels decoded)."""
    raw = image.info.get("exif")
    return exif_facts_from_bytes(raw if isinstance(raw, bytes) else None)


def _rgb(image: Any) -> Any:
    """Pixels as 8-bit RGB; transparency is flattened onto white."""
    if image.mode == "RGB":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def _fit(size: tuple[int, int], long_edge: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, long_edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode_jpeg(image: Any, quality: int) -> bytes:
    # A fresh image holds pixels only: Pillow copies `info` (comments, XMP,
    # ICC, EXIF) along resizes and would write some of it back on save.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()


def make_derivatives(
    image: Any, kind: str, orientation: int, *, preview_px: int, thumbnail_px: int
) -> Derivatives:
    """Decode once (JPEG in draft mode), then make the upright preview and thumbnail."""
    preview_size = _fit(image.size, preview_px)
    try:
        if kind == "jpeg":
            # libjpeg picks the largest DCT scale that keeps both sides at
            # least as big as asked: decoding costs a quarter or less.
            image.draft("RGB", preview_size)
        image.load()
        pixels = _rgb(image)
        if kind != "jpeg" and max(pixels.size) >= 2 * preview_px:
            # Integer box reduction first: cheap, and keeps the resize small.
            factor = max(pixels.size) // preview_px
            pixels = pixels.reduce(factor)
        preview = pixels.resize(preview_size, Image.Resampling.BICUBIC, reducing_gap=2.0)
    except Exception:  # truncated data, broken entropy coding, decoder limits
        raise _corrupt() from None
    for step in UPRIGHT.get(orientation, ()):
        preview = preview.transpose(step)
    # From the preview, box-reduced first (reducing_gap): a fifth of the cost.
    thumbnail = preview.resize(
        _fit(preview.size, thumbnail_px), Image.Resampling.BICUBIC, reducing_gap=2.0
    )
    return Derivatives(
        preview=_encode_jpeg(preview, PREVIEW_QUALITY),
        preview_size=preview.size,
        thumbnail=_encode_jpeg(thumbnail, THUMBNAIL_QUALITY),
        thumbnail_size=thumbnail.size,
    )


def jpeg_within_square(stored: Any, *, side_px: int, quality: int) -> bytes:
    """A stored picture as a JPEG no wider or taller than `side_px`, for print.

    Decoded like the derivatives: JPEG in draft mode, transparency flattened
    onto white, re-encoded from pixels alone. `stored` is an open binary
    file; whatever the decoder raises is left to the caller.
    """
    with Image.open(stored) as image:
        image.draft("RGB", (side_px, side_px))
        image.load()
        pixels = _rgb(image)
        pixels.thumbnail((side_px, side_px))
        return _encode_jpeg(pixels, quality)


def photo_prepare(
    data: bytes, *, max_pixels: int, preview_px: int, thumbnail_px: int
) -> PreparedPhoto:
    """Check, hash, read EXIF and make derivatives of an uploaded photo."""
    image, kind = image_open(data, max_pixels=max_pixels)
    with image:
        exif = image_exif(image)
        # HEIF decoders apply the container's own rotation (irot/imir) and the
        # HEIF standard says EXIF orientation must then be ignored.
        orientation = 1 if kind in ("heic", "heif") else (exif.orientation or 1)
        width, height = image.size
        derivatives = make_derivatives(
            image, kind, orientation, preview_px=preview_px, thumbnail_px=thumbnail_px
        )
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return PreparedPhoto(
        data=data,
        sha256=sha256_hex(data),
        kind=kind,
        content_type=CONTENT_TYPE[kind],
        width=width,
        height=height,
        exif=exif,
        orientation_applied=orientation,
        derivatives=derivatives,
    )
