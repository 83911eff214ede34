"""EPSG:9210 (VN-2000 / TM-3 105-45, Ho Chi Minh City's cadastral grid) in
PostGIS's spatial_ref_sys, which ships without it.

Without the row PostGIS can only transform by naming the CRS to PROJ for
each geometry (`ST_Transform(geom, 'EPSG:9210')`), about a tenth of a second
a geometry; with it, the transformation is built once per connection. The
definition is EPSG's own (as GDAL prints it); a row already there is kept.
"""

from django.db import migrations

SRTEXT = (
    'PROJCS["VN-2000 / TM-3 105-45",GEOGCS["VN-2000",DATUM["Vietnam_2000",'
    'SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4756"]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],'
    'PARAMETER["central_meridian",105.75],PARAMETER["scale_factor",0.9999],'
    'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],'
    'UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],'
    'AUTHORITY["EPSG","9210"]]'
)
PROJ4TEXT = (
    "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
    "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,"
    "0.252906278 +units=m +no_defs"
)


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.RunSQL(
            sql=[
                (
                    "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
                    "VALUES (9210, 'EPSG', 9210, %s, %s) ON CONFLICT (srid) DO NOTHING",
                    [SRTEXT, PROJ4TEXT],
                )
            ],
            # Other code may use the row by then: it stays.
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
