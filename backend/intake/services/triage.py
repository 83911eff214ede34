"""The ward's triage of citizens' reports: every action a history event, the reporter's page follows.

Actions (issue 15 §3): verify, open a case (pre-filled; the photos become
its evidence with their warnings), link to an existing case, send an
inspector (a requested visit of the site, recorded if new), dismiss with a
reason, merge into an earlier report, mark as spam (several at once). Only
the inspectors and leaders of the tip's ward act on it. A reporter who gave
an e-mail address and asked to be told gets a mail after each change of status.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.accounts.models import WARD_ROLES, Role, User
from backend.accounts.selectors import Viewer, ward_ids_of
from backend.audit.models import EventKind
from backend.audit.services import case_event_record
from backend.cases.models import ViolationCase, ViolationType
from backend.cases.selectors import cases_visible_to
from backend.cases.services.opening import case_open
from backend.core.errors import Conflict, InvalidInput, NotAllowed
from backend.intake.models import (
    CATEGORY_VIOLATION_TYPES,
    OPEN_STATUSES,
    SETTLED_STATUSES,
    Tip,
    TipEvent,
    TipEventKind,
    TipStatus,
)
from backend.intake.selectors import public_status_label, tip_root, within_metres
from backend.photos.services import tip_photos_to_case
from backend.sites.models import ACTIVE_STATUSES, SiteOrigin, SiteStatus
from backend.sites.selectors import sites_visible_to
from backend.sites.services.lifecycle import site_record, site_visit_request

log = logging.getLogger(__name__)

REASON_MAX_LENGTH = 1000
# An active site this close to the tip is the one to visit (else a site is recorded).
SITE_MATCH_RADIUS_M = 50.0
SPAM_BATCH_MAX = 500


def _staff(actor: Viewer, tip: Tip) -> User:
    if not (actor.is_authenticated and isinstance(actor, User) and actor.role in WARD_ROLES):
        raise NotAllowed(_("Only the ward's inspectors and leaders can handle citizens' reports."))
    if tip.ward_id not in ward_ids_of(actor):
        raise NotAllowed(_("This report is not in one of your wards."))
    return actor


def _locked(tip: Tip, actor: Viewer, version: int | None) -> tuple[Tip, User]:
    fresh = Tip.objects.select_for_update().select_related("ward").get(pk=tip.pk)
    who = _staff(actor, fresh)
    if version is not None and fresh.version != version:
        raise Conflict(
            _("Someone else handled this report meanwhile. Reload it and try again."),
            code="stale_version",
        )
    return fresh, who


def _require_open(tip: Tip) -> None:
    if tip.status in SETTLED_STATUSES:
        raise Conflict(
            _("This report was already answered (%(status)s).")
            % {"status": tip.get_status_display()},
            code="tip_settled",
        )


def _reason(value: Any, *, required: bool) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise InvalidInput(
            _("Give the reason the reporter will read."), field="reason", code="reason_required"
        )
    if len(text) > REASON_MAX_LENGTH:
        raise InvalidInput(
            _("The reason is limited to %(limit)d characters.") % {"limit": REASON_MAX_LENGTH},
            field="reason",
            code="too_long",
        )
    return text


def _change(
    tip: Tip,
    who: User,
    kind: str,
    *,
    status: str | None = None,
    note: str = "",
    payload: dict[str, Any] | None = None,
    fields: Iterable[str] = (),
) -> Tip:
    before = tip.status
    now = timezone.now()
    changed = list(fields)
    if status is not None and status != before:
        tip.status = status
        changed.append("status")
        if status in SETTLED_STATUSES:
            tip.settled_at = now
            changed.append("settled_at")
    tip.updated_at = now
    tip.version += 1
    tip.save(update_fields=[*changed, "updated_at", "version"])
    TipEvent.objects.create(
        tip=tip,
        kind=kind,
        actor=who,
        status_before=before if tip.status != before else "",
        status_after=tip.status if tip.status != before else "",
        note=note,
        payload=payload or {},
    )
    if tip.status != before and tip.notify_by_email and tip.reporter_email:
        code, address, status_now = tip.code, tip.reporter_email, tip.status
        transaction.on_commit(lambda: _mail_reporter(code, address, status_now))
    return tip


def _mail_reporter(code: str, address: str, status: str) -> None:
    """After the commit: a mail with the new status and the link, never a staff name."""
    link = f"{settings.TTXD_SITE_URL.rstrip('/')}/phan-anh/theo-doi/{code}/"
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[TTXD] Your report %(code)s: %(status)s") % {
            "code": code,
            "status": public_status_label(status),
        }
        body = _("Your report %(code)s now reads: %(status)s.\n\nFollow it here: %(link)s") % {
            "code": code,
            "status": public_status_label(status),
            "link": link,
        }
    try:
        send_mail(subject[:200], body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:  # a broken mail server must not undo the ward's action
        log.exception("mail to the reporter of %s failed", code)
        return
    tip = Tip.objects.filter(code=code).first()
    if tip is not None:
        TipEvent.objects.create(
            tip=tip, kind=TipEventKind.REPORTER_NOTIFIED, payload={"status": status}
        )


def _case_event(case: ViolationCase, who: User, tip: Tip, how: str) -> None:
    """The case's history says a citizen's report led to it (no personal data)."""
    case_event_record(
        case=case,
        actor=who,
        kind=EventKind.TIP_LINKED,
        payload={
            "tip_code": tip.code,
            "how": how,
            "category": tip.category,
            "received_at": tip.received_at.isoformat(),
            "channel": tip.channel,
        },
    )


@transaction.atomic
def tip_verify(*, actor: Viewer, tip: Tip, version: int | None = None) -> Tip:
    """The ward is verifying: the reporter reads "being verified"."""
    tip, who = _locked(tip, actor, version)
    _require_open(tip)
    if tip.status == TipStatus.VERIFYING:
        return tip
    return _change(tip, who, TipEventKind.VERIFYING, status=TipStatus.VERIFYING)


@transaction.atomic
def tip_open_case(
    *,
    actor: Viewer,
    tip: Tip,
    violation_type: str | None = None,
    address: str | None = None,
    description: str | None = None,
    assigned_inspector: User | None = None,
    version: int | None = None,
) -> ViolationCase:
    """Open a case at the tip's point, pre-filled from it; its photos become the case's evidence."""
    tip, who = _locked(tip, actor, version)
    _require_open(tip)
    chosen = violation_type or CATEGORY_VIOLATION_TYPES.get(tip.category)
    if not chosen:
        raise InvalidInput(
            _("Choose the violation (clause of Art. 16) the case is opened under."),
            field="violation_type",
            code="violation_type_required",
        )
    if chosen not in ViolationType.values:
        raise InvalidInput(
            _("Unknown violation type “%(value)s”.") % {"value": chosen},
            field="violation_type",
            code="unknown_violation_type",
        )
    lead = _("From citizen's report %(code)s (received %(day)s)") % {
        "code": tip.code,
        "day": timezone.localtime(tip.received_at).strftime("%d/%m/%Y"),
    }
    text = description if description is not None else tip.description
    case = case_open(
        actor=who,
        location=tip.location,
        violation_type=chosen,
        address=address if address is not None else tip.address,
        description=f"{lead}: {text}" if text else lead,
        assigned_inspector=assigned_inspector,
    )
    tip_photos_to_case(actor=who, tip=tip, case=case)
    _case_event(case, who, tip, "opened")
    tip.case = case
    _change(
        tip,
        who,
        TipEventKind.CASE_OPENED,
        status=TipStatus.CASE_OPENED,
        payload={"case": case.code},
        fields=["case"],
    )
    return case


@transaction.atomic
def tip_link_case(
    *, actor: Viewer, tip: Tip, case: ViolationCase, version: int | None = None
) -> Tip:
    """The tip is about a case the ward already has: the reporter follows that case."""
    tip, who = _locked(tip, actor, version)
    _require_open(tip)
    found = cases_visible_to(who).select_for_update(of=("self",)).filter(pk=case.pk).first()
    if found is None or found.ward_id not in ward_ids_of(who):
        raise InvalidInput(_("No such case in your wards."), field="case", code="unknown_case")
    case = found
    if not case.is_open:
        raise Conflict(
            _("Case %(case)s is closed: open a new case if building goes on.")
            % {"case": case.code},
            code="case_closed",
        )
    tip_photos_to_case(actor=who, tip=tip, case=case)
    _case_event(case, who, tip, "linked")
    tip.case = case
    return _change(
        tip,
        who,
        TipEventKind.CASE_LINKED,
        status=TipStatus.CASE_OPENED,
        payload={"case": case.code},
        fields=["case"],
    )


@transaction.atomic
def tip_send_inspector(
    *,
    actor: Viewer,
    tip: Tip,
    inspector: User | None = None,
    version: int | None = None,
) -> Tip:
    """Ask for a visit of the site today: the nearest active site within 50 m, or a new one.

    The site is then due on Today's list of the ward's inspectors; `inspector`
    names who goes (one of the ward's inspectors). The reporter reads "being verified".
    """
    tip, who = _locked(tip, actor, version)
    _require_open(tip)
    if inspector is not None and (
        not inspector.is_active
        or inspector.role != Role.INSPECTOR
        or tip.ward_id not in ward_ids_of(inspector)
    ):
        raise InvalidInput(
            _("Choose one of the ward's inspectors."), field="inspector", code="unknown_inspector"
        )
    today = timezone.localdate()
    site = (
        sites_visible_to(who)
        .filter(
            ward_id=tip.ward_id,
            status__in=[*ACTIVE_STATUSES, SiteStatus.NOT_STARTED],
            **within_metres("location", tip.location, SITE_MATCH_RADIUS_M),
        )
        .order_by("id")
        .first()
    )
    reason = _("Citizen's report %(code)s") % {"code": tip.code}
    if site is None:
        site = site_record(
            actor=who,
            origin=SiteOrigin.TIP,
            location=tip.location,
            address=tip.address,
            on=today,
            evidence=reason,
        )
    site = site_visit_request(actor=who, site=site, on=today, reason=reason)
    tip.site = site
    tip.assigned_inspector = inspector
    return _change(
        tip,
        who,
        TipEventKind.INSPECTOR_SENT,
        status=TipStatus.VERIFYING,
        payload={"site": site.pk, "inspector": inspector.pk if inspector else None},
        fields=["site", "assigned_inspector"],
    )


@transaction.atomic
def tip_dismiss(*, actor: Viewer, tip: Tip, reason: Any, version: int | None = None) -> Tip:
    """Not a violation, with the reason the reporter reads."""
    tip, who = _locked(tip, actor, version)
    _require_open(tip)
    text = _reason(reason, required=True)
    tip.status_reason = text
    return _change(
        tip,
        who,
        TipEventKind.DISMISSED,
        status=TipStatus.NOT_VIOLATION,
        note=text,
        fields=["status_reason"],
    )


@transaction.atomic
def tip_merge(*, actor: Viewer, tip: Tip, into: Tip, version: int | None = None) -> Tip:
    """The same site reported earlier: this tip follows the earlier one."""
    tip, who = _locked(tip, actor, version)
    _require_open(tip)
    target = tip_root(Tip.objects.select_related("case").get(pk=into.pk))
    if target.pk == tip.pk or target.ward_id != tip.ward_id:
        raise InvalidInput(
            _("Merge into another report of the same ward."), field="into", code="invalid_merge"
        )
    if target.status == TipStatus.SPAM:
        raise InvalidInput(
            _("That report was marked as spam: dismiss this one instead."),
            field="into",
            code="invalid_merge",
        )
    if (target.received_at, target.pk) > (tip.received_at, tip.pk):
        raise InvalidInput(
            _("Merge the later report into the earlier one."), field="into", code="merge_later"
        )
    tip.merged_into = target
    return _change(
        tip,
        who,
        TipEventKind.MERGED,
        status=TipStatus.MERGED,
        payload={"into": target.code},
        fields=["merged_into"],
    )


@transaction.atomic
def tips_mark_spam(*, actor: Viewer, tip_ids: Iterable[Any]) -> list[Tip]:
    """Mark several reports as spam at once: all of them, or (on any refusal) none."""
    ids: list[int] = []
    for raw in tip_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise InvalidInput(
                _("Report ids are whole numbers."), field="ids", code="invalid_id"
            ) from None
    ids = sorted(set(ids))
    if not ids:
        raise InvalidInput(_("Choose at least one report."), field="ids", code="empty")
    if len(ids) > SPAM_BATCH_MAX:
        raise InvalidInput(
            _("At most %(count)d reports at once.") % {"count": SPAM_BATCH_MAX},
            field="ids",
            code="too_many",
        )
    tips = list(Tip.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(tips) != len(ids):
        raise InvalidInput(_("Some of these reports do not exist."), field="ids", code="unknown")
    done: list[Tip] = []
    for tip in tips:
        who = _staff(actor, tip)
        if tip.status not in OPEN_STATUSES:
            raise Conflict(
                _("Report %(code)s was already answered (%(status)s).")
                % {"code": tip.code, "status": tip.get_status_display()},
                code="tip_settled",
            )
        done.append(_change(tip, who, TipEventKind.SPAM, status=TipStatus.SPAM))
    return done
