"""Write the built-in Word template of the periodic report (backend/reports/periodic/forms)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from backend.reports.periodic.documents import write_built_in_template


class Command(BaseCommand):
    help = "Write the built-in DOCX template of the periodic report letter."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"wrote {write_built_in_template()}")
