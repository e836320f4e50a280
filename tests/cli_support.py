"""Running the ``servicedesk`` console script as a person at a terminal would.

Each call is a subprocess (about half a second): tests batch what they can and
prepare databases in process, through the public API, where the command line
is not what they test.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

MONDAY = "2026-03-02T09:30:00+08:00"


class StoreCannotHold(AssertionError):
    """The command refused because the store has no repository for its records yet."""


def console_script() -> Path:
    script = Path(sys.executable).with_name("servicedesk")
    if not script.exists():
        pytest.fail(f"console script missing next to {sys.executable}: pip install -e .")
    return script


def run(
    db: Path, *args: str, now: str = MONDAY, code: int = 0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``servicedesk ARGS`` on ``db`` at ``now``; fails the test on another exit code."""
    environment = {
        **os.environ,
        "SERVICEDESK_DB": str(db),
        "SERVICEDESK_NOW": now,
        "COLUMNS": "200",
        "NO_COLOR": "1",
        **(env or {}),
    }
    # The package under test is compiled once, not on every call (this saves ~0.2 s a call).
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in ("SERVICEDESK_ACTOR", "SERVICEDESK_ROLE"):
        if env is None or name not in env:
            environment.pop(name, None)
    done = subprocess.run(
        [str(console_script()), *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        cwd=db.parent,
    )
    if done.returncode != code and "This store cannot hold" in done.stderr:
        raise StoreCannotHold(done.stderr)
    assert done.returncode == code, (args, done.returncode, done.stdout, done.stderr)
    return done


def data(done: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(done.stdout)


def one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The refusal is one line, ``error: ...``, naming ``words``; no traceback."""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to compare a database before and after a refusal."""
    with sqlite3.connect(db) as connection:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }


CATALOGUE = """\
[[items]]
id = "tap"
name = "Tap repair"
category = "plumbing"
price = "30.00"

[[items]]
id = "windows"
name = "Window cleaning"
category = "cleaning"
fee = "per_unit"
price = "8.00"
unit = "m²"
"""
