"""A cadastral layer (GeoPackage, Shapefile or a zipped one) as sheet/parcel → parcel outline.

Read through GDAL, reprojected to WGS 84 from the layer's own CRS (VN-2000
layers carry theirs in the .prj or the GeoPackage). Kept as EWKT per key:
the outlines of a ward's parcels, not the whole city's geometry objects.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, DataSource, GDALException, SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.utils.translation import gettext as _

from backend.core.errors import InvalidInput
from backend.permits.importing.rows import parcel_key
from gis.archives import ArchiveLimits, ArchiveRefused, extract, open_zip


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, field="parcels", code="bad_parcels")


def load_parcels(
    path: str | Path, *, filename: str, sheet_field: str, number_field: str
) -> dict[tuple[str, str], str]:
    """Every parcel of the layer by (map sheet, parcel number), or InvalidInput saying why."""
    path = Path(path)
    if path.stat().st_size > settings.TTXD_TABULAR_MAX_BYTES * 10:
        raise _refuse(_("The cadastral layer is too large to import."))
    if filename.lower().endswith(".zip"):
        with tempfile.TemporaryDirectory() as folder:
            try:
                with open_zip(path, ArchiveLimits()) as archive:
                    written = extract(archive, Path(folder))
            except ArchiveRefused:
                raise _refuse(_("The zipped cadastral layer is damaged or unsafe.")) from None
            shapefiles = [p for p in written if p.suffix.lower() == ".shp"]
            if not shapefiles:
                raise _refuse(_("The zip holds no shapefile (.shp)."))
            return _read(shapefiles[0], sheet_field, number_field)
    return _read(path, sheet_field, number_field)


def _read(path: Path, sheet_field: str, number_field: str) -> dict[tuple[str, str], str]:
    try:
        source = DataSource(str(path))
    except GDALException:
        raise _refuse(
            _("The cadastral layer cannot be read: send a GeoPackage or a Shapefile.")
        ) from None
    if source.layer_count < 1:
        raise _refuse(_("The cadastral layer holds no layer of parcels."))
    layer = source[0]
    fields = list(layer.fields)
    for wanted in (sheet_field, number_field):
        if wanted not in fields:
            raise _refuse(
                _("The cadastral layer has no field “%(field)s”; its fields are: %(fields)s.")
                % {"field": wanted, "fields": ", ".join(fields)}
            )
    if layer.srs is None:
        raise _refuse(
            _(
                "The cadastral layer has no coordinate system (.prj missing): add it and send "
                "it again."
            )
        )
    transform = CoordTransform(layer.srs, SpatialReference(4326))
    parcels: dict[tuple[str, str], str] = {}
    for feature in layer:
        try:
            geometry = feature.geom  # GDAL raises for a feature without geometry
            geometry.transform(transform)
            geos = GEOSGeometry(geometry.wkb, srid=4326)
        except (GDALException, ValueError, TypeError):
            continue  # no usable shape: the permit falls back to its point
        if geos.geom_type == "Polygon":
            geos = MultiPolygon(geos, srid=4326)
        if geos.geom_type != "MultiPolygon" or geos.empty:
            continue
        if not geos.valid:
            geos = geos.buffer(0)
            if geos.geom_type == "Polygon":
                geos = MultiPolygon(geos, srid=4326)
        key = parcel_key(_text(feature.get(sheet_field)), _text(feature.get(number_field)))
        parcels[key] = geos.ewkt
    return parcels


def _text(value: object) -> str:
    # A number field's 12.0 is parcel "12".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
