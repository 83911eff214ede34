"""Chain heads published where the application's role cannot write.

`manage.py verify_audit --publish`, run as the schema owner, adds the head of
a chain it has just verified whole; every verification then checks the chain
still holds each published head. The insert trigger refuses a head the chain
does not hold, or one behind the last published, and stamps the database's
time and role. The table is append-only like history, and only its owner may
add to it: INSERT is revoked here from every other role (the runtime role
too, even when default privileges gave it INSERT a moment ago), and
grant_runtime_role keeps it at SELECT.
"""

from django.db import migrations, models

PUBLISHED_HEADS = r"""
CREATE OR REPLACE FUNCTION audit_publishedhead_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    last_count bigint;
BEGIN
    IF NEW.event_count < 0 OR (NEW.event_count = 0 AND NEW.hash <> repeat('0', 64))
       OR (NEW.event_count > 0 AND NOT EXISTS (
            SELECT 1 FROM public.audit_caseevent e
            WHERE e.seq = NEW.event_count AND e.hash = NEW.hash)) THEN
        RAISE EXCEPTION 'The chain holds no event % with hash %: only a head of the chain is published.',
            NEW.event_count, NEW.hash
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    SELECT max(h.event_count) INTO last_count FROM public.audit_publishedhead h;
    IF NEW.event_count < last_count THEN
        RAISE EXCEPTION 'A head of % events is behind the last published head (% events).',
            NEW.event_count, last_count
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    NEW.published_at := clock_timestamp();
    NEW.published_by := session_user;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_publishedhead_check BEFORE INSERT ON audit_publishedhead
    FOR EACH ROW EXECUTE FUNCTION audit_publishedhead_check();
SELECT ttxd_protect_history('audit_publishedhead');

DO $$
DECLARE
    grantee_name text;
BEGIN
    REVOKE INSERT ON audit_publishedhead FROM PUBLIC;
    FOR grantee_name IN
        SELECT DISTINCT acl.grantee::regrole::text
        FROM pg_class cls, aclexplode(cls.relacl) acl
        WHERE cls.oid = 'audit_publishedhead'::regclass AND acl.grantee <> 0
          AND acl.grantee <> cls.relowner AND acl.privilege_type = 'INSERT'
    LOOP
        EXECUTE format('REVOKE INSERT ON audit_publishedhead FROM %s', grantee_name);
    END LOOP;
END;
$$;
"""

PUBLISHED_HEADS_REVERSE = r"""
SELECT ttxd_unprotect_history('audit_publishedhead');
DROP TRIGGER IF EXISTS audit_publishedhead_check ON audit_publishedhead;
DROP FUNCTION IF EXISTS audit_publishedhead_check();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_chain_time_and_record_hashes"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("event_count", models.BigIntegerField(verbose_name="events in the chain")),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
                ("published_at", models.DateTimeField(verbose_name="published at")),
                ("published_by", models.CharField(max_length=63, verbose_name="database role")),
            ],
            options={
                "verbose_name": "published chain head",
                "verbose_name_plural": "published chain heads",
                "ordering": ["event_count", "id"],
            },
        ),
        migrations.RunSQL(PUBLISHED_HEADS, PUBLISHED_HEADS_REVERSE),
    ]
