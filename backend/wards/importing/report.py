"""The plan and the result in words, for the command and the admin page."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from backend.wards.importing.applying import ImportResult
from backend.wards.importing.planning import ImportPlan

ENCODING_NAMES = {
    "utf-8": "Unicode (UTF-8)",
    "ascii": "ASCII",
    "cp1258": "Windows-1258",
    "tcvn3": "TCVN3 (ABC)",
    "vni": "VNI",
}


def hole_count(geometry: Any) -> int:
    return sum(int(polygon.num_interior_rings) for polygon in geometry)


def _m2(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def plan_sections(plan: ImportPlan) -> list[tuple[str, list[str]]]:
    """(heading, lines) in the order an officer checks them."""
    layer = plan.layer
    source = _("from the file") if layer.crs_from_file else _("as you confirmed")
    reading = [
        _("Format %(driver)s, layer %(layer)s, %(count)s ward(s).")
        % {"driver": layer.driver, "layer": layer.layer, "count": len(layer.features)},
        _("Code from field %(code)s, name from field %(name)s.")
        % {"code": layer.code_field, "name": layer.name_field},
        _("Coordinate system: %(crs)s (%(source)s).") % {"crs": layer.crs.label, "source": source},
        _("Names read as %(encoding)s.")
        % {"encoding": ENCODING_NAMES.get(layer.encoding, layer.encoding)},
    ]
    if layer.without_diacritics:
        reading.append(
            _("The names have no diacritics: correct them in the admin after the import.")
        )
    converted = [
        _("Name converted: “%(before)s” → “%(after)s”.")
        % {"before": f.name_before, "after": f.name}
        for f in layer.features
        if f.name_before
    ]
    repairs = [
        _("Ward %(code)s (feature %(number)s) was invalid (%(reason)s) and was repaired.")
        % {"code": f.code, "number": f.number, "reason": f.repair}
        for f in layer.features
        if f.repair
    ]
    repairs += [
        _("Ward %(code)s is made of several features, joined into one.") % {"code": code}
        for code in layer.merged_codes
    ]
    wards = [
        _("%(code)s %(name)s: %(area)s m², %(parts)s part(s), %(holes)s hole(s)%(update)s.")
        % {
            "code": w.feature.code,
            "name": w.feature.name,
            "area": _m2(w.area_m2),
            "parts": len(w.feature.geometry),
            "holes": hole_count(w.feature.geometry),
            "update": _(" (corrects the version of the same date)") if w.replaces_id else "",
        }
        for w in plan.wards
    ]
    checks = [
        _("Wards %(a)s and %(b)s overlap by %(area)s m².")
        % {"a": o.code_a, "b": o.code_b, "area": _m2(o.area_m2)}
        for o in plan.overlaps
    ] + [
        _("A gap of %(area)s m² belongs to no ward, around %(lat).5f N, %(lon).5f E.")
        % {"area": _m2(g.area_m2), "lat": g.lat, "lon": g.lon}
        for g in plan.gaps
    ]
    day = date_format(plan.valid_from, "d/m/Y")
    versions = [
        _("%(code)s %(name)s is closed on %(day)s.") % {"code": w.code, "name": w.name, "day": day}
        for w in plan.closed
    ] + [
        _("%(share)s of old %(old)s goes to %(new)s (%(area)s m²).")
        % {
            "share": f"{s.share:.1%}",
            "old": s.old_name,
            "new": s.new_code,
            "area": _m2(s.overlap_m2),
        }
        for s in plan.successions
    ]
    kinds = {"case": _("Open case"), "permit": _("Permit"), "membership": _("Staff member")}
    moves = [
        _("%(kind)s %(label)s: %(old)s → %(new)s%(how)s.")
        % {
            "kind": kinds[m.kind],
            "label": m.label,
            "old": m.old_ward_name,
            "new": m.new_code,
            "how": "" if m.contained or m.kind == "membership" else _(" (largest share)"),
        }
        for m in plan.moves
        if m.new_code
    ]
    refusals = [
        _("A version of %(code)s from %(day)s exists: import a date after it.")
        % {"code": code, "day": date_format(day_from, "d/m/Y")}
        for code, day_from in plan.later_versions
    ] + [
        _("%(kind)s %(label)s of %(old)s lies in no new ward and no new ward takes over its ward.")
        % {"kind": kinds[m.kind], "label": m.label, "old": m.old_ward_name}
        for m in plan.stranded
    ]
    refusals += [
        _(
            "%(code)s %(name)s is not in the file, but the new boundaries cover %(share)s of "
            "it: the import would close it. Add it to the file or correct the boundary drawn "
            "into it; to close it, confirm by naming it (--allow-closing %(code)s, or its "
            "checkbox)."
        )
        % {"code": w.code, "name": w.name, "share": f"{plan.covered_share(w.id):.1%}"}
        for w in plan.unconfirmed_closing
    ]
    confirmed = [
        _("%(code)s %(name)s is not in the file and is closed, as you confirmed.")
        % {"code": w.code, "name": w.name}
        for w in plan.closing_absent
        if w.code in plan.allow_closing
    ]
    closing = {w.code for w in plan.closing_absent}
    confirmed += [
        _("%(code)s was named to be closed, but the import does not close it: nothing is done.")
        % {"code": code}
        for code in sorted(plan.allow_closing - closing)
    ]
    sections = [
        (_("Reading the file"), reading),
        (_("Names converted"), converted),
        (_("Geometry repaired"), repairs),
        (_("Wards"), wards),
        (_("Overlaps and gaps"), checks),
        (_("Versions from %(day)s") % {"day": day}, versions),
        (_("Wards absent from the file"), confirmed),
        (_("What moves"), moves),
        (_("What stops the import"), refusals),
    ]
    return [(heading, lines) for heading, lines in sections if lines]


def result_line(result: ImportResult) -> str:
    return _(
        "%(created)s ward(s) created, %(updated)s corrected, %(closed)s closed, "
        "%(successions)s succession(s); moved: %(cases)s open case(s), %(permits)s permit(s), "
        "%(members)s staff membership(s)."
    ) % {
        "created": result.created,
        "updated": result.updated,
        "closed": result.closed,
        "successions": result.successions,
        "cases": result.cases_moved,
        "permits": result.permits_moved,
        "members": result.memberships_moved,
    }
