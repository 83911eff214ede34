"""Invisible control characters: refused in what people send, dropped from what we write.

Nobody types them on purpose; they come from pasted text, broken keyboards or
scripts. PostgreSQL text cannot hold NUL, and XML (DOCX, XLSX) none of the C0
controls, so one stored in a case made its documents fail to generate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

# C0 controls but tab, line feed and carriage return (browsers send a
# textarea's line breaks as CR LF), DEL and the C1 controls; lone surrogates
# (JSON can spell them, UTF-8 cannot encode them) and the non-characters
# U+FFFE / U+FFFF, which XML refuses.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
NUL = "\x00"


def first_control_character(text: str) -> str | None:
    found = CONTROL_CHARACTER.search(text)
    return found.group() if found else None


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTER.sub("", text)


def first_in_fields(fields: Iterable[tuple[str, list[Any]]]) -> tuple[str, str] | None:
    """The first (field name, character) found in a form's names or text values.

    `fields` as QueryDict.lists() gives them; values that are not text (files) are skipped.
    """
    for key, values in fields:
        for text in (key, *(value for value in values if isinstance(value, str))):
            char = first_control_character(text)
            if char:
                return key, char
    return None


def field_name_shown(key: str) -> str:
    """A field's name fit to show in a refusal (its own control characters dropped)."""
    return without_control_characters(key) or "detail"


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def control_character_message(shown: str, char: str) -> str:
    """The refusal naming the input (`shown`) and the character, in the user's language."""
    if char == NUL:
        return _(
            "“%(field)s” contains a NUL character (an invisible control character), which "
            "cannot be stored. Remove it and send the request again."
        ) % {"field": shown}
    return _(
        "“%(field)s” contains an invisible control character (%(code)s), which cannot be "
        "stored. Remove it (retype the text if you pasted it) and send the request again."
    ) % {"field": shown, "code": code_point(char)}


def control_character_code(char: str) -> str:
    return "nul_character" if char == NUL else "control_character"
