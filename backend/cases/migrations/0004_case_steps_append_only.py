"""Workflow steps are legal history: the database refuses to change or remove them.

A step records an act as the law sees it (its date, document number, signer,
fine, whether it kept its deadline). case_transition writes it once, next to
the case event telling the same story, and nothing updates or deletes it
afterwards; the audit app's trigger (audit migration 0003) now makes that a
rule of the database, and grant_runtime_role keeps only SELECT and INSERT on
it for the runtime role.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_seed_deadline_rules_and_calendar"),
        ("audit", "0003_event_history_append_only"),
    ]

    operations = [
        migrations.RunSQL(
            "SELECT ttxd_protect_history('cases_casestep')",
            "SELECT ttxd_unprotect_history('cases_casestep')",
        ),
    ]
