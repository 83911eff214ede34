"""Streaming upload handling: refuse an oversize photo before reading it all."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

from backend.photos.errors import PayloadTooLarge

# Room for the multipart boundaries and the small text fields beside the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        _("The photo is larger than %(limit)d MB.") % {"limit": limit // (1024 * 1024)},
        field="file",
        code="too_large",
    )


class PhotoUploadHandler(FileUploadHandler):
    """Keeps uploaded files in memory, up to `limit` bytes in total.

    The declared Content-Length is checked before a byte of the body is read;
    the count is enforced again chunk by chunk, since a client may lie about
    the length or send a chunked body.
    """

    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.total = 0
        self.buffer = io.BytesIO()

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length > self.limit + FORM_OVERHEAD_BYTES:
            raise too_large(self.limit)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.total += len(raw_data)
        if self.total > self.limit:
            raise too_large(self.limit)
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
