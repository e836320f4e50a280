"""``servicedesk demo --community``: a day at a community service centre on SQLite, printed."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from servicedesk.cli.main import main


def _lines(output: str) -> list[str]:
    return [re.sub(r"\s+", " ", line.strip("│ ")) for line in output.splitlines()]


def test_demo_community_prints_free_services_the_first_responders_and_the_centres_hours() -> None:
    result = CliRunner().invoke(main, ["demo", "--community"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = "\n".join(_lines(result.output))
    assert "open 08:30-12:00, 14:00-17:30" in out
    assert "haircut-home │ proposed at 15.00 CNY: refused" in out
    assert "tap-repair │ Tap repair │ plumbing │ published │ free" in out
    assert "E-01 │ handed over to clerk-he, who owns it from now on" in out
    assert "E-03 │ referred to the service request SR-01" in out
    assert "E-05 │ reassigned by the department head: clerk-chen is out" in out
    assert "E-01 │ consultation │ 王** 139****5678 │ clerk-chen │ clerk-he │ answered" in out
    assert "E-04 │ consultation │ 刘* 136****4321 │ clerk-he │ clerk-he │ open" in out
    assert "Wed 2026-05-13 08:50 │ no" in out  # 11:50 + 4 hours of the centre's hours
    assert "Tue 2026-05-12 15:05 │ yes" in out
    for secret in ("13912345678", "王秀英", "senior citizen card"):
        assert secret not in out


def test_demo_refuses_two_demos_at_once() -> None:
    result = CliRunner().invoke(main, ["demo", "--hall", "--community"])
    assert result.exit_code != 0
    assert "--hall or --community" in result.output


def test_demo_community_refuses_a_database_that_holds_a_centre(tmp_path: Path) -> None:
    db = tmp_path / "centre.db"
    assert CliRunner().invoke(main, ["demo", "--community", "--db", str(db)]).exit_code == 0
    again = CliRunner().invoke(main, ["demo", "--community", "--db", str(db)])
    assert again.exit_code != 0
    assert "already holds a centre" in again.output
