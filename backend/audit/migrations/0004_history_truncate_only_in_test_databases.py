"""Let TRUNCATE through history tables only in a test suite's throw-away database.

0003's trigger function let TRUNCATE pass whenever the session set
`ttxd.allow_history_truncate = on`; any role may set a custom setting, so
any role could empty history with it. From here on the setting counts only
in a database whose name starts with `test_`: the databases the test runner
creates and drops (Django's and pytest-django's test databases are named so)
and empties with TRUNCATE between transactional tests. A production database
is never named so, and renaming it takes its owner and no one connected.
"""

from django.db import migrations

REFUSE_UNLESS_TEST_DATABASE = r"""
CREATE OR REPLACE FUNCTION ttxd_history_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('ttxd.allow_history_truncate', true), '') = 'on'
       AND starts_with(current_database(), 'test_') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'History table "%" is append-only: % refused.', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Recorded history is never changed or removed; record a new event instead.';
END;
$$;
"""

# 0003's version, for a migration back.
REFUSE_UNLESS_SETTING = r"""
CREATE OR REPLACE FUNCTION ttxd_history_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('ttxd.allow_history_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'History table "%" is append-only: % refused.', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Recorded history is never changed or removed; record a new event instead.';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_event_history_append_only"),
    ]

    operations = [
        migrations.RunSQL(REFUSE_UNLESS_TEST_DATABASE, REFUSE_UNLESS_SETTING),
    ]
