"""Test photos with real EXIF structures (piexif), and hostile files."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib

import piexif
import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()

RED = (230, 20, 20)
BLUE = (20, 20, 230)
WHITE = (255, 255, 255)

# The test case sits at (10.77, 106.69) (tests.factories.CaseFactory).
SITE = (10.77, 106.69)


def marked(size: tuple[int, int] = (80, 60)) -> Image.Image:
    """White, with a red block in the top-left and a blue one in the bottom-right corner."""
    width, height = size
    image = Image.new("RGB", size, WHITE)
    image.paste(RED, (0, 0, width // 4, height // 4))
    image.paste(BLUE, (width - width // 4, height - height // 4, width, height))
    return image


# The stored pixels that an orientation tag turns back into the upright picture.
STORED_FOR = {
    1: None,
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,
    8: Image.Transpose.ROTATE_270,
}


def rational(value: float, scale: int = 1_000_000) -> tuple[int, int]:
    return (round(value * scale), scale)


def dms(value: float) -> tuple[tuple[int, int], ...]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = (minutes_full - minutes) * 60
    return ((degrees, 1), (minutes, 1), rational(seconds, 10_000))


def gps_tags(lat: float, lon: float, **extra: object) -> dict[int, object]:
    tags: dict[int, object] = {
        piexif.GPSIFD.GPSLatitudeRef: b"N" if lat >= 0 else b"S",
        piexif.GPSIFD.GPSLatitude: dms(abs(lat)),
        piexif.GPSIFD.GPSLongitudeRef: b"E" if lon >= 0 else b"W",
        piexif.GPSIFD.GPSLongitude: dms(abs(lon)),
    }
    for name, value in extra.items():
        tags[getattr(piexif.GPSIFD, name)] = value
    return tags


NAN_GPS = {
    piexif.GPSIFD.GPSLatitudeRef: b"N",
    piexif.GPSIFD.GPSLatitude: ((0, 0), (0, 0), (0, 0)),
    piexif.GPSIFD.GPSLongitudeRef: b"E",
    piexif.GPSIFD.GPSLongitude: ((0, 0), (0, 0), (0, 0)),
}
LAT_OVER_90_GPS = {
    piexif.GPSIFD.GPSLatitudeRef: b"N",
    piexif.GPSIFD.GPSLatitude: ((95, 1), (0, 1), (0, 1)),
    piexif.GPSIFD.GPSLongitudeRef: b"E",
    piexif.GPSIFD.GPSLongitude: ((106, 1), (41, 1), (0, 1)),
}


def exif_block(
    *,
    gps: dict[int, object] | None = None,
    orientation: int | None = None,
    taken_at: dt.datetime | None = None,
    with_offset: bool = True,
    make: bytes = b"TestCam",
    description: bytes | None = None,
) -> bytes:
    zeroth: dict[int, object] = {piexif.ImageIFD.Make: make, piexif.ImageIFD.Model: b"T-1"}
    if orientation is not None:
        zeroth[piexif.ImageIFD.Orientation] = orientation
    if description is not None:
        zeroth[piexif.ImageIFD.ImageDescription] = description
    exif: dict[int, object] = {}
    if taken_at is not None:
        exif[piexif.ExifIFD.DateTimeOriginal] = taken_at.strftime("%Y:%m:%d %H:%M:%S").encode()
        if with_offset:
            offset = taken_at.utcoffset() or dt.timedelta(0)
            minutes = int(offset.total_seconds() // 60)
            sign = "+" if minutes >= 0 else "-"
            exif[piexif.ExifIFD.OffsetTimeOriginal] = (
                f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}".encode()
            )
    return piexif.dump({"0th": zeroth, "Exif": exif, "GPS": gps or {}})


def jpeg(
    image: Image.Image | None = None,
    *,
    exif: bytes | None = None,
    quality: int = 90,
    **save: object,
) -> bytes:
    out = io.BytesIO()
    params: dict[str, object] = {"quality": quality, **save}
    if exif is not None:
        params["exif"] = exif
    (image or marked()).save(out, "JPEG", **params)
    return out.getvalue()


def oriented_jpeg(orientation: int, size: tuple[int, int] = (80, 60)) -> bytes:
    """A JPEG whose pixels are stored turned, with the tag that turns them upright."""
    upright = marked(size)
    step = STORED_FOR[orientation]
    stored = upright if step is None else upright.transpose(step)
    return jpeg(stored, exif=exif_block(orientation=orientation))


def png(image: Image.Image | None = None, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    (image or marked()).convert(mode).save(out, "PNG")
    return out.getvalue()


def webp(image: Image.Image | None = None, exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    params: dict[str, object] = {"quality": 80}
    if exif is not None:
        params["exif"] = exif
    (image or marked()).save(out, "WEBP", **params)
    return out.getvalue()


def heic(image: Image.Image | None = None, exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    params: dict[str, object] = {"quality": 70}
    if exif is not None:
        params["exif"] = exif
    (image or marked((64, 48))).save(out, "HEIF", **params)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    # Noise does not compress: the entropy-coded data is long, so cutting it
    # in half leaves a valid header and half a picture.
    noise = Image.effect_noise((256, 256), 80).convert("RGB")
    whole = jpeg(noise)
    return whole[: len(whole) // 2]


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small valid JPEG whose frame header is rewritten to claim width x height."""
    data = bytearray(jpeg(marked((16, 16))))
    at = 2
    while at < len(data):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            struct.pack_into(">HH", data, at + 5, height, width)
            return bytes(data)
        at += 2 + length
    raise AssertionError("no SOF marker")


def jpeg_segments(data: bytes) -> list[int]:
    """Markers of a JPEG's header segments, up to the start of scan."""
    assert data[:2] == b"\xff\xd8"
    markers = []
    at = 2
    while at < len(data):
        assert data[at] == 0xFF
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        at += 2 + length
    return markers
