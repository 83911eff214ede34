"""Close the ways a role with the app's privileges could forge history that verifies.

0003's insert trigger checked only the link to the previous hash, so anyone
who may INSERT could append well-formed events dated whenever they liked, and
workflow steps and site photos (append-only, but outside the chain) could be
added or, by the owner, changed without any event telling. From here on:

- Time: an event is dated by the database clock at its recording (within a
  minute) and never before the event it follows. When the clock
  steps back, time stands still at the last event's instead.
- Records: an event about a step or a photo carries, in its payload,
  `"record": {"table", "id", "form", "hash"}`, the SHA-256 of the row's
  canonical content computed here in SQL (audit_casestep_content,
  audit_sitephoto_content: form 1). The trigger recomputes it from the row and
  refuses an event whose hash, row or case does not match; verify_audit
  recomputes it for every row and fails on a row no event records.
- Lookups are schema-qualified and the functions pin their search_path: a
  temporary table named like a history table cannot stand in for it.
- Steps and photos recorded before this migration are sealed: each gets an
  event of kind `record_sealed` (under the system account) carrying its hash,
  appended to the chain now. Those rows are proven unchanged since the
  upgrade, not before it.

The canonical forms are frozen here (migrations never import app code);
backend.audit.records documents the same rules. A new column of a step or a
photo joins its hash only with a new form number.
"""

import datetime
import hashlib
import json

from django.db import migrations

RECORD_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION audit_utc_text(value timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_char(value AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- Floats and geometries as their exact bytes: text forms depend on session
-- settings (extra_float_digits) or round (GeoJSON).
CREATE OR REPLACE FUNCTION audit_float_text(value double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT encode(float8send(value), 'hex')
$$;

CREATE OR REPLACE FUNCTION audit_casestep_content(r public.cases_casestep) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT jsonb_build_object(
        'form', 1, 'table', 'cases_casestep',
        'id', r.id, 'case_id', r.case_id, 'ward_id', r.ward_id, 'action', r.action,
        'stage_before', r.stage_before, 'stage_after', r.stage_after,
        'occurred_on', to_char(r.occurred_on, 'YYYY-MM-DD'), 'actor_id', r.actor_id,
        'recorded_at', audit_utc_text(r.recorded_at), 'document_type', r.document_type,
        'document_year', r.document_year, 'document_sequence', r.document_sequence,
        'document_number', r.document_number, 'signer', r.signer, 'note', r.note,
        'attachment', r.attachment, 'data', r.data,
        'deadline_due', to_char(r.deadline_due, 'YYYY-MM-DD'),
        'deadline_rule', r.deadline_rule, 'on_time', r.on_time, 'days_late', r.days_late)
$$;

CREATE OR REPLACE FUNCTION audit_sitephoto_content(r public.photos_sitephoto) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT jsonb_build_object(
        'form', 1, 'table', 'photos_sitephoto',
        'id', r.id, 'case_id', r.case_id, 'original', r.original,
        'original_filename', r.original_filename, 'sha256', r.sha256,
        'content_type', r.content_type, 'size_bytes', r.size_bytes,
        'width', r.width, 'height', r.height, 'preview', r.preview, 'thumbnail', r.thumbnail,
        'exif_location', encode(ST_AsEWKB(r.exif_location), 'hex'),
        'exif_taken_at', audit_utc_text(r.exif_taken_at),
        'exif_distance_m', audit_float_text(r.exif_distance_m),
        'device_location', encode(ST_AsEWKB(r.device_location), 'hex'),
        'device_accuracy_m', audit_float_text(r.device_accuracy_m),
        'device_distance_m', audit_float_text(r.device_distance_m),
        'captured_at', audit_utc_text(r.captured_at), 'note', r.note,
        'metadata', r.metadata, 'warnings', r.warnings,
        'uploaded_by_id', r.uploaded_by_id, 'uploaded_at', audit_utc_text(r.uploaded_at))
$$;

CREATE OR REPLACE FUNCTION audit_content_hash(content jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(content::text, 'UTF8')), 'hex')
$$;

-- The hash of a row of a case, or NULL when there is no such row of that case.
CREATE OR REPLACE FUNCTION audit_record_hash(record_table text, record_id bigint, record_case bigint)
RETURNS text LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF record_table = 'cases_casestep' THEN
        RETURN (SELECT audit_content_hash(audit_casestep_content(r)) FROM public.cases_casestep r
                WHERE r.id = record_id AND r.case_id = record_case);
    ELSIF record_table = 'photos_sitephoto' THEN
        RETURN (SELECT audit_content_hash(audit_sitephoto_content(r)) FROM public.photos_sitephoto r
                WHERE r.id = record_id AND r.case_id = record_case);
    END IF;
    RAISE EXCEPTION 'Case events record rows of cases_casestep or photos_sitephoto, not of "%".',
        record_table USING ERRCODE = 'invalid_parameter_value';
END;
$$;

-- One event per recorded row.
CREATE UNIQUE INDEX audit_caseevent_one_event_per_record
    ON audit_caseevent ((payload -> 'record' ->> 'table'), (payload -> 'record' ->> 'id'))
    WHERE payload ? 'record';
"""

RECORD_FUNCTIONS_REVERSE = r"""
DROP INDEX IF EXISTS audit_caseevent_one_event_per_record;
DROP FUNCTION IF EXISTS audit_record_hash(text, bigint, bigint);
DROP FUNCTION IF EXISTS audit_content_hash(jsonb);
DROP FUNCTION IF EXISTS audit_sitephoto_content(public.photos_sitephoto);
DROP FUNCTION IF EXISTS audit_casestep_content(public.cases_casestep);
DROP FUNCTION IF EXISTS audit_float_text(double precision);
DROP FUNCTION IF EXISTS audit_utc_text(timestamptz);
"""

CHECK_EVENT = r"""
CREATE OR REPLACE FUNCTION audit_caseevent_check_link() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    expected text;
    previous_at timestamptz;
    clock timestamptz := clock_timestamp();
    earliest timestamptz;
    latest timestamptz;
    record jsonb;
    actual text;
BEGIN
    IF NEW.seq IS NULL OR NEW.prev_hash IS NULL OR NEW.hash IS NULL OR NEW.at IS NULL THEN
        RAISE EXCEPTION 'Case events are recorded only through case_event_record (chain fields missing).'
            USING ERRCODE = 'not_null_violation';
    END IF;
    IF NEW.seq = 1 THEN
        expected := repeat('0', 64);
    ELSE
        SELECT e.hash, e.at INTO expected, previous_at FROM public.audit_caseevent e
        WHERE e.seq = NEW.seq - 1;
    END IF;
    IF expected IS DISTINCT FROM NEW.prev_hash THEN
        RAISE EXCEPTION 'Case event % does not continue the chain (its previous hash is not the hash of event %).',
            NEW.seq, NEW.seq - 1
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;

    -- The recording time is the database's clock, read by the recorder just
    -- before; when that clock stepped back, the time of the last event.
    IF NEW.at < previous_at THEN
        RAISE EXCEPTION 'Case event % is dated %, before event % (%): time never goes backwards along the chain.',
            NEW.seq, NEW.at, NEW.seq - 1, previous_at
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- A minute: the recorder reads the clock a few milliseconds before its insert.
    earliest := greatest(previous_at, clock - interval '1 minute');
    latest := greatest(previous_at, clock);
    IF NEW.at < earliest OR NEW.at > latest THEN
        RAISE EXCEPTION 'Case event % is dated %, but the database clock says %: events are dated when they are recorded.',
            NEW.seq, NEW.at, clock
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;

    IF NEW.payload ? 'record' THEN
        record := NEW.payload -> 'record';
        IF jsonb_typeof(record) IS DISTINCT FROM 'object'
           OR jsonb_typeof(record -> 'id') IS DISTINCT FROM 'number'
           OR (record ->> 'id') !~ '^[1-9][0-9]{0,17}$'
           OR (record ->> 'form') IS DISTINCT FROM '1'
           OR jsonb_typeof(record -> 'hash') IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'Case event % names a record that is not {"table", "id", "form": 1, "hash"}.', NEW.seq
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        actual := audit_record_hash(record ->> 'table', (record ->> 'id')::bigint, NEW.case_id);
        IF actual IS NULL THEN
            RAISE EXCEPTION 'Case event % records row % of %, which does not exist or belongs to another case.',
                NEW.seq, record ->> 'id', record ->> 'table'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF actual IS DISTINCT FROM record ->> 'hash' THEN
            RAISE EXCEPTION 'Case event % carries a hash of row % of % that is not the hash of the row as stored.',
                NEW.seq, record ->> 'id', record ->> 'table'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
"""

# 0003's version, for a migration back.
CHECK_LINK_ONLY = r"""
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
ALTER FUNCTION audit_caseevent_check_link() RESET search_path;
"""

GENESIS_HASH = "0" * 64

UNRECORDED_ROWS = r"""
SELECT 'cases_casestep', r.id, r.case_id, r.actor_id, r.recorded_at
FROM public.cases_casestep r
WHERE NOT EXISTS (SELECT 1 FROM public.audit_caseevent e
                  WHERE e.payload ? 'record' AND e.payload -> 'record' ->> 'table' = 'cases_casestep'
                    AND e.payload -> 'record' ->> 'id' = r.id::text)
UNION ALL
SELECT 'photos_sitephoto', r.id, r.case_id, r.uploaded_by_id, r.uploaded_at
FROM public.photos_sitephoto r
WHERE NOT EXISTS (SELECT 1 FROM public.audit_caseevent e
                  WHERE e.payload ? 'record' AND e.payload -> 'record' ->> 'table' = 'photos_sitephoto'
                    AND e.payload -> 'record' ->> 'id' = r.id::text)
ORDER BY 5, 1, 2
"""


def _canonical(seq, case_id, actor_id, at, payload):
    """Chain version 1 (backend.audit.chain), frozen: the payload holds only strings and ints."""
    content = {
        "v": 1,
        "seq": seq,
        "case": case_id,
        "actor": actor_id,
        "kind": "record_sealed",
        "at": at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "stage_before": "",
        "stage_after": "",
        "payload": payload,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def seal_existing_records(apps, schema_editor):
    """Append one `record_sealed` event per step or photo that no event records yet."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(UNRECORDED_ROWS)
        rows = cursor.fetchall()
        if not rows:
            return
        cursor.execute("SELECT id FROM accounts_user WHERE username = 'system'")
        system = cursor.fetchone()
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x7474786461756469])
        cursor.execute("SELECT seq, hash, at FROM audit_caseevent ORDER BY seq DESC LIMIT 1")
        head = cursor.fetchone()
        seq, prev_hash, previous_at = head if head is not None else (0, GENESIS_HASH, None)
        for table, row_id, case_id, row_actor, _recorded in rows:
            cursor.execute(
                "SELECT audit_record_hash(%s, %s, %s), clock_timestamp()", [table, row_id, case_id]
            )
            digest, clock = cursor.fetchone()
            at = clock if previous_at is None else max(clock, previous_at)
            actor_id = system[0] if system is not None else row_actor
            seq += 1
            payload = {"record": {"table": table, "id": row_id, "form": 1, "hash": digest}}
            canonical = _canonical(seq, case_id, actor_id, at, payload)
            event_hash = hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()
            cursor.execute(
                "INSERT INTO audit_caseevent (case_id, actor_id, kind, at, stage_before, "
                "stage_after, payload, seq, prev_hash, hash) "
                "VALUES (%s, %s, 'record_sealed', %s, '', '', %s::jsonb, %s, %s, %s)",
                [case_id, actor_id, at, json.dumps(payload), seq, prev_hash, event_hash],
            )
            prev_hash, previous_at = event_hash, at


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_history_truncate_only_in_test_databases"),
        ("accounts", "0004_system_user"),
        ("cases", "0004_case_steps_append_only"),
        ("photos", "0003_site_photos_append_only"),
    ]

    operations = [
        migrations.RunSQL(RECORD_FUNCTIONS, RECORD_FUNCTIONS_REVERSE),
        migrations.RunSQL(CHECK_EVENT, CHECK_LINK_ONLY),
        migrations.RunPython(seal_existing_records, migrations.RunPython.noop),
    ]
