"""Indexes for the city's size: the lists' order, and substring search.

The map search and the field app's search match part of a code or an
address (`icontains`, which Django writes as UPPER(col::text) LIKE
UPPER('%…%')): trigram GIN indexes on exactly those expressions let that
use an index instead of reading every case.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM_INDEXES = [
    ("case_code_trigram_upper", "code"),
    ("case_address_trigram_upper", "address"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_periodic_report_template_form"),
    ]

    operations = [
        # pg_trgm (trusted, in PostgreSQL's contrib): trigram operator classes.
        TrigramExtension(),
        migrations.AddIndex(
            model_name="violationcase",
            index=models.Index(
                fields=["ward", "-detected_at", "-id"], name="case_ward_newest_first"
            ),
        ),
        migrations.AddIndex(
            model_name="violationcase",
            index=models.Index(fields=["-detected_at", "-id"], name="case_newest_first"),
        ),
        *[
            migrations.RunSQL(
                f"CREATE INDEX {name} ON cases_violationcase "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)",
                f"DROP INDEX {name}",
            )
            for name, column in TRIGRAM_INDEXES
        ],
    ]
