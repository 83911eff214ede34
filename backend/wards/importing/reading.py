"""Reading the uploaded file within the configured limits, problems in Vietnamese."""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from backend.core.errors import InvalidInput
from backend.wards.importing.messages import candidate_line, problem_message
from backend.wards.models import Ward
from gis.archives import ArchiveLimits
from gis.crs_guess import CrsProblem, crs_from_option
from gis.vector_files import VectorFileProblem, VectorLimits, WardLayer, read_ward_layer


class WardFileRefused(InvalidInput):
    """The file cannot be imported; `details` lists what to look at (CRS candidates)."""

    def __init__(self, message: Any, *, code: str, details: list[str] | None = None) -> None:
        super().__init__(message, code=code)
        self.details = details or []


@dataclass(frozen=True)
class ImportOptions:
    layer: str | None = None
    code_field: str | None = None
    name_field: str | None = None
    srs: str | None = None
    vn2000_meridian: float | None = None
    valid_from: datetime.date | None = None
    # Codes of wards absent from the file that the import may close (confirmed by
    # the user: --allow-closing, or the admin page's checkboxes).
    allow_closing: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["valid_from"] = self.valid_from.isoformat() if self.valid_from else None
        data["allow_closing"] = list(self.allow_closing)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportOptions:
        values = dict(data)
        if values.get("valid_from"):
            values["valid_from"] = datetime.date.fromisoformat(values["valid_from"])
        values["allow_closing"] = tuple(values.get("allow_closing") or ())
        return cls(**values)


def import_limits() -> VectorLimits:
    return VectorLimits(
        max_bytes=settings.TTXD_WARD_IMPORT_MAX_BYTES,
        max_features=settings.TTXD_WARD_IMPORT_MAX_FEATURES,
        max_vertices_total=settings.TTXD_WARD_IMPORT_MAX_VERTICES,
        max_vertices_per_feature=settings.TTXD_WARD_IMPORT_MAX_VERTICES_PER_WARD,
        archive=ArchiveLimits(
            max_members=settings.TTXD_WARD_IMPORT_ZIP_MAX_MEMBERS,
            max_total_bytes=settings.TTXD_WARD_IMPORT_MAX_BYTES,
            max_ratio=settings.TTXD_WARD_IMPORT_ZIP_MAX_RATIO,
        ),
    )


def read_ward_file(path: Path, options: ImportOptions) -> WardLayer:
    """The file's wards in WGS 84, or WardFileRefused saying what to fix."""
    try:
        crs = crs_from_option(options.srs, options.vn2000_meridian)
    except CrsProblem as exc:
        if exc.code == "two_crs":
            message = _("Name the coordinate system once: an EPSG code or a VN-2000 meridian.")
        elif exc.code == "bad_meridian":
            message = _(
                "%(value)s is not a VN-2000 central meridian (from 102 to 110 degrees, "
                "in steps of 15 minutes, e.g. 105.75 for 105°45′)."
            ) % {"value": options.vn2000_meridian}
        else:
            message = _("The coordinate system %(srs)s is not known.") % {"srs": options.srs}
        raise WardFileRefused(message, code=exc.code) from None
    with tempfile.TemporaryDirectory(prefix="ttxd-wards-") as workdir:
        try:
            layer = read_ward_layer(
                path,
                workdir=Path(workdir),
                limits=import_limits(),
                layer=options.layer,
                code_field=options.code_field,
                name_field=options.name_field,
                crs=crs,
                meridians=settings.TTXD_VN2000_MERIDIANS,
            )
        except VectorFileProblem as problem:
            details = [candidate_line(c) for c in problem.params.get("candidates", [])]
            raise WardFileRefused(
                problem_message(problem), code=problem.code, details=details
            ) from None
    _check_lengths(layer)
    return layer


# The columns a ward's code and name go into (backend.wards.models.Ward).
CODE_MAX = Ward._meta.get_field("code").max_length or 10
NAME_MAX = Ward._meta.get_field("name").max_length or 100


def _check_lengths(layer: WardLayer) -> None:
    too_long = [
        _("feature %(n)s: code “%(code)s” has more than %(max)d characters")
        % {"n": f.number, "code": f.code, "max": CODE_MAX}
        for f in layer.features
        if len(f.code) > CODE_MAX
    ] + [
        _("feature %(n)s: name “%(name)s” has more than %(max)d characters")
        % {"n": f.number, "name": f.name[:120], "max": NAME_MAX}
        for f in layer.features
        if len(f.name) > NAME_MAX
    ]
    if too_long:
        raise WardFileRefused(
            _(
                "Some codes or names are too long: check that the code and name fields are "
                "the ward's official code (5 digits) and its name."
            ),
            code="too_long",
            details=too_long,
        )
