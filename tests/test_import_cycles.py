"""No module of backend/ or gis/ imports itself back, however far round.

A cycle makes a module's behaviour depend on which of its partners was
imported first, and hides a dependency that runs the wrong way; a local
import inside a function only postpones it, so those count.

What counts as an import is what grimp records: every `import` and `from`
statement anywhere in a module, a function's local import too. Two choices:

- Importing `a.b.c` also runs `a/__init__.py` and `a/b/__init__.py`, but that
  implicit step is not an edge: otherwise every package whose `__init__`
  re-exports its submodules would be a cycle with each of them. A package
  importing its own submodules is a cycle only when one of them imports the
  package back (`from a.b import x` inside `a.b.c`), and that is an edge.
- Imports under `if TYPE_CHECKING:` count. They do not run, but they still
  tie the two modules' designs together, and a cycle through a type hint says
  the type belongs in a lower module; typing.TYPE_CHECKING is no way around
  this test.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import grimp

ROOT_PACKAGES = ("backend", "gis")


def import_cycles(graph: Any, modules: Iterable[str]) -> list[list[str]]:
    """Each group of modules that import one another round (a strongly
    connected component of more than one module, or a module that imports
    itself), sorted. Tarjan's algorithm, iterative: no recursion limit."""
    among = set(modules)
    edges = {m: sorted(set(graph.find_modules_directly_imported_by(m)) & among) for m in among}
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for start in sorted(among):
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = lowlink[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, successors = work[-1]
            successor = next(successors, None)
            if successor is not None:
                if successor not in index:
                    index[successor] = lowlink[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(edges[successor])))
                elif successor in on_stack:
                    lowlink[module] = min(lowlink[module], index[successor])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[module])
            if lowlink[module] != index[module]:
                continue
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in edges[module]:
                cycles.append(sorted(component))
    return sorted(cycles)


def describe(graph: Any, cycle: list[str]) -> str:
    """The cycle's modules and the imports that tie them, with their lines."""
    lines = [" <-> ".join(cycle)]
    for importer in cycle:
        for imported in sorted(set(graph.find_modules_directly_imported_by(importer)) & set(cycle)):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(f"    {importer}:{detail['line_number']} {detail['line_contents']}")
    return "\n".join(lines)


def test_no_module_of_backend_or_gis_imports_itself_back():
    graph = grimp.build_graph(*ROOT_PACKAGES, cache_dir=None)

    cycles = import_cycles(graph, graph.modules)

    assert not cycles, "import cycles:\n" + "\n".join(describe(graph, c) for c in cycles)


def hand_built(*imports: tuple[str, str]) -> grimp.ImportGraph:
    built = grimp.ImportGraph()
    for importer, imported in imports:
        built.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
    return built


def test_every_cycle_is_found_whatever_its_length_and_nothing_else():
    graph = hand_built(
        ("town.cases.selectors", "town.photos.selectors"),
        ("town.photos.selectors", "town.cases.selectors"),
        ("town.a", "town.b"),
        ("town.b", "town.c"),
        ("town.c", "town.a"),
        ("town.c", "town.d"),  # leads out of the cycle, not back
        ("town.d", "town.e"),
        ("town.self", "town.self"),
    )

    assert import_cycles(graph, graph.modules) == [
        ["town.a", "town.b", "town.c"],
        ["town.cases.selectors", "town.photos.selectors"],
        ["town.self"],
    ]


def test_a_package_importing_its_submodules_is_a_cycle_only_if_one_imports_it_back():
    reexports = hand_built(
        ("town.services", "town.services.opening"),
        ("town.services", "town.services.transition"),
        ("town.services.transition", "town.services.opening"),
    )
    imported_back = hand_built(
        ("town.services", "town.services.opening"),
        ("town.services.opening", "town.services"),
    )

    assert import_cycles(reexports, reexports.modules) == []
    assert import_cycles(imported_back, imported_back.modules) == [
        ["town.services", "town.services.opening"]
    ]


def test_local_and_type_checking_imports_close_a_cycle(tmp_path: Path, monkeypatch: Any):
    package = tmp_path / "cycle_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cases.py").write_text("from cycle_probe.photos import photo\n\ncase = 1\n")
    (package / "photos.py").write_text(
        "def photo():\n    from cycle_probe.cases import case\n\n    return case\n"
    )
    (package / "wards.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from cycle_probe.maps import Tile\n"
    )
    (package / "maps.py").write_text("from cycle_probe.wards import TYPE_CHECKING\n\nTile = int\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    graph = grimp.build_graph("cycle_probe", cache_dir=None)

    assert import_cycles(graph, graph.modules) == [
        ["cycle_probe.cases", "cycle_probe.photos"],
        ["cycle_probe.maps", "cycle_probe.wards"],
    ]
