"""Serving decisions and paying fines, driven through POST /api/cases/{id}/transitions/.

Every date and amount below is counted by hand: periods from receipt or
issue (LAW.md §1–2), the civil-service calendar (Tết 2026 14–22/2, 30/4–1/5,
2/9, New Year), late interest at 0.05 % a day of the fine still unpaid.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from backend.audit.models import CaseEvent
from backend.cases.models import CaseStep, Stage
from backend.cases.services.opening import case_open
from tests.cases.conftest import SITE, data_for

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=HCM)


def transition(client: Any, case: Any, action: str, day: datetime.date, **extra: Any) -> Any:
    body = {"action": action, **data_for(action, day, **extra)}
    return client.post(f"/api/cases/{case.pk}/transitions/", body, format="json")


def act(client: Any, case: Any, action: str, day: datetime.date, **extra: Any) -> dict[str, Any]:
    response = transition(client, case, action, day, **extra)
    assert response.status_code == 200, response.json()
    props: dict[str, Any] = response.json()["properties"]
    return props


def shown(client: Any, case: Any) -> dict[str, Any]:
    response = client.get(f"/api/cases/{case.pk}/")
    assert response.status_code == 200
    props: dict[str, Any] = response.json()["properties"]
    return props


def decided(
    api: Any,
    inspector: Any,
    leader: Any,
    record_on: datetime.date,
    decided_on: datetime.date,
    *,
    fine: str = "5.000.000",
    remedy: str = "demolish",
) -> Any:
    """A case recorded on `record_on` and decided (MQĐ02) on `decided_on`.

    Fines within the catalogue's bands (Decree 16/2022 Art. 16): to demolish,
    an organisation that did not display its permit (clause 2, tier a: 5–10M,
    midpoint 7,5M), so 5M is the band's
    minimum (mitigating) and 10M its maximum (aggravating); to legalise, a
    build without a permit (clause 7, an individual: 30–40M) at the midpoint
    the form proposes, 35M.
    """
    legalise = remedy == "legalise"
    case = case_open(
        actor=inspector,
        location=SITE,
        violation_type="art16_7" if legalise else "art16_2",
        detected_at=at(record_on - datetime.timedelta(days=1)),
    )
    facts = (
        {}
        if legalise
        else {
            "violator_kind": "organisation",
            "violator_name": "Công ty TNHH Xây dựng Minh Phát",
            "violator_org_code": "0312345678",
            "violator_representative": "Nguyễn Văn Minh",
        }
    )
    act(api(inspector, "en"), case, "record_violation", record_on, **facts)
    amount = int(fine.replace(".", ""))
    factor = (
        "none"
        if legalise or amount == 7_500_000
        else ("mitigating" if amount < 7_500_000 else "aggravating")
    )
    chosen = {} if legalise else {"fine_amount": fine, "fine_factor": factor}
    if factor != "none":
        chosen["factors"] = "Tình tiết ghi trong biên bản vi phạm hành chính."
    act(
        api(leader, "en"),
        case,
        "issue_sanction_decision",
        decided_on,
        remedy=remedy,
        **chosen,
    )
    return case


# --- Serving: each period counts from the event the law names --------------------------
def test_a_demolition_period_and_the_fine_count_from_the_postal_delivery_not_the_posting(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        props = act(
            api(inspector_a, "en"),
            case,
            "serve_decision_demolish",
            D(2026, 3, 4),
            method="post",
            postmark_on="2026-03-04",
            received_on="2026-03-09",
        )
    assert props["stage"] == Stage.SELF_DEMOLITION
    # 15 d from the delivery on Mon 9/3 end Tue 24/3 (MQĐ02 note 13).
    assert props["deadline"]["due"] == "2026-03-24"
    assert props["deadline"]["counted_from"] == {
        "event": "receipt",
        "on": "2026-03-09",
        "method": "post",
    }
    # Sent on Wed 4/3, within 3 WD of the decision of Mon 2/3 (Art. 70).
    step = CaseStep.objects.get(case=case, action="serve_decision_demolish")
    assert step.on_time is True and step.deadline_due == D(2026, 3, 5)
    # 10 d from the receipt on 9/3: Thu 19/3; on 20/3 one day late, 0.05 % of 5.000.000.
    fine = props["fine"]
    assert fine["due"] == "2026-03-19" and fine["received_on"] == "2026-03-09"
    assert fine["due_counted_from"] == {"event": "receipt", "on": "2026-03-09"}
    assert (fine["state"], fine["days_late"], fine["interest_accrued"]) == ("overdue", 1, 2_500)
    assert fine["amount_display"] == "5.000.000 đ"


def test_a_registered_letter_without_its_delivery_date_does_not_start_the_period(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        response = transition(
            api(inspector_a, "en"),
            case,
            "serve_decision_demolish",
            D(2026, 3, 4),
            method="post",
            postmark_on="2026-03-04",
        )
        assert response.status_code == 400
        assert "delivery date" in response.json()["received_on"][0]
        vi = transition(
            api(inspector_a, "vi"),
            case,
            "serve_decision_demolish",
            D(2026, 3, 4),
            method="posted",
        )
    assert vi.status_code == 400 and "niêm yết" in vi.json()["posting_record"][0]
    case.refresh_from_db()
    assert case.stage == Stage.HALTED and not case.steps.filter(action__startswith="serve")


def test_a_returned_letter_then_public_posting_across_tet_then_a_later_service_recounts(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    inspector = api(inspector_a, "en")
    with time_machine.travel(at(D(2026, 3, 10)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 5), D(2026, 2, 10))
        # The letter of Thu 12/2 comes back: the decision is not served, nothing runs yet.
        props = act(
            inspector,
            case,
            "record_service",
            D(2026, 2, 12),
            method="post",
            postmark_on="2026-02-12",
            returned=True,
            posting_record="",
        )
        assert props["stage"] == Stage.HALTED and props["deadline"]["due"] == "2026-02-13"
        assert props["fine"]["state"] == "awaiting_service" and props["fine"]["due"] is None
        # Posted publicly on Wed 25/2, after Tết: 3 WD from Tue 10/2 ended Fri 13/2.
        props = act(
            inspector,
            case,
            "serve_decision_demolish",
            D(2026, 2, 25),
            method="posted",
            posting_record="01/BB-NY ngày 25/02/2026",
        )
        step = CaseStep.objects.get(case=case, action="serve_decision_demolish")
        assert (step.on_time, step.days_late) == (False, 12)
        assert props["deadline"]["due"] == "2026-03-12"  # 15 d from 25/2
        assert props["deadline"]["counted_from"]["method"] == "posted"
        # 10 d from 25/2 end Sat 7/3: the last day rolls to Mon 9/3.
        assert props["fine"]["due"] == "2026-03-09"
        # Handed over again on 2/3, received 3/3: the latest effective service counts.
        props = act(
            inspector,
            case,
            "record_service",
            D(2026, 3, 2),
            method="in_person",
            received_on="2026-03-03",
            posting_record="",
        )
        assert props["deadline"]["due"] == "2026-03-18"
        assert props["deadline"]["counted_from"] == {
            "event": "receipt",
            "on": "2026-03-03",
            "method": "in_person",
        }
        assert props["fine"]["due"] == "2026-03-13"
        # A letter that came back after that changes nothing.
        props = act(
            inspector,
            case,
            "record_service",
            D(2026, 3, 5),
            method="post",
            postmark_on="2026-03-05",
            returned=True,
            posting_record="",
        )
    assert props["deadline"]["due"] == "2026-03-18" and props["fine"]["due"] == "2026-03-13"
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count("document_served") == 3
    served = CaseEvent.objects.filter(case=case, kind="document_served").last()
    assert served.payload["data"]["returned"] is True
    assert served.payload["next_deadline"]["due"] == "2026-03-18"


def test_the_legalisation_window_counts_from_issue_while_the_fine_counts_from_receipt(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2), remedy="legalise")
        props = act(
            api(inspector_a, "en"),
            case,
            "serve_decision_legalise",
            D(2026, 3, 4),
            received_on="2026-03-06",
        )
    # Decree 16 Art. 81(1): 30 d from the decision of 2/3 end Wed 1/4.
    assert props["deadline"]["due"] == "2026-04-01"
    assert props["deadline"]["counted_from"]["event"] == "issue"
    assert props["deadline"]["counted_from"]["on"] == "2026-03-02"
    assert props["fine"]["due"] == "2026-03-16"  # 10 d from Fri 6/3


@pytest.mark.parametrize(
    ("decided_on", "received_on", "due"),
    [
        (D(2026, 2, 3), D(2026, 2, 6), D(2026, 2, 23)),  # 16/2 in Tết 14–22/2
        (D(2025, 12, 22), D(2025, 12, 24), D(2026, 1, 5)),  # 3/1/2026 is a Saturday
        (D(2026, 4, 16), D(2026, 4, 20), D(2026, 5, 4)),  # 30/4, 1/5, then a weekend
        (D(2026, 8, 20), D(2026, 8, 23), D(2026, 9, 3)),  # 2/9 National Day
    ],
    ids=["tet", "new_year", "30_4", "2_9"],
)
def test_the_fine_is_due_ten_days_after_receipt_rolled_off_rest_days(
    decided_on: datetime.date,
    received_on: datetime.date,
    due: datetime.date,
    api: Any,
    inspector_a: Any,
    leader_a: Any,
) -> None:
    with time_machine.travel(at(due), tick=False):
        case = decided(
            api, inspector_a, leader_a, decided_on - datetime.timedelta(days=1), decided_on
        )
        props = act(
            api(inspector_a, "en"),
            case,
            "serve_decision_demolish",
            received_on,
            received_on=received_on.isoformat(),
        )
    assert props["fine"]["due"] == due.isoformat()
    assert props["fine"]["days_late"] == 0 and props["fine"]["interest_accrued"] == 0


# --- Paying: the receipt, the interest as it grows -----------------------------------
def test_late_interest_grows_each_day_and_stops_with_the_payment(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 2, 25)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 1, 30), D(2026, 2, 3))
        act(api(inspector_a, "en"), case, "serve_decision_demolish", D(2026, 2, 6))
        fine = shown(api(inspector_a, "en"), case)["fine"]
        # Due Mon 23/2 (after Tết); on 25/2 two days late: 2 × 2.500 đ.
        assert (fine["days_late"], fine["interest_accrued"]) == (2, 5_000)
    with time_machine.travel(at(D(2026, 3, 2)), tick=False):
        fine = shown(api(inspector_a, "en"), case)["fine"]
        assert (fine["days_late"], fine["interest_accrued"]) == (7, 17_500)
        assert fine["interest_outstanding_display"] == "17.500 đ"
        props = act(
            api(inspector_a, "en"),
            case,
            "record_fine_payment",
            D(2026, 3, 2),
            receipt_number="0045678",
            amount="5.000.000",
            interest_paid="17.500",
            place_paid="Kho bạc Nhà nước khu vực II",
        )
    assert props["fine"]["state"] == "paid"
    assert props["fine"]["payments"] == [
        {
            "paid_on": "2026-03-02",
            "amount": 5_000_000,
            "interest_paid": 17_500,
            "receipt_number": "0045678",
            "place_paid": "Kho bạc Nhà nước khu vực II",
        }
    ]
    with time_machine.travel(at(D(2026, 4, 1)), tick=False):
        fine = shown(api(inspector_a, "en"), case)["fine"]
    assert (fine["state"], fine["interest_accrued"], fine["days_late"]) == ("paid", 17_500, 0)
    event = CaseEvent.objects.filter(case=case, kind="fine_paid").get()
    assert event.payload["data"]["amount"] == 5_000_000 and event.actor == inspector_a


def test_interest_across_the_year_end_is_counted_on_what_is_still_unpaid(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 1, 15)), tick=False):
        case = decided(
            api, inspector_a, leader_a, D(2025, 12, 18), D(2025, 12, 22), fine="7.500.000"
        )
        act(api(inspector_a, "en"), case, "serve_decision_demolish", D(2025, 12, 24))
        # Due Mon 5/1/2026; 2.500.000 paid on Sat 10/1 (a Saturday worked), 5 days late.
        act(
            api(inspector_a, "en"),
            case,
            "record_fine_payment",
            D(2026, 1, 10),
            amount="2.500.000",
        )
        fine = shown(api(inspector_a, "en"), case)["fine"]
    # 6/1–10/1 on 7.500.000 (5 × 3.750) + 11/1–15/1 on 5.000.000 (5 × 2.500).
    assert fine["interest_accrued"] == 5 * 3_750 + 5 * 2_500
    assert (fine["outstanding"], fine["days_late"], fine["state"]) == (5_000_000, 10, "overdue")


def test_a_payment_above_what_is_owed_is_refused_and_nothing_is_written(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        response = transition(
            api(inspector_a, "vi"), case, "record_fine_payment", D(2026, 3, 5), amount="6.000.000"
        )
    assert response.status_code == 400
    assert "5.000.000 đ" in response.json()["amount"][0]
    assert not CaseStep.objects.filter(case=case, action="record_fine_payment").exists()


# --- Postponement and instalments (Art. 76–77) ---------------------------------------
def test_a_postponement_granted_moves_the_date_and_interest_runs_from_the_new_one(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 9)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2), fine="10.000.000")
        act(api(inspector_a, "en"), case, "serve_decision_demolish", D(2026, 3, 2))
        props = act(
            api(inspector_a, "en"),
            case,
            "request_fine_relief",
            D(2026, 3, 5),
            relief="postponement",
        )
        assert props["fine"]["relief_pending"] == {
            "kind": "postponement",
            "requested_on": "2026-03-05",
        }
        assert props["fine"]["due"] == "2026-03-12"
        refused = transition(
            api(leader_a, "en"), case, "decide_fine_relief", D(2026, 3, 9), outcome="granted"
        )
        assert refused.status_code == 400 and "new date" in refused.json()["new_due_date"][0]
        props = act(
            api(leader_a, "en"),
            case,
            "decide_fine_relief",
            D(2026, 3, 9),
            outcome="granted",
            new_due_date="2026-04-10",
            decision_number="21/QĐ-UBND",
        )
    assert props["fine"]["due"] == "2026-04-10" and props["fine"]["relief_pending"] is None
    assert props["fine"]["relief_decisions"][0]["outcome"] == "granted"
    with time_machine.travel(at(D(2026, 4, 15)), tick=False):
        fine = shown(api(inspector_a, "en"), case)["fine"]
    # 11/4–15/4 on 10.000.000: 5 × 5.000 đ.
    assert (fine["days_late"], fine["interest_accrued"]) == (5, 25_000)


def test_instalments_granted_charge_interest_only_on_the_instalment_missed(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 31)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2), fine="10.000.000")
        act(api(inspector_a, "en"), case, "serve_decision_demolish", D(2026, 3, 2))
        act(
            api(inspector_a, "en"), case, "request_fine_relief", D(2026, 3, 4), relief="instalments"
        )
        wrong = transition(
            api(leader_a, "en"),
            case,
            "decide_fine_relief",
            D(2026, 3, 6),
            outcome="granted",
            instalments="31/03/2026 4.000.000\n30/04/2026 3.000.000",
        )
        assert wrong.status_code == 400
        assert "7.000.000 đ" in wrong.json()["instalments"][0]
        act(
            api(leader_a, "en"),
            case,
            "decide_fine_relief",
            D(2026, 3, 6),
            outcome="granted",
            instalments="31/03/2026 4.000.000\n30/04/2026 3.000.000\n29/05/2026 3.000.000",
        )
        act(api(inspector_a, "en"), case, "record_fine_payment", D(2026, 3, 31), amount="4.000.000")
    with time_machine.travel(at(D(2026, 5, 10)), tick=False):
        fine = shown(api(inspector_a, "en"), case)["fine"]
    assert [i["due"] for i in fine["schedule"]] == ["2026-03-31", "2026-04-30", "2026-05-29"]
    # The second instalment (3.000.000) is 10 days late: 10 × 1.500 đ.
    assert (fine["due"], fine["days_late"], fine["interest_accrued"]) == ("2026-04-30", 10, 15_000)


# --- Enforcement of an unpaid fine, and the limit for executing the decision ------------
def test_an_unpaid_fine_goes_to_enforcement_only_after_its_date(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 19)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        act(api(inspector_a, "en"), case, "serve_decision_demolish", D(2026, 3, 9))
        early = transition(api(leader_a, "vi"), case, "enforce_fine", D(2026, 3, 19))
        assert early.status_code == 409 and "19/03/2026" in early.json()["detail"]
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        before = shown(api(leader_a, "en"), case)["fine"]
        assert before["enforcement_due"] == "2026-04-20"  # 30 d after 19/3 (a setting)
        props = act(api(leader_a, "en"), case, "enforce_fine", D(2026, 3, 20))
    assert props["fine"]["state"] == "enforcement"
    assert props["fine"]["enforcement"]["number"] == "15/QĐ-CCXP"
    assert props["stage"] == Stage.SELF_DEMOLITION  # the demolition period runs on
    assert CaseEvent.objects.filter(case=case, kind="fine_enforcement_decided").count() == 1


def test_the_limit_for_executing_the_decision_is_shown_and_warned_a_month_ahead(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        fine = shown(api(inspector_a, "en"), case)["fine"]
        assert fine["execution_limit"] == "2027-03-02"  # 1 year from the decision of 2/3/2026
        assert fine["execution_warning"] is False
    with time_machine.travel(at(D(2027, 2, 10)), tick=False):
        fine = shown(api(inspector_a, "en"), case)["fine"]
        page = api(inspector_a, "en")
        page.force_login(inspector_a)
        html = page.get(f"/cases/{case.pk}/").content.decode()
    assert fine["execution_warning"] is True and fine["execution_days_left"] == 20
    assert "02/03/2027" in html and "20 days left" in html


# --- Legalisation cannot close while the fine is unpaid ------------------------------
def test_legalisation_cannot_close_the_case_until_the_fine_is_paid(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    inspector_vi = api(inspector_a, "vi")
    # Served 4/3: the fine is due Mon 16/3 (14/3 is a Saturday), not late on 12/3.
    with time_machine.travel(at(D(2026, 3, 12)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2), remedy="legalise")
        act(inspector_vi, case, "serve_decision_legalise", D(2026, 3, 4))
        act(inspector_vi, case, "show_permit", D(2026, 3, 10))
        refused = transition(inspector_vi, case, "confirm_conformity", D(2026, 3, 12))
        assert refused.status_code == 409
        assert "35.000.000 đ" in refused.json()["detail"]
        assert "chứng minh đã nộp tiền phạt" in refused.json()["detail"]
        actions = inspector_vi.get(f"/api/cases/{case.pk}/actions/").json()
        assert "confirm_conformity" in [b["action"] for b in actions["blocked"]]
        act(inspector_vi, case, "record_fine_payment", D(2026, 3, 12))
        props = act(inspector_vi, case, "confirm_conformity", D(2026, 3, 12))
    assert (props["stage"], props["outcome"]) == (Stage.CLOSED, "legalised")
    assert props["fine"]["state"] == "paid"


def test_a_fine_can_still_be_paid_after_the_site_was_demolished_and_the_case_closed(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 30)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        act(api(inspector_a, "en"), case, "serve_decision_demolish", D(2026, 3, 3))
        props = act(api(inspector_a, "en"), case, "verify_self_demolition", D(2026, 3, 10))
        # Due Fri 13/3, unpaid on 30/3.
        assert props["stage"] == Stage.CLOSED and props["fine"]["state"] == "overdue"
        props = act(
            api(inspector_a, "en"), case, "record_fine_payment", D(2026, 3, 12), amount="5.000.000"
        )
    assert props["stage"] == Stage.CLOSED and props["fine"]["state"] == "paid"
    actions = api(inspector_a, "en").get(f"/api/cases/{case.pk}/actions/").json()
    assert "record_fine_payment" not in [a["action"] for a in actions["actions"]]
