"""TTXD's default inspection plan, for every ward without one of its own.

Not law: the wards' working practice that issue #14 describes (every 15
days while structure work goes on, weekly where a violation is known, at
start and at completion for small works). A ward's leaders replace it with
their own plan (new versions in the admin or on the plan page).
"""

from django.db import migrations

BASIS = (
    "Mặc định của TTXD (không phải quy định pháp luật): phường thay bằng kế hoạch "
    "kiểm tra của mình."
)
IN_FORCE_FROM = "2025-07-01"

# (condition, scope, mode, amount, unit)
DEFAULTS = [
    ("with_violation", "all", "every", 7, "calendar_days"),
    ("not_started", "permitted", "every", 3, "months"),
    ("started", "permitted", "once", 5, "working_days"),
    ("foundation", "permitted", "every", 15, "calendar_days"),
    ("structure", "permitted", "every", 15, "calendar_days"),
    ("finishing", "permitted", "every", 1, "months"),
    ("started", "small_works", "once", 5, "working_days"),
    ("finishing", "small_works", "once", 10, "working_days"),
    ("abandoned", "all", "every", 3, "months"),
    ("permit_expired", "all", "every", 1, "months"),
]


def add_defaults(apps, schema_editor):
    Rule = apps.get_model("sites", "InspectionPlanRule")
    for condition, scope, mode, amount, unit in DEFAULTS:
        Rule.objects.get_or_create(
            ward=None,
            condition=condition,
            scope=scope,
            effective_from=IN_FORCE_FROM,
            defaults={"mode": mode, "amount": amount, "unit": unit, "basis": BASIS},
        )


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
