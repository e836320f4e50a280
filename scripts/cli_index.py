"""The index of the command groups: what ``servicedesk GROUP --help`` lists, without the import.

    python scripts/cli_index.py          # rewrite src/servicedesk/cli/index.py
    python scripts/cli_index.py check    # fail if it is not what the groups hold

The file is written with ``pprint``; ``ruff format`` may lay it out after, the
check compares what it holds, not how it is laid out.

A group's help page lists its commands with their one-line help; the index
holds those texts (untranslated, as the catalogue has them), so that the page
is drawn without importing the group's module and the library behind it.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT / "src" / "servicedesk" / "cli" / "index.py"

HEADER = '''"""What each command group's help page lists, drawn without importing the group.

Written by ``python scripts/cli_index.py`` from the groups themselves (a test
holds the two equal): per group, per visible command, its ``short_help`` (or
``None``) and its help, as the catalogue holds them.
"""

from __future__ import annotations

INDEX: dict[str, dict[str, tuple[str | None, str]]] = '''


def build() -> dict[str, dict[str, tuple[str | None, str]]]:
    sys.path.insert(0, str(ROOT / "src"))
    from servicedesk.cli.group import help_msgid
    from servicedesk.cli.main import COMMANDS

    index: dict[str, dict[str, tuple[str | None, str]]] = {}
    for name, (target, _summary) in COMMANDS.items():
        module, _sep, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Group):
            continue
        index[name] = {
            sub_name: (
                help_msgid(sub.short_help) if sub.short_help else None,
                help_msgid(sub.help or ""),
            )
            for sub_name, sub in sorted(command.commands.items())
            if not sub.hidden
        }
    return index


def text() -> str:
    import pprint

    return HEADER + pprint.pformat(build(), width=96, sort_dicts=False) + "\n"


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        from servicedesk.cli.index import INDEX as written

        if written != build():
            print(f"{INDEX} is stale: run python scripts/cli_index.py", file=sys.stderr)
            return 1
        return 0
    INDEX.write_text(text(), encoding="utf-8")
    # the project's formatter has the last word on the layout, so the check passes as written
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", str(INDEX)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
