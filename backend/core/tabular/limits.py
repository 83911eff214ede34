"""How big a spreadsheet from outside may be (backend.settings_apps, env overrides)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from gis.archives import ArchiveLimits


@dataclass(frozen=True)
class TabularLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 200_000
    max_columns: int = 100
    # Rows above the data searched for the header block (titles, blank lines, merged labels).
    header_search_rows: int = 15
    # An XLSX is a zip: what it may inflate to, checked from its directory first.
    archive: ArchiveLimits = ArchiveLimits(max_members=500, max_total_bytes=1024**3)


def tabular_limits() -> TabularLimits:
    """The limits configured in settings (TTXD_TABULAR_*)."""
    return TabularLimits(
        max_bytes=settings.TTXD_TABULAR_MAX_BYTES,
        max_rows=settings.TTXD_TABULAR_MAX_ROWS,
        max_columns=settings.TTXD_TABULAR_MAX_COLUMNS,
        archive=ArchiveLimits(
            max_members=500,
            max_total_bytes=settings.TTXD_TABULAR_MAX_INFLATED_BYTES,
            max_ratio=settings.TTXD_TABULAR_MAX_ZIP_RATIO,
        ),
    )
