from django.db import connection


def test_database_is_postgis(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT postgis_lib_version()")
        assert cursor.fetchone()[0].startswith("3.")
