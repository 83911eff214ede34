"""Seed the rules of the late decision, the notice, the extension and the transfer; the authorities.

Self-contained on purpose (migrations never import app code): the numbers are
repeated in backend.cases.deadlines.DEFAULT_RULES.

- demolish_after_notice: 15 days from the postmark or handover of the notice
  to self-demolish (Decree 16/2022 Art. 81(2) ✅).
- sanction_limitation: 2 years (Decree 16/2022 Art. 5; Law 88/2025 Art. 6 ✅),
  counted from detection; for a finished violation the law counts from the day
  it ended, which a case does not hold ⚠️.
- decision_extension: one month more (LXLVPHC Art. 66(1) ⚠️, secondary source).
- transfer: "promptly" has no day count in law (Art. 58(5) as amended by Law
  88 ✅; Decree 118 Art. 12(6) still says 24 hours): 1 working day from the
  record is a configurable default ⚠️.

The competent authorities are an administrators' list; the seed is Ho Chi
Minh City's. The names found in earlier transfers (typed in freely before the
list existed) are added too, so those cases keep naming where they went.
"""

import datetime

from django.db import migrations
from django.utils.text import slugify

EFFECTIVE_FROM = datetime.date(2022, 1, 28)  # Decree 16/2022/NĐ-CP in force

RULES = [
    (
        "demolish_after_notice",
        15,
        "calendar_days",
        "Nghị định 16/2022/NĐ-CP, Điều 81 khoản 2: tự phá dỡ trong 15 ngày kể từ ngày nhận "
        "thông báo (theo dấu bưu điện hoặc biên bản giao thông báo).",
    ),
    (
        "decision_extension",
        1,
        "months",
        "Luật Xử lý vi phạm hành chính, Điều 66 khoản 1: gia hạn thời hạn ra quyết định xử "
        "phạt không quá 01 tháng (vụ việc phải giải trình hoặc xác minh).",
    ),
    (
        "sanction_limitation",
        24,
        "months",
        "Nghị định 16/2022/NĐ-CP, Điều 5; Luật Xử lý vi phạm hành chính, Điều 6: thời hiệu "
        "xử phạt vi phạm hành chính trong lĩnh vực xây dựng là 02 năm.",
    ),
    (
        "transfer",
        1,
        "working_days",
        "Luật Xử lý vi phạm hành chính, Điều 58 khoản 5: chuyển biên bản kịp thời cho người "
        "có thẩm quyền (Nghị định 118/2021/NĐ-CP, Điều 12 khoản 6: 24 giờ); số ngày do UBND "
        "phường quy định.",
    ),
]

NOTES = {
    "decision_extension": "⚠️ Điều 66 chưa đối chiếu văn bản gốc: giá trị mặc định, có thể sửa.",
    "sanction_limitation": "⚠️ Tính từ ngày phát hiện (vi phạm đang thực hiện).",
    "transfer": "⚠️ Luật không ấn định số ngày (“kịp thời”): giá trị mặc định, có thể sửa.",
}

# (code, name, order)
AUTHORITIES = [
    ("so-xay-dung", "Sở Xây dựng Thành phố Hồ Chí Minh", 10),
    ("thanh-tra-so-xay-dung", "Thanh tra Sở Xây dựng Thành phố Hồ Chí Minh", 20),
    ("chu-tich-ubnd-thanh-pho", "Chủ tịch Ủy ban nhân dân Thành phố Hồ Chí Minh", 30),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    CompetentAuthority = apps.get_model("cases", "CompetentAuthority")
    CaseStep = apps.get_model("cases", "CaseStep")
    for code, amount, unit, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            effective_from=EFFECTIVE_FROM,
            defaults={"amount": amount, "unit": unit, "basis": basis, "note": NOTES.get(code, "")},
        )
    for code, name, order in AUTHORITIES:
        CompetentAuthority.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
    typed = set(
        CaseStep.objects.filter(action="transfer").values_list("data__authority", flat=True)
    )
    known = set(CompetentAuthority.objects.values_list("name", flat=True))
    for name in sorted(str(n).strip() for n in typed if n and str(n).strip() not in known):
        if CompetentAuthority.objects.filter(code=name).exists():
            continue  # already a code of the list
        base = slugify(name)[:30] or "co-quan"
        code, n = base, 1
        while CompetentAuthority.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
        CompetentAuthority.objects.create(
            code=code, name=name[:300], sort_order=200, note="Từ các hồ sơ đã chuyển trước đây."
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlineRule").objects.filter(
        code__in=[r[0] for r in RULES], effective_from=EFFECTIVE_FROM
    ).delete()
    apps.get_model("cases", "CompetentAuthority").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_competent_authorities_notice_remedy_rules")]

    operations = [migrations.RunPython(seed, unseed)]
