"""Filing a citizen's report: from the public page or a city app (Open311).

Anyone may file, so everything is checked here whoever calls: the point
(inside one of the city's wards today), the words, the contact details. A
report is filed once per submission key: the browser's queue and the apps
retry with the same key and get the first answer back. Abuse limits (rate,
honeypot, fill time) are checked before this, by backend.intake.abuse.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.services import system_actor
from backend.cases.models import DeadlineRuleCode
from backend.cases.selectors import deadline_from
from backend.cases.services.input_checks import checked_point
from backend.core.control_characters import (
    control_character_code,
    control_character_message,
    first_control_character,
)
from backend.core.errors import Conflict, IdempotencyKeyReused, InvalidInput
from backend.core.idempotency import fingerprint_of, idempotency_key_check
from backend.intake.models import (
    OPEN_STATUSES,
    IntegrationClient,
    Tip,
    TipCategory,
    TipChannel,
    TipEvent,
    TipEventKind,
    TipStatus,
)
from backend.photos.services import PhotoIngestResult, tip_photo_ingest
from backend.wards.selectors import ward_containing

DESCRIPTION_MAX_LENGTH = 4000
ADDRESS_MAX_LENGTH = 300
NAME_MAX_LENGTH = 200
# Crockford's base32 without the letters read as digits (I, L, O) and U:
# 12 symbols are 60 random bits, so codes cannot be guessed or enumerated.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_SYMBOLS = 12
PHONE_DIGITS = re.compile(r"^\+?[0-9]{8,15}$")


def tip_code_new() -> str:
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_SYMBOLS))
    return f"PA-{symbols[0:4]}-{symbols[4:8]}-{symbols[8:12]}"


def _text(value: Any, *, field: str, label: str, limit: int, multiline: bool = False) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(_("This must be text."), field=field, code="not_text")
    text = value.strip()
    char = first_control_character(text.replace("\n", "").replace("\r", "") if multiline else text)
    if char:
        raise InvalidInput(
            control_character_message(label, char), field=field, code=control_character_code(char)
        )
    if len(text) > limit:
        raise InvalidInput(
            _("%(label)s is limited to %(limit)d characters.") % {"label": label, "limit": limit},
            field=field,
            code="too_long",
        )
    return text


def _phone(value: Any) -> str:
    text = _text(value, field="phone", label=_("Phone"), limit=40)
    if not text:
        return ""
    compact = re.sub(r"[\s.\-()]", "", text)
    if not PHONE_DIGITS.match(compact):
        raise InvalidInput(
            _("The phone number should be 8 to 15 digits, such as 0901234567."),
            field="phone",
            code="invalid_phone",
        )
    return compact


def _email(value: Any) -> str:
    text = _text(value, field="email", label=_("E-mail"), limit=254)
    if not text:
        return ""
    try:
        EmailValidator()(text)
    except ValidationError:
        raise InvalidInput(
            _("The e-mail address is not valid, such as ten@example.com."),
            field="email",
            code="invalid_email",
        ) from None
    return text


@dataclass(frozen=True)
class TipFiled:
    tip: Tip
    created: bool  # False: a retry with the same key, answered with the first tip


@dataclass(frozen=True)
class TipDraft:
    """A report checked and cleaned, not yet stored."""

    lat: float
    lon: float
    category: str
    description: str
    address: str
    reporter_name: str
    reporter_phone: str
    reporter_email: str
    notify_by_email: bool

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.__dict__)


def tip_check(
    *,
    lat: Any,
    lon: Any,
    category: Any,
    description: Any = "",
    address: Any = "",
    reporter_name: Any = "",
    reporter_phone: Any = "",
    reporter_email: Any = "",
    notify_by_email: Any = False,
) -> TipDraft:
    """Every field checked, with a message the reporter can act on."""
    point = checked_point(lat, lon)
    if category not in TipCategory.values:
        raise InvalidInput(
            _("Choose what is happening from the list."), field="category", code="unknown_category"
        )
    text = _text(
        description,
        field="description",
        label=_("Description"),
        limit=DESCRIPTION_MAX_LENGTH,
        multiline=True,
    )
    if category == TipCategory.OTHER and len(text) < 10:
        raise InvalidInput(
            _("Describe in a few words what is happening (at least 10 characters)."),
            field="description",
            code="description_required",
        )
    email = _email(reporter_email)
    notify = notify_by_email in (True, "true", "1", "on", 1)
    if notify and not email:
        raise InvalidInput(
            _("Give an e-mail address to be told of each change, or untick the box."),
            field="email",
            code="email_required",
        )
    return TipDraft(
        lat=point.y,
        lon=point.x,
        category=str(category),
        description=text,
        address=_text(address, field="address", label=_("Address"), limit=ADDRESS_MAX_LENGTH),
        reporter_name=_text(reporter_name, field="name", label=_("Name"), limit=NAME_MAX_LENGTH),
        reporter_phone=_phone(reporter_phone),
        reporter_email=email,
        notify_by_email=notify,
    )


def _lock_submission(channel: str, client: IntegrationClient | None, key: str) -> None:
    """Retries of one submission wait for each other: the second finds the first's tip."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"tip:{channel}:{client.pk if client else ''}:{key}"],
        )


@transaction.atomic
def tip_file(
    draft: TipDraft,
    *,
    channel: str,
    submission_key: str | None,
    client: IntegrationClient | None = None,
    external_media_url: str = "",
) -> TipFiled:
    """Store a checked report in the ward its point lies in today, once per submission key."""
    if channel not in TipChannel.values:
        raise ValueError(f"unknown channel {channel}")
    key = idempotency_key_check(submission_key) if submission_key is not None else ""
    if key:
        _lock_submission(channel, client, key)
        earlier = Tip.objects.filter(channel=channel, client=client, submission_key=key).first()
        if earlier is not None:
            if earlier.fingerprint != draft.fingerprint:
                raise IdempotencyKeyReused(
                    _(
                        "This report was already sent with other content. "
                        "Start a new report for something else."
                    ),
                    field="Idempotency-Key",
                    code="idempotency_key_reused",
                )
            return TipFiled(tip=earlier, created=False)
    now = timezone.now()
    today = timezone.localdate(now)
    point = checked_point(draft.lat, draft.lon)
    ward = ward_containing(point, today)
    if ward is None:
        raise InvalidInput(
            _(
                "This place is outside the city's wards: reports can only be taken for "
                "construction inside the city. Move the pin onto the site."
            ),
            field="location",
            code="outside_city",
        )
    due = deadline_from(DeadlineRuleCode.TIP_RESPONSE, detected_on=today, anchor=today)
    tip = Tip(
        ward=ward,
        location=point,
        address=draft.address,
        category=draft.category,
        description=draft.description,
        reporter_name=draft.reporter_name,
        reporter_phone=draft.reporter_phone,
        reporter_email=draft.reporter_email,
        notify_by_email=draft.notify_by_email,
        channel=channel,
        client=client,
        submission_key=key,
        fingerprint=draft.fingerprint,
        external_media_url=external_media_url,
        received_at=now,
        updated_at=now,
        response_due_on=due.due,
        response_rule=due.rule,
    )
    for _attempt in range(5):
        tip.code = tip_code_new()
        try:
            with transaction.atomic():
                tip.save()
            break
        except IntegrityError:
            if Tip.objects.filter(code=tip.code).exists():
                continue  # a code drawn twice in 2^60: draw again
            raise
    TipEvent.objects.create(
        tip=tip,
        kind=TipEventKind.RECEIVED,
        status_after=TipStatus.RECEIVED,
        payload={"channel": channel, "client": client.name if client else ""},
    )
    return TipFiled(tip=tip, created=True)


@transaction.atomic
def tip_photo_add(
    *,
    tip: Tip,
    data: bytes,
    filename: str = "",
    device_lat: Any = None,
    device_lon: Any = None,
    captured_at: Any = None,
    max_photos: int,
    window_hours: float,
) -> PhotoIngestResult:
    """A photo for a report, sent by whoever holds its code: at most `max_photos`,
    only while the ward has not answered and within `window_hours` of filing."""
    tip = Tip.objects.select_for_update().get(pk=tip.pk)
    if tip.status not in OPEN_STATUSES:
        raise Conflict(
            _("The ward has already answered this report: it takes no more photos."),
            code="tip_settled",
        )
    if timezone.now() - tip.received_at > datetime.timedelta(hours=window_hours):
        raise Conflict(
            _("Photos can be added within %(hours)d hours of sending the report.")
            % {"hours": window_hours},
            code="tip_photo_window",
        )
    # A retry of a photo already kept is answered as before; a new one past the limit is refused.
    if (
        tip.photos.count() >= max_photos
        and not tip.photos.filter(sha256=hashlib.sha256(data).hexdigest()).exists()
    ):
        raise Conflict(
            _("A report takes at most %(count)d photos.") % {"count": max_photos},
            code="too_many_photos",
        )
    result = tip_photo_ingest(
        actor=system_actor(),
        tip=tip,
        data=data,
        filename=filename,
        device_lat=device_lat,
        device_lon=device_lon,
        captured_at=captured_at,
    )
    if result.created:
        TipEvent.objects.create(
            tip=tip,
            kind=TipEventKind.PHOTO_ADDED,
            payload={
                "photo_id": result.photo.pk,
                "warnings": [w["code"] for w in result.photo.warnings],
            },
        )
    return result
