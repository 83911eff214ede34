"""The case page's photos always go through the photo access rule, with no way around it."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import pytest

from backend.photos.models import SitePhoto
from backend.photos.selectors import case_photos

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo_a(case_at: Any, inspector_a: Any) -> SitePhoto:
    case = case_at("detected")
    return SitePhoto.objects.create(
        case=case,
        original="photos/a.jpg",
        sha256="a" * 64,
        content_type="image/jpeg",
        size_bytes=1,
        uploaded_by=inspector_a,
    )


def test_case_photos_are_those_the_user_may_see(photo_a: SitePhoto, inspector_b: Any) -> None:
    assert case_photos(photo_a.uploaded_by, photo_a.case) == [photo_a]
    assert case_photos(inspector_b, photo_a.case) == []


@pytest.mark.parametrize(
    "module", ["backend.cases.views", "backend.cases.documents.evidence_appendix"]
)
def test_without_the_photo_access_rule_the_pages_with_case_photos_fail_rather_than_show_every_photo(
    module: str, monkeypatch: Any
) -> None:
    # An unfiltered query in place of a missing selector would hand another
    # ward's evidence to anyone: an import failure must surface, not fall back.
    monkeypatch.setitem(sys.modules, "backend.photos.selectors", None)
    monkeypatch.delitem(sys.modules, module, raising=False)
    with pytest.raises(ImportError):
        importlib.import_module(module)
