"""Vietnamese text from before Unicode: TCVN3 (ABC), VNI and Windows-1258.

Old shapefiles keep their names in the 8-bit encodings the fonts of the
1990s used. The DBF says nothing (or says "1252"), so the bytes are read
under every candidate and the reading that gives Vietnamese letters, and no
stray symbols, wins. Names with no diacritics at all are flagged: they
cannot be restored, only reported.

The tables follow the published character tables:
- TCVN3 (TCVN 5712:1993, the "ABC" .Vn fonts): one byte per letter,
  lower case only (capitals came from a second font with the same codes);
- VNI Windows (the VNI- fonts): a base letter followed by one byte of mark,
  e.g. "a" + 0xF9 = "á", "o" + 0xE1 = "ố"; "ô" (0xF4) alone is "ơ", "ö" is "ư";
- Windows-1258: Python's cp1258 codec, combining tone marks composed (NFC).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

UTF8 = "utf-8"
CP1258 = "cp1258"
TCVN3 = "tcvn3"
VNI = "vni"
ASCII = "ascii"

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
# Order of the five tones in the tables below: grave, hook, tilde, acute, dot below.
_TONES = (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _tcvn3_table() -> dict[int, str]:
    table: dict[int, str] = {
        0xA1: "Ă",
        0xA2: "Â",
        0xA3: "Ê",
        0xA4: "Ô",
        0xA5: "Ơ",
        0xA6: "Ư",
        0xA7: "Đ",
        0xA8: "ă",
        0xA9: "â",
        0xAA: "ê",
        0xAB: "ô",
        0xAC: "ơ",
        0xAD: "ư",
        0xAE: "đ",
    }
    # Each vowel's five toned forms, in the order grave, hook, tilde, acute, dot.
    rows = {
        "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
        "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
        "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
        "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
        "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
        "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
        "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
        "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
        "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
        "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
        "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
        "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
    }
    for vowel, codes in rows.items():
        for code, tone in zip(codes, _TONES, strict=True):
            table[code] = _nfc(vowel + tone)
    return table


TCVN3_TABLE = _tcvn3_table()


def _vni_table() -> dict[str, str]:
    """VNI sequences (as Latin-1 characters) to Unicode letters, lower and upper case."""
    tone_marks = {"ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ù": _ACUTE, "ï": _DOT}
    # Circumflex with its tone in one byte: á à å ã ä; breve with its tone: é è ú ü ë.
    circumflex_tones = {"": "â", "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "á": _ACUTE, "ä": _DOT}
    breve_tones = {"": "ê", "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "é": _ACUTE, "ë": _DOT}
    lower: dict[str, str] = {"ñ": "đ", "ô": "ơ", "ö": "ư"}
    # The letter i has its own single bytes: ì æ ó í ò.
    lower.update({"ì": "ì", "æ": "ỉ", "ó": "ĩ", "í": "í", "ò": "ị"})
    for base in "aeouy":
        for mark, tone in tone_marks.items():
            lower[base + mark] = _nfc(base + tone)
    for horned, letter in (("ô", "o"), ("ö", "u")):
        for mark, tone in tone_marks.items():
            lower[horned + mark] = _nfc(letter + _HORN + tone)
    for base in "aeo":
        for mark, tone in circumflex_tones.items():
            key = base + (mark or "â")
            lower[key] = _nfc(base + _CIRCUMFLEX + (tone if mark else ""))
    for mark, tone in breve_tones.items():
        lower["a" + (mark or "ê")] = _nfc("a" + _BREVE + (tone if mark else ""))
    table = dict(lower)
    for key, value in lower.items():
        table[key.upper()] = value.upper()
    return table


VNI_TABLE = _vni_table()
_VNI_LONGEST = max(len(k) for k in VNI_TABLE)


def decode_tcvn3(data: bytes) -> str:
    return "".join(TCVN3_TABLE.get(b, chr(b)) if b >= 0x80 else chr(b) for b in data)


def decode_vni(data: bytes) -> str:
    text = data.decode("latin-1")
    out: list[str] = []
    i = 0
    while i < len(text):
        for size in range(_VNI_LONGEST, 0, -1):
            piece = text[i : i + size]
            if len(piece) == size and piece in VNI_TABLE:
                out.append(VNI_TABLE[piece])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def decode_cp1258(data: bytes) -> str:
    return _nfc(data.decode(CP1258, errors="replace"))


_DECODERS = {TCVN3: decode_tcvn3, VNI: decode_vni, CP1258: decode_cp1258}


def _vietnamese_letters() -> frozenset[str]:
    letters = set("đĐ")
    for vowel in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"):
        for tone in ("", *_TONES):
            form = _nfc(vowel + tone)
            letters.update({form, form.upper()})
    return frozenset(letters)


VIETNAMESE_LETTERS = _vietnamese_letters()
# Characters a name may hold besides letters of the Vietnamese alphabet.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_/()'&")


_TONED = frozenset(
    c for c in VIETNAMESE_LETTERS if any(t in unicodedata.normalize("NFD", c) for t in _TONES)
)


def _score(text: str) -> int:
    """Vietnamese letters with diacritics count for; anything strange counts against.

    A syllable carries one tone at most: a wrong table reads one letter and
    its mark as two toned vowels ("Phửụứng"), which counts against too.
    """
    score = 0
    for word in text.split():
        toned = sum(1 for char in word if char in _TONED)
        if toned > 1:
            score -= 4 * (toned - 1)
        for char in word:
            if char in VIETNAMESE_LETTERS and not char.isascii():
                score += 1
            elif char not in _PLAIN:
                score -= 3
    return score


def decode(data: bytes, encoding: str) -> str:
    """The bytes in a named encoding (utf-8, cp1258, tcvn3, vni or any Python codec), NFC."""
    decoder = _DECODERS.get(encoding)
    if decoder is not None:
        return _nfc(decoder(data))
    return _nfc(data.decode(encoding, errors="replace"))


@dataclass(frozen=True)
class EncodingGuess:
    encoding: str
    # True when no value carries a diacritic: names typed without accents.
    without_diacritics: bool


def guess_encoding(values: Iterable[bytes]) -> EncodingGuess:
    """The encoding that reads these byte strings (a layer's names) as Vietnamese.

    UTF-8 when every value decodes as UTF-8 (ASCII included); otherwise the
    legacy reading with the best score over all values together.
    """
    samples = [v for v in values if v]
    try:
        texts = [v.decode(UTF8) for v in samples]
    except UnicodeDecodeError:
        texts = None
    if texts is not None:
        if all(t.isascii() for t in texts):
            return EncodingGuess(ASCII, without_diacritics=bool(samples))
        legacy = repair_mojibake(texts)
        return EncodingGuess(legacy or UTF8, without_diacritics=False)
    scores = {name: sum(_score(decoder(v)) for v in samples) for name, decoder in _DECODERS.items()}
    best = max(scores, key=lambda name: (scores[name], name == CP1258))
    return EncodingGuess(best, without_diacritics=False)


def repair_mojibake(texts: list[str]) -> str | None:
    """The legacy encoding these Unicode strings were wrongly read from, if any.

    A GeoJSON or GeoPackage converted from an old shapefile often carries
    TCVN3 or VNI bytes read as Windows-1252 ("Ph\u00adêng B\u00d5n Th\u00b5nh"):
    their Windows-1252 bytes read as TCVN3 or VNI score far better.
    """
    try:
        raw = [t.encode("cp1252") for t in texts]
    except UnicodeEncodeError:
        try:
            raw = [t.encode("latin-1") for t in texts]
        except UnicodeEncodeError:
            return None
    current = sum(_score(t) for t in texts)
    best_name, best_score = None, current
    for name in (TCVN3, VNI):
        score = sum(_score(_DECODERS[name](r)) for r in raw)
        if score > best_score:
            best_name, best_score = name, score
    return best_name


def redecode(text: str, encoding: str) -> str:
    """A Unicode string read as Windows-1252 from `encoding` bytes, read again properly."""
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        raw = text.encode("latin-1")
    return decode(raw, encoding)


def encoding_from_cpg(text: str) -> str | None:
    """The Python encoding a shapefile's .cpg names (None when it names none we know)."""
    name = text.strip().lower().replace("_", "-")
    aliases = {
        "utf-8": UTF8,
        "utf8": UTF8,
        "65001": UTF8,
        "1258": CP1258,
        "cp1258": CP1258,
        "windows-1258": CP1258,
        "ansi 1258": CP1258,
        "tcvn3": TCVN3,
        "tcvn": TCVN3,
        "abc": TCVN3,
        "vni": VNI,
    }
    if name in aliases:
        return aliases[name]
    # "1252", "ANSI 1252", "ISO-8859-1": the common default that is often wrong
    # for Vietnamese files; the caller guesses from the bytes instead.
    return None
