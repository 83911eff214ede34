"""Shared fixtures: two wards side by side and a user of every role."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db.backends.signals import connection_created
from django.test import Client
from rest_framework.test import APIClient

from backend.accounts.models import Role
from tests.factories import WARD_A_BOX, WARD_B_BOX, UserFactory, WardFactory, box

# Fixtures of tests.support (pytest finds fixtures among this module's names).
from tests.support.web_processes import two_web_processes, web_processes_env  # noqa: F401


def _allow_history_truncate(sender: Any, connection: Any, **kwargs: Any) -> None:
    # History tables refuse TRUNCATE (backend/audit/migrations/0003) unless the
    # session allows it; transactional tests empty their throw-away database
    # with TRUNCATE between tests, so every test connection allows it. The
    # database honours this only in a database named test_… (audit 0004):
    # a DATABASE_TEST_NAME must start with "test_".
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET ttxd.allow_history_truncate = on")


connection_created.connect(_allow_history_truncate, dispatch_uid="ttxd_allow_history_truncate")


@pytest.fixture(autouse=True)
def _violation_catalogue(request: Any) -> None:
    """The catalogue's seeded rows (cases migration 0006) and the default inspection plan
    (sites migration 0002): a transactional test's flush empties the tables, and every
    sanction decision reads the one, every site's schedule the other."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if not (marker or {"db", "transactional_db", "live_server"} & names):
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & names
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    seed_violation_catalogue()
    seed_default_inspection_plan()


def seed_default_inspection_plan() -> None:
    """The default inspection plan (sites migration 0002), emptied by a flush like the catalogue."""
    import importlib

    from django.apps import apps

    from backend.sites.models import InspectionPlanRule

    seed = importlib.import_module("backend.sites.migrations.0002_default_plan")
    if not InspectionPlanRule.objects.filter(ward__isnull=True).exists():
        seed.add_defaults(apps, None)


def seed_violation_catalogue() -> None:
    import importlib

    from django.apps import apps

    from backend.cases.models import FineRule, ViolationClause

    seed = importlib.import_module(
        "backend.cases.migrations.0006_seed_decree_16_catalogue_and_fine_rules"
    )
    if ViolationClause.objects.count() < len(seed.CLAUSES) or not FineRule.objects.exists():
        seed.seed(apps, None)


@pytest.fixture(autouse=True)
def _static_files_from_finders(settings: Any) -> None:
    # Production serves a hashed manifest built by collectstatic; tests run
    # without collectstatic, so {% static %} must resolve plain paths.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    # A request leaves its language active in the thread; each test starts
    # from the site's default (Vietnamese) like a fresh worker would.
    from django.utils import translation

    translation.activate(settings_language())
    yield
    translation.deactivate()


def settings_language() -> str:
    from django.conf import settings

    return str(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2's deliberate slowness (~0.3 s per user) would dominate the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ward_a(db: Any) -> Any:
    return WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))


@pytest.fixture
def ward_b(db: Any) -> Any:
    return WardFactory(code="90002", slug="WARDB", name="Phường B", boundary=box(*WARD_B_BOX))


@pytest.fixture
def inspector_a(ward_a: Any) -> Any:
    return UserFactory(username="inspector_a", role=Role.INSPECTOR, wards=[ward_a])


@pytest.fixture
def inspector_b(ward_b: Any) -> Any:
    return UserFactory(username="inspector_b", role=Role.INSPECTOR, wards=[ward_b])


@pytest.fixture
def leader_a(ward_a: Any) -> Any:
    return UserFactory(username="leader_a", role=Role.WARD_LEADER, wards=[ward_a])


@pytest.fixture
def auditor(db: Any) -> Any:
    return UserFactory(username="auditor", role=Role.CITY_AUDITOR)


@pytest.fixture
def admin_user(db: Any) -> Any:
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


def admin_staff_client(user: Any, permissions: list[str]) -> Client:
    """A signed-in client for `user` made staff with these admin permissions (codenames)."""
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    client = Client()
    client.force_login(user)
    return client


def api_as(user: Any, language: str = "vi") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


@pytest.fixture
def api() -> Any:
    return api_as
