"""The desk from a terminal, end to end: the console script on a new SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import CATALOGUE, data, dump, one_line_error, run
from servicedesk import Desk, RegisterRequest, Status, TriageRequest, convert
from servicedesk.adapters.sql import open_store
from servicedesk.app.queries import RequestView
from support import Clock, hire, publish, requester


def test_a_request_from_registration_to_close(tmp_path: Path) -> None:
    db = tmp_path / "desk.db"
    (tmp_path / "catalogue.toml").write_text(CATALOGUE, encoding="utf-8")
    run(db, "db", "upgrade")
    assert db.exists()
    loaded = data(run(db, "catalogue", "load", "catalogue.toml", "--actor", "wang", "--json"))
    assert loaded == {"id": "tap, windows", "items": ["tap", "windows"]}
    run(db, "catalogue", "approve", "tap", "--as", "centre_manager", "--actor", "wang")
    run(db, "catalogue", "approve", "tap", "--as", "branch_manager", "--actor", "li")
    run(db, "worker", "add", "w-1", "--name", "Zhou", "--skill", "plumbing")
    register = ("request", "register", "--name", "Chen Jing", "--unit", "3-502")
    run(db, *register, "--id", "SR-1", "--phone", "13800138000", "--need", "Tap drips")
    run(db, "request", "triage", "SR-1", "tap", "--urgency", "urgent")
    run(db, "request", "dispatch", "SR-1")
    worker = ("--actor", "w-1", "--role", "worker")
    run(db, "request", "start", "SR-1", *worker, now="2026-03-02T09:50:00+08:00")
    run(db, "request", "complete", "SR-1", "--notes", "washer", *worker)
    run(db, "request", "accept", "SR-1", "--signed-by", "Chen", now="2026-03-02T10:40:00+08:00")
    closed = run(db, "request", "close", "SR-1", now="2026-03-02T10:45:00+08:00")
    assert closed.stdout == "SR-1: closed\n"

    shown = run(db, "request", "show", "SR-1", "--json")
    view = convert.structure(json.loads(shown.stdout), RequestView)
    assert view.status is Status.CLOSED
    assert str(view.price) == "30.00 CNY"
    assert f"{view.registered_at:%H:%M}" == "09:30"

    table = run(db, "catalogue", "list").stdout
    assert "Tap repair" in table
    assert "30.00 CNY" in table
    assert "published" in table
    assert "centre_manager" in table  # windows still waits for its first signature

    with open_store(db) as store:  # what the terminal did is in the database
        history = Desk(store, entry_points=False).queries.request_history("SR-1")
    assert [type(e).__name__ for e in history][-2:] == ["WorkAccepted", "RequestClosed"]


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
    (tmp_path / "float.toml").write_text(
        '[[items]]\nid = "a"\nname = "A"\ncategory = "c"\nprice = "1.00"\n'
        '[[items]]\nid = "b"\nname = "B"\ncategory = "c"\nprice = 1.5\n',
        encoding="utf-8",
    )

    one_line_error(run(db, "reqest", "list", code=2), "No such command 'reqest'")
    one_line_error(run(db, "request", "strat", "SR-1", code=2), "No such command 'strat'")
    one_line_error(run(db, "catalogue", "load", "bad.toml", code=2), "not valid TOML")
    one_line_error(run(db, "catalogue", "load", "float.toml", code=2), "item 2")  # a won't stay
    one_line_error(run(db, "request", "start", "SR-404", code=1), "SR-404")
    one_line_error(run(db, "request", "close", "SR-1", code=1), "SR-1")
    one_line_error(run(db, "request", "triage", "SR-1", "tap", "--quantity", "abc", code=2))
    for amount in ("12.345", "abc"):
        line = one_line_error(run(db, "payment", "record", "A-1", amount, code=2), "AMOUNT")
        assert amount in line or "amount" in line.lower()
    one_line_error(run(db, "request", "start", "SR-1", "--role", "worker", code=2), "--actor")
    one_line_error(run(db, "request", "list", "--now", "2026-03-02 09:30", code=2), "time zone")

    assert dump(db) == before


def test_without_a_database_it_says_how_to_make_one(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    line = one_line_error(run(db, "report", "open", code=1), "servicedesk db upgrade")
    assert str(db) in line
    assert not db.exists()


def test_reports_print_json_for_scripts_and_tables_for_people(tmp_path: Path) -> None:
    db = _prepared(tmp_path)
    late = "2026-03-09T09:00:00+08:00"  # a week on, the ordinary repair not started
    overdue = data(run(db, "report", "overdue", "--json", now=late))
    assert [r["id"] for r in overdue] == ["SR-1"]
    handover = run(db, "report", "handover", now=late).stdout
    assert "Shift handover at 2026-03-09 09:00: 1 open requests" in handover
    assert "C*******" in handover
    assert "Chen Jie" not in handover
    assert "SR-1" in handover
    assert "triaged" in handover
