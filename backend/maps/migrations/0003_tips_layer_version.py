# The tips tile layer's version, moved by a statement-level trigger on the tips table
# (the function maps_layer_touched comes from 0001).

from django.db import migrations

CREATE = """
CREATE TRIGGER maps_tips_touched
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON intake_tip
FOR EACH STATEMENT EXECUTE FUNCTION maps_layer_touched('tips');
INSERT INTO maps_layerversion (layer, version)
VALUES ('tips', nextval('maps_layerversion_seq')) ON CONFLICT (layer) DO NOTHING;
"""
DROP = """
DROP TRIGGER IF EXISTS maps_tips_touched ON intake_tip;
DELETE FROM maps_layerversion WHERE layer = 'tips';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("maps", "0002_sites_layer_version"),
        ("intake", "0001_tips_and_integrating_apps"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
