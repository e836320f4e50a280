"""The hall's set-up values typed at the terminal, and guide files, refused before the desk."""

from __future__ import annotations

import json
from datetime import time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from servicedesk.cli.hall_setup import parse_block, parse_budget
from servicedesk.cli.main import main
from servicedesk.domain.deadlines import WorkingBudget
from servicedesk.domain.errors import InvalidValue

GUIDE = {
    "id": "residence",
    "name": "Residence certificate",
    "kind": "immediate",
    "legal_basis": ["Residence Certificate Regulation art. 5"],
    "time_limit": "2h",
    "materials": [{"code": "id_card", "name": "Identity card"}],
    "steps": [{"name": "Checked", "department": "civil", "time_limit": "1h"}],
}


def test_a_time_limit_is_working_days_or_working_hours() -> None:
    assert parse_budget("5d") == WorkingBudget.working_days(5)
    assert parse_budget(" 1.5H ") == WorkingBudget(time=timedelta(hours=1.5))
    for text in ("0d", "1.5d", "5", "d", "", "NaNh", "Infinityd", "-2h", "2 days"):
        with pytest.raises(InvalidValue):
            parse_budget(text)


def test_a_block_of_hours_starts_before_it_ends() -> None:
    assert parse_block("09:00-12:00").start == time(9)
    for text in ("12:00-09:00", "9-12", "09:00", "09:00-25:00"):
        with pytest.raises(InvalidValue):
            parse_block(text)


def draft(tmp_path: Path, name: str, text: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    db = tmp_path / "none.db"  # never opened: the file is refused first
    result = CliRunner().invoke(main, ["hall", "guide", "draft", str(path), "--db", str(db)])
    assert not db.exists()
    return result.exit_code, result.stderr


def test_a_guide_file_is_checked_whole_and_its_mistake_named_by_its_place(
    tmp_path: Path,
) -> None:
    def with_(**changed: object) -> str:
        return json.dumps({**GUIDE, **changed})

    cases = {
        "fee.json": (with_(fee=9.5), 'Write the fee as text, e.g. "30.00".'),
        "basis.json": (with_(legal_basis="art. 5"), "legal_basis is a list of texts."),
        "steps.json": (with_(steps={"name": "x"}), "steps is a list of tables ([[steps]])."),
        "count.json": (
            with_(
                materials=[GUIDE["materials"][0], {"code": "photo", "name": "Photo", "count": 0}]
            ),
            "material 2: A material's count is a whole number from 1 to 99.",
        ),
        "step.json": (
            with_(steps=[{"name": "Checked", "department": "civil"}]),
            'step 1: A time_limit is needed, e.g. "5d" or "2h".',
        ),
        "list.json": ("[1, 2]", "holds no table of fields."),
        "broken.toml": ('id = "x', "is not valid TOML"),
        "broken.json": ("{", "is not valid JSON"),
    }
    for name, (text, message) in cases.items():
        code, stderr = draft(tmp_path, name, text)
        assert (code, len(stderr.splitlines())) == (2, 1), name
        assert message in stderr, (name, stderr)


def test_window_options_are_checked_before_the_desk(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    for wrong in (("--weekday", "7"), ("--kind", "kiosk"), ("--hours", "12:00-09:00")):
        args = ["hall", "window", "open", "A", "--name", "A", "--prefix", "A", "--db", str(db)]
        fixed = {"--kind": "comprehensive", "--hours": "09:00-12:00"}
        fixed.update(dict([wrong]) if wrong[0] != "--weekday" else {})
        extra = list(wrong) if wrong[0] == "--weekday" else []
        args += [a for option, value in fixed.items() for a in (option, value)] + extra
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (wrong, result.output)
    assert not db.exists()
