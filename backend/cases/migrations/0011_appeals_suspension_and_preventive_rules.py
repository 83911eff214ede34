"""A decision's execution suspended (MQĐ31); the periods of complaints, lawsuits and the
24-hour report on a preventive measure, seeded.

Self-contained on purpose (migrations never import app code): the numbers are
repeated in backend.cases.deadlines.DEFAULT_RULES. The complaint and lawsuit
periods are ⚠️ in LAW.md §2 (secondary sources): configurable defaults.
"""

import datetime

from django.db import migrations, models

EFFECTIVE_FROM = datetime.date(2022, 1, 28)  # Decree 16/2022/NĐ-CP in force
UNVERIFIED = "Mặc định cấu hình được: chưa đối chiếu với văn bản gốc."

RULES = [
    (
        "complaint_window",
        90,
        "calendar_days",
        "Luật Khiếu nại 2011, Điều 9: thời hiệu khiếu nại là 90 ngày kể từ ngày nhận được "
        "quyết định hành chính (mặc định, chưa đối chiếu văn bản gốc).",
        UNVERIFIED,
    ),
    (
        "complaint_decision",
        30,
        "calendar_days",
        "Luật Khiếu nại 2011, Điều 28: thời hạn giải quyết khiếu nại lần đầu không quá 30 "
        "ngày (mặc định, chưa đối chiếu văn bản gốc).",
        UNVERIFIED,
    ),
    (
        "complaint_decision_complex",
        45,
        "calendar_days",
        "Luật Khiếu nại 2011, Điều 28: vụ việc phức tạp không quá 45 ngày (mặc định, chưa "
        "đối chiếu văn bản gốc).",
        UNVERIFIED,
    ),
    (
        "lawsuit_window",
        12,
        "months",
        "Luật Tố tụng hành chính 2015, Điều 116: thời hiệu khởi kiện 01 năm kể từ ngày nhận "
        "được quyết định hành chính (mặc định, chưa đối chiếu văn bản gốc).",
        UNVERIFIED,
    ),
    (
        "preventive_report",
        1,
        "calendar_days",
        "Luật Xử lý vi phạm hành chính, Điều 125 khoản 4: trong thời hạn 24 giờ kể từ khi "
        "tạm giữ, người ra quyết định tạm giữ phải báo cáo thủ trưởng trực tiếp (Nghị định "
        "118/2021/NĐ-CP, Điều 12 khoản 3 điểm a: biện pháp ngăn chặn).",
        "24 giờ, tính từ giờ tạm giữ, không lùi theo ngày nghỉ.",
    ),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    for code, amount, unit, basis, note in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            effective_from=EFFECTIVE_FROM,
            defaults={"amount": amount, "unit": unit, "basis": basis, "note": note},
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlineRule").objects.filter(
        code__in=[row[0] for row in RULES], effective_from=EFFECTIVE_FROM
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_deadline_rule_codes_of_every_branch"),
    ]

    operations = [
        migrations.AddField(
            model_name="violationcase",
            name="execution_suspended",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="execution suspended"
            ),
        ),
        migrations.AlterField(
            model_name="deadlinerule",
            name="code",
            field=models.CharField(
                choices=[
                    ("record", "Violation record due"),
                    ("decision", "Sanction decision due"),
                    ("decision_explanation", "Sanction decision due (violator explains)"),
                    ("decision_transferred", "Sanction decision due (transferred)"),
                    ("serve", "Decision to be served"),
                    ("legalise_house", "Permit to be obtained (individual house)"),
                    ("legalise_project", "Permit to be obtained (other works)"),
                    ("conformity_check", "Site to be checked against the permit"),
                    ("demolish", "Violator to demolish"),
                    ("demolish_after_notice", "Violator to demolish (after the notice)"),
                    ("enforce", "Enforcement to be carried out"),
                    ("decision_extension", "Sanction decision due (period extended)"),
                    ("sanction_limitation", "Limitation period for a sanction"),
                    ("transfer", "Case to be transferred to the competent authority"),
                    ("pay_fine", "Fine to be paid"),
                    ("fine_enforcement", "Enforcement of the unpaid fine to be decided"),
                    ("execution_limit", "Limit for executing the sanction decision"),
                    ("complaint_window", "Period to complain against a decision"),
                    ("complaint_decision", "Complaint to be decided"),
                    ("complaint_decision_complex", "Complaint to be decided (complex)"),
                    ("lawsuit_window", "Period to sue against a decision"),
                    ("preventive_report", "Preventive measure to be reported to the head"),
                ],
                max_length=30,
                verbose_name="deadline",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
