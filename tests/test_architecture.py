"""The import contract between apps (tests/import_contracts.py) catches what it should."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grimp

from tests.import_contracts import AppBoundariesContract

APPS = ["backend.cases", "backend.photos", "backend.maps"]


def contract() -> AppBoundariesContract:
    return AppBoundariesContract(
        name="apps",
        session_options={"root_packages": ["backend"]},
        contract_options={
            "apps": APPS,
            "public": ["services", "selectors", "models"],
            "shared": ["backend.core"],
        },
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


def test_a_private_submodule_of_another_app_breaks_it_and_one_under_services_does_not():
    check = contract().check(
        graph(
            ("backend.maps.tiles", "backend.cases.workflow.table"),
            ("backend.maps.tiles", "backend.cases.services.transition"),
            ("backend.maps.tiles", "backend.cases.selectors"),
            ("backend.photos.api", "backend.cases"),  # the app's package itself
        ),
        verbose=False,
    )

    found = {(v["importer"], v["imported"]) for v in (check.metadata or {})["violations"]}
    assert found == {
        ("backend.maps.tiles", "backend.cases.workflow.table"),
        ("backend.photos.api", "backend.cases"),
    }


def test_a_package_that_is_neither_an_app_nor_shared_breaks_it():
    built = graph(("backend.cases.api", "backend.core.errors"))
    for package in ["backend", "backend.cases", "backend.core", "backend.sites"]:
        built.add_module(package)
    built.add_module("backend.sites.models")
    built.add_module("backend.settings")  # a root module, not a package

    check = contract().check(built, verbose=False)

    assert not check.kept
    assert (check.metadata or {})["undeclared"] == ["backend.sites"]
    assert (check.metadata or {})["violations"] == []


def test_a_local_import_inside_a_function_counts(tmp_path: Path, monkeypatch: Any):
    for package in ["backend_probe", "backend_probe/cases", "backend_probe/maps"]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "backend_probe/cases/workflow.py").write_text("ACTIONS = {}\n")
    (tmp_path / "backend_probe/maps/views.py").write_text(
        "def page():\n    from backend_probe.cases.workflow import ACTIONS\n\n    return ACTIONS\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    probe = AppBoundariesContract(
        name="apps",
        session_options={"root_packages": ["backend_probe"]},
        contract_options={
            "apps": ["backend_probe.cases", "backend_probe.maps"],
            "public": ["services", "selectors", "models"],
            "shared": [],
        },
    )

    check = probe.check(grimp.build_graph("backend_probe", cache_dir=None), verbose=False)

    assert [
        (v["importer"], v["imported"], v["line"]) for v in (check.metadata or {})["violations"]
    ] == [("backend_probe.maps.views", "backend_probe.cases.workflow", 2)]
