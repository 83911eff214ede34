"""Make case history append-only in the database itself.

- ttxd_history_refuse(): a trigger function refusing UPDATE, DELETE and
  TRUNCATE whatever the role. TRUNCATE alone passes when the session sets
  `ttxd.allow_history_truncate = on`: only the test suite does, to empty its
  throw-away database between transactional tests. (Migration 0004 narrows
  this to databases named test_…: any role may set the setting.)
- ttxd_protect_history('table'): installs that trigger on a history table and
  revokes UPDATE, DELETE and TRUNCATE from every role but the owner. Other apps
  protect their history tables with RunSQL("SELECT ttxd_protect_history('t')",
  "SELECT ttxd_unprotect_history('t')") in a migration depending on this one.
- audit_caseevent_chain_link: an insert must continue the chain (its
  prev_hash is the hash of the event just before it).
- audit_event_day(payload, at): the legal date of an event ("occurred_on" in
  its payload, else the day it was recorded in Asia/Ho_Chi_Minh).
"""

from django.db import migrations, models

FUNCTIONS = r"""
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

CREATE OR REPLACE FUNCTION ttxd_protect_history(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    grantee_name text;
BEGIN
    EXECUTE format('DROP TRIGGER IF EXISTS ttxd_history_append_only ON %s', target);
    EXECUTE format(
        'CREATE TRIGGER ttxd_history_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON %s '
        'FOR EACH STATEMENT EXECUTE FUNCTION ttxd_history_refuse()', target);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM PUBLIC', target);
    FOR grantee_name IN
        SELECT DISTINCT acl.grantee::regrole::text
        FROM pg_class cls, aclexplode(cls.relacl) acl
        WHERE cls.oid = target AND acl.grantee <> 0 AND acl.grantee <> cls.relowner
          AND acl.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM %s', target, grantee_name);
    END LOOP;
END;
$$;

CREATE OR REPLACE FUNCTION ttxd_unprotect_history(target regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP TRIGGER IF EXISTS ttxd_history_append_only ON %s', target);
END;
$$;

CREATE OR REPLACE FUNCTION audit_caseevent_check_link() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    expected text;
BEGIN
    IF NEW.seq IS NULL OR NEW.prev_hash IS NULL OR NEW.hash IS NULL THEN
        RAISE EXCEPTION 'Case events are recorded only through case_event_record (chain fields missing).'
            USING ERRCODE = 'not_null_violation';
    END IF;
    IF NEW.seq = 1 THEN
        expected := repeat('0', 64);
    ELSE
        SELECT hash INTO expected FROM audit_caseevent WHERE seq = NEW.seq - 1;
    END IF;
    IF expected IS DISTINCT FROM NEW.prev_hash THEN
        RAISE EXCEPTION 'Case event % does not continue the chain (its previous hash is not the hash of event %).',
            NEW.seq, NEW.seq - 1
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

-- The legal date of an event. Asia/Ho_Chi_Minh: every ward works in it. A plain
-- SQL function without exception handling, so PostgreSQL can inline it and use
-- it in parallel plans; a malformed or impossible date (2026-02-30) falls back
-- to the recording day.
CREATE OR REPLACE FUNCTION audit_event_day(payload jsonb, at timestamptz) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT COALESCE(
        CASE WHEN payload ->> 'occurred_on' ~ '^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$'
             THEN CASE WHEN substr(payload ->> 'occurred_on', 9, 2)::int <= extract(day FROM
                            make_date(substr(payload ->> 'occurred_on', 1, 4)::int,
                                      substr(payload ->> 'occurred_on', 6, 2)::int, 1)
                            + interval '1 month' - interval '1 day')
                       THEN (payload ->> 'occurred_on')::date END
        END,
        (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)
$$;

CREATE TRIGGER audit_caseevent_chain_link BEFORE INSERT ON audit_caseevent
    FOR EACH ROW EXECUTE FUNCTION audit_caseevent_check_link();
SELECT ttxd_protect_history('audit_caseevent');
"""

REVERSE = r"""
SELECT ttxd_unprotect_history('audit_caseevent');
DROP TRIGGER IF EXISTS audit_caseevent_chain_link ON audit_caseevent;
DROP FUNCTION IF EXISTS audit_event_day(jsonb, timestamptz);
DROP FUNCTION IF EXISTS audit_caseevent_check_link();
DROP FUNCTION IF EXISTS ttxd_unprotect_history(regclass);
DROP FUNCTION IF EXISTS ttxd_protect_history(regclass);
DROP FUNCTION IF EXISTS ttxd_history_refuse();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_event_hash_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="seq",
            field=models.BigIntegerField(unique=True, verbose_name="chain position"),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="prev_hash",
            field=models.CharField(max_length=64, verbose_name="previous hash"),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="hash"),
        ),
        migrations.AlterModelOptions(
            name="caseevent",
            options={
                "ordering": ["seq"],
                "verbose_name": "case event",
                "verbose_name_plural": "case events",
            },
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE),
    ]
