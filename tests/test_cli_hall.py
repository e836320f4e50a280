"""The service hall's queue from the terminal, on a hall set up through the library."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from servicedesk import Desk
from servicedesk.adapters.sql import open_store
from servicedesk.cli.main import main
from servicedesk.demo.day import TIME_ZONE
from servicedesk.demo.hall_day import HALL_DAY, before_opening
from servicedesk.demo.steps import DemoClock, walk

CLERK_A = ("--actor", "clerk-a", "--role", "clerk")


def hall(db: Path, at: str, *args: str, code: int = 0) -> Result:
    env = {"SERVICEDESK_DB": str(db), "SERVICEDESK_NOW": f"{HALL_DAY}T{at}:00+08:00"}
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == code, (args, result.output)
    return result


def test_numbers_are_taken_called_skipped_recalled_transferred_and_served(tmp_path: Path) -> None:
    db = tmp_path / "hall.db"
    with open_store(db) as store:  # departments, guides and windows: the library's set-up
        clock = DemoClock(HALL_DAY, TIME_ZONE)
        walk(Desk(store, clock=clock, entry_points=False), clock, before_opening())

    taken = [
        hall(db, "09:00", "hall", "take-number", "--item", "residence", "--window", "A").stdout
        for _ in range(3)
    ]
    assert taken == ["number A001: taken\n", "number A002: taken\n", "number A003: taken\n"]
    assert hall(db, "09:01", "hall", "call-next", "A", *CLERK_A).stdout == "number A001: called\n"
    hall(db, "09:03", "hall", "skip", "A", *CLERK_A)
    hall(db, "09:04", "hall", "call-next", "A", *CLERK_A)
    hall(db, "09:10", "hall", "transfer", "A", "--to-window", "B", *CLERK_A)
    hall(db, "09:11", "hall", "recall", "A", "A001", *CLERK_A)
    hall(db, "09:20", "hall", "finish", "A", *CLERK_A)
    queue = json.loads(hall(db, "09:21", "hall", "queue", "--json").stdout)
    assert queue["waiting"] == ["A002", "A003"]  # A002 waits at B, where it was sent
    assert queue["served"] == 1
    shown = hall(db, "09:21", "hall", "queue").stdout
    assert "A003" in shown
    assert "A001" not in shown
    hall(db, "12:00", "hall", "off-duty", "A", *CLERK_A)
    hall(db, "12:01", "hall", "call-next", "A", *CLERK_A, code=1)  # nobody on duty there
    hall(db, "13:30", "hall", "on-duty", "A", *CLERK_A)
