"""The desk from a terminal, end to end: the console script on a new SQLite file."""

from __future__ import annotations

import io
import json
import sys
from contextlib import chdir
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli_support import CATALOGUE, MONDAY, dump, one_line_error, run
from servicedesk import Desk, RegisterRequest, Status, TriageRequest, convert
from servicedesk.adapters.sql import head, open_store
from servicedesk.app.requests.queries import RequestView
from servicedesk.cli.main import main
from support import Clock, hire, publish, requester


def test_a_request_from_registration_to_close(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    run(db, "db", "upgrade")
    assert db.exists()
    # The catalogue and the worker in process (same commands, without a process each) ...
    loaded = json.loads(
        invoke(
            db, "catalogue", "load", str(catalogue), "--actor", "zhou", "--role", "clerk", "--json"
        ).stdout
    )
    assert loaded == {"id": "tap, windows", "items": ["tap", "windows"]}
    for step in (
        ("catalogue", "approve", "tap", "--as", "centre_manager", "--actor", "wang"),
        ("catalogue", "approve", "tap", "--as", "branch_manager", "--actor", "li"),
        ("worker", "add", "w-1", "--name", "Zhou", "--skill", "plumbing"),
    ):
        assert invoke(db, *step).exit_code == 0
    # ... the request's whole lifecycle through the console script.
    register = ("request", "register", "--name", "Chen Jing", "--unit", "3-502")
    run(db, *register, "--id", "SR-1", "--phone", "13800138000", "--need", "Tap drips")
    run(db, "request", "triage", "SR-1", "tap", "--urgency", "urgent")
    run(db, "request", "dispatch", "SR-1")
    worker = ("--actor", "w-1", "--role", "worker")
    run(db, "request", "start", "SR-1", *worker, now="2026-03-02T09:50:00+08:00")
    run(db, "request", "complete", "SR-1", "--notes", "washer", *worker)
    at_the_counter = ("--actor", "zhou", "--role", "clerk", "--given", "in_person")
    accept = ("request", "accept", "SR-1", "--signed-by", "Chen", *at_the_counter)
    unwitnessed = run(db, *accept[:-2], code=1)  # the requester's word, but how was it given?
    one_line_error(unwitnessed, "AcceptWork", "evidence")
    run(db, *accept, now="2026-03-02T10:40:00+08:00")
    closed = run(db, "request", "close", "SR-1", now="2026-03-02T10:45:00+08:00")
    assert closed.stdout == "SR-1: closed\n"

    shown = run(db, "request", "show", "SR-1", "--json")
    view = convert.structure(json.loads(shown.stdout), RequestView)
    assert view.status is Status.CLOSED
    assert str(view.price) == "30.00 CNY"
    assert f"{view.registered_at:%H:%M}" == "09:30"

    with open_store(db) as store:  # what the terminal did is in the database
        desk = Desk(store, entry_points=False)
        history = desk.queries.request_history("SR-1")
        items = {i.id.value: (i.status, i.waiting_for) for i in desk.queries.catalogue()}
    assert [type(e).__name__ for e in history][-2:] == ["WorkAccepted", "RequestClosed"]
    assert items == {"tap": ("published", None), "windows": ("proposed", "centre_manager")}


def _prepared(tmp_path: Path) -> Path:
    """A database with a published item, a worker and one triaged request, made in process."""
    db = tmp_path / "desk.db"
    with open_store(db) as store:
        desk = Desk(store, clock=Clock(), entry_points=False)  # Monday 09:30, as MONDAY
        item = publish(desk, item_id="tap")
        hire(desk)
        desk.handle(RegisterRequest(request_id="SR-1", requester=requester(), need="Tap drips"))
        desk.handle(TriageRequest(request_id="SR-1", item_id=item))
    return db


def test_bad_input_is_one_line_and_stores_nothing(tmp_path: Path) -> None:
    db = _prepared(tmp_path)
    before = dump(db)
    (tmp_path / "bad.toml").write_text('[[items]]\nid = "x\n', encoding="utf-8")

    one_line_error(run(db, "request", "strat", "SR-1", code=2), "No such command 'strat'")
    one_line_error(run(db, "catalogue", "load", "bad.toml", code=2), "not valid TOML")
    one_line_error(run(db, "request", "start", "SR-404", code=1), "SR-404")
    for amount in ("12.345", "abc"):
        line = one_line_error(run(db, "payment", "record", "A-1", amount, code=2), "AMOUNT")
        assert amount in line

    assert dump(db) == before


def invoke(db: Path, *args: str, now: str = MONDAY) -> Result:
    """In process, for the cheaper checks: the same group and error handling as the script."""
    env = {"SERVICEDESK_DB": str(db), "SERVICEDESK_NOW": now, "COLUMNS": "200"}
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("reqest", "list"), 2, "No such command 'reqest'"),
        (("catalogue", "load", "float.toml"), 2, "item 2"),  # item 1 is fine: not stored either
        (("catalogue", "load", "missing.toml"), 2, "missing.toml"),
        (("catalogue", "load", "nul.toml"), 1, "name"),  # item a is fine: not stored either
        (("payment", "record", "A-1", "1e30"), 2, "AMOUNT"),
        (("request", "triage", "SR-1", "tap", "--quantity", "abc"), 2, "quantity"),
        (("request", "close", "SR-1"), 1, "SR-1 is triaged"),
        (("request", "start", "SR-1", "--role", "worker"), 2, "--actor"),
        (("request", "start", "SR-1", "--actor", " "), 2, "--actor"),
        (("catalogue", "approve", "tap", "--as", "king", "--actor", "li"), 2, "king"),
        (("request", "list", "--now", "2026-03-02 09:30"), 2, "time zone"),
        (("statement", "list", "2026-13"), 2, "not 13"),
        (("account", "deposit", "A-1", "100.00"), 2, "cashier"),
    ],
)
def test_more_bad_input_in_process(
    tmp_path: Path, args: tuple[str, ...], code: int, words: str
) -> None:
    db = _prepared(tmp_path)
    (tmp_path / "float.toml").write_text(
        '[[items]]\nid = "a"\nname = "A"\ncategory = "c"\nprice = "1.00"\n'
        '[[items]]\nid = "b"\nname = "B"\ncategory = "c"\nprice = 1.5\n',
        encoding="utf-8",
    )
    (tmp_path / "nul.toml").write_text(
        '[[items]]\nid = "a"\nname = "A"\ncategory = "c"\nprice = "1.00"\n'
        '[[items]]\nid = "b"\nname = "B\\u0000"\ncategory = "c"\nprice = "1.00"\n',
        encoding="utf-8",
    )
    before = dump(db)
    with chdir(tmp_path):
        result = invoke(db, *args)
    assert result.exit_code == code, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ")
    assert words in line
    assert dump(db) == before


def test_without_a_database_it_says_how_to_make_one(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    result = invoke(db, "report", "open")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: No database at {db}; create it with: servicedesk db upgrade --db {db}\n"
    )
    assert not db.exists()


def test_reports_print_json_for_scripts_and_tables_for_people(tmp_path: Path) -> None:
    db = _prepared(tmp_path)
    late = "2026-03-09T09:00:00+08:00"  # a week on, the ordinary repair not started
    overdue = json.loads(invoke(db, "report", "overdue", "--json", now=late).stdout)
    assert [r["id"] for r in overdue] == ["SR-1"]
    handover = invoke(db, "report", "handover", now=late).stdout
    assert "Shift handover at 2026-03-09 09:00: 1 open requests" in handover
    assert "C*******" in handover
    assert "Chen Jie" not in handover
    assert "SR-1" in handover
    assert "triaged" in handover


def test_the_progress_spinner_shows_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from servicedesk.cli import base

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shown in ((io.StringIO(), False), (Terminal(), True)):
        monkeypatch.setattr(sys, "stderr", stream)
        monkeypatch.delenv("SERVICEDESK_NO_PROGRESS", raising=False)
        with base.working("Closing 2026-03"):
            pass
        assert ("Closing 2026-03" in stream.getvalue()) is shown


def test_db_upgrade_creates_then_leaves_a_current_database_as_it_is(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    first = invoke(db, "db", "upgrade", "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {"db": str(db), "schema": head()}
    before = dump(db)
    again = invoke(db, "db", "upgrade")
    assert (again.exit_code, again.stdout) == (0, f"{db} is at schema {head()}\n")
    assert dump(db) == before
