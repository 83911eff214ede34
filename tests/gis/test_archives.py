"""Zip archives from outside are refused from their directory before inflating."""

from __future__ import annotations

import io
import zipfile

import pytest

from gis.archives import ArchiveLimits, ArchiveRefused, extract, open_zip, read_member


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def test_a_plain_archive_opens_and_extracts_its_members(tmp_path):
    archive = open_zip(_zip({"wards/a.shp": b"x" * 100, "wards/a.dbf": b"y"}), ArchiveLimits())
    written = extract(archive, tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "wards/a.dbf",
        "wards/a.shp",
    ]
    assert (tmp_path / "wards" / "a.shp").read_bytes() == b"x" * 100
    assert read_member(archive, "wards/a.dbf", max_bytes=10) == b"y"


def test_a_zip_bomb_is_refused_before_inflating():
    bomb = _zip({"big.bin": b"\0" * (50 * 1024 * 1024)})
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(ArchiveRefused) as caught:
        open_zip(bomb, ArchiveLimits())
    assert caught.value.code == "bomb"


def test_an_archive_that_inflates_past_the_total_limit_is_refused():
    archive = _zip({"a": b"1" * 3000, "b": b"2" * 3000}, zipfile.ZIP_STORED)
    with pytest.raises(ArchiveRefused) as caught:
        open_zip(archive, ArchiveLimits(max_total_bytes=5000))
    assert caught.value.code == "too_large"


def test_too_many_members_are_refused():
    archive = _zip({f"f{i}.txt": b"" for i in range(30)})
    with pytest.raises(ArchiveRefused) as caught:
        open_zip(archive, ArchiveLimits(max_members=20))
    assert caught.value.code == "too_many_members"


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "a/../../evil.txt", "C:/x.txt"])
def test_a_member_pointing_outside_the_archive_is_refused(name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo(name), b"x")
    buffer.seek(0)
    with pytest.raises(ArchiveRefused) as caught:
        open_zip(buffer, ArchiveLimits())
    assert caught.value.code == "unsafe_path"


def test_bytes_that_are_not_a_zip_are_refused():
    with pytest.raises(ArchiveRefused) as caught:
        open_zip(io.BytesIO(b"PK\x03\x04 not really"), ArchiveLimits())
    assert caught.value.code == "not_a_zip"


def test_a_member_is_read_no_further_than_the_limit_given():
    archive = open_zip(_zip({"a.kml": b"k" * 1000}), ArchiveLimits())
    with pytest.raises(ArchiveRefused) as caught:
        read_member(archive, "a.kml", max_bytes=100)
    assert caught.value.code == "too_large"
