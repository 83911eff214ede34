"""Comparing Vietnamese labels as people type them: case, diacritics and spacing aside."""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# Superscript digits (m²) fold to plain ones under NFKD; đ has no decomposition.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    """NFC with runs of whitespace (non-breaking spaces, line breaks in a cell) made one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """ "Tọa độ X (VN-2000)" → "toa do x vn 2000": lower case, no diacritics, words only."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NOT_ALNUM.sub(" ", plain).strip()
