"""Writers of legacy Vietnamese bytes for test files (the inverse of gis.legacy_vietnamese)."""

from __future__ import annotations

import unicodedata

from gis import legacy_vietnamese as lv

_TCVN3 = {v: k for k, v in lv.TCVN3_TABLE.items() if k >= 0xA8}
_VNI: dict[str, str] = {}
for _key, _value in lv.VNI_TABLE.items():
    if _value not in _VNI or len(_key) > len(_VNI[_value]):
        _VNI[_value] = _key


def tcvn3_bytes(text: str) -> bytes:
    """TCVN3 has lower-case letters only (capitals were a second font)."""
    return bytes(_TCVN3.get(c, ord(c)) if ord(c) > 127 else ord(c) for c in text.lower())


def vni_bytes(text: str) -> bytes:
    return "".join(_VNI.get(c, c) for c in text).encode("latin-1")


def cp1258_bytes(text: str) -> bytes:
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = next(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", parts.replace(tone, ""))
            out += (base + tone).encode("cp1258")
    return out
