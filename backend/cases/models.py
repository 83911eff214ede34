"""Violation cases: where, what, which stage of the legal workflow."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The catalogue's models live beside this module; other apps import them from here.
from backend.cases.catalogue import FineRule as FineRule
from backend.cases.catalogue import FineTier as FineTier
from backend.cases.catalogue import ViolationClause as ViolationClause
from backend.cases.rules import REST_DAY_KINDS as REST_DAY_KINDS
from backend.cases.rules import CalendarDay as CalendarDay
from backend.cases.rules import CalendarDayKind as CalendarDayKind
from backend.cases.rules import DeadlineRule as DeadlineRule
from backend.cases.rules import DeadlineRuleCode as DeadlineRuleCode

# The rule tables live beside this module; other apps import them from here.
from backend.cases.rules import DeadlineUnit as DeadlineUnit
from backend.cases.rules import LegalRate as LegalRate
from backend.cases.rules import LegalRateCode as LegalRateCode
from backend.cases.violator_facts import ViolatorFacts
from backend.permits.models import WorksClass


class Stage(models.TextChoices):
    """Stages of Decree 16/2022 + Decree 118/2021 handling (see DOMAIN.md)."""

    DETECTED = "detected", _("Detected")
    SUSPENDED = "suspended", _("Suspended (violation record)")
    HALTED = "halted", _("Halted (sanction decision)")
    LEGALISING = "legalising", _("Legalising")
    CONFORMITY_CHECK = "conformity_check", _("Conformity check")
    SELF_DEMOLITION = "self_demolition", _("Self-demolition")
    ENFORCEMENT = "enforcement", _("Enforcement")
    TRANSFERRED = "transferred", _("Transferred")
    CLOSED = "closed", _("Closed")


OPEN_STAGES = frozenset(s for s in Stage if s not in {Stage.CLOSED})


class Outcome(models.TextChoices):
    """How a closed case ended."""

    LEGALISED = "legalised", _("Legalised: permit obtained and the site conforms")
    SELF_DEMOLISHED = "self_demolished", _("Demolished by the violator")
    ENFORCED = "enforced", _("Demolished by enforcement")
    TRANSFERRED = "transferred", _("Handed over to the competent authority")
    CANCELLED = "cancelled", _("Cancelled")


class ViolatorKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANISATION = "organisation", _("Organisation")


class ViolationType(models.TextChoices):
    """Decree 16/2022/NĐ-CP Art. 16 clauses: the codes cases are recorded under.

    The catalogue (backend.cases.catalogue.ViolationClause) holds each clause's
    wording, bands and remedies by version; these labels are its short labels
    (tests/cases/test_catalogue.py holds them equal). Clause 11 (land use) is
    fined under the land decree, so no case is opened under it here.
    """

    CLAUSE_1 = "art16_1", _("Art. 16.1 – site not screened, materials spilt or misplaced")
    CLAUSE_2 = "art16_2", _("Art. 16.2 – permit not displayed at the site")
    CLAUSE_3 = "art16_3", _("Art. 16.3 – permit not adjusted or extended")
    CLAUSE_4 = "art16_4", _("Art. 16.4 – deviates from a repair, relocation or time-limited permit")
    CLAUSE_5 = "art16_5", _("Art. 16.5 – damage to neighbouring works")
    CLAUSE_6 = "art16_6", _("Art. 16.6 – deviates from a new-build permit")
    CLAUSE_7 = "art16_7", _("Art. 16.7 – building without a permit")
    CLAUSE_8 = "art16_8", _("Art. 16.8 – deviates from the appraised design")
    CLAUSE_9 = "art16_9", _("Art. 16.9 – contrary to the construction plan")
    CLAUSE_10 = "art16_10", _("Art. 16.10 – encroachment")
    CLAUSE_12 = "art16_12", _("Art. 16.12 – building continued after the record")
    CLAUSE_13 = "art16_13", _("Art. 16.13 – repeat violation")


# Only these clauses may be legalised by obtaining a permit (Decree 16 Art. 81).
LEGALISABLE_TYPES = frozenset(
    {ViolationType.CLAUSE_4, ViolationType.CLAUSE_6, ViolationType.CLAUSE_7, ViolationType.CLAUSE_8}
)


class PermitMatchKind(models.TextChoices):
    PARCEL = "parcel", _("Inside the permit parcel")
    NEAREST = "nearest", _("Nearest permit parcel")
    NONE = "none", _("No permit found")


class ViolationCase(ViolatorFacts):
    code = models.CharField(_("case code"), max_length=40, unique=True, editable=False)
    # The ward responsible today: access, lists and maps follow it, and a
    # boundary import moves an open case to the new ward that contains it.
    ward = models.ForeignKey(
        "wards.Ward", on_delete=models.PROTECT, related_name="cases", verbose_name=_("ward")
    )
    # The ward the case was opened in, kept for ever: its number belongs to
    # that ward's register, and reports can group by "ward at the time".
    opened_in_ward = models.ForeignKey(
        "wards.Ward",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("opened in ward"),
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("number in the year"), editable=False)
    location = models.PointField(_("location"), srid=4326)
    footprint = models.PolygonField(_("footprint"), srid=4326, null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    permit = models.ForeignKey(
        "permits.Permit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("matched permit"),
    )
    permit_match = models.CharField(
        _("permit match"),
        max_length=10,
        choices=PermitMatchKind.choices,
        default=PermitMatchKind.NONE,
    )
    permit_distance_m = models.FloatField(_("distance to permit parcel (m)"), null=True, blank=True)
    violation_type = models.CharField(
        _("violation type"), max_length=10, choices=ViolationType.choices
    )
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.DETECTED, editable=False
    )
    stage_deadline = models.DateField(_("stage deadline"), null=True, blank=True, editable=False)
    detected_at = models.DateTimeField(_("detected at"))
    assigned_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assigned inspector"),
    )
    # --- Workflow state: written only by backend.cases.services.transition.case_transition.
    # Bumped by every workflow step: a client sends the version it saw, so two
    # people acting on the same case cannot both win.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The legal date on which the current stage began (detection, record, ...).
    stage_since = models.DateField(_("in this stage since"), null=True, blank=True, editable=False)
    deadline_rule = models.ForeignKey(
        "cases.DeadlineRule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("deadline rule"),
    )
    # Set by `manage.py scan_deadlines` (first day past the deadline), cleared by the next step.
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True, editable=False)
    # A suspension decision (MQĐ31) stops the decision's execution: the case is not
    # overdue meanwhile. Only case_transition writes it (backend.cases.appeals).
    execution_suspended = models.BooleanField(
        _("execution suspended"), default=False, editable=False
    )
    # What the running deadline is counted from, as the law names it (LAW.md §1):
    # {"event": "act" | "record" | "issue" | "receipt", "on": ISO date, "document_step": id,
    #  "method": how it was served, "amount": n, "unit": DeadlineUnit}. Empty: no deadline.
    stage_deadline_start = models.JSONField(
        _("deadline counted from"), default=dict, blank=True, editable=False
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, editable=False
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    # A case opened because building continued after the record (Decree 16 Art. 16.12).
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="child_cases",
        editable=False,
        verbose_name=_("opened from case"),
    )
    # --- Facts entered once and reused by every document (Decree 118/2021 forms).
    works_class = models.CharField(
        _("works class"),
        max_length=30,
        choices=WorksClass.choices,
        default=WorksClass.INDIVIDUAL_HOUSE,
        help_text=_("Sets the legalisation period: 30 days for an individual house, 90 otherwise."),
    )
    violator_kind = models.CharField(
        _("violator is"),
        max_length=20,
        choices=ViolatorKind.choices,
        default=ViolatorKind.INDIVIDUAL,
    )
    violator_name = models.CharField(_("violator's name"), max_length=200, blank=True)
    violator_birth_date = models.DateField(_("violator's date of birth"), null=True, blank=True)
    violator_id_number = models.CharField(_("ID card number"), max_length=30, blank=True)
    violator_address = models.CharField(_("violator's address"), max_length=300, blank=True)
    violator_org_code = models.CharField(_("enterprise code"), max_length=30, blank=True)
    violator_representative = models.CharField(
        _("legal representative"), max_length=200, blank=True
    )
    # Decree 16/2022 Art. 16 point b: an individual house in a conservation
    # zone or at a historical-cultural relic is fined as "other works".
    in_heritage_zone = models.BooleanField(
        _("in a conservation zone or at a historical-cultural relic"), default=False
    )
    map_sheet = models.CharField(_("map sheet no."), max_length=20, blank=True)
    parcel_number = models.CharField(_("parcel no."), max_length=20, blank=True)
    storeys = models.PositiveSmallIntegerField(_("storeys"), null=True, blank=True)
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="opened_cases",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("violation case")
        verbose_name_plural = _("violation cases")
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opened_in_ward", "year", "sequence"],
                name="unique_case_number_per_ward_year",
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "stage"]),
            models.Index(fields=["stage_deadline"]),
            models.Index(fields=["violation_type"]),
            # The lists' order (newest first), within a ward and across the city:
            # a page of ten reads ten index entries instead of sorting the ward.
            models.Index(fields=["ward", "-detected_at", "-id"], name="case_ward_newest_first"),
            models.Index(fields=["-detected_at", "-id"], name="case_newest_first"),
            # Search by part of a code or an address (icontains: UPPER(…) LIKE '%…%')
            # uses trigram indexes made in SQL by migration 0019.
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_legalisable(self) -> bool:
        return self.violation_type in LEGALISABLE_TYPES

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class YearlyCounter(models.Model):
    """Gap-free numbering per ward, per year and per series (cases, documents).

    Incremented with an upsert inside the caller's transaction: a rollback
    returns the number, and concurrent callers queue on the row lock.
    """

    ward = models.ForeignKey("wards.Ward", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=40)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ward", "year", "series"], name="unique_counter"),
        ]


class DocumentType(models.TextChoices):
    """Documents a step issues (forms of Decree 118/2021's appendix)."""

    MBB01 = "MBB01", _("Violation record (MBB01)")
    MQD02 = "MQD02", _("Sanction decision (MQĐ02)")
    # MQĐ15: the remedial measures without a fine (Law on Handling Administrative
    # Violations Art. 65, 66: the period to decide or the limitation has run).
    REMEDY = "REMEDY", _("Decision on remedial measures (MQĐ15)")
    # Decree 16/2022 Art. 81(2): a notice, not a decision; no national form.
    DEMOLISH_NOTICE = "DEMOLISH_NOTICE", _("Notice to self-demolish")
    SITE_CHECK = "SITE_CHECK", _("Site check record")
    MQD11 = "MQD11", _("Enforcement decision (MQĐ11)")
    MBB11 = "MBB11", _("Enforcement record (MBB11)")
    # The file handed to the competent authority (LXLVPHC Art. 58(5)); no
    # national form in LAW.md: a record in the usual layout, replaceable.
    TRANSFER_HANDOVER = "TRANSFER_HANDOVER", _("Record of handing over the case file")


# The symbol after the number on each kind of document ("Số: 12/BB-VPHC"), as
# the forms of Decree 118/2021's appendix print it; settings.TTXD_DOCUMENT_SYMBOLS
# overrides any of them (a province's own symbol, the notice that has no form).
# A number already issued keeps the symbol it was issued with (it is stored).
DOCUMENT_SYMBOLS = {
    DocumentType.MBB01: "BB-VPHC",
    DocumentType.MQD02: "QĐ-XPHC",
    DocumentType.REMEDY: "QĐ-KPHQ",
    # No national form (Decree 16 Art. 81(2)): the usual symbol of a People's
    # Committee notice (Decree 30/2020 Appendix III), a configurable default.
    DocumentType.DEMOLISH_NOTICE: "TB-UBND",
    DocumentType.SITE_CHECK: "BB-KT",
    DocumentType.MQD11: "QĐ-CCXP",  # MQĐ11: "Số: …/QĐ-CCXP"
    DocumentType.MBB11: "BB-CC",
    # No form, no symbol in the law: a configurable default (TTXD_DOCUMENT_SYMBOLS).
    DocumentType.TRANSFER_HANDOVER: "BB-BGHS",
}


def document_symbol(document_type: str) -> str:
    """The symbol new numbers of this document type carry (configured, or the form's)."""
    configured = getattr(settings, "TTXD_DOCUMENT_SYMBOLS", None) or {}
    return str(configured.get(str(document_type)) or DOCUMENT_SYMBOLS[DocumentType(document_type)])


class CompetentAuthority(models.Model):
    """Where a ward transfers a case it may not sanction (LXLVPHC Art. 58(5)).

    An administrators' list: the city's construction inspectorate, the
    Department of Construction, the city chairman, the police...
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300, unique=True)
    note = models.TextField(_("note"), blank=True)
    active = models.BooleanField(_("offered for new transfers"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order in the list"), default=100)

    class Meta:
        verbose_name = _("competent authority")
        verbose_name_plural = _("competent authorities")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class CaseStep(models.Model):
    """One workflow step as the law sees it: the act, its date, its document.

    Written once by case_transition, next to the case event that tells the
    same story; never updated.
    """

    case = models.ForeignKey(
        ViolationCase, on_delete=models.PROTECT, related_name="steps", verbose_name=_("case")
    )
    # Copied from the case: document numbers are unique per ward and year.
    ward = models.ForeignKey("wards.Ward", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=40)
    stage_before = models.CharField(_("stage before"), max_length=20, choices=Stage.choices)
    stage_after = models.CharField(_("stage after"), max_length=20, choices=Stage.choices)
    occurred_on = models.DateField(_("date of the act"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    document_type = models.CharField(
        _("document"), max_length=20, choices=DocumentType.choices, blank=True
    )
    document_year = models.PositiveSmallIntegerField(_("document year"), null=True, blank=True)
    document_sequence = models.PositiveIntegerField(
        _("document number in the year"), null=True, blank=True
    )
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Stored under a random name chosen by the service, never the client's file name.
    attachment = models.FileField(
        _("attachment"), upload_to="case-steps/%Y/%m/", max_length=300, blank=True
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    deadline_due = models.DateField(_("deadline answered"), null=True, blank=True)
    deadline_rule = models.CharField(_("deadline rule"), max_length=30, blank=True)
    on_time = models.BooleanField(_("on time"), null=True)
    days_late = models.PositiveIntegerField(_("days late"), default=0)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["case", "occurred_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "document_type", "document_year", "document_sequence"],
                condition=Q(document_sequence__isnull=False),
                name="unique_document_number_per_ward_year",
            ),
        ]
        indexes = [models.Index(fields=["case", "action"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.occurred_on:%d/%m/%Y}"


# Registered with the app from their own module (they refer to DocumentType above).
from backend.cases.document_settings import (  # noqa: E402
    DocumentTemplate as DocumentTemplate,
)
from backend.cases.document_settings import (  # noqa: E402
    WardDocumentSettings as WardDocumentSettings,
)
from backend.cases.import_keys import CaseImportKey as CaseImportKey  # noqa: E402
