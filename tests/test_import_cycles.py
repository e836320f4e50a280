"""No module of the package imports itself back, directly or through others.

The graph is read from the source with ``ast``: every ``import`` and ``from ... import``
anywhere in a module counts, at its top, inside a function, or under
``if TYPE_CHECKING:`` (a type-only cycle is still two modules that cannot be
understood one without the other).  ``from package import name`` is an import of
the module ``package.name`` when there is one, else of the package.  Importing a
module runs its parent packages' ``__init__`` too; that is not counted, or every
package with exports would be a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import servicedesk

PACKAGE = Path(servicedesk.__file__).parent

#: Cycles allowed while someone removes them, each as the set of modules it runs through.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()

Graph = dict[str, set[str]]


def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module under ``root``, by its dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_by(module: str, path: Path, modules: Iterable[str]) -> set[str]:
    """The package's modules that ``module`` imports anywhere in its source."""
    known = set(modules)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(_longest_known(alias.name, known) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else _longest_known(base, known))
    found.discard("")
    found.discard(module)
    return found


def _longest_known(name: str, known: set[str]) -> str:
    """``name`` or its longest prefix that is a module of the package; "" for none."""
    parts = name.split(".")
    while parts and ".".join(parts) not in known:
        parts.pop()
    return ".".join(parts)


def import_graph() -> Graph:
    modules = module_names()
    return {name: imported_by(name, path, modules) for name, path in modules.items()}


def cycles(graph: Mapping[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def a_cycle(graph: Mapping[str, set[str]], component: frozenset[str]) -> list[str]:
    """One closed path through ``component``, from its first module back to it."""
    start = min(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for other in sorted(graph[node] & component):
                if other == start:
                    return [*paths[node], start]
                if other not in paths:
                    paths[other] = [*paths[node], other]
                    following.append(other)
        frontier = following
    raise AssertionError(f"not a cycle: {sorted(component)}")  # pragma: no cover


def describe(graph: Mapping[str, set[str]], component: frozenset[str]) -> str:
    return f"{sorted(component)}, e.g. {' -> '.join(a_cycle(graph, component))}"


def test_the_graph_sees_imports_in_functions_and_type_checking_blocks(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from pkg.sub import b\n")
    (package / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub.b import B\n"
    )
    (package / "sub" / "b.py").write_text("def f():\n    from .. import a\n    import pkg.c.d\n")
    (package / "c.py").write_text("import os\nfrom . import sub\n")
    modules = module_names(package)
    graph = {name: imported_by(name, path, modules) for name, path in modules.items()}
    assert graph == {
        "pkg": set(),
        "pkg.a": {"pkg.sub.b"},
        "pkg.c": {"pkg.sub"},
        "pkg.sub": {"pkg.sub.b"},
        "pkg.sub.b": {"pkg.a", "pkg.c"},
    }
    assert cycles(graph) == [frozenset({"pkg.a", "pkg.c", "pkg.sub", "pkg.sub.b"})]
    assert a_cycle(graph, cycles(graph)[0]) == ["pkg.a", "pkg.sub.b", "pkg.a"]


def test_no_module_imports_itself_back() -> None:
    graph = import_graph()
    new = [describe(graph, c) for c in cycles(graph) if c not in KNOWN_CYCLES]
    assert not new, "import cycles:\n" + "\n".join(new)


def test_every_known_cycle_is_still_there() -> None:
    """An entry of ``KNOWN_CYCLES`` whose cycle is gone is taken off the list."""
    gone = KNOWN_CYCLES - set(cycles(import_graph()))
    assert not gone, f"no longer cycles, remove them from KNOWN_CYCLES: {sorted(map(sorted, gone))}"
