"""Write TTXD's icon files (frontend/static/ttxd/icon*.png, icon.svg, frontend/root/favicon.ico).

Run after changing the icon's shapes in backend/web/icons.py; the files are
committed, and a test checks they match what this writes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from backend.web.icons import write_icons


class Command(BaseCommand):
    help = "Write TTXD's favicon, app icons and favicon.ico from backend/web/icons.py."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in write_icons():
            self.stdout.write(f"wrote {path}")
