"""Fixtures for the robustness tests: seeded workflow rules, a photo store, clients."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.cases.conftest import (  # noqa: F401
    _english_messages,
    _fast_passwords,
    _seeded,
    actors,
    case_at,
    leader_b,
)
from tests.photos.conftest import photo_media  # noqa: F401


def logged_in(user: Any) -> Client:
    """A browser session of `user`, in English."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def messages_of(response: Any) -> str:
    """Every message of a DRF error body, joined (the field lists and "detail")."""
    body = response.json()
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "code":
                    walk(item)

    walk(body)
    return " ".join(parts)
