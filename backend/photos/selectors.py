"""Reads of photos, all through the case access rules."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.cases.selectors import cases_visible_to
from backend.photos.models import SitePhoto


def photos_visible_to(user: Any) -> QuerySet[SitePhoto]:
    """Every photo list, detail and file download starts here.

    A photo is visible exactly when its case is (cases_visible_to).
    """
    return SitePhoto.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related(
        "uploaded_by"
    )


def photos_of_case(user: Any, case_id: int) -> QuerySet[SitePhoto]:
    return photos_visible_to(user).filter(case_id=case_id).order_by("uploaded_at", "id")
