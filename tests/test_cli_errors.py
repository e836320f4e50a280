"""Scripts tell a refusal, bad usage and an unreachable database apart, and read errors as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cli_support import run
from servicedesk.cli.base import working

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


def test_a_long_command_s_bar_shows_its_count_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SERVICEDESK_NO_PROGRESS", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with working("Closing 2026-03") as tell:
        assert tell is not None
        for done in (2, 5, 7):
            tell(done, 7)
    drawn = capsys.readouterr().err
    assert "Closing 2026-03" in drawn
    assert "7/7" in drawn


def test_off_a_terminal_a_long_command_draws_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with working("Closing 2026-03") as tell:
        assert tell is None
    assert capsys.readouterr().err == ""
