"""The API's form parsers: refuse invisible control characters in every text field.

The middleware (backend.core.middleware) checks JSON bodies and the pages' forms
before any view runs, but leaves the API's multipart bodies to the API, whose
views set their upload limits before the body is read. These parsers close
that gap for every view: a refused field never reaches a serializer or a
service. Files are not text and pass untouched.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers

from backend.core.control_characters import (
    control_character_code,
    control_character_message,
    field_name_shown,
    first_in_fields,
)
from backend.core.errors import InvalidInput


def _refuse_control_characters(fields: Any) -> None:
    found = first_in_fields(fields.lists())
    if found:
        key, char = found
        name = field_name_shown(key)
        raise InvalidInput(
            control_character_message(name, char), field=name, code=control_character_code(char)
        )


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_control_characters(parsed.data)
        return parsed


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_control_characters(parsed)
        return parsed
