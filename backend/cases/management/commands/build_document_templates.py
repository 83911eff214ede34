"""Write the built-in Word templates of the forms (backend/cases/documents/forms/*.docx).

Run after changing a form's wording in template_mbb01, template_decisions or
template_notices;
the files are committed, and a test checks they match what this writes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from backend.cases.documents.template_files import write_built_in_templates


class Command(BaseCommand):
    help = "Write the built-in DOCX templates of the forms (backend/cases/documents/forms)."

    def handle(self, *args: Any, **options: Any) -> None:
        for path in write_built_in_templates():
            self.stdout.write(f"wrote {path}")
