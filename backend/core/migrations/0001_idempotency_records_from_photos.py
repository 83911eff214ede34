"""Idempotency records, moved here from photos with their rows.

photos' migration 0004 renamed the table to core_idempotencyrecord; this one
only takes the model into core's state (the table, its unique constraint and
indexes are already there), then moves the model's content type, so that the
admin permissions given for it and its admin history stay attached.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODEL = "idempotencyrecord"


def content_type_move(source: str, target: str):  # type: ignore[no-untyped-def]
    def move(apps, schema_editor):  # type: ignore[no-untyped-def]
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        # A fresh database has none yet: post_migrate creates them afterwards.
        if not content_types.filter(app_label=target, model=MODEL).exists():
            content_types.filter(app_label=source, model=MODEL).update(app_label=target)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("photos", "0004_idempotency_records_move_to_core"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", models.CharField(max_length=100, verbose_name="key")),
                        (
                            "scope",
                            models.CharField(
                                choices=[
                                    ("photo_upload", "Photo upload"),
                                    ("case_open", "Case opened"),
                                ],
                                max_length=20,
                                verbose_name="scope",
                            ),
                        ),
                        (
                            "fingerprint",
                            models.CharField(max_length=64, verbose_name="fingerprint"),
                        ),
                        (
                            "result_id",
                            models.BigIntegerField(
                                blank=True, null=True, verbose_name="id of what was created"
                            ),
                        ),
                        (
                            "response_status",
                            models.PositiveSmallIntegerField(
                                blank=True, null=True, verbose_name="response status"
                            ),
                        ),
                        (
                            "response_body",
                            models.JSONField(
                                blank=True,
                                encoder=django.core.serializers.json.DjangoJSONEncoder,
                                null=True,
                                verbose_name="response body",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="created at"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "idempotency record",
                        "verbose_name_plural": "idempotency records",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "key"), name="unique_idempotency_key_per_user"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            content_type_move("photos", "core"), content_type_move("core", "photos")
        ),
    ]
