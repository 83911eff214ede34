"""The append-only history of every case."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    EDITED = "edited", _("Case edited")
    PHOTO_ADDED = "photo_added", _("Photo added")
    STAGE_CHANGED = "stage_changed", _("Stage changed")
    NOTE = "note", _("Note")
    # Recorded by the deadline scan (actor: the system account).
    OVERDUE = "overdue", _("Deadline passed")
    OVERDUE_CLEARED = "overdue_cleared", _("No longer overdue")
    # A deadline an earlier version set wrongly, cleared by an administrator's command.
    DEADLINE_CORRECTED = "deadline_corrected", _("Deadline corrected")
    # Appended by audit migration 0005 for steps and photos recorded before
    # events carried their rows' hashes.
    RECORD_SEALED = "record_sealed", _("Record sealed")
    # A boundary import moved the case to the ward now responsible for its site.
    WARD_CHANGED = "ward_changed", _("Ward changed")
    # A citizen's report (backend.intake) led to the case, or was linked to it.
    TIP_LINKED = "tip_linked", _("Citizen's report linked")


class CaseEvent(models.Model):
    """One thing that happened to a case: who, when, what.

    Never updated or deleted: database triggers refuse UPDATE, DELETE and
    TRUNCATE (migration 0003), and backend.audit.services.case_event_record is
    the only writer. Events form one hash chain across the whole table (see
    backend.audit.chain), checked by `manage.py verify_audit`. The insert
    trigger (migration 0005) dates them by the database clock, never before
    the event they follow, and checks the hash of the step or photo row an
    event records (`payload["record"]`, see backend.audit.records).
    """

    case = models.ForeignKey(
        "cases.ViolationCase",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("case"),
    )
    # Free text rather than `choices`: apps add kinds without migrating audit.
    kind = models.CharField(_("kind"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("at"), db_index=True)
    stage_before = models.CharField(_("stage before"), max_length=30, blank=True)
    stage_after = models.CharField(_("stage after"), max_length=30, blank=True)
    payload = models.JSONField(_("details"), default=dict, encoder=DjangoJSONEncoder)
    # Position in the one chain across the table: 1, 2, 3… without gaps.
    seq = models.BigIntegerField(_("chain position"), unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["seq"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Fail early and clearly in Python; the database refuses it anyway.
        if not self._state.adding:
            raise HistoryIsAppendOnly(_("Case events are never changed once recorded."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise HistoryIsAppendOnly(_("Case events are never deleted."))

    def kind_label(self) -> str:
        return str(EventKind(self.kind).label) if self.kind in EventKind.values else self.kind


class PublishedHead(models.Model):
    """A chain head written down where the application's role cannot write.

    `manage.py verify_audit --publish`, run daily as the schema owner, adds
    one after a whole verification; every later verification checks that the
    chain still holds each of them, so history proven up to a published head
    cannot be rewritten by anyone with the runtime role's privileges. The
    runtime role may only read this table (grant_runtime_role); the insert
    trigger (migration 0006) refuses a head the chain does not hold or one
    behind the last published, and sets the time and the database role.
    """

    event_count = models.BigIntegerField(_("events in the chain"))
    hash = models.CharField(_("hash"), max_length=64)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.CharField(_("database role"), max_length=63)

    class Meta:
        verbose_name = _("published chain head")
        verbose_name_plural = _("published chain heads")
        ordering = ["event_count", "id"]

    def __str__(self) -> str:
        return f"{self.event_count} {self.hash[:16]}"


class HistoryIsAppendOnly(Exception):
    """Someone tried to change or delete recorded history."""
