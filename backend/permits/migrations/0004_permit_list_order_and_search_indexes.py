"""Indexes for the city's size (2,000,000 permits): the list's order, and
search by part of a permit number (`icontains`: UPPER(number::text) LIKE
UPPER('%…%'), a trigram GIN index on that expression)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0003_permit_event_ward_changed"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="permit",
            index=models.Index(
                fields=["ward", "-issued_on", "id"], name="permit_ward_newest_first"
            ),
        ),
        migrations.AddIndex(
            model_name="permit",
            index=models.Index(fields=["-issued_on", "id"], name="permit_newest_first"),
        ),
        migrations.RunSQL(
            "CREATE INDEX permit_number_trigram_upper ON permits_permit "
            "USING gin ((UPPER(number::text)) gin_trgm_ops)",
            "DROP INDEX permit_number_trigram_upper",
        ),
    ]
