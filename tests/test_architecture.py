"""The domain stays pure: no I/O libraries, no plugins, no clock.

import-linter checks the package's own layering in ``scripts/check``; this test
also reads every domain module's source, so a stray ``datetime.now()`` or an
``import sqlalchemy`` inside a function is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import servicedesk.domain

DOMAIN = Path(servicedesk.domain.__file__).parent
FORBIDDEN_IMPORTS = (
    "sqlalchemy",
    "pluggy",
    "holidays",
    "servicedesk.adapters",
    "servicedesk.policies",
    "servicedesk.app",
    "servicedesk.convert",
    "os",
    "socket",
    "sqlite3",
)
CLOCK_READS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}


def modules() -> list[Path]:
    return sorted(DOMAIN.glob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.name)
def test_domain_module_imports_nothing_impure(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if isinstance(node, ast.Import):
            assert "random" not in names, f"{path.name}: the global random generator is state"
        if isinstance(node, ast.ImportFrom) and node.module == "random":
            # A seeded ``Random`` passed in as an argument is deterministic; the module's
            # global functions are not.
            assert [a.name for a in node.names] == ["Random"], f"{path.name}: random.*"
        for name in names:
            assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IMPORTS), (
                f"{path.name} imports {name}"
            )


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.name)
def test_domain_module_never_reads_the_clock(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if owner_name in {"datetime", "date", "time"}:
                assert node.func.attr not in CLOCK_READS, (
                    f"{path.name}:{node.lineno} reads the clock ({owner_name}.{node.func.attr})"
                )
