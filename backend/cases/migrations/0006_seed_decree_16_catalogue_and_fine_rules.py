"""Seed the violation catalogue (Decree 16/2022/NĐ-CP Art. 16, clauses 1–13) and the fine rules.

Self-contained on purpose (migrations never import app code). Sources (the
legal notes, LAW.md §1, §3 and §6):
- Bands: Decree 16/2022 Art. 16, read in the original. In VND for an
  ORGANISATION; an individual pays half (Art. 4(3)(c)), a rule in FineRule.
  Tiers: (a) individual house; (b) house in a conservation zone or at a
  relic, or other works; (c) works needing a feasibility or
  techno-economic report. Clause 8 has one band for every tier; clause 11 is
  fined under the land decree (123/2024/NĐ-CP) and has no band here.
- The conduct's Vietnamese wording is entered as the decree words it but is
  marked unchecked (conduct_checked=False) until an administrator compares
  it with the Official Gazette; remedies are seeded only where the design
  notes give them (demolition for 4, 6–10; the additional penalties for
  12 and 13), the others are left for the administrator.
- Fine rules: the Law 88/2025 reading (sector maximum 500M for an
  individual, doubled for an organisation; the commune chairman up to 50 %,
  Decree 189/2025 Art. 5) applies; the older Decree 16 Art. 4 reading (1 bn /
  2 bn) is recorded, not applied. The midpoint rule (LXLVPHC Art. 23(4)) is
  unverified: a configurable default.
"""

import datetime

from django.db import migrations

DECREE = "16/2022/NĐ-CP"
IN_FORCE = datetime.date(2022, 1, 28)  # Decree 16/2022/NĐ-CP, signed and in force 28/01/2022
M = 1_000_000
DEMOLISH = "Buộc phá dỡ công trình, phần công trình xây dựng vi phạm."
SUSPEND_AND_CONFISCATE = (
    "Tước quyền sử dụng giấy phép xây dựng có thời hạn từ 03 tháng đến 12 tháng (nếu có); "
    "tịch thu tang vật vi phạm hành chính, phương tiện được sử dụng để vi phạm hành chính."
)

# (clause, conduct as the decree words it, label vi, label en,
#  (a), (b), (c) in millions of VND for an organisation, remedies, additional penalties,
#  legalisable under Art. 81, fined under another text)
CLAUSES = [
    (
        1,
        "Không che chắn hoặc có che chắn nhưng để rơi vãi vật liệu xây dựng xuống các khu vực "
        "xung quanh hoặc để vật liệu xây dựng không đúng nơi quy định",
        "Khoản 1 Điều 16 – không che chắn, để rơi vãi hoặc để vật liệu xây dựng không đúng nơi quy định",
        "Art. 16.1 – site not screened, materials spilt or misplaced",
        (3, 5),
        (3, 5),
        (15, 20),
        "",
        "",
        False,
        "",
    ),
    (
        2,
        "Không công khai giấy phép xây dựng tại địa điểm thi công xây dựng trong suốt quá trình "
        "thi công",
        "Khoản 2 Điều 16 – không công khai giấy phép xây dựng tại địa điểm thi công",
        "Art. 16.2 – permit not displayed at the site",
        (5, 10),
        (10, 20),
        (20, 30),
        "",
        "",
        False,
        "",
    ),
    (
        3,
        "Không thực hiện thủ tục để điều chỉnh, gia hạn giấy phép xây dựng",
        "Khoản 3 Điều 16 – không điều chỉnh, gia hạn giấy phép xây dựng",
        "Art. 16.3 – permit not adjusted or extended",
        (15, 20),
        (25, 30),
        (60, 80),
        "",
        "",
        False,
        "",
    ),
    (
        4,
        "Tổ chức thi công xây dựng công trình sai nội dung giấy phép xây dựng được cấp đối với "
        "trường hợp cấp phép sửa chữa, cải tạo, di dời công trình và giấy phép xây dựng có thời hạn",
        "Khoản 4 Điều 16 – sai nội dung giấy phép sửa chữa, cải tạo, di dời hoặc có thời hạn",
        "Art. 16.4 – deviates from a repair, relocation or time-limited permit",
        (15, 20),
        (25, 30),
        (70, 90),
        DEMOLISH,
        "",
        True,
        "",
    ),
    (
        5,
        "Thi công xây dựng công trình gây lún, nứt hoặc hư hỏng công trình lân cận",
        "Khoản 5 Điều 16 – gây lún, nứt, hư hỏng công trình lân cận",
        "Art. 16.5 – damage to neighbouring works",
        (30, 40),
        (50, 60),
        (80, 100),
        "",
        "",
        False,
        "",
    ),
    (
        6,
        "Tổ chức thi công xây dựng công trình sai nội dung giấy phép xây dựng được cấp đối với "
        "trường hợp cấp phép xây dựng mới",
        "Khoản 6 Điều 16 – sai nội dung giấy phép xây dựng mới",
        "Art. 16.6 – deviates from a new-build permit",
        (30, 40),
        (50, 70),
        (100, 120),
        DEMOLISH,
        "",
        True,
        "",
    ),
    (
        7,
        "Tổ chức thi công xây dựng công trình không có giấy phép xây dựng mà theo quy định phải "
        "có giấy phép xây dựng",
        "Khoản 7 Điều 16 – xây dựng không có giấy phép",
        "Art. 16.7 – building without a permit",
        (60, 80),
        (80, 100),
        (120, 140),
        DEMOLISH,
        "",
        True,
        "",
    ),
    (
        8,
        "Tổ chức thi công xây dựng công trình sai thiết kế xây dựng được thẩm định đối với "
        "trường hợp được miễn giấy phép xây dựng",
        "Khoản 8 Điều 16 – sai thiết kế xây dựng đã được thẩm định",
        "Art. 16.8 – deviates from the appraised design",
        (80, 100),
        (80, 100),
        (80, 100),
        DEMOLISH,
        "",
        True,
        "",
    ),
    (
        9,
        "Xây dựng công trình sai quy hoạch xây dựng được cấp có thẩm quyền phê duyệt",
        "Khoản 9 Điều 16 – không phù hợp quy hoạch xây dựng",
        "Art. 16.9 – contrary to the construction plan",
        (80, 100),
        (100, 120),
        (160, 180),
        DEMOLISH,
        "",
        False,
        "",
    ),
    (
        10,
        "Xây dựng lấn chiếm không gian, đất đai của tổ chức, cá nhân khác hoặc khu vực công "
        "cộng, khu vực sử dụng chung",
        "Khoản 10 Điều 16 – lấn chiếm",
        "Art. 16.10 – encroachment",
        (80, 100),
        (100, 120),
        (180, 200),
        DEMOLISH,
        "",
        False,
        "",
    ),
    (
        11,
        "Xây dựng công trình trên đất không đúng mục đích sử dụng đất",
        "Khoản 11 Điều 16 – xây dựng trên đất không đúng mục đích sử dụng",
        "Art. 16.11 – land used for a purpose it is not zoned for",
        None,
        None,
        None,
        "",
        "",
        False,
        "Nghị định số 123/2024/NĐ-CP quy định về xử phạt vi phạm hành chính trong lĩnh vực đất đai",
    ),
    (
        12,
        "Tiếp tục thực hiện hành vi vi phạm sau khi đã bị lập biên bản vi phạm hành chính",
        "Khoản 12 Điều 16 – tiếp tục thi công sau khi đã lập biên bản",
        "Art. 16.12 – building continued after the record",
        (100, 120),
        (120, 140),
        (400, 500),
        "",
        SUSPEND_AND_CONFISCATE,
        False,
        "",
    ),
    (
        13,
        "Tái phạm hành vi vi phạm đã bị xử phạt",
        "Khoản 13 Điều 16 – tái phạm",
        "Art. 16.13 – repeat violation",
        (120, 140),
        (140, 160),
        (950, 1000),
        "",
        SUSPEND_AND_CONFISCATE,
        False,
        "",
    ),
]

LAW_88 = datetime.date(2025, 7, 1)  # Law 88/2025/QH15 in force
FINE_RULES = [
    {
        "name": "Luật số 88/2025/QH15 và Nghị định số 189/2025/NĐ-CP",
        "applies": True,
        "effective_from": LAW_88,
        "sector_max_individual_vnd": 500 * M,
        "sector_max_organisation_vnd": 1000 * M,
        "sector_max_basis": (
            "Luật Xử lý vi phạm hành chính, Điều 24 khoản 1 điểm i và Điều 52 khoản 1 "
            "(sửa đổi bởi Luật số 88/2025/QH15)."
        ),
        "commune_cap_percent": 50,
        "commune_cap_basis": (
            "Nghị định số 189/2025/NĐ-CP, Điều 5; Luật số 88/2025/QH15, Điều 3 khoản 3."
        ),
        "individual_share_percent": 50,
        "individual_share_basis": "Nghị định số 16/2022/NĐ-CP, Điều 4 khoản 3 điểm c.",
        "proposes_midpoint": True,
        "fine_choice_basis": "Luật Xử lý vi phạm hành chính, Điều 23 khoản 4.",
        "note": (
            "Mặc định. Quy tắc mức trung bình của khung (Điều 23 khoản 4) chưa được đối chiếu "
            "với văn bản gốc: có thể thay đổi."
        ),
    },
    {
        "name": "Nghị định số 16/2022/NĐ-CP, Điều 4 (cách hiểu trước năm 2025)",
        "applies": False,
        "effective_from": LAW_88,
        "sector_max_individual_vnd": 1000 * M,
        "sector_max_organisation_vnd": 2000 * M,
        "sector_max_basis": "Nghị định số 16/2022/NĐ-CP, Điều 4.",
        "commune_cap_percent": 50,
        "commune_cap_basis": "Nghị định số 189/2025/NĐ-CP, Điều 5.",
        "individual_share_percent": 50,
        "individual_share_basis": "Nghị định số 16/2022/NĐ-CP, Điều 4 khoản 3 điểm c.",
        "proposes_midpoint": True,
        "fine_choice_basis": "Luật Xử lý vi phạm hành chính, Điều 23 khoản 4.",
        "note": "Lưu để đối chiếu, không áp dụng: mức tối đa 1 tỷ đồng (cá nhân), 2 tỷ đồng (tổ chức).",
    },
]


def _band(pair):
    return (None, None) if pair is None else (pair[0] * M, pair[1] * M)


def seed(apps, schema_editor):
    ViolationClause = apps.get_model("cases", "ViolationClause")
    FineRule = apps.get_model("cases", "FineRule")
    for (
        clause,
        conduct,
        label_vi,
        label_en,
        band_a,
        band_b,
        band_c,
        remedies,
        additional,
        legalisable,
        elsewhere,
    ) in CLAUSES:
        (min_a, max_a), (min_b, max_b), (min_c, max_c) = map(_band, (band_a, band_b, band_c))
        ViolationClause.objects.get_or_create(
            code=f"art16_{clause}",
            effective_from=IN_FORCE,
            defaults={
                "decree": DECREE,
                "article": 16,
                "clause": clause,
                "conduct_vi": conduct,
                "label_vi": label_vi,
                "label_en": label_en,
                "fine_min_a": min_a,
                "fine_max_a": max_a,
                "fine_min_b": min_b,
                "fine_max_b": max_b,
                "fine_min_c": min_c,
                "fine_max_c": max_c,
                "remedies_vi": remedies,
                "additional_penalties_vi": additional,
                "legalisable": legalisable,
                "fined_elsewhere": elsewhere,
                "citation": f"khoản {clause} Điều 16 Nghị định số {DECREE}",
            },
        )
    for rule in FINE_RULES:
        FineRule.objects.get_or_create(
            name=rule["name"], effective_from=rule["effective_from"], defaults=rule
        )


def unseed(apps, schema_editor):
    apps.get_model("cases", "ViolationClause").objects.filter(effective_from=IN_FORCE).delete()
    apps.get_model("cases", "FineRule").objects.filter(
        name__in=[r["name"] for r in FINE_RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_violation_catalogue_fine_rules_heritage_zone")]

    operations = [migrations.RunPython(seed, unseed)]
