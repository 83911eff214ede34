"""Seed the fine's rules: payment period, enforcement setting, execution limit, late interest.

Self-contained on purpose (migrations never import app code): the numbers are
repeated in backend.cases.deadlines.DEFAULT_RULES and DEFAULT_RATES. Every one
is marked ⚠️ in LAW.md (not read in the original text): a configurable default.
"""

import datetime

from django.db import migrations

EFFECTIVE_FROM = datetime.date(2022, 1, 28)  # Decree 16/2022/NĐ-CP in force
UNVERIFIED = "Mặc định cấu hình được: chưa đối chiếu với văn bản gốc."

RULES = [
    (
        "pay_fine",
        10,
        "calendar_days",
        "Luật Xử lý vi phạm hành chính, Điều 73: nộp tiền phạt trong 10 ngày kể từ ngày nhận "
        "quyết định xử phạt (mặc định, chưa đối chiếu văn bản gốc).",
    ),
    (
        "fine_enforcement",
        30,
        "calendar_days",
        "Nghị định 296/2025/NĐ-CP (cưỡng chế thi hành quyết định xử phạt): chưa đối chiếu số "
        "ngày; thời hạn quyết định cưỡng chế sau hạn nộp phạt do UBND phường quy định.",
    ),
    (
        "execution_limit",
        12,
        "months",
        "Luật Xử lý vi phạm hành chính, Điều 74 khoản 1: thời hiệu thi hành quyết định xử phạt "
        "là 01 năm kể từ ngày ra quyết định (mặc định, chưa đối chiếu văn bản gốc).",
    ),
]

RATES = [
    (
        "late_payment_interest",
        500,
        "Luật Xử lý vi phạm hành chính, Điều 78: mỗi ngày chậm nộp phạt nộp thêm 0,05% trên "
        "số tiền phạt chưa nộp (mặc định, chưa đối chiếu văn bản gốc).",
    ),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    LegalRate = apps.get_model("cases", "LegalRate")
    for code, amount, unit, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            effective_from=EFFECTIVE_FROM,
            defaults={"amount": amount, "unit": unit, "basis": basis, "note": UNVERIFIED},
        )
    for code, value, basis in RATES:
        LegalRate.objects.get_or_create(
            code=code,
            effective_from=EFFECTIVE_FROM,
            defaults={"parts_per_million": value, "basis": basis, "note": UNVERIFIED},
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlineRule").objects.filter(
        code__in=[row[0] for row in RULES], effective_from=EFFECTIVE_FROM
    ).delete()
    apps.get_model("cases", "LegalRate").objects.filter(effective_from=EFFECTIVE_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_service_records_fine_rules_and_rates")]

    operations = [migrations.RunPython(seed, unseed)]
