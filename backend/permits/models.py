"""Construction permits (giấy phép xây dựng) and their parcels."""

from __future__ import annotations

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class WorksClass(models.TextChoices):
    # Decree 16/2022 sets fines by these tiers.
    INDIVIDUAL_HOUSE = "individual_house", _("Individual house")
    OTHER_WORKS = "other_works", _("Other works")
    FEASIBILITY_PROJECT = "feasibility_project", _("Works needing a feasibility report")


class PermitStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Permit(models.Model):
    number = models.CharField(_("permit number"), max_length=50)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200)
    issued_on = models.DateField(_("issue date"))
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    holder_name = models.CharField(_("permit holder"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    map_sheet = models.CharField(_("map sheet no."), max_length=20, blank=True)
    parcel_number = models.CharField(_("parcel no."), max_length=20, blank=True)
    parcel = models.MultiPolygonField(_("parcel"), srid=4326, null=True, blank=True)
    permitted_storeys = models.PositiveSmallIntegerField(
        _("permitted storeys"), null=True, blank=True
    )
    permitted_height_m = models.DecimalField(
        _("permitted height (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    permitted_floor_area_m2 = models.DecimalField(
        _("permitted floor area (m²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    permitted_footprint_m2 = models.DecimalField(
        _("permitted building footprint (m²)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    # A register row with coordinates but no parcel in the cadastral layer is
    # located by its point; case matching uses the parcel first, then either.
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    works_class = models.CharField(
        _("works class"),
        max_length=30,
        choices=WorksClass.choices,
        default=WorksClass.INDIVIDUAL_HOUSE,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PermitStatus.choices, default=PermitStatus.VALID
    )
    ward = models.ForeignKey(
        "wards.Ward", on_delete=models.PROTECT, related_name="permits", verbose_name=_("ward")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("permit")
        verbose_name_plural = _("permits")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_authority", "number"], name="unique_permit_number_per_authority"
            ),
        ]
        indexes = [
            models.Index(fields=["number"]),
            # The API list's order (newest first), within a ward and across the city.
            models.Index(fields=["ward", "-issued_on", "id"], name="permit_ward_newest_first"),
            models.Index(fields=["-issued_on", "id"], name="permit_newest_first"),
            # Search by part of a number: a trigram index made in SQL (migration 0004).
        ]

    def __str__(self) -> str:
        return self.number


class PermitEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    # A boundary import gave the permit the new ward its parcel lies in.
    WARD_CHANGED = "ward_changed", _("Moved to another ward")


class PermitEvent(models.Model):
    """A change to a permit made by an import: who, when, what changed, from which file row."""

    permit = models.ForeignKey(
        Permit, on_delete=models.CASCADE, related_name="events", verbose_name=_("permit")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PermitEventKind.choices)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    # {"field": [before, after]} as text, for people to read.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    source_file = models.CharField(_("source file"), max_length=255, blank=True)
    source_row = models.PositiveIntegerField(_("source row"), null=True, blank=True)
    import_run = models.ForeignKey(
        "permits.PermitImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("import"),
    )

    class Meta:
        verbose_name = _("permit change")
        verbose_name_plural = _("permit changes")
        ordering = ["-at", "-id"]


class PermitImportMapping(models.Model):
    """The columns a ward's register uses, remembered for its next import."""

    ward_code = models.CharField(_("ward code"), max_length=10, unique=True)
    # {"field key": "header label as the sheet writes it"}
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("permit import mapping")
        verbose_name_plural = _("permit import mappings")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    APPLYING = "applying", _("Importing")
    APPLIED = "applied", _("Imported")
    FAILED = "failed", _("Refused")


class PermitImportRun(models.Model):
    """One import of a permit register: the file, its check, its outcome and its progress.

    Progress lives here, in the database, because the request that runs an
    import and the requests that poll it may reach different processes.
    """

    ward = models.ForeignKey("wards.Ward", on_delete=models.PROTECT, verbose_name=_("ward"))
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    stored_file = models.FileField(upload_to="imports/permits/", max_length=255)
    parcels_file = models.FileField(upload_to="imports/parcels/", max_length=255, blank=True)
    parcels_file_name = models.CharField(max_length=255, blank=True)
    parcel_sheet_field = models.CharField(max_length=100, blank=True)
    parcel_number_field = models.CharField(max_length=100, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    valid_rows_only = models.BooleanField(_("import the valid rows only"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    message = models.TextField(_("message"), blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_refused = models.PositiveIntegerField(default=0)
    rows_warned = models.PositiveIntegerField(default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    headers = models.JSONField(default=list, blank=True)
    refused_file = models.FileField(upload_to="imports/refused/", max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("permit import")
        verbose_name_plural = _("permit imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class PermitImportRow(models.Model):
    """One checked row, kept between the check and the confirmation (and for the report)."""

    run = models.ForeignKey(PermitImportRun, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    raw = models.JSONField(default=list)  # the cells as written
    values = models.JSONField(default=dict)  # parsed, by Permit field
    errors = models.JSONField(default=list)  # refusals, as text
    notes = models.JSONField(default=list)  # corrections and warnings, as text
    action = models.CharField(max_length=20)  # create | update | unchanged | refused

    class Meta:
        ordering = ["run", "row_number"]
        indexes = [models.Index(fields=["run", "action", "row_number"])]
