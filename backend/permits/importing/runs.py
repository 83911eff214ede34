"""Opening an import (the file stored, its digest kept) and remembering a ward's columns."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.core.errors import Conflict, InvalidInput, NotAllowed
from backend.core.tabular import tabular_limits
from backend.permits.importing.fields import FIELD_KEYS
from backend.permits.models import ImportStatus, PermitImportMapping, PermitImportRun
from backend.permits.selectors import may_import_permits
from backend.wards.models import Ward


def default_authority(ward: Ward) -> str:
    """Ward registers list the ward's own permits: issued by its People's Committee."""
    return f"UBND {ward.name}"


def _digest(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def clean_mapping(mapping: Any) -> dict[str, str]:
    """A column mapping from a file or a form: {field key: header label or letter}."""
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str | None) for k, v in mapping.items()
    ):
        raise InvalidInput(
            _("The column mapping must be a JSON object of field names and column headers."),
            field="mapping",
            code="bad_mapping",
        )
    unknown = sorted(set(mapping) - set(FIELD_KEYS))
    if unknown:
        raise InvalidInput(
            _("The column mapping names unknown fields: %(fields)s. Known fields: %(known)s.")
            % {"fields": ", ".join(unknown), "known": ", ".join(FIELD_KEYS)},
            field="mapping",
            code="bad_mapping",
        )
    return {key: value or "" for key, value in mapping.items()}


@transaction.atomic
def import_run_create(
    *,
    actor: User,
    ward: Ward,
    file: IO[bytes],
    file_name: str,
    size: int,
    sheet: str = "",
    mapping: dict[str, str] | None = None,
    issuing_authority: str = "",
    valid_rows_only: bool = False,
    parcels: IO[bytes] | None = None,
    parcels_file_name: str = "",
    parcel_sheet_field: str = "",
    parcel_number_field: str = "",
    enforce_access: bool = True,
) -> PermitImportRun:
    """Store the register (and the cadastral layer, if any) and open its import run.

    The ward's remembered columns apply (at the check) unless `mapping` says otherwise.
    `enforce_access=False` only for `manage.py import_permits` run without
    --user: whoever runs commands on the server already holds every ward.
    """
    if enforce_access and not may_import_permits(actor, ward):
        raise NotAllowed(
            _("You may not import permits into ward %(ward)s.") % {"ward": ward.name},
            code="not_allowed",
        )
    limits = tabular_limits()
    if size > limits.max_bytes:
        raise InvalidInput(
            _(
                "The file is %(size)s MB; at most %(max)s MB can be imported. Split it into "
                "several files."
            )
            % {"size": f"{size / 1048576:.0f}", "max": f"{limits.max_bytes / 1048576:.0f}"},
            field="file",
            code="too_large",
        )
    if parcels is not None and not (parcel_sheet_field and parcel_number_field):
        raise InvalidInput(
            _("Name the cadastral layer's map sheet and parcel number fields."),
            field="parcels",
            code="parcel_fields",
        )
    run = PermitImportRun(
        ward=ward,
        created_by=actor,
        file_name=Path(file_name).name[:255],
        sha256=_digest(file),
        sheet=sheet,
        mapping=mapping or {},
        issuing_authority=issuing_authority.strip() or default_authority(ward),
        valid_rows_only=valid_rows_only,
        parcels_file_name=Path(parcels_file_name).name[:255],
        parcel_sheet_field=parcel_sheet_field,
        parcel_number_field=parcel_number_field,
    )
    suffix = Path(file_name).suffix.lower()[:8]
    run.stored_file.save(f"register{suffix}", File(file), save=False)
    if parcels is not None:
        run.parcels_file.save(
            f"parcels{Path(parcels_file_name).suffix.lower()[:8]}", File(parcels), save=False
        )
    run.save()
    return run


def import_mapping_remember(*, actor: User, run: PermitImportRun) -> None:
    """The columns this run used become the ward's default for its next import."""
    PermitImportMapping.objects.update_or_create(
        ward_code=run.ward.code, defaults={"mapping": run.mapping, "updated_by": actor}
    )


def import_run_set_choices(
    *, actor: User, run: PermitImportRun, mapping: dict[str, str], valid_rows_only: bool
) -> PermitImportRun:
    """The mapping step: the columns chosen for each field, and whether only valid rows go in."""
    if not may_import_permits(actor, run.ward):
        raise NotAllowed(_("You may not import permits into this ward."), code="not_allowed")
    if run.status in (ImportStatus.CHECKING, ImportStatus.APPLYING, ImportStatus.APPLIED):
        raise Conflict(_("This import is already being checked or was imported."), code="busy")
    run.mapping = clean_mapping(mapping)
    run.valid_rows_only = valid_rows_only
    # Checked again with the new choices.
    run.status = ImportStatus.UPLOADED
    run.save(update_fields=["mapping", "valid_rows_only", "status"])
    return run
