"""The run's files: a local path to read (the object store's copied to a temporary file)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db.models.fields.files import FieldFile


@contextmanager
def local_path(stored: FieldFile) -> Iterator[Path]:
    """A path to the stored file's bytes for as long as the block runs."""
    try:
        yield Path(stored.path)
        return
    except NotImplementedError:
        pass  # not on this machine's disk (S3): copy it
    suffix = Path(stored.name or "").suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with stored.storage.open(str(stored.name), "rb") as source:
            shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield Path(copy.name)
