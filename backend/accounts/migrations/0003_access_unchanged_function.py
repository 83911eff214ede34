"""accounts_access_unchanged(): an authentication snapshot's guard, in PL/pgSQL.

The snapshots are taken by snapshot_of (backend.accounts.selectors).

True only while a request's credential (a session row with the same content,
unexpired; or an API token of the same user), the user's password hash,
active flag and role, and (for ward roles) the user's ward ids are what they
were when the request was authenticated the ordinary way. PL/pgSQL keeps the
plans of its statements for the session, so a map tile pays for running the
check, not for planning it.

The ward ids are those of backend.accounts.selectors.ward_ids_queryset: every
boundary version of the wards whose official code is the code of a ward the
user is a member of. tests/accounts/test_snapshots.py holds the two to the
same answer.
"""

from django.db import migrations

CREATE = r"""
CREATE FUNCTION accounts_access_unchanged(
    p_session_key text,
    p_session_digest text,
    p_token_key text,
    p_now timestamptz,
    p_user_id bigint,
    p_role text,
    p_password_digest text,
    p_ward_ids bigint[]
) RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_session_key IS NOT NULL THEN
        PERFORM 1 FROM django_session s
        WHERE s.session_key = p_session_key
          AND s.expire_date > p_now
          AND encode(sha256(convert_to(s.session_data, 'UTF8')), 'hex') = p_session_digest;
    ELSE
        PERFORM 1 FROM authtoken_token t
        WHERE t.key = p_token_key AND t.user_id = p_user_id;
    END IF;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM 1 FROM accounts_user u
    WHERE u.id = p_user_id
      AND u.is_active
      AND u.role = p_role
      AND encode(sha256(convert_to(u.password, 'UTF8')), 'hex') = p_password_digest;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF p_ward_ids IS NULL THEN
        RETURN true;
    END IF;
    RETURN p_ward_ids = ARRAY(
        SELECT w.id FROM wards_ward w
        WHERE w.code IN (
            SELECT mw.code FROM accounts_wardmembership m
            JOIN wards_ward mw ON mw.id = m.ward_id
            WHERE m.user_id = p_user_id
        )
        ORDER BY w.id
    );
END
$$;
"""

DROP = "DROP FUNCTION IF EXISTS accounts_access_unchanged(text, text, text, timestamptz, bigint, text, text, bigint[]);"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_failed_login_throttle"),
        ("sessions", "0001_initial"),
        # It read DRF's authtoken_token, an app no longer installed: 0006
        # replaces the function and 0007 drops that table.
        ("wards", "0001_ward_boundaries"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
