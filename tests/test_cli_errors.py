"""Scripts tell a refusal, bad usage and an unreachable database apart, and read errors as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import run

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def _error(stderr: str) -> dict[str, object]:
    report: dict[str, object] = json.loads(stderr)["error"]
    return report


def test_an_unreachable_database_exits_3_and_says_so_as_json(tmp_path: Path) -> None:
    done = run(tmp_path / "x.db", "request", "list", "--json", "--db", UNREACHABLE, code=3)
    report = _error(done.stderr)
    assert (report["code"], report["category"]) == ("store.unavailable", "unavailable")


def test_a_refusal_exits_1_with_its_code_and_params(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    done = run(missing, "request", "list", "--json", code=1)
    assert _error(done.stderr)["params"] == {"path": str(missing)}
    plain = run(missing, "request", "list", code=1)
    assert plain.stderr.startswith("error: No database at")


def test_bad_usage_exits_2_and_is_json_with_json(tmp_path: Path) -> None:
    done = run(tmp_path / "x.db", "request", "list", "--json", "--bogus", code=2)
    assert _error(done.stderr)["code"] == "cli.usage"
