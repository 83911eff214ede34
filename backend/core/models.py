"""What the shared infrastructure keeps in the database: idempotency records."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyScope(models.TextChoices):
    PHOTO_UPLOAD = "photo_upload", _("Photo upload")
    CASE_OPEN = "case_open", _("Case opened")
    SITE_VISIT = "site_visit", _("Site visit recorded")


class IdempotencyRecord(models.Model):
    """A client-made Idempotency-Key and the answer its first request got.

    Phones retry uploads until they hear back; a retry with the same key gets
    the first answer again instead of a second photo or case. Kept in
    PostgreSQL because several web processes share nothing else. Written in
    the same transaction as what the request created, so a crash leaves
    neither behind.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=100)
    scope = models.CharField(_("scope"), max_length=20, choices=IdempotencyScope.choices)
    # SHA-256 of what the request asked for: the same key with other content is refused.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    result_id = models.BigIntegerField(_("id of what was created"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(
        _("response body"), null=True, blank=True, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
