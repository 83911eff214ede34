"""What each reading problem means to the officer importing the file."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gis.crs_guess import CrsCandidate
from gis.vector_files import VectorFileProblem

MB = 1024 * 1024


def _messages() -> dict[str, str]:
    return {
        "missing": _("The file does not exist."),
        "too_large": _("The file is larger than the limit of %(limit_mb)s MB."),
        "archive_not_a_zip": _("The archive is not a valid zip file."),
        "archive_bomb": _(
            "The archive is refused: a member inflates far beyond its compressed size (a zip bomb)."
        ),
        "archive_too_many_members": _("The archive holds too many files."),
        "archive_too_large": _("The archive inflates to more than the limit."),
        "archive_unsafe_path": _("The archive holds a path leaving its folder or a link."),
        "archive_encrypted": _("The archive is encrypted: send it without a password."),
        "no_dataset": _(
            "No vector file was found: send a shapefile (.shp with .shx, .dbf and .prj), "
            "a GeoPackage, GeoJSON, KML/KMZ or a zipped FileGDB."
        ),
        "unreadable": _("GDAL cannot read this file as vector data."),
        "no_such_layer": _("There is no layer %(layer)s; the layers are: %(layers)s."),
        "choose_layer": _("The file has several layers (%(layers)s): choose one with the layer."),
        "too_many_features": _(
            "The layer has %(count)s features, more than the limit of %(limit)s."
        ),
        "empty": _("The layer has no features."),
        "no_such_field": _("There is no field %(field)s; the fields are: %(fields)s."),
        "no_code_field": _(
            "No field with the ward code was recognised; name it (code field). "
            "The fields are: %(fields)s."
        ),
        "no_name_field": _(
            "No field with the ward name was recognised; name it (name field). "
            "The fields are: %(fields)s."
        ),
        "crs_missing": _(
            "The file does not say its coordinate system (no .prj). Confirm it by naming "
            "the EPSG code or the VN-2000 central meridian."
        ),
        "unknown_crs": _("The coordinate system is not known: %(detail)s"),
        "no_geometry": _("Feature %(number)s has no geometry."),
        "bad_geometry": _("The geometry of feature %(number)s cannot be read or reprojected."),
        "feature_too_big": _(
            "Feature %(number)s has %(count)s vertices, more than the limit of %(limit)s."
        ),
        "too_many_vertices": _("The layer has more vertices than the limit of %(limit)s."),
        "no_code": _("Feature %(number)s has no ward code."),
        "no_name": _("Feature %(number)s (code %(ward)s) has no name."),
        "not_polygon": _("Feature %(number)s (code %(ward)s) is not a polygon."),
    }


def problem_message(problem: VectorFileProblem) -> str:
    params = {"detail": problem.detail, **problem.params}
    if "limit" in params and problem.code == "too_large":
        params["limit_mb"] = round(params["limit"] / MB)
    template = _messages().get(problem.code, _("The file cannot be read (%(detail)s)."))
    return template % params


def candidate_line(candidate: CrsCandidate) -> str:
    return _("%(crs)s: the data would lie at %(lat).4f N, %(lon).4f E") % {
        "crs": candidate.crs.label,
        "lat": candidate.lat,
        "lon": candidate.lon,
    }
