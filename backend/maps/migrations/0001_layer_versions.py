# Map layer versions, moved by statement-level triggers on the layers' tables.

from django.db import migrations, models

# (layer, table) pairs whose writes change what a map tile shows.
LAYER_TABLES = [
    ("cases", "cases_violationcase"),
    ("permits", "permits_permit"),
    ("wards", "wards_ward"),
]

TOUCH_FUNCTION = """
CREATE SEQUENCE IF NOT EXISTS maps_layerversion_seq;
CREATE OR REPLACE FUNCTION maps_layer_touched() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- One upsert per statement (not per row): a bulk COPY costs one write.
    -- A sequence never hands out a number twice (not even after a rollback),
    -- so a version, once replaced, never comes back.
    INSERT INTO maps_layerversion (layer, version)
    VALUES (TG_ARGV[0], nextval('maps_layerversion_seq'))
    ON CONFLICT (layer) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END
$$;
"""


def _create_triggers() -> str:
    parts = [TOUCH_FUNCTION]
    for layer, table in LAYER_TABLES:
        parts.append(
            f"CREATE TRIGGER maps_{layer}_touched "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION maps_layer_touched('{layer}');"
        )
    rows = ", ".join(f"('{layer}', nextval('maps_layerversion_seq'))" for layer, _ in LAYER_TABLES)
    parts.append(
        f"INSERT INTO maps_layerversion (layer, version) VALUES {rows} ON CONFLICT (layer) DO NOTHING;"  # noqa: S608
    )
    return "\n".join(parts)


def _drop_triggers() -> str:
    parts = [
        f"DROP TRIGGER IF EXISTS maps_{layer}_touched ON {table};" for layer, table in LAYER_TABLES
    ]
    parts.append("DROP FUNCTION IF EXISTS maps_layer_touched();")
    parts.append("DROP SEQUENCE IF EXISTS maps_layerversion_seq;")
    return "\n".join(parts)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0001_violation_cases_and_counters"),
        ("permits", "0001_permits_and_parcels"),
        ("wards", "0001_ward_boundaries"),
    ]

    operations = [
        migrations.CreateModel(
            name="LayerVersion",
            fields=[
                ("layer", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
            ],
        ),
        migrations.RunSQL(_create_triggers(), _drop_triggers()),
    ]
