"""Seed the deadline rules (DOMAIN.md defaults) and the civil-service calendar 2025–2027.

Self-contained on purpose (migrations never import app code): the numbers are
repeated in backend.cases.deadlines.DEFAULT_RULES.

Calendar sources (official notices for officials and public employees):
- Labour Code 2019 Art. 112: 1/1; Tết 5 days; Hùng Kings 10/3 lunar; 30/4; 1/5;
  2/9 plus one adjacent day. A holiday on a weekend gives a day off in lieu on
  the next working day (Art. 111.3, 112.3).
- 2025: Notice 6150/TB-BLĐTBXH (2024): Tết 25/1–2/2/2025 (holidays 27–31/1);
  30/4–4/5/2025 with Friday 2/5 swapped for Saturday 26/4. Ministry of Home
  Affairs notice (8/2025): National Day 30/8–2/9/2025 (holidays 1/9 and 2/9).
- 2026: Official letter 12729/VPCP-KGVX of 25/12/2025: New Year 1/1–4/1/2026,
  Friday 2/1 swapped for Saturday 10/1. Notice 9441/TB-BNV of 16/10/2025: Tết
  14/2–22/2/2026 (holidays 16–20/2); National Day 29/8–2/9/2026 (holidays 1/9
  and 2/9; Monday 31/8 swapped for Saturday 22/8). Hùng Kings 26/4/2026 is a
  Sunday: day off in lieu Monday 27/4. 30/4 and 1/5/2026 are Thursday and Friday.
- 2027: fixed-date holidays follow the Labour Code. Hùng Kings 10/3 lunar =
  16/4/2027. Tết (1/1 lunar = Saturday 6/2/2027) and the day next to 2/9 are
  marked provisional until the Ministry of Home Affairs publishes its notice:
  administrators replace them then.
- 24/11 (Vietnam Culture Day, Politburo Resolution 80-NQ/TW) becomes a paid
  holiday only when the Labour Code is amended: not seeded.
"""

import datetime

from django.db import migrations

EFFECTIVE_FROM = datetime.date(2022, 1, 28)  # Decree 16/2022/NĐ-CP in force

RULES = [
    (
        "record",
        2,
        "working_days",
        "Nghị định 118/2021/NĐ-CP, Điều 12 khoản 1: lập biên bản trong 02 ngày làm việc "
        "kể từ khi phát hiện vi phạm (05 ngày làm việc nếu phức tạp).",
    ),
    (
        "decision",
        7,
        "working_days",
        "Luật Xử lý vi phạm hành chính, Điều 66 khoản 1: ra quyết định xử phạt trong 07 ngày "
        "làm việc kể từ ngày lập biên bản.",
    ),
    (
        "decision_transferred",
        10,
        "working_days",
        "Luật Xử lý vi phạm hành chính, Điều 66 khoản 1: 10 ngày làm việc kể từ ngày lập "
        "biên bản khi vụ việc phải chuyển người có thẩm quyền.",
    ),
    (
        "decision_explanation",
        1,
        "months",
        "Luật Xử lý vi phạm hành chính, Điều 66 khoản 1: 01 tháng kể từ ngày lập biên bản "
        "khi cá nhân, tổ chức yêu cầu giải trình (có thể gia hạn thêm 01 tháng).",
    ),
    (
        "serve",
        3,
        "working_days",
        "Luật Xử lý vi phạm hành chính, Điều 70: giao quyết định trong 03 ngày làm việc "
        "kể từ ngày ra quyết định.",
    ),
    (
        "legalise_house",
        30,
        "calendar_days",
        "Nghị định 16/2022/NĐ-CP, Điều 81: 30 ngày (nhà ở riêng lẻ) kể từ ngày ban hành "
        "quyết định xử phạt để làm thủ tục cấp giấy phép.",
    ),
    (
        "legalise_project",
        90,
        "calendar_days",
        "Nghị định 16/2022/NĐ-CP, Điều 81: 90 ngày (công trình khác) kể từ ngày ban hành "
        "quyết định xử phạt để làm thủ tục cấp giấy phép.",
    ),
    (
        "conformity_check",
        5,
        "calendar_days",
        "Nghị định 16/2022/NĐ-CP, Điều 81: kiểm tra hiện trạng trong 05 ngày kể từ khi "
        "xuất trình giấy phép.",
    ),
    (
        "demolish",
        15,
        "calendar_days",
        "Nghị định 16/2022/NĐ-CP, Điều 81: tự phá dỡ trong 15 ngày kể từ ngày nhận quyết "
        "định, hoặc thời hạn ghi trong quyết định.",
    ),
    (
        "enforce",
        30,
        "calendar_days",
        "Luật Xử lý vi phạm hành chính, Điều 86–88 (cưỡng chế): pháp luật không ấn định "
        "số ngày; thời hạn do UBND phường quy định.",
    ),
]

HOLIDAY = "public_holiday"
IN_LIEU = "compensatory_day_off"
SWAP_OFF = "swapped_day_off"
SWAP_WORK = "swapped_working_day"

LABOUR_CODE = "Bộ luật Lao động 2019, Điều 112"
N_2025 = "Thông báo 6150/TB-BLĐTBXH (2024)"
N_2025_NATIONAL_DAY = "Thông báo của Bộ Nội vụ (8/2025) về nghỉ lễ Quốc khánh 2025"
N_2026_NEW_YEAR = "Công văn 12729/VPCP-KGVX ngày 25/12/2025"
N_2026 = "Thông báo 9441/TB-BNV ngày 16/10/2025"
PROVISIONAL = "Dự kiến theo Bộ luật Lao động 2019, Điều 112; chờ thông báo của Bộ Nội vụ"


def d(text):
    day, month, year = (int(x) for x in text.split("/"))
    return datetime.date(year, month, day)


# (date, kind, name, source, provisional)
DAYS = [
    # 2025
    ("1/1/2025", HOLIDAY, "Tết Dương lịch", LABOUR_CODE, False),
    *[(f"{n}/1/2025", HOLIDAY, "Tết Nguyên đán Ất Tỵ", N_2025, False) for n in range(27, 32)],
    ("7/4/2025", HOLIDAY, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", LABOUR_CODE, False),
    ("26/4/2025", SWAP_WORK, "Làm bù cho thứ Sáu 2/5/2025", N_2025, False),
    ("30/4/2025", HOLIDAY, "Ngày Chiến thắng", LABOUR_CODE, False),
    ("1/5/2025", HOLIDAY, "Ngày Quốc tế Lao động", LABOUR_CODE, False),
    ("2/5/2025", SWAP_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", N_2025, False),
    ("1/9/2025", HOLIDAY, "Quốc khánh (ngày liền kề)", N_2025_NATIONAL_DAY, False),
    ("2/9/2025", HOLIDAY, "Quốc khánh", LABOUR_CODE, False),
    # 2026
    ("1/1/2026", HOLIDAY, "Tết Dương lịch", LABOUR_CODE, False),
    ("2/1/2026", SWAP_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 10/1/2026)", N_2026_NEW_YEAR, False),
    ("10/1/2026", SWAP_WORK, "Làm bù cho thứ Sáu 2/1/2026", N_2026_NEW_YEAR, False),
    *[(f"{n}/2/2026", HOLIDAY, "Tết Nguyên đán Bính Ngọ", N_2026, False) for n in range(16, 21)],
    ("26/4/2026", HOLIDAY, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", LABOUR_CODE, False),
    ("27/4/2026", IN_LIEU, "Nghỉ bù Giỗ Tổ Hùng Vương (trùng Chủ nhật)", LABOUR_CODE, False),
    ("30/4/2026", HOLIDAY, "Ngày Chiến thắng", LABOUR_CODE, False),
    ("1/5/2026", HOLIDAY, "Ngày Quốc tế Lao động", LABOUR_CODE, False),
    ("22/8/2026", SWAP_WORK, "Làm bù cho thứ Hai 31/8/2026", N_2026, False),
    ("31/8/2026", SWAP_OFF, "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)", N_2026, False),
    ("1/9/2026", HOLIDAY, "Quốc khánh (ngày liền kề)", N_2026, False),
    ("2/9/2026", HOLIDAY, "Quốc khánh", LABOUR_CODE, False),
    # 2027
    ("1/1/2027", HOLIDAY, "Tết Dương lịch", LABOUR_CODE, False),
    ("4/2/2027", HOLIDAY, "Tết Nguyên đán Đinh Mùi", PROVISIONAL, True),
    ("5/2/2027", HOLIDAY, "Tết Nguyên đán Đinh Mùi", PROVISIONAL, True),
    ("6/2/2027", HOLIDAY, "Tết Nguyên đán Đinh Mùi (mùng 1)", PROVISIONAL, True),
    ("7/2/2027", HOLIDAY, "Tết Nguyên đán Đinh Mùi", PROVISIONAL, True),
    ("8/2/2027", HOLIDAY, "Tết Nguyên đán Đinh Mùi", PROVISIONAL, True),
    ("9/2/2027", IN_LIEU, "Nghỉ bù Tết (trùng thứ Bảy)", PROVISIONAL, True),
    ("10/2/2027", IN_LIEU, "Nghỉ bù Tết (trùng Chủ nhật)", PROVISIONAL, True),
    ("16/4/2027", HOLIDAY, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", LABOUR_CODE, False),
    ("30/4/2027", HOLIDAY, "Ngày Chiến thắng", LABOUR_CODE, False),
    ("1/5/2027", HOLIDAY, "Ngày Quốc tế Lao động", LABOUR_CODE, False),
    ("3/5/2027", IN_LIEU, "Nghỉ bù Ngày Quốc tế Lao động (trùng thứ Bảy)", LABOUR_CODE, False),
    ("2/9/2027", HOLIDAY, "Quốc khánh", LABOUR_CODE, False),
    ("3/9/2027", HOLIDAY, "Quốc khánh (ngày liền kề)", PROVISIONAL, True),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    CalendarDay = apps.get_model("cases", "CalendarDay")
    for code, amount, unit, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            effective_from=EFFECTIVE_FROM,
            defaults={"amount": amount, "unit": unit, "basis": basis},
        )
    for text, kind, name, source, provisional in DAYS:
        CalendarDay.objects.get_or_create(
            date=d(text),
            defaults={"kind": kind, "name": name, "source": source, "provisional": provisional},
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlineRule").objects.filter(effective_from=EFFECTIVE_FROM).delete()
    apps.get_model("cases", "CalendarDay").objects.filter(
        date__in=[d(row[0]) for row in DAYS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_workflow_steps_rules_calendar")]

    operations = [migrations.RunPython(seed, unseed)]
