"""Reading EXIF values as phones write them: numbers (ints, floats, rationals,
0/0 for "no fix"), text as str or bytes padded with NULs, one value or a tuple.
Nothing here raises on bad input: an unreadable value is None."""

from __future__ import annotations

import math
from numbers import Real


def number(value: object) -> float | None:
    """A finite float from an EXIF number (int, float or rational).

    0/0 rationals (NaN), infinities and anything unreadable give None.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    try:
        result = float(value)
    except (ArithmeticError, TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def exif_text(value: object, limit: int = 100) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    cleaned = "".join(ch for ch in value.replace("\x00", "") if ch.isprintable()).strip()
    return cleaned[:limit] or None


def exif_reference(value: object) -> str | None:
    text = exif_text(value, limit=4)
    return text.upper() if text else None


def components(value: object) -> list[object]:
    if isinstance(value, tuple | list):
        return list(value)
    return [value]


def first(value: object) -> object:
    """The one value of a single-valued tag; None for none or several."""
    parts = components(value)
    return parts[0] if len(parts) == 1 else None
