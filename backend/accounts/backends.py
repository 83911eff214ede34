"""Authentication: Django's ModelBackend, with a cheaper read of the session's user.

Every request of a logged-in user loads that user again from the database
(nothing about a user is kept in a process between requests, so a role
change or a deactivation takes effect on the next request). For small
requests such as map tiles, building that query through the ORM costs more
than running it, so the user row is read with one plain statement. Logging
in, passwords and permissions are the stock ModelBackend.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router


@cache
def _user_select(alias: str) -> tuple[str, list[str], list[tuple[int, list[Any], Any]]]:
    """The statement, attribute names and value converters for a user row."""
    model = get_user_model()
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    sql = (
        f"SELECT {', '.join(quote(str(f.column)) for f in fields)} FROM {quote(table)} "  # noqa: S608
        f"WHERE {quote(str(model._meta.pk.column))} = %s"
    )
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return sql, [f.attname for f in fields], converters


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        alias = router.db_for_read(model)
        connection = connections[alias]
        sql, names, converters = _user_select(alias)
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, functions, column in converters:
            for convert in functions:
                values[index] = convert(values[index], column, connection)
        user = model.from_db(alias, names, values)
        return user if self.user_can_authenticate(user) else None
