"""Zip archives from outside (a zipped shapefile, a KMZ, an XLSX workbook),
opened only after their directory says they are safe to open.

A zip's central directory declares every member's name and sizes before any
byte is inflated, so a zip bomb (a few kilobytes that inflate to gigabytes),
an archive of a million members, or a member named `../../etc/passwd` is
refused from the directory alone. Inflating then stops at the declared size:
a member that lies about its size cannot write more than it declared.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

CHUNK = 1024 * 1024


class ArchiveRefused(ValueError):
    """`code` says why, for the caller to word; `detail` is for logs and reports."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 2_000
    max_total_bytes: int = 2 * 1024**3
    # Deflate reaches ~1000:1 at best on real data; bombs go far beyond.
    max_ratio: float = 200.0


@dataclass(frozen=True)
class Member:
    name: str
    size: int


def _safe_name(name: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise ArchiveRefused("unsafe_path", f"member {name!r} points outside the archive")
    return str(path)


def inspect(archive: zipfile.ZipFile, limits: ArchiveLimits) -> list[Member]:
    """The archive's files (folders left out), or ArchiveRefused."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveRefused(
            "too_many_members", f"{len(infos)} members, at most {limits.max_members}"
        )
    members: list[Member] = []
    total = 0
    for info in infos:
        name = _safe_name(info.filename)
        if info.is_dir():
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ArchiveRefused("unsafe_path", f"member {info.filename!r} is a symbolic link")
        if info.flag_bits & 0x1:
            raise ArchiveRefused("encrypted", f"member {info.filename!r} is encrypted")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveRefused(
                "too_large", f"inflates to more than {limits.max_total_bytes} bytes"
            )
        if info.file_size > CHUNK and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise ArchiveRefused(
                "bomb",
                f"member {info.filename!r} inflates {info.file_size} bytes "
                f"from {info.compress_size}",
            )
        members.append(Member(name=name, size=info.file_size))
    return members


def open_zip(source: str | Path | IO[bytes], limits: ArchiveLimits) -> zipfile.ZipFile:
    """The zip, checked by `inspect`; ArchiveRefused("not_a_zip") when it is none."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ArchiveRefused("not_a_zip", str(exc)) from None
    try:
        inspect(archive, limits)
    except ArchiveRefused:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, name: str, *, max_bytes: int) -> bytes:
    """One member's bytes, never more than it declared nor than `max_bytes`."""
    info = archive.getinfo(name)
    limit = min(info.file_size, max_bytes)
    with archive.open(info) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ArchiveRefused("too_large", f"member {name!r} holds more than {limit} bytes")
    return data


def extract(
    archive: zipfile.ZipFile, target: Path, names: Iterable[str] | None = None
) -> list[Path]:
    """Write the (checked) members under `target`, each cut at its declared size.

    Returns the paths written. Call only on an archive from `open_zip`.
    """
    written: list[Path] = []
    wanted = set(names) if names is not None else None
    root = target.resolve()
    for info in archive.infolist():
        if info.is_dir() or (wanted is not None and info.filename not in wanted):
            continue
        path = (root / _safe_name(info.filename)).resolve()
        if root not in path.parents:
            raise ArchiveRefused("unsafe_path", f"member {info.filename!r} leaves the folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        remaining = info.file_size
        with archive.open(info) as source, path.open("wb") as out:
            while True:
                chunk = source.read(min(CHUNK, remaining + 1))
                if not chunk:
                    break
                remaining -= len(chunk)
                if remaining < 0:
                    raise ArchiveRefused(
                        "too_large", f"member {info.filename!r} holds more than it declared"
                    )
                out.write(chunk)
        written.append(path)
    return written
