"""Where photo files live: content-addressed keys in the default storage.

The key of every object is made from the SHA-256 of the original bytes, so
the same file is stored once however many cases or retries carry it, and an
object's name says which photo rows may refer to it. Nothing here is under a
public web root: files leave only through backend.photos.views.photo_file.
"""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InvalidStorageError, Storage, storages

PREFIX = "photos"
VARIANTS = ("original", "preview", "thumbnail")
_KEY_RE = re.compile(r"^photos/(original|preview|thumbnail)/[0-9a-f]{2}/([0-9a-f]{64})(\.jpg)?$")


def photo_storage() -> Storage:
    return storages["default"]


def signed_url_storage() -> Storage:
    """The storage whose .url() gives browsers a signed link (see settings.STORAGES).

    Falls back to the default storage when no separate public endpoint is set up.
    """
    try:
        signing = storages["signed_urls"]
    except InvalidStorageError:  # no such alias: use the default
        return photo_storage()
    default = photo_storage()
    if storage_is_local(signing) or type(signing) is not type(default):
        return default
    return signing


def storage_is_local(storage: Storage) -> bool:
    """Local files are streamed by our view; remote ones get a signed URL."""
    return isinstance(storage, FileSystemStorage)


def photo_key(variant: str, sha256: str) -> str:
    suffix = "" if variant == "original" else ".jpg"
    return f"{PREFIX}/{variant}/{sha256[:2]}/{sha256}{suffix}"


def sha256_of_key(key: str) -> str | None:
    match = _KEY_RE.match(key)
    return match.group(2) if match else None


def object_store(storage: Storage, key: str, data: bytes) -> bool:
    """Store `data` under `key` unless it is already there; True if written now.

    Keys are content-addressed, so an existing object already holds these
    bytes. Two writers racing on one key: the loser's copy (saved under an
    alternative name by the storage) is removed again.
    """
    if storage.exists(key):
        return False
    name = storage.save(key, ContentFile(data))
    if name != key:
        storage.delete(name)
        return False
    return True


def objects_under(storage: Storage, prefix: str = PREFIX) -> list[str]:
    """Every object name below `prefix`, walking directories (or S3 prefixes)."""
    found: list[str] = []
    pending = [prefix]
    while pending:
        folder = pending.pop()
        try:
            directories, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        found.extend(f"{folder}/{name}" for name in files)
        pending.extend(f"{folder}/{name}" for name in directories)
    return sorted(found)
