"""List, and with --delete remove, stored photo objects that no photo row refers to.

Ingest stores files before it commits the photo row. A crash in between
leaves files without a row: harmless, since no page can reach them, but
they take space. Only objects older than --older-than-hours are touched, so
uploads still in progress are never disturbed; each deletion is made under
the same per-content lock that ingest holds until its commit.

In the compose stack the object store refuses to let the app delete
originals (deploy/minio/init.sh): those orphans are reported as kept, and
only the store's administrator can remove them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.core.models import IdempotencyRecord
from backend.photos.models import SitePhoto
from backend.photos.services import content_lock_try
from backend.photos.storage import objects_under, photo_storage, sha256_of_key


def is_referenced(key: str) -> bool:
    rows = SitePhoto.objects.filter(Q(original=key) | Q(preview=key) | Q(thumbnail=key))
    sha256 = sha256_of_key(key)
    if sha256 is not None:
        rows = rows.filter(sha256=sha256)
    return rows.exists()


class Command(BaseCommand):
    help = "Find stored photo files that no photo row refers to (orphans); --delete removes them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=settings.TTXD_PHOTO_ORPHAN_MIN_AGE_HOURS,
            help="Only objects stored at least this long ago (default: %(default)s).",
        )
        parser.add_argument("--delete", action="store_true", help="Delete the orphans found.")
        parser.add_argument(
            "--purge-idempotency",
            action="store_true",
            help="Also forget Idempotency-Key records older than TTXD_IDEMPOTENCY_RETENTION_DAYS.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        storage = photo_storage()
        cutoff = timezone.now() - dt.timedelta(hours=options["older_than_hours"])
        found = deleted = refused = 0
        for key in objects_under(storage):
            try:
                modified = storage.get_modified_time(key)
            except (FileNotFoundError, NotImplementedError):
                continue
            if modified > cutoff or is_referenced(key):
                continue
            found += 1
            age_hours = (timezone.now() - modified).total_seconds() / 3600
            self.stdout.write(f"orphan {key} ({age_hours:.1f} h old)")
            if not options["delete"]:
                continue
            sha256 = sha256_of_key(key)
            with transaction.atomic():
                if sha256 is not None and not content_lock_try(sha256):
                    continue  # an ingest of these bytes is running: not an orphan for long
                if is_referenced(key):
                    continue
                try:
                    storage.delete(key)
                except ClientError as error:
                    if error.response.get("Error", {}).get("Code") != "AccessDenied":
                        raise
                    refused += 1
                    self.stdout.write(f"kept {key}: the store refuses to delete it")
                    continue
                deleted += 1
        verb = "deleted" if options["delete"] else "found (run with --delete to remove)"
        self.stdout.write(
            f"{found} orphaned object(s); {deleted if options['delete'] else found} {verb}."
        )
        if refused:
            self.stdout.write(f"{refused} kept: this account may not delete them.")
        if options["purge_idempotency"]:
            limit = timezone.now() - dt.timedelta(days=settings.TTXD_IDEMPOTENCY_RETENTION_DAYS)
            purged, _ = IdempotencyRecord.objects.filter(created_at__lt=limit).delete()
            self.stdout.write(f"{purged} idempotency record(s) forgotten.")
