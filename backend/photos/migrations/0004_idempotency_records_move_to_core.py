"""Idempotency records move to the core app (backend/core/migrations/0001).

The table keeps its rows: it is only renamed to the core app's name, here
while photos still owns it, and the model leaves photos' state. Core's first
migration takes the model into its state without touching the database.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0003_site_photos_append_only"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(
                    name="idempotencyrecord", table="core_idempotencyrecord"
                ),
            ],
            state_operations=[
                migrations.DeleteModel(name="IdempotencyRecord"),
            ],
        ),
    ]
