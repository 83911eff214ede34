"""Officers read Vietnamese by default; English only when they ask for it.

These checks need the Vietnamese catalogue (backend/locale/vi), which is
written once the English messages are settled.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.foundation.support import error_text

# Letters that occur in Vietnamese and not in English.
VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE
)
GOOD = {"lat": 10.775, "lon": 106.685, "violation_type": "art16_7"}

# Bad inputs whose messages carry no ward names or other Vietnamese data.
MESSAGES = {
    "swapped": {**GOOD, "lat": 106.685, "lon": 10.775},
    "outside Vietnam": {**GOOD, "lat": 48.8566, "lon": 2.3522},
    "missing position": {"violation_type": "art16_7"},
    "unknown violation type": {**GOOD, "violation_type": "art16_99"},
    "invalid footprint": {
        **GOOD,
        "footprint": {
            "type": "Polygon",
            "coordinates": [
                [
                    [106.685, 10.775],
                    [106.6852, 10.7752],
                    [106.6852, 10.775],
                    [106.685, 10.7752],
                    [106.685, 10.775],
                ]
            ],
        },
    },
    "future detection": {**GOOD, "detected_at": "2099-01-01T00:00:00+07:00"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("payload", MESSAGES.values(), ids=MESSAGES.keys())
def test_bad_input_message_is_vietnamese_by_default_and_english_on_request(
    api: Any, inspector_a: Any, payload: dict[str, Any]
) -> None:
    vietnamese = api(inspector_a, "vi").post("/api/cases/", payload, format="json")
    english = api(inspector_a, "en").post("/api/cases/", payload, format="json")

    assert vietnamese.status_code == english.status_code == 400
    assert not VIETNAMESE_LETTERS.search(error_text(english))
    assert VIETNAMESE_LETTERS.search(error_text(vietnamese)), error_text(vietnamese)
    assert error_text(vietnamese) != error_text(english)


@pytest.mark.django_db
def test_filter_message_is_vietnamese_by_default(api: Any, inspector_a: Any) -> None:
    vietnamese = api(inspector_a, "vi").get("/api/cases/?stage=approved")
    english = api(inspector_a, "en").get("/api/cases/?stage=approved")
    assert VIETNAMESE_LETTERS.search(error_text(vietnamese))
    assert error_text(vietnamese) != error_text(english)


@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default() -> None:
    vietnamese = Client().get("/login/").content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/login/").content.decode()
    title = re.compile(r"<h1>(.*?)</h1>", re.S)
    assert VIETNAMESE_LETTERS.search(title.search(vietnamese).group(1))
    assert title.search(vietnamese).group(1) != title.search(english).group(1)
