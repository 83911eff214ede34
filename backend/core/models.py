"""What the shared infrastructure keeps in the database: idempotency records, rate counters."""

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


class RateCounter(models.Model):
    """Hits of one key in one fixed window of one rate limit (backend.core.rate_limits).

    In PostgreSQL because every web process and replica must count together.
    The key (a client address, a device id, an API key) is kept only as an
    HMAC under the site's secret: the table cannot tell who sent anything.
    """

    scope = models.CharField(_("scope"), max_length=40)
    key_digest = models.CharField(_("key digest"), max_length=64)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            # The conflict target of the counting upsert.
            models.UniqueConstraint(
                fields=["scope", "key_digest", "window_start"], name="unique_rate_counter_window"
            ),
        ]
        # Pruning deletes by age alone.
        indexes = [models.Index(fields=["window_start"], name="rate_counter_window_start")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key_digest[:12]}@{self.window_start:%Y-%m-%dT%H:%M:%SZ}"


class ScheduledJob(models.Model):
    """A periodic job (a management command) and when it runs next (backend.core.scheduler).

    Rows are the schedule every scheduler process shares: whichever claims a
    due row first (SELECT … FOR UPDATE SKIP LOCKED, next run moved on in the
    same transaction) runs it; another scheduler on another machine skips it.
    """

    name = models.CharField(_("job"), max_length=60, unique=True)
    command = models.CharField(_("command"), max_length=60)
    every_minutes = models.PositiveIntegerField(_("every (minutes)"))
    next_run_at = models.DateTimeField(_("next run"))
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_ok = models.BooleanField(_("last run succeeded"), null=True, blank=True)
    last_output = models.TextField(_("last output"), blank=True)
    # host:pid of the scheduler running it now (empty when idle).
    running_on = models.CharField(_("running on"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["next_run_at", "name"]

    def __str__(self) -> str:
        return self.name
