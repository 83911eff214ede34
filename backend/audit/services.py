"""The only way to write history. Called inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from backend.audit.models import CaseEvent


def case_event_record(
    *,
    case: Any,
    actor: Any,
    kind: str,
    payload: dict[str, Any] | None = None,
    stage_before: str = "",
    stage_after: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        at=timezone.now(),
        payload=payload or {},
        stage_before=stage_before,
        stage_after=stage_after,
    )
