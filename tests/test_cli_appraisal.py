"""Staff appraisal from the terminal: note, draw, sign, rectify, show and report."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from servicedesk.cli.main import main

MANAGER = ("--actor", "wang", "--role", "centre_manager")
ASSISTANT = ("--actor", "sun", "--role", "assistant")


def cli(db: Path, now: str, *args: str, code: int = 0) -> Result:
    env = {"SERVICEDESK_DB": str(db), "SERVICEDESK_NOW": now, "COLUMNS": "250"}
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == code, (args, result.output)
    return result


def test_an_appraisal_from_note_to_report(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    march, april = "2026-03-10T10:00:00+08:00", "2026-04-01T10:00:00+08:00"
    cli(db, march, "db", "upgrade")  # the migrations, 0016's tables among them
    noted = cli(db, march, "appraisal", "note", "w-1", "--note", "late", *MANAGER)
    assert noted.stdout.endswith(": noted\n")
    assert cli(db, april, "appraisal", "draw", "w-1", "2026-03", *ASSISTANT).stdout == (
        "w-1:2026-03: drawn\n"
    )
    refused = cli(db, april, "appraisal", "sign", "w-1:2026-03", *ASSISTANT, code=1)
    assert "SignAppraisal" in refused.output
    cli(db, april, "appraisal", "sign", "w-1:2026-03", *MANAGER)
    shown = json.loads(
        cli(db, april, "appraisal", "show", "w-1:2026-03", "--json", *MANAGER).stdout
    )
    assert shown[0]["figures"]["discipline_notes"] == 1
    assert shown[0]["signed_by"] == "wang"
    mine = json.loads(
        cli(db, april, "appraisal", "show", "--staff", "w-1", "--json", *MANAGER).stdout
    )
    assert [v["id"] for v in mine] == ["w-1:2026-03"]
    report = cli(db, april, "appraisal", "report", "2026-03", *MANAGER).stdout
    assert "w-1:2026-03" in report
    assert "pass: 1" in report
    cli(db, april, "appraisal", "show", *MANAGER, code=2)  # neither an id nor --staff
    closed = cli(
        db, april, "appraisal", "rectify", "w-1:2026-03", "--outcome", "x", *MANAGER, code=1
    )
    assert "no open rectification" in closed.output
