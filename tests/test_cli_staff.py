"""Staff files and the duty roster from the terminal (CliRunner, in process)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from servicedesk.adapters.sql import open_store
from servicedesk.cli.main import main

NOW = "2026-03-02T10:00:00+08:00"
ASSISTANT = ("--actor", "sun", "--role", "assistant")


def run(db: Path, *args: str, code: int = 0, now: str = NOW) -> Result:
    env = {"SERVICEDESK_DB": str(db), "SERVICEDESK_NOW": now}
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == code, (args, result.output)
    return result


def test_a_staff_file_is_kept_and_the_roster_listed_from_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    open_store(db).close()
    run(db, "worker", "add", "li", "--name", "Li", "--skill", "electrical")
    qualify = ("worker", "qualify", "li", "--kind", "electrician", "--number", "T-1")
    run(db, *qualify, "--valid-until", "2026-03-20", *ASSISTANT)
    run(
        db,
        "worker",
        "train",
        "li",
        "--course",
        "pre-duty",
        "--on",
        "2026-02-20",
        "--passed",
        *ASSISTANT,
    )
    shift = ("--start", "2026-03-02T09:00+08:00", "--end", "2026-03-02T17:00+08:00")
    run(db, "roster", "shift", "li", *shift, "--id", "s1", *ASSISTANT)
    run(db, "roster", "shift", "li", *shift, "--id", "s2", *ASSISTANT, code=1)  # overlaps s1
    listed = json.loads(run(db, "roster", "list", "2026-03-02", "--json").stdout)
    assert [(e["staff_id"], e["shift"]["id"]) for e in listed] == [("li", "s1")]
    handover = json.loads(run(db, "roster", "handover", "--json").stdout)
    assert [e["staff_id"] for e in handover["on_shift"]] == ["li"]
    expiring = json.loads(run(db, "report", "expiring-qualifications", "--json", *ASSISTANT).stdout)
    assert [(e["staff_id"], e["days_left"]) for e in expiring] == [("li", 18)]
    shown = json.loads(run(db, "worker", "file", "li", "--json", *ASSISTANT).stdout)
    assert shown["trained"] is True
    run(db, "worker", "file", "li", "--actor", "zhou", "--role", "clerk", code=1)
    run(db, "roster", "cancel", "li", "s1", *ASSISTANT, code=1)  # begun at 09:00
    run(db, "roster", "list", "2026-03-02", "2026-01-01", code=1)
    run(db, "roster", "list", "03/02/2026", code=2)


def test_an_item_s_requirement_is_set_from_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    open_store(db).close()
    run(db, "catalogue", "require", "nope", "--qualification", "electrician", code=1)
