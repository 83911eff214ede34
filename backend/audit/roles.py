"""The application's runtime database role: it may read and add history, never rewrite it.

Migrations run as the owner of the schema; the web processes should connect
as a separate role without UPDATE, DELETE or TRUNCATE on history tables (the
triggers refuse those anyway, whatever the role; this is the second lock).
`manage.py grant_runtime_role NAME`, run as the owner after every migrate,
creates the role if the owner may (CREATEROLE) and sets its privileges:

- every table: SELECT, INSERT, UPDATE, DELETE; every sequence: USAGE, SELECT;
- history tables (those carrying the ttxd_history_append_only trigger, see
  audit migration 0003): SELECT and INSERT only;
- django_migrations: SELECT only (the schema is the owner's business);
- default privileges, so tables a later migration creates are covered too
  (ttxd_protect_history() revokes UPDATE/DELETE/TRUNCATE again on history).
"""

from __future__ import annotations

from django.db import connection, transaction
from psycopg2 import sql

HISTORY_TRIGGER = "ttxd_history_append_only"


def history_tables() -> list[str]:
    """Tables protected as append-only history, found in the database itself."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s ORDER BY 1",
            [HISTORY_TRIGGER],
        )
        return [row[0] for row in cursor.fetchall()]


def role_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        return cursor.fetchone() is not None


@transaction.atomic
def runtime_role_grant(name: str, *, login: bool = False) -> list[str]:
    """Create (if missing) and grant the runtime role; returns its history tables."""
    role = sql.Identifier(name)
    with connection.cursor() as cursor:
        if not role_exists(name):
            cursor.execute(
                sql.SQL("CREATE ROLE {} {} NOSUPERUSER NOCREATEDB NOCREATEROLE").format(
                    role, sql.SQL("LOGIN" if login else "NOLOGIN")
                )
            )
        cursor.execute("SELECT current_database()")
        database = sql.Identifier(cursor.fetchone()[0])
        statements = [
            "GRANT CONNECT ON DATABASE {db} TO {role}",
            "GRANT USAGE ON SCHEMA public TO {role}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
            "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM {role}",
        ]
        for statement in statements:
            cursor.execute(sql.SQL(statement).format(db=database, role=role))
        tables = history_tables()
        for table in tables:
            cursor.execute(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}").format(
                    table=sql.SQL(table), role=role
                )
            )
    return tables
