"""``servicedesk demo``: the newcomer's first command, run as a newcomer runs it."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from servicedesk import Status, i18n
from servicedesk.cli.main import main
from servicedesk.demo.day import run_day


def _console_script() -> Path:
    script = Path(sys.executable).with_name("servicedesk")
    if not script.exists():
        pytest.fail(f"console script missing next to {sys.executable}: pip install -e .")
    return script


@pytest.fixture(scope="module")
def demo_output() -> str:
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    done = subprocess.run(
        [str(_console_script()), "demo"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def _row(*cells: str) -> re.Pattern[str]:
    """A table row with these cells in order, whatever the column widths."""
    return re.compile(r"│\s*" + r"\s*│\s*".join(re.escape(c) for c in cells) + r"\s*│")


def test_demo_prints_the_summary_of_the_day(demo_output: str) -> None:
    out = demo_output
    assert "A day at a property service centre: Thu 2026-04-30, Asia/Shanghai" in out
    assert _row("light-fitting", "Light fitting", "electrical", "published", "25.00 CNY").search(
        out
    )
    assert _row("car-wash", "Car washing", "cleaning", "rejected", "-").search(out)
    assert _row("window-cleaning", "Window cleaning", "cleaning", "published").search(out)
    assert _row("10:00", "", "hourly batch: 1 dispatched").search(out)
    assert _row("closed", "3", "SR-01, SR-05, SR-08").search(out)
    assert _row("declined", "1", "SR-03").search(out)
    assert _row("cancelled", "1", "SR-04").search(out)
    assert "Shift handover at Thu 2026-04-30 17:30: 7 open requests" in out
    assert _row("SR-11", "dispatched", "Toilet cistern overflowing", "w-liu").search(out)
    assert _row("SR-07", "Thu 2026-04-30 16:10", "someone on site", "w-liu", "dispatched").search(
        out
    )
    assert "promised done within 5 working days: by Mon 2026-05-11 17:00" in out


def test_demo_masks_names_and_phones(demo_output: str) -> None:
    assert "138****8000" in demo_output
    assert "C********" in demo_output
    for secret in ("Chen Jing", "13800138000", "Lin Hui", "13912345678"):
        assert secret not in demo_output


def test_the_day_leaves_the_records_the_summary_claims() -> None:
    day = run_day()
    queries = day.desk.queries
    statuses = {r: queries.request(r).status for r in day.request_ids}
    assert len(statuses) == 12
    assert statuses["SR-02"] is Status.ACCEPTED
    assert str(queries.request("SR-02").extra_fees) == "15.00 CNY"
    assert queries.request("SR-05").rework_count == 1
    assert statuses["SR-05"] is Status.CLOSED
    assert [v.id.value for v in queries.overdue_requests()] == ["SR-07"]
    assert queries.request("SR-09").price is None  # labour + materials: estimate first
    assert str(queries.request("SR-10").price) == "25.00 CNY"  # the approved new price
    assert str(queries.request("SR-08").price) == "164.00 CNY"  # 20.5 m² at 8.00
    assert queries.request("SR-11").deadline is not None
    assert f"{queries.request('SR-11').deadline.due:%Y-%m-%d %H:%M}" == "2026-05-06 09:12"


class _Marking(gettext.NullTranslations):
    """A catalogue that marks every message it translates."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def pgettext(self, context: str, message: str) -> str:
        return f"«{message.replace('_', ' ')}»"


def test_every_heading_and_label_of_the_demo_passes_through_gettext(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(i18n, "_translations", lambda _locale: _Marking())
    result = CliRunner().invoke(main, ["demo"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    for text in (
        "«Requests by status»",
        "«Overdue requests»",
        "«Catalogue (approved by the centre manager, then the branch manager)»",
        "«Shift handover at «Thu» 2026-04-30 17:30: 7 open requests»",
        "«8.00 CNY per m²»",
        "«April statements, the month closed «Wed» 2026-05-06 09:00»",
        "«Quality of April»",
        "«Escalation sweep: 5 cases went one step up; the complaints»",
    ):
        assert text in out
    for heading in ("«request»", "«status»", "«deadline»", "«what happened»"):
        assert heading in out
    for label in (
        "«in progress»",
        "«published»",
        "«someone on site»",
        "«registered from «hotline»»",
    ):
        assert label in out
    assert "«  promised done within 5 working days: by «Mon» 2026-05-11 17:00»" in out


def test_demo_builds_the_centre_in_sqlite_and_prints_the_month_end(demo_output: str) -> None:
    out = demo_output
    assert "The day's records were in a temporary SQLite file; keep them with --db FILE." in out
    assert "in memory" not in out  # the month-end ran in the same SQLite file as the day
    assert "April statements, the month closed Wed 2026-05-06 09:00" in out
    assert _row("ACC-1:2026-04", "80.00 CNY", "80.00 CNY", "0.00 CNY").search(out)
    assert _row("ACC-3:2026-04", "25.00 CNY", "0.00 CNY", "25.00 CNY").search(out)
    assert _row("ACC-4", "136.00 CNY", "no").search(out)  # 300.00 paid in, 164.00 drawn
    assert _row("SR-07", "Thu 2026-04-30 16:10", "w-liu", "dispatched").search(out)
    assert "Escalation sweep: 5 cases went one step up" in out
    assert _row("CP-01", "SR-07", "timeliness", "Wed 2026-05-06 14:00", "department head").search(
        out
    )
    assert _row("SR-08", "window-cleaning", "open", "-", "Thu 2026-05-07 11:30").search(out)
    assert _row("all items", "4", "100.0%", "75.0%", "2 / 3", "66.7%").search(out)


def test_demo_keeps_its_records_in_the_file_given(tmp_path: Path) -> None:
    from servicedesk import Desk
    from servicedesk.adapters.sql import open_store

    db = tmp_path / "centre.db"
    first = CliRunner().invoke(main, ["demo", "--db", str(db)])
    assert first.exit_code == 0, first.output
    with open_store(db) as store:
        assert len(Desk(store, entry_points=False).queries.open_requests()) == 7
    again = CliRunner().invoke(main, ["demo", "--db", str(db)])
    assert again.exit_code == 1
    assert again.output == f"error: {db} already holds a centre; the demo builds a new one.\n"


def test_a_refused_command_prints_one_error_line_and_no_log_noise(tmp_path: Path) -> None:
    """The library logs refusals; a program that configured no logging must not see them."""
    db = str(tmp_path / "desk.db")
    script = str(_console_script())
    subprocess.run([script, "db", "upgrade", "--db", db], check=True, capture_output=True)
    refused = ["request", "cancel", "SR-1", "--reason", "x", "--actor", "w1", "--role", "worker"]
    done = subprocess.run(
        [script, *refused, "--db", db],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: w1 may not give the command CancelRequest; it needs one of: assistant, "
        "branch_manager, centre_manager, clerk, department_head, system."
    ]
