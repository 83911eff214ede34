"""The reporting regime's defaults as rows (Decree 09/2019/NĐ-CP, LAW.md §6 ⚠️).

The cut-off (15th to 14th) is LAW.md's; the due date (5 days after the
period's end, i.e. before the 20th) is this system's default until the
province's decision is entered as a later row. The in-force date 01/01/2000
is a placeholder: the rows apply to every period until replaced.
"""

import datetime

from django.db import migrations

BASIS = (
    "Nghị định 09/2019/NĐ-CP (chế độ báo cáo): chốt số liệu từ ngày 15 tháng trước "
    "đến ngày 14 tháng báo cáo"
)
NOTE = (
    "⚠️ LAW.md §6: chưa đối chiếu văn bản gốc. Hạn gửi (5 ngày sau khi hết kỳ, tức trước "
    "ngày 20) là mặc định của hệ thống TTXD: UBND tỉnh quy định hạn gửi."
)


def add_defaults(apps, schema_editor):
    rule = apps.get_model("reports", "ReportingRule")
    for kind in ("month", "quarter", "half_year", "year"):
        rule.objects.get_or_create(
            kind=kind,
            effective_from=datetime.date(2000, 1, 1),
            defaults={"cutoff_day": 15, "due_days": 5, "basis": BASIS, "note": NOTE},
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_periodic_reports")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
