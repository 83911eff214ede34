"""The stages as documents and the case page show them, apart from the table's rules.

The Vietnamese names are for the official documents; the main path orders
the case page's progress strip.
"""

from __future__ import annotations

from backend.cases.models import Stage

# Vietnamese names of the stages (DOMAIN.md), used where Vietnamese is
# required whatever the page language: the official documents.
STAGE_NAMES_VI = {
    Stage.DETECTED: "Phát hiện",
    Stage.SUSPENDED: "Lập biên bản, yêu cầu dừng thi công",
    Stage.HALTED: "Quyết định xử phạt, đình chỉ thi công",
    Stage.LEGALISING: "Hợp thức hóa",
    Stage.CONFORMITY_CHECK: "Kiểm tra hiện trạng",
    Stage.SELF_DEMOLITION: "Tự phá dỡ",
    Stage.ENFORCEMENT: "Cưỡng chế",
    Stage.TRANSFERRED: "Chuyển người có thẩm quyền",
    Stage.CLOSED: "Đóng hồ sơ",
}

# The main path, in order, for the progress strip.
MAIN_PATH = (
    Stage.DETECTED,
    Stage.SUSPENDED,
    Stage.HALTED,
    Stage.LEGALISING,
    Stage.CONFORMITY_CHECK,
    Stage.SELF_DEMOLITION,
    Stage.ENFORCEMENT,
    Stage.CLOSED,
)
