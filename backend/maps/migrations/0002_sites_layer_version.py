# The sites tile layer's version, moved by a statement-level trigger on the sites table
# (the function maps_layer_touched comes from 0001).

from django.db import migrations

CREATE = """
CREATE TRIGGER maps_sites_touched
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sites_site
FOR EACH STATEMENT EXECUTE FUNCTION maps_layer_touched('sites');
INSERT INTO maps_layerversion (layer, version)
VALUES ('sites', nextval('maps_layerversion_seq')) ON CONFLICT (layer) DO NOTHING;
"""
DROP = """
DROP TRIGGER IF EXISTS maps_sites_touched ON sites_site;
DELETE FROM maps_layerversion WHERE layer = 'sites';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("maps", "0001_layer_versions"),
        ("sites", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
