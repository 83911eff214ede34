"""The built-in collections: ward boundaries, permits, construction sites, violation cases
and citizens' reports.

Each reads its rows through its app's "visible to" selector. Case properties
leave out the violator's personal data (name, ID number, birth date,
address): a GIS layer is copied into desktop projects and shared files, and
the case page is where an officer with a reason reads them. Citizens'
reports likewise leave out who reported them (name, phone, e-mail) and what
they wrote (a description may name people); the tips collection is never
public (its codes open the reporters' status pages).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Expression, QuerySet
from django.utils.translation import gettext_lazy as _

from backend.accounts.selectors import Viewer
from backend.cases.models import Outcome, Stage, ViolationCase, ViolationType
from backend.cases.selectors import cases_visible_to, overdue_flag
from backend.intake.models import Tip, TipCategory, TipChannel, TipStatus
from backend.intake.selectors import tip_overdue_flag, tips_visible_to
from backend.ogc.registry import CollectionDefinition, Property, register
from backend.permits.models import Permit, PermitStatus, WorksClass
from backend.permits.selectors import permits_visible_to
from backend.sites.models import Site, SiteOrigin, SiteStatus
from backend.sites.selectors import (
    InspectionState,
    inspection_state_expression,
    sites_visible_to,
)
from backend.wards.selectors import wards_valid_on, wards_visible_to


def _current_wards_visible(user: Viewer, today: datetime.date) -> QuerySet[Any]:
    return wards_visible_to(user).filter(pk__in=wards_valid_on(today).values("pk"))


def _current_wards(today: datetime.date) -> QuerySet[Any]:
    return wards_valid_on(today)


def _permits_visible(user: Viewer, today: datetime.date) -> QuerySet[Any]:
    return permits_visible_to(user)


def _all_permits(today: datetime.date) -> QuerySet[Any]:
    return Permit.objects.all()


def _cases_visible(user: Viewer, today: datetime.date) -> QuerySet[Any]:
    return cases_visible_to(user)


def _all_cases(today: datetime.date) -> QuerySet[Any]:
    return ViolationCase.objects.all()


def _overdue(today: datetime.date) -> Expression:
    return overdue_flag(today)


def _sites_visible(user: Viewer, today: datetime.date) -> QuerySet[Any]:
    return sites_visible_to(user)


def _all_sites(today: datetime.date) -> QuerySet[Any]:
    return Site.objects.all()


def _inspection(today: datetime.date) -> Expression:
    return inspection_state_expression(today)


INSPECTION_STATES = (
    (InspectionState.OVERDUE, _("Overdue for inspection")),
    (InspectionState.DUE, _("Due within a week")),
    (InspectionState.SCHEDULED, _("Scheduled later")),
    (InspectionState.NONE, _("No visit scheduled")),
)


WARDS = register(
    CollectionDefinition(
        id="wards",
        title=_("Ward boundaries"),
        description=_("The wards' boundaries in force today (one row per ward)."),
        geometry_field="boundary",
        geometry_type="MultiPolygon",
        visible_rows=_current_wards_visible,
        all_rows=_current_wards,
        time_start="valid_from",
        time_end="valid_to",
        time_is_date=True,
        order=10,
        properties=(
            Property("code", "string", _("official code"), queryable=True),
            Property("name", "string", _("name"), queryable=True),
            Property("province", "string", _("province")),
            Property("valid_from", "string", _("valid from"), format="date"),
            Property("valid_to", "string", _("valid to"), format="date"),
            Property("is_demo_geometry", "boolean", _("demo geometry")),
        ),
    )
)

PERMITS = register(
    CollectionDefinition(
        id="permits",
        title=_("Construction permits"),
        description=_("Construction permits and their parcels."),
        geometry_field="parcel",
        geometry_type="MultiPolygon",
        visible_rows=_permits_visible,
        all_rows=_all_permits,
        time_start="issued_on",
        time_is_date=True,
        order=20,
        properties=(
            Property("number", "string", _("permit number"), queryable=True),
            Property("issuing_authority", "string", _("issuing authority"), queryable=True),
            Property("issued_on", "string", _("issue date"), format="date"),
            Property("expires_on", "string", _("expiry date"), format="date"),
            Property("holder_name", "string", _("permit holder")),
            Property("address", "string", _("address")),
            Property("map_sheet", "string", _("map sheet no."), queryable=True),
            Property("parcel_number", "string", _("parcel no."), queryable=True),
            Property("permitted_storeys", "integer", _("permitted storeys")),
            Property("permitted_height_m", "number", _("permitted height (m)")),
            Property("permitted_floor_area_m2", "number", _("permitted floor area (m²)")),
            Property(
                "works_class",
                "string",
                _("works class"),
                queryable=True,
                enum=WorksClass.choices,
            ),
            Property("status", "string", _("status"), queryable=True, enum=PermitStatus.choices),
            Property("ward_code", "string", _("ward"), source="ward__code", queryable=True),
        ),
    )
)

SITES = register(
    CollectionDefinition(
        id="sites",
        title=_("Construction sites"),
        description=_(
            "Construction sites watched on the inspection plan: status of the works and "
            "inspection due (as of today)."
        ),
        geometry_field="location",
        geometry_type="Point",
        visible_rows=_sites_visible,
        all_rows=_all_sites,
        time_start="status_since",
        time_is_date=True,
        order=25,
        properties=(
            Property("ward_code", "string", _("ward"), source="ward__code", queryable=True),
            Property("origin", "string", _("origin"), queryable=True, enum=SiteOrigin.choices),
            Property("status", "string", _("status"), queryable=True, enum=SiteStatus.choices),
            Property("status_since", "string", _("in this status since"), format="date"),
            Property("address", "string", _("address")),
            Property("permit_number", "string", _("permit number"), source="permit__number"),
            Property("works_class", "string", _("works class"), enum=WorksClass.choices),
            Property("storeys_built", "integer", _("storeys built")),
            Property(
                "permitted_storeys",
                "integer",
                _("permitted storeys"),
                source="permit__permitted_storeys",
            ),
            Property("next_visit_due", "string", _("next visit due"), format="date"),
            Property("last_visit_on", "string", _("last visited on"), format="date"),
            Property("visit_count", "integer", _("visits")),
            Property(
                "inspection",
                "string",
                _("inspection"),
                source=_inspection,
                enum=INSPECTION_STATES,
            ),
        ),
    )
)

CASES = register(
    CollectionDefinition(
        id="cases",
        title=_("Violation cases"),
        description=_("Construction-order violation cases at their site."),
        geometry_field="location",
        geometry_type="Point",
        visible_rows=_cases_visible,
        all_rows=_all_cases,
        time_start="detected_at",
        order=30,
        properties=(
            Property("code", "string", _("case code"), queryable=True),
            Property("ward_code", "string", _("ward"), source="ward__code", queryable=True),
            Property("stage", "string", _("stage"), queryable=True, enum=Stage.choices),
            Property(
                "violation_type",
                "string",
                _("violation"),
                queryable=True,
                enum=ViolationType.choices,
            ),
            Property("address", "string", _("address")),
            Property("detected_at", "string", _("detected at"), format="date-time"),
            Property("stage_deadline", "string", _("stage deadline"), format="date"),
            Property("overdue", "boolean", _("overdue"), source=_overdue),
            Property("closed_on", "string", _("closed on"), format="date"),
            Property("outcome", "string", _("outcome"), queryable=True, enum=Outcome.choices),
            Property("permit_number", "string", _("permit number"), source="permit__number"),
        ),
    )
)


def _tips_visible(user: Viewer, today: datetime.date) -> QuerySet[Any]:
    return tips_visible_to(user)


def _no_tips(today: datetime.date) -> QuerySet[Any]:
    # Never public: listed in TTXD_OGC_PUBLIC_COLLECTIONS, the collection is empty.
    return Tip.objects.none()


def _tip_overdue(today: datetime.date) -> Expression:
    return tip_overdue_flag(today)


TIPS = register(
    CollectionDefinition(
        id="tips",
        title=_("Citizens' reports"),
        description=_(
            "Reports of construction violations sent by residents, where they saw them: "
            "what, status and response date (as of today); not who reported them."
        ),
        geometry_field="location",
        geometry_type="Point",
        visible_rows=_tips_visible,
        all_rows=_no_tips,
        time_start="received_at",
        order=35,
        properties=(
            Property("code", "string", _("report code"), queryable=True),
            Property("ward_code", "string", _("ward"), source="ward__code", queryable=True),
            Property(
                "category",
                "string",
                _("what is happening"),
                queryable=True,
                enum=TipCategory.choices,
            ),
            Property("status", "string", _("status"), queryable=True, enum=TipStatus.choices),
            Property("channel", "string", _("channel"), enum=TipChannel.choices),
            Property("address", "string", _("address")),
            Property("received_at", "string", _("received at"), format="date-time"),
            Property("response_due_on", "string", _("response due"), format="date"),
            Property("settled_at", "string", _("answered at"), format="date-time"),
            Property("overdue", "boolean", _("response overdue"), source=_tip_overdue),
            Property("case_code", "string", _("case code"), source="case__code"),
        ),
    )
)
