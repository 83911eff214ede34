"""Writing a planned import: all of it in the caller's transaction, or nothing."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q

from backend.accounts.services import memberships_move_to_ward
from backend.cases.services.ward_moves import cases_move_to_ward
from backend.permits.services import permits_move_to_ward
from backend.sites.services.permit_sync import sites_follow_boundaries
from backend.wards.importing.planning import ImportPlan
from backend.wards.models import Ward, WardSuccession

SLUG_MAX = Ward._meta.get_field("slug").max_length or 20
_UNIT_WORDS = re.compile(r"^(phuong|xa|dac khu|thi tran)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    closed: int
    successions: int
    cases_moved: int
    permits_moved: int
    memberships_moved: int


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


def case_code_prefix(name: str, code: str, taken: set[str]) -> str:
    """An upper-case prefix for case codes from the name ("Phường Bến Thành" → BENTHANH).

    Case codes are unique across the city, so a prefix another ward uses
    gets the ward's code appended.
    """
    plain = _UNIT_WORDS.sub("", _ascii(name).strip())
    slug = re.sub(r"[^A-Z0-9]", "", plain.upper())[:SLUG_MAX] or re.sub(r"\W", "", code)
    if slug in taken:
        slug = (slug[: SLUG_MAX - len(code) - 1] + "-" + code)[:SLUG_MAX]
    return slug


def _correct_ward(ward_id: int, code: str, name: str) -> None:
    """The version of the same date takes the new name and boundary (copied in PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Ward._meta.db_table} SET name = %s, is_demo_geometry = false, "  # noqa: S608
            "boundary = (SELECT geom FROM ward_import_new WHERE code = %s) WHERE id = %s",
            [name, code, ward_id],
        )


def _create_wards(wards: list[tuple[str, str, str]], valid_from: datetime.date) -> dict[str, int]:
    """New versions, their boundaries copied from the planning table: {code: id}."""
    if not wards:
        return {}
    codes, slugs, names = (list(column) for column in zip(*wards, strict=True))
    province = Ward._meta.get_field("province").get_default()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Ward._meta.db_table}
                (code, slug, name, province, boundary, valid_from, valid_to, is_demo_geometry)
            SELECT n.code, v.slug, v.name, %s, n.geom, %s, NULL, false
            FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY AS v(code, slug, name, i)
            JOIN ward_import_new n ON n.code = v.code
            ORDER BY v.i
            RETURNING id, code
            """,  # noqa: S608 - the table name is the model's
            [province, valid_from, codes, slugs, names],
        )
        return {code: ward_id for ward_id, code in cursor.fetchall()}


def apply_import(plan: ImportPlan, *, actor: Any, source: str) -> ImportResult:
    """Write the plan; the caller holds the transaction (and planned in it)."""
    codes = [w.feature.code for w in plan.wards]
    taken = set(Ward.objects.exclude(code__in=codes).values_list("slug", flat=True))
    known = dict(
        Ward.objects.filter(code__in=codes)
        .order_by("code", "valid_from")
        .values_list("code", "slug")
    )
    updated = 0
    new_ids: dict[str, int] = {}
    fresh: list[tuple[str, str, str]] = []  # code, slug, name
    for planned in plan.wards:
        feature = planned.feature
        if planned.replaces_id:
            _correct_ward(planned.replaces_id, feature.code, feature.name)
            new_ids[feature.code] = planned.replaces_id
            updated += 1
            continue
        slug = known.get(feature.code) or case_code_prefix(feature.name, feature.code, taken)
        taken.add(slug)
        fresh.append((feature.code, slug, feature.name))
    new_ids.update(_create_wards(fresh, plan.valid_from))
    closed_ids = [w.id for w in plan.closed]
    Ward.objects.filter(pk__in=closed_ids).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=plan.valid_from)
    ).update(valid_to=plan.valid_from)
    WardSuccession.objects.bulk_create(
        [
            WardSuccession(
                old_id=s.old_id,
                new_id=new_ids[s.new_code],
                overlap_area_m2=s.overlap_m2,
                share=s.share,
            )
            for s in plan.successions
        ]
    )
    reason = {"reason": "boundary_import", "source": source, "valid_from": str(plan.valid_from)}
    cases = cases_move_to_ward(
        [(m.object_id, new_ids[m.new_code]) for m in plan.moves_of("case")],
        actor=actor,
        reason=reason,
    )
    permits = permits_move_to_ward(
        [(m.object_id, new_ids[m.new_code]) for m in plan.moves_of("permit")],
        actor=actor,
        source=source,
    )
    # Construction sites follow their permits, or their point (backend.sites).
    sites_follow_boundaries(closed_ids, day=plan.valid_from, actor=actor, source=source)
    memberships = memberships_move_to_ward(
        {m.old_ward_id: new_ids[m.new_code] for m in plan.moves_of("membership")}
    )
    return ImportResult(
        created=len(fresh),
        updated=updated,
        closed=len(closed_ids),
        successions=len(plan.successions),
        cases_moved=cases,
        permits_moved=permits,
        memberships_moved=memberships,
    )
