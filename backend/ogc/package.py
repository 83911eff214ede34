"""A ward's data package: one GeoPackage for QGIS users, at /ogc/package.gpkg.

Layers: every registered collection (wards, permits, cases, and what later
issues add) plus the positions of the site photos. Each is read through the
user's own access rules, as a ward's data: a ward leader's package holds
their wards only, even of a collection the OGC API serves to everyone.

PostgreSQL writes each layer's features (GeoJSON, as the OGC API does); they
stream from a server-side cursor into a temporary file, which GDAL's ogr2ogr
turns into a GeoPackage layer in EPSG:4326.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess  # noqa: S404 - runs GDAL's ogr2ogr with fixed arguments
import tempfile
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Case, CharField, Expression, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.request import Request

from backend.accounts.selectors import Viewer, user_sees_all_wards, ward_ids_of
from backend.ogc import crs as crs_module
from backend.ogc.errors import OgcError
from backend.ogc.features import feature_sql, feature_values
from backend.ogc.registry import CollectionDefinition, Property, registered
from backend.ogc.views import OgcView
from backend.photos.models import SitePhoto
from backend.photos.selectors import photos_visible_to

OGR2OGR_TIMEOUT_S = 600
GPKG = "application/geopackage+sqlite3"
_FETCH_ROWS = 2000


def _photo_position() -> Expression:
    # The phone's own fix first (what the inspector's device reported at
    # capture); the EXIF tag of the file where the phone sent none.
    return Coalesce("device_location", "exif_location")


def _position_source() -> Expression:
    return Case(
        When(device_location__isnull=False, then=Value("device")),
        When(exif_location__isnull=False, then=Value("exif")),
        default=Value(""),
        output_field=CharField(),
    )


def _photos_visible(user: Viewer, today: datetime.date) -> QuerySet[Any]:
    return photos_visible_to(user).exclude(device_location__isnull=True, exif_location__isnull=True)


PHOTO_POSITIONS = CollectionDefinition(
    id="photos",
    title=gettext_lazy("Site photo positions"),
    description=gettext_lazy("Where each site photo was taken (the phone's position, else EXIF)."),
    geometry_field="device_location",
    geometry_expression=_photo_position,
    geometry_type="Point",
    visible_rows=_photos_visible,
    all_rows=lambda today: SitePhoto.objects.none(),
    time_start="captured_at",
    properties=(
        Property("case_code", "string", gettext_lazy("case code"), source="case__code"),
        Property("captured_at", "string", gettext_lazy("captured at"), format="date-time"),
        Property("uploaded_at", "string", gettext_lazy("uploaded at"), format="date-time"),
        Property("exif_taken_at", "string", gettext_lazy("EXIF time"), format="date-time"),
        Property(
            "position_source",
            "string",
            gettext_lazy("position from"),
            source=lambda today: _position_source(),
        ),
        Property("device_accuracy_m", "number", gettext_lazy("device accuracy (m)")),
        Property("device_distance_m", "number", gettext_lazy("distance to the site (m)")),
        Property("exif_distance_m", "number", gettext_lazy("EXIF position to the site (m)")),
    ),
)

_OGR_TYPES = {"Point": "POINT", "MultiPolygon": "MULTIPOLYGON"}


def package_layers() -> list[CollectionDefinition]:
    return [*registered(), PHOTO_POSITIONS]


def _write_layer(
    folder: Path, definition: CollectionDefinition, rows: QuerySet[Any], today: datetime.date
) -> Path:
    """The layer's features as one GeoJSON file, streamed from the database."""
    path = folder / f"{definition.id}.geojson"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        if not rows.query.is_empty():
            values = feature_values(rows.order_by("id"), definition, crs_module.DEFAULT, today)
            rows_sql, params = values.query.sql_with_params()
            sql = f"SELECT {feature_sql(definition)}::text FROM ({rows_sql}) AS t"  # noqa: S608
            first = True
            with connection.chunked_cursor() as cursor:
                cursor.execute(sql, list(params))
                while batch := cursor.fetchmany(_FETCH_ROWS):
                    for (text,) in batch:
                        out.write(text if first else ",\n" + text)
                        first = False
        out.write("\n]}\n")
    return path


def ogr2ogr_path() -> str:
    found = shutil.which("ogr2ogr")
    if not found:
        raise RuntimeError("GDAL's ogr2ogr is not installed (Debian package gdal-bin).")
    return found


def package_file(user: Viewer, today: datetime.date) -> Path:
    """The GeoPackage of what this user may see (the caller deletes it)."""
    tool = ogr2ogr_path()
    folder = Path(tempfile.mkdtemp(prefix="ttxd-package-"))
    handle, name = tempfile.mkstemp(prefix="ttxd-package-", suffix=".gpkg")
    os.close(handle)
    os.unlink(name)  # ogr2ogr creates the file itself
    output = Path(name)
    env = {**os.environ, "CPL_LOG": os.devnull}
    try:
        for index, definition in enumerate(package_layers()):
            source = _write_layer(folder, definition, definition.visible_rows(user, today), today)
            command = [
                tool, "-f", "GPKG", *(["-update"] if index else []), str(output), str(source),
                "-nln", definition.id, "-nlt", _OGR_TYPES.get(definition.geometry_type, "GEOMETRY"),
                "-a_srs", "EPSG:4326", "-preserve_fid", "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=id",
                "-lco", f"DESCRIPTION={definition.title}", "-lco", f"IDENTIFIER={definition.title}",
                "--config", "OGR_SQLITE_SYNCHRONOUS", "OFF", "-gt", "65536", "-q",
            ]  # fmt: skip
            subprocess.run(  # noqa: S603 - fixed arguments, paths we made
                command, check=True, capture_output=True, timeout=OGR2OGR_TIMEOUT_S, env=env
            )
            source.unlink()
        return output
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class PackageView(OgcView):
    def get(self, request: Request) -> FileResponse:
        user = request.user
        if not user.is_authenticated:
            raise exceptions.NotAuthenticated(
                _(
                    "Sign in (a session, or the header “Authorization: Token …”) to download the data package."
                )
            )
        if not (user_sees_all_wards(user) or ward_ids_of(user)):
            raise OgcError(
                _(
                    "Your account may not download the data package: it belongs to no ward and has no city role."
                ),
                status=403,
                code="Forbidden",
            )
        today = timezone.localdate()
        path = package_file(user, today)
        handle = path.open("rb")
        # The open handle keeps the bytes readable; the name goes now, so nothing is left behind.
        os.unlink(path)
        response = FileResponse(
            handle, as_attachment=True, filename=f"ttxd-{today:%Y%m%d}.gpkg", content_type=GPKG
        )
        response["Cache-Control"] = "private, no-store"
        return response


package_download = PackageView.as_view()
