"""Writes of the wards app: importing a set of boundaries (one transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import Role
from backend.accounts.selectors import Viewer
from backend.core.errors import InvalidInput, NotAllowed
from backend.wards.importing.applying import ImportResult, apply_import
from backend.wards.importing.planning import ImportPlan, plan_import
from backend.wards.importing.reading import ImportOptions, read_ward_file


def may_import_wards(user: Viewer) -> bool:
    """Boundaries are the city's: its administrators and superusers import them."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or user.role == Role.ADMIN)


@dataclass
class WardImportOutcome:
    plan: ImportPlan
    result: ImportResult | None  # None: a preview or dry run, nothing written


class _Rollback(Exception):
    pass


def ward_import(
    path: Path,
    options: ImportOptions,
    *,
    actor: Any,
    apply: bool,
    source: str,
    from_shell: bool = False,
) -> WardImportOutcome:
    """Read, plan and (with `apply`) write a boundary file, all or nothing.

    A preview (apply=False) plans inside a transaction that is rolled back,
    so it writes nothing. Applying refuses a blocked plan (InvalidInput).
    `from_shell`: the management command, run by whoever holds the server
    (the actor is then the system account).
    """
    if not (from_shell or may_import_wards(actor)):
        raise NotAllowed(_("Only the city's administrators may import ward boundaries."))
    layer = read_ward_file(path, options)
    valid_from = options.valid_from or timezone.localdate()
    outcome: WardImportOutcome | None = None
    try:
        with transaction.atomic():
            plan = plan_import(layer, valid_from, options.allow_closing)
            if not apply:
                outcome = WardImportOutcome(plan, None)
                raise _Rollback
            if plan.blocked:
                outcome = WardImportOutcome(plan, None)
                raise _Rollback
            result = apply_import(plan, actor=actor, source=source)
            outcome = WardImportOutcome(plan, result)
    except _Rollback:
        pass
    except DatabaseError as exc:
        # GEOS inside PostGIS can fail on a pathological shape (TopologyException):
        # the officer gets the reason, the database nothing.
        raise InvalidInput(
            _("PostGIS could not measure these boundaries: %(reason)s")
            % {"reason": str(exc).splitlines()[0][:200]},
            code="geometry_failed",
        ) from None
    assert outcome is not None
    if apply and outcome.result is None:
        raise WardImportBlocked(outcome.plan)
    return outcome


class WardImportBlocked(InvalidInput):
    def __init__(self, plan: ImportPlan) -> None:
        unconfirmed = plan.unconfirmed_closing
        if unconfirmed and not plan.blocked_otherwise:
            message = _(
                "The import was refused: it would close %(wards)s, which the file does not "
                "contain. Add them to the file or correct the boundaries drawn into them; if "
                "they are to be closed, confirm it by naming them (--allow-closing %(codes)s, "
                "or the checkboxes on the preview)."
            ) % {
                "wards": ", ".join(f"{w.code} {w.name}" for w in unconfirmed),
                "codes": ",".join(w.code for w in unconfirmed),
            }
        else:
            message = _("The import was refused: see what stops it in the report.")
        super().__init__(message, code="blocked")
        self.plan = plan
