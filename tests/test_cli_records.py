"""The retention purge from a terminal: a dry run lists, the purge anonymises, once."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from cli_support import MONDAY, dump, run
from servicedesk.cli.main import main

FOUR_YEARS_LATER = "2030-03-04T09:30:00+08:00"
MANAGER = ("--actor", "wang", "--role", "centre_manager")


def invoke(db: Path, *args: str, now: str = MONDAY) -> Result:
    env = {"SERVICEDESK_DB": str(db), "SERVICEDESK_NOW": now, "COLUMNS": "200"}
    return CliRunner().invoke(main, list(args), env=env)


def test_purge_after_the_retention_period(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    run(db, "db", "upgrade")
    register = ("request", "register", "--id", "SR-1", "--name", "Chen Jing", "--unit", "3-502")
    assert invoke(db, *register, "--phone", "13800138000", "--need", "Paint").exit_code == 0
    declined = invoke(db, "request", "decline", "SR-1", "--reason", "not in the catalogue")
    assert declined.exit_code == 0, declined.output

    # Within the period nothing is due; four years on the request form's 3 years are over.
    assert json.loads(invoke(db, "records", "purge", "--dry-run", "--json").stdout) == []
    plan = invoke(db, "records", "purge", "--dry-run", "--json", now=FOUR_YEARS_LATER)
    assert [v["record_id"] for v in json.loads(plan.stdout)] == ["SR-1"]
    before = json.dumps(dump(db), default=str)
    assert "3-502" in before  # the listing column: the search sees data
    assert "Chen Jing" not in before  # the name is sealed under the record's key

    # A clerk may not purge; the refusal changes nothing but the audit trail.
    refused = invoke(db, "records", "purge", "--actor", "zhou", "--role", "clerk")
    assert refused.exit_code == 1
    assert "may not give the command PurgeExpired" in refused.output

    purged = run(db, "records", "purge", *MANAGER, "--json", now=FOUR_YEARS_LATER)
    assert json.loads(purged.stdout)["n"] == 1
    after = json.dumps(dump(db), default=str)
    assert "Chen Jing" not in after
    assert "3-502" not in after
    assert "13800138000" not in after
    again = invoke(db, "records", "purge", *MANAGER, "--json", now=FOUR_YEARS_LATER)
    assert json.loads(again.stdout)["n"] == 0  # idempotent
