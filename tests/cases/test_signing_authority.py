"""Who signs: the chairman, or a vice-chairman "KT. CHỦ TỊCH" on a delegation the document cites."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from backend.cases.models import CaseStep, Stage
from tests.cases.test_documents import docx, text_of
from tests.cases.test_serving_and_fines import act, at, decided, transition

D = datetime.date
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_vice_chairman_signs_for_the_chairman_and_the_decisions_cite_the_delegation(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        act(api(inspector_a, "en"), case, "serve_decision_demolish", D(2026, 3, 3))
        # 15 d from 3/3 end Wed 18/3; enforcement is decided after that.
        missing = transition(
            api(leader_a, "vi"), case, "decide_enforcement", D(2026, 3, 19), signer_title="deputy"
        )
        assert missing.status_code == 400
        assert "quyết định giao quyền" in missing.json()["delegation_number"][0]
        assert "delegation_date" in missing.json()
        props = act(
            api(leader_a, "en"),
            case,
            "decide_enforcement",
            D(2026, 3, 19),
            signer_title="deputy",
            delegation_number="05/QĐ-GQXP",
            delegation_date="2026-01-05",
        )
        assert props["stage"] == Stage.ENFORCEMENT
    step = CaseStep.objects.get(case=case, action="decide_enforcement")
    assert step.data["delegation_number"] == "05/QĐ-GQXP"
    assert step.data["delegation_date"] == "2026-01-05"
    text = text_of(docx(api, leader_a, case, "MQD11").content)
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text
    assert "Căn cứ Quyết định về việc giao quyền cưỡng chế" in text
    assert "số 05/QĐ-GQXP ngày 05/01/2026" in text
    # The chairman's own decision cites no delegation.
    sanction = text_of(docx(api, leader_a, case, "MQD02").content)
    assert "giao quyền" not in sanction and "KT. CHỦ TỊCH" not in sanction


def test_the_chairman_signs_without_a_delegation_and_a_delegation_precedes_the_act(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        act(api(inspector_a, "en"), case, "serve_decision_demolish", D(2026, 3, 3))
        chairman = transition(
            api(leader_a, "en"),
            case,
            "decide_enforcement",
            D(2026, 3, 19),
            signer_title="chairman",
            delegation_number="05/QĐ-GQXP",
        )
        later = transition(
            api(leader_a, "en"),
            case,
            "decide_enforcement",
            D(2026, 3, 19),
            signer_title="deputy",
            delegation_number="05/QĐ-GQXP",
            delegation_date="2026-03-20",
        )
    assert chairman.status_code == 400 and "own right" in chairman.json()["delegation_number"][0]
    assert later.status_code == 400 and "before" in later.json()["delegation_date"][0]
    assert not CaseStep.objects.filter(case=case, action="decide_enforcement").exists()
