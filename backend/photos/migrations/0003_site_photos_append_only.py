"""Site photos are evidence: the database refuses to change or remove their rows.

photo_ingest writes a photo's row once, with its storage keys, hash and
positions all known before the insert; nothing updates or deletes it
afterwards (photos_cleanup removes only stored files no row refers to). The
audit app's trigger (audit migration 0003) now makes that a rule of the
database, and grant_runtime_role keeps only SELECT and INSERT on it for the
runtime role.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0002_photo_pipeline_fields_and_idempotency"),
        ("audit", "0003_event_history_append_only"),
    ]

    operations = [
        migrations.RunSQL(
            "SELECT ttxd_protect_history('photos_sitephoto')",
            "SELECT ttxd_unprotect_history('photos_sitephoto')",
        ),
    ]
