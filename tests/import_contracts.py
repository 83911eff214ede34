"""An import-linter contract for ARCHITECTURE's rule between apps.

"Apps import each other only through services and selectors": a module of
one app may import another app's `services`, `selectors` and `models` (its
enums, and the model classes querysets and type hints name), or any module
under them, nothing else: not its views, API, admin, workflow table or
helpers. Every import counts, a function's local import too (grimp reads
whole modules).

Every package at the root beside the apps must be declared `shared`
(backend.core, backend.formats): infrastructure any app may import, which
itself imports no app (a forbidden contract in pyproject.toml says so). A
new package that is neither breaks the contract, so nothing escapes it by
being forgotten. Root modules (settings, urls, wsgi) wire the project
together and are not held to it. Checked by `make lint` (pyproject.toml).
"""

from __future__ import annotations

from typing import Any

from importlinter import Contract, ContractCheck, fields, output


class AppBoundariesContract(Contract):
    apps = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    shared = fields.ListField(subfield=fields.StringField())

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        apps = [str(app) for app in self.apps]
        public = {str(name) for name in self.public}
        shared = {str(name) for name in self.shared}

        def app_of(module: str) -> str | None:
            for app in apps:
                if module == app or module.startswith(app + "."):
                    return app
            return None

        undeclared = sorted(
            package
            for root in {app.rpartition(".")[0] for app in apps} & set(graph.modules)
            for package in graph.find_children(root)
            if graph.find_children(package) and package not in apps and package not in shared
        )
        violations: list[dict[str, Any]] = []
        for importer in sorted(graph.modules):
            importer_app = app_of(importer)
            if importer_app is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = app_of(imported)
                if imported_app is None or imported_app == importer_app:
                    continue
                first = imported[len(imported_app) + 1 :].split(".")[0]
                if first in public:
                    continue
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    violations.append(
                        {
                            "importer": importer,
                            "imported": imported,
                            "line": detail["line_number"],
                            "text": detail["line_contents"],
                        }
                    )
        return ContractCheck(
            kept=not violations and not undeclared,
            metadata={"violations": violations, "undeclared": undeclared},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        metadata = check.metadata or {}
        for package in metadata.get("undeclared", []):
            output.print_error(
                f"{package} is neither an app nor shared: add it to `apps` or `shared`."
            )
            output.new_line()
        for violation in metadata.get("violations", []):
            output.print_error(
                f"{violation['importer']}:{violation['line']} imports {violation['imported']}"
                f" ({violation['text']}): use that app's services, selectors or models."
            )
            output.new_line()
