"""Writing and delivering notifications."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from backend.accounts.models import WARD_ROLES, Role, WardMembership
from backend.notifications.models import Notification, NotificationKind, notification_message

log = logging.getLogger(__name__)


def notifications_record(items: Iterable[dict[str, Any]]) -> int:
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


def still_in_audience(notifications: QuerySet[Notification]) -> QuerySet[Notification]:
    """The notices whose recipient is, now, still someone who should hear of the case.

    A notice waits for its e-mail until the next run, and its recipient may
    have been deactivated, moved out of the case's ward or given another role
    meanwhile: the mail would then tell a stranger about the ward's case.
    """
    in_case_ward = WardMembership.objects.filter(
        user_id=OuterRef("recipient_id"), ward__code=OuterRef("case__ward__code")
    )
    ward_audience = Q(recipient__role__in=WARD_ROLES) & Q(Exists(in_case_ward))
    city_audience = Q(kind=NotificationKind.OVERDUE_ESCALATED, recipient__role=Role.CITY_AUDITOR)
    return notifications.filter(recipient__is_active=True).filter(ward_audience | city_audience)


def notifications_email_pending(*, limit: int = 1000) -> int:
    """E-mail each notification not yet e-mailed, once, if its recipient still should hear.

    Rows are claimed with SKIP LOCKED: two scans running at once share the
    work instead of both sending. A failed send leaves the row for the next run;
    one whose recipient left the audience (still_in_audience) is never sent.
    """
    sent = 0
    with transaction.atomic():
        pending = list(
            still_in_audience(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
            )
            .filter(emailed_at__isnull=True)
            .exclude(recipient__email="")
            .select_related("recipient")
            .order_by("id")[:limit]
        )
        base = settings.TTXD_SITE_URL.rstrip("/")
        for note in pending:
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


def notification_mark_read(*, actor: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when no ids are given)."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
