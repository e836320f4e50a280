"""``servicedesk demo --hall``: a day at a service hall on SQLite, printed."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from servicedesk.cli.main import main


def _lines(output: str) -> list[str]:
    return [re.sub(r"\s+", " ", line.strip("│ ")) for line in output.splitlines()]


def test_demo_hall_prints_the_queue_the_notice_the_joint_item_and_the_lookup() -> None:
    result = CliRunner().invoke(main, ["demo", "--hall"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = _lines(result.output)
    out = "\n".join(lines)
    for number in ("B001", "B003", "C001", "A001", "A002"):
        assert f"{number} │ called at window {number[0]}" in out
    assert "B002 │ did not come: skipped" in out
    assert "B002 │ recalled: came back" in out
    assert "B002 │ Residence certificate │ B │ 09:01 │ 09:15 │ 14 min │ served" in out
    assert "missing Photograph, 2 inch, told printed" in out
    assert "photographs supplied (补正): the clock runs again" in out
    assert "BJ-0511-03 │ housing's part done; tax's part still open" in out
    assert "Registration │ Housing Bureau │ Thu 2026-05-14 17:00 │ Mon 2026-05-11 11:00" in out
    assert "Deed tax │ Tax │ Wed 2026-05-13 17:00 │ Mon 2026-05-11 14:00" in out
    assert (
        "BJ-0511-03 │ House transfer │ concluded │ Mon 2026-05-25 17:00 │ approved │ FC-2026-0389"
        in out
    )
    assert "BJ-0511-05 │ Marriage record copy │ refused │" in out
    assert "BJ-0511-04 │ the district bureau's reply recorded" in out
    lookup = out[out.index("Public result lookup") :]
    for secret in ("李", "13900139000", "310101199001011234"):
        assert secret not in lookup
    assert "13900139000" not in out


def test_demo_hall_refuses_a_database_that_holds_a_hall(tmp_path: Path) -> None:
    db = tmp_path / "hall.db"
    assert CliRunner().invoke(main, ["demo", "--hall", "--db", str(db)]).exit_code == 0
    again = CliRunner().invoke(main, ["demo", "--hall", "--db", str(db)])
    assert again.exit_code != 0
    assert "already holds a centre" in again.output
