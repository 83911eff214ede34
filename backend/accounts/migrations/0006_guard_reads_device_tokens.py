"""accounts_access_unchanged() re-checks a device token, not a DRF token.

As in 0003 (whose docstring describes the function), with the token part
changed: the snapshot carries the token's digest (the only form it is
stored in, accounts_devicetoken.digest, unique) and the guard holds only
while that row exists, belongs to the same user and has not expired. A
sign-out, a revocation or an expiry thus shows on the very next map tile.
"""

from django.db import migrations

BODY = r"""
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_session_key IS NOT NULL THEN
        PERFORM 1 FROM django_session s
        WHERE s.session_key = p_session_key
          AND s.expire_date > p_now
          AND encode(sha256(convert_to(s.session_data, 'UTF8')), 'hex') = p_session_digest;
    ELSE
        PERFORM 1 FROM %(tokens)s
        WHERE %(token_match)s;
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

SIGNATURE = (
    "p_session_key text, p_session_digest text, %(token_param)s text, p_now timestamptz, "
    "p_user_id bigint, p_role text, p_password_digest text, p_ward_ids bigint[]"
)
TYPES = "text, text, text, timestamptz, bigint, text, text, bigint[]"
DROP = f"DROP FUNCTION IF EXISTS accounts_access_unchanged({TYPES});"


def create(token_param: str, tokens: str, token_match: str) -> str:
    signature = SIGNATURE % {"token_param": token_param}
    body = BODY % {"tokens": tokens, "token_match": token_match}
    return f"CREATE FUNCTION accounts_access_unchanged({signature}) RETURNS boolean {body}"


DEVICE_TOKEN = create(
    "p_token_digest",
    "accounts_devicetoken t",
    "t.digest = p_token_digest AND t.user_id = p_user_id "
    "AND (t.expiry IS NULL OR t.expiry > p_now)",
)
# What 0003 created, for migrating back.
DRF_TOKEN = create(
    "p_token_key", "authtoken_token t", "t.key = p_token_key AND t.user_id = p_user_id"
)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_device_tokens")]

    operations = [migrations.RunSQL([DROP, DEVICE_TOKEN], [DROP, DRF_TOKEN])]
