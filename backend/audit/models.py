"""The append-only history of every case."""

from __future__ import annotations

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


class CaseEvent(models.Model):
    """One thing that happened to a case: who, when, what.

    Never updated or deleted (see backend.audit.services: the only writer).
    """

    case = models.ForeignKey(
        "cases.ViolationCase", on_delete=models.PROTECT, related_name="events", verbose_name=_("case")
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

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def kind_label(self) -> str:
        return str(EventKind(self.kind).label) if self.kind in EventKind.values else self.kind

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
