"""Writing and delivering notifications."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any, NotRequired, TypedDict

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from backend.accounts.models import Role, User
from backend.accounts.selectors import Viewer, user_sees_all_wards, users_of_ward
from backend.notifications.models import Notification, NotificationKind, notification_message

log = logging.getLogger(__name__)


class NewNotification(TypedDict):
    """One notice for notifications_record: `key` tells a repeat of it apart."""

    recipient_id: int
    case_id: NotRequired[int | None]
    kind: str
    key: str
    params: NotRequired[dict[str, Any]]  # what notification_message fills in


def notifications_record(items: Iterable[NewNotification]) -> int:
    """Insert notifications; one whose (recipient, key) exists already is skipped.

    Returns how many are new. Safe under concurrency: the unique constraint
    decides (ON CONFLICT DO NOTHING), so a duplicate is ignored, never raised.
    """
    rows = [
        (
            item["recipient_id"],
            item.get("case_id"),
            item["kind"],
            item["key"],
            json.dumps(item.get("params", {}), cls=DjangoJSONEncoder),
        )
        for item in items
    ]
    if not rows:
        return 0
    table = Notification._meta.db_table
    created = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            inserted = execute_values(
                cursor.cursor,
                f"""
                INSERT INTO {table} (recipient_id, case_id, kind, key, params, created_at)
                VALUES %s
                ON CONFLICT (recipient_id, key) DO NOTHING
                RETURNING id
                """,  # noqa: S608 - the table name is ours, values are parameters
                rows[start : start + 500],
                template="(%s, %s, %s, %s, %s::jsonb, now())",
                fetch=True,
            )
            created += len(inserted)
    return created


def still_in_audience(notices: Sequence[Notification]) -> set[int]:
    """The ids of the notices whose recipient is, now, still someone the scan would tell.

    A notice waits for its e-mail until the next run, and its recipient may
    have been deactivated, moved out of the case's ward or given another role
    meanwhile: the mail would then tell a stranger about the ward's case. The
    audience is the deadline scan's (backend.cases.services.deadlines_scan),
    read again through the same accounts selectors: the ward's leaders and
    the case's assigned inspector while an inspector of the ward; the city
    auditors for a long-overdue case. `notices` come with their case.
    """
    ward_ids = {note.case.ward_id for note in notices if note.case is not None}
    leaders = {ward: _ids(users_of_ward(ward, role=Role.WARD_LEADER)) for ward in ward_ids}
    inspectors = {ward: _ids(users_of_ward(ward, role=Role.INSPECTOR)) for ward in ward_ids}
    kept = set()
    for note in notices:
        recipient, case = note.recipient_id, note.case
        if case is None:
            belongs = note.recipient.is_active
        elif note.kind == NotificationKind.OVERDUE_ESCALATED:
            auditor = note.recipient
            belongs = user_sees_all_wards(auditor) and auditor.role == Role.CITY_AUDITOR
        else:
            belongs = recipient in leaders[case.ward_id] or (
                recipient == case.assigned_inspector_id and recipient in inspectors[case.ward_id]
            )
        if belongs:
            kept.add(note.pk)
    return kept


def _ids(users: QuerySet[User]) -> set[int]:
    return set(users.values_list("id", flat=True))


def notifications_email_pending(*, limit: int = 1000) -> int:
    """E-mail each notification not yet e-mailed, once, if its recipient still should hear.

    Rows are claimed with SKIP LOCKED: two scans running at once share the
    work instead of both sending. A failed send leaves the row for the next
    run. One whose recipient has no address or has left the audience
    (still_in_audience) is marked withheld and never sent, even if they
    come back: the news would be stale by then, and the notice stays in the app.
    """
    sent = 0
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(emailed_at__isnull=True, email_withheld_at__isnull=True)
            .select_related("recipient", "case")
            .order_by("id")[:limit]
        )
        audience = still_in_audience(claimed)
        due = [note for note in claimed if note.pk in audience and note.recipient.email]
        withheld = [note.pk for note in claimed if note not in due]
        Notification.objects.filter(pk__in=withheld).update(email_withheld_at=timezone.now())
        base = settings.TTXD_SITE_URL.rstrip("/")
        for note in due:
            with translation.override(settings.LANGUAGE_CODE):
                text = notification_message(note.kind, note.params)
                url = f"{base}{note.params.get('url', '')}"
                subject = _("[TTXD] %(message)s") % {"message": text}
                body = "\n\n".join([text, url])
            try:
                send_mail(subject[:200], body, settings.DEFAULT_FROM_EMAIL, [note.recipient.email])
            except Exception:  # a broken mail server must not stop the scan
                log.exception("sending notification %s failed; it will be retried", note.pk)
                continue
            note.emailed_at = timezone.now()
            note.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def notification_mark_read(*, actor: Viewer, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when no ids are given)."""
    if not actor.is_authenticated:
        return 0  # the anonymous have none
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
