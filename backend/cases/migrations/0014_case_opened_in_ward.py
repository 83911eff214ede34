"""A case keeps the ward it was opened in (its number's register) apart from
the ward responsible today, which a boundary import may change."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_merge_appeals_and_forms"),
        ("wards", "0001_ward_boundaries"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="violationcase",
            name="unique_case_number_per_ward_year",
        ),
        migrations.AddField(
            model_name="violationcase",
            name="opened_in_ward",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wards.ward",
                verbose_name="opened in ward",
            ),
        ),
        # Until now no case ever changed ward: the ward it has is the one it was opened in.
        migrations.RunSQL(
            "UPDATE cases_violationcase SET opened_in_ward_id = ward_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="violationcase",
            name="opened_in_ward",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wards.ward",
                verbose_name="opened in ward",
            ),
        ),
        migrations.AddConstraint(
            model_name="violationcase",
            constraint=models.UniqueConstraint(
                fields=("opened_in_ward", "year", "sequence"),
                name="unique_case_number_per_ward_year",
            ),
        ),
    ]
