"""``servicedesk --version`` and ``--help`` answer without loading the library or its stores.

What they import is checked, not how long they take: a busy machine makes any
wall time flaky (the times are in docs/performance.md, with the command).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

#: Runs the command line in a fresh interpreter and prints the modules it loaded.
PROBE = """
import json, sys
from servicedesk.cli.main import main
sys.argv[0] = "servicedesk"
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

#: What a help page or the version must not load: the stores, the library, its tables.
HEAVY = ("sqlalchemy", "alembic", "rich", "openpyxl", "babel")
LIBRARY = ("servicedesk.app", "servicedesk.domain", "servicedesk.adapters", "servicedesk.policies")


def loaded(*args: str, lang: str = "C.UTF-8") -> list[str]:
    env = {**os.environ, "LANG": lang, "LANGUAGE": ""}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, check=True
    )
    modules: list[str] = json.loads(done.stderr.splitlines()[-1])
    return modules


@pytest.mark.parametrize(
    "args", [("--version",), ("--help",), ("request", "--help"), ("statement", "--help")]
)
def test_the_version_and_the_help_pages_load_neither_the_library_nor_its_stores(
    args: tuple[str, ...],
) -> None:
    modules = loaded(*args)
    assert not [m for m in modules if m.split(".")[0] in HEAVY]
    assert not [m for m in modules if m.startswith(LIBRARY)]
    assert "servicedesk.cli.requests" not in modules


def test_the_chinese_help_page_loads_only_the_catalogue_besides() -> None:
    modules = loaded("request", "--help", lang="zh_CN.UTF-8")
    assert not [m for m in modules if m.startswith(LIBRARY)]
    assert "sqlalchemy" not in modules


def test_a_command_of_a_group_imports_its_module() -> None:
    assert "servicedesk.cli.requests" in loaded("request", "register", "--help")


def test_the_index_of_the_groups_is_what_the_groups_hold() -> None:
    """After adding or rewording a command: python scripts/cli_index.py."""
    import importlib.util
    from pathlib import Path

    from servicedesk.cli.index import INDEX

    path = Path(__file__).resolve().parent.parent / "scripts" / "cli_index.py"
    spec = importlib.util.spec_from_file_location("cli_index_tool", path)
    assert spec is not None
    assert spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.build() == INDEX


@pytest.mark.parametrize("lang", ["C", "zh_CN.UTF-8"])
def test_a_group_s_help_page_drawn_from_the_index_is_the_group_s_own(lang: str) -> None:
    import click
    from click.testing import CliRunner

    from servicedesk.cli.index import INDEX
    from servicedesk.cli.main import COMMANDS, main

    env = {"LANG": lang, "LANGUAGE": "", "COLUMNS": "100"}
    for name in INDEX:
        module, _sep, attribute = COMMANDS[name][0].partition(":")
        real = getattr(__import__(module, fromlist=[attribute]), attribute)
        assert isinstance(real, click.Group)
        indexed = CliRunner().invoke(main, [name, "--help"], env=env, prog_name="servicedesk")
        alone = CliRunner().invoke(real, ["--help"], env=env, prog_name=f"servicedesk {name}")
        assert indexed.exit_code == alone.exit_code == 0
        assert indexed.stdout == alone.stdout, name


def test_the_version_shown_is_the_installed_one() -> None:
    from importlib.metadata import version

    from click.testing import CliRunner

    from servicedesk.cli.main import main

    shown = CliRunner().invoke(main, ["--version"]).stdout
    assert shown == f"servicedesk, version {version('servicedesk')}\n"
