"""The import contract between apps (tests/import_contracts.py) catches what it should."""

from __future__ import annotations

import grimp

from tests.import_contracts import AppBoundariesContract

APPS = ["backend.cases", "backend.photos", "backend.maps"]


def contract() -> AppBoundariesContract:
    return AppBoundariesContract(
        name="apps",
        session_options={"root_packages": ["backend"]},
        contract_options={"apps": APPS, "public": ["services", "selectors", "models"]},
    )


def graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    built = grimp.ImportGraph()
    for importer, imported in imports:
        built.add_import(
            importer=importer,
            imported=imported,
            line_number=3,
            line_contents=f"from {imported} import x",
        )
    return built


def test_services_selectors_models_and_the_apps_own_modules_are_allowed():
    check = contract().check(
        graph(
            ("backend.cases.api", "backend.photos.services"),
            ("backend.maps.selectors", "backend.cases.selectors"),
            ("backend.maps.api", "backend.cases.models"),
            ("backend.cases.api", "backend.cases.workflow"),  # its own app
            ("backend.cases.api", "backend.core.errors"),  # project infrastructure
        ),
        verbose=False,
    )

    assert check.kept


def test_any_other_module_of_another_app_breaks_it():
    check = contract().check(
        graph(
            ("backend.cases.api", "backend.photos.idempotency"),
            ("backend.maps.views", "backend.cases.workflow"),
            ("backend.maps.api", "backend.photos.services"),
        ),
        verbose=False,
    )

    assert not check.kept
    found = {(v["importer"], v["imported"]) for v in (check.metadata or {})["violations"]}
    assert found == {
        ("backend.cases.api", "backend.photos.idempotency"),
        ("backend.maps.views", "backend.cases.workflow"),
    }
