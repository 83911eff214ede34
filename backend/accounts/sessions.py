"""Database sessions, read with one plain statement.

The same table, format and expiry as django.contrib.sessions.backends.db:
sessions stay in PostgreSQL, shared by every process, and a logout or an
expiry takes effect at once everywhere. Only the read is different: every
request of a logged-in user (every map tile, for one) loads its session, and
building that query through the ORM costs about as much again as running it.
Writes keep the stock code.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from backend.accounts.digests import text_digest


class SessionStore(DatabaseSessionStore):
    loaded_digest: str | None = None
    # When the row read expires (the field app's page says so to its service worker).
    loaded_expiry: datetime.datetime | None = None

    def load(self) -> dict[str, Any]:
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data, expire_date FROM {table} "  # noqa: S608 - the model's own table name
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            # Unknown or expired, as in the stock store: a new key on the next save.
            self._session_key = None
            self.loaded_digest = self.loaded_expiry = None
            return {}
        # What was read, for snapshot_of (backend.accounts.selectors) to re-check later.
        self.loaded_digest = text_digest(row[0])
        self.loaded_expiry = row[1]
        return self.decode(row[0])
