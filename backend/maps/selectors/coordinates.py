"""PostGIS coordinate accessors as ORM expressions: a point's lon/lat, a box's edges.

The map reads them in SQL (cluster cells, search results) rather than
loading geometries into Python.
"""

from __future__ import annotations

from django.db.models import FloatField, Func


class X(Func):
    function = "ST_X"
    output_field = FloatField()


class Y(Func):
    function = "ST_Y"
    output_field = FloatField()


class XMin(Func):
    function = "ST_XMin"
    output_field = FloatField()


class YMin(Func):
    function = "ST_YMin"
    output_field = FloatField()


class XMax(Func):
    function = "ST_XMax"
    output_field = FloatField()


class YMax(Func):
    function = "ST_YMax"
    output_field = FloatField()
