"""The schema in the migrations matches the models, and moving a model keeps its rows."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from backend.core.models import IdempotencyRecord
from tests.factories import UserFactory


@pytest.mark.django_db
def test_migrations_are_complete() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"Models have changes with no migration (exit {exit_.code}):\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()


# Idempotency records moved from photos to core (photos 0004, core 0001).
BEFORE_THE_MOVE = [("photos", "0003_site_photos_append_only"), ("core", None)]


def migrate_to(targets: list[tuple[str, str | None]] | None = None) -> Any:
    """Migrate the test database to `targets` (default: every app's latest); its models then."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def constraints_of(table: str) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        return list(connection.introspection.get_constraints(cursor, table).values())


@pytest.mark.django_db(transaction=True)
def test_idempotency_records_keep_their_rows_when_they_move_from_photos_to_core() -> None:
    user = UserFactory()
    content_type = ContentType.objects.get_for_model(IdempotencyRecord).pk
    try:
        before = migrate_to(BEFORE_THE_MOVE)
        old = before.get_model("photos", "IdempotencyRecord").objects.create(
            user_id=user.pk,
            key="khoa-truoc-khi-chuyen",
            scope="photo_upload",
            fingerprint="f" * 64,
            result_id=7,
            response_status=201,
            response_body={"id": 7},
        )

        migrate_to()
        ContentType.objects.clear_cache()
        moved = IdempotencyRecord.objects.get(pk=old.pk)
        assert (moved.user, moved.key, moved.scope, moved.response_body) == (
            user,
            "khoa-truoc-khi-chuyen",
            "photo_upload",
            {"id": 7},
        )
        assert ContentType.objects.get_for_model(IdempotencyRecord).pk == content_type
        kept = constraints_of("core_idempotencyrecord")
        assert any(c["index"] and c["columns"] == ["created_at"] for c in kept)
        assert any(c["foreign_key"] == ("accounts_user", "id") for c in kept)
        with pytest.raises(IntegrityError), transaction.atomic():
            IdempotencyRecord.objects.create(
                user=user, key="khoa-truoc-khi-chuyen", scope="case_open", fingerprint="0" * 64
            )

        back = migrate_to(BEFORE_THE_MOVE)
        again = back.get_model("photos", "IdempotencyRecord").objects.get(pk=old.pk)
        assert (again.user_id, again.key) == (user.pk, "khoa-truoc-khi-chuyen")
        assert (
            back.get_model("contenttypes", "ContentType")
            .objects.get(app_label="photos", model="idempotencyrecord")
            .pk
            == content_type
        )
    finally:
        migrate_to()
        ContentType.objects.clear_cache()
