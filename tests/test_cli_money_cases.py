"""Billing, complaints and callbacks from a terminal, end to end on a SQLite file.

STRICT XFAIL: the SQL store persists only the core aggregates until the sql
branch adds the billing and complaints repositories; until then each of these
commands refuses in one line ("This store cannot hold ... yet").  The marks
are strict, so the day the store holds them these tests pass, fail as XPASS,
and the marks must go.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl

from cli_support import data, one_line_error, run
from servicedesk import (
    AcceptWork,
    CompleteWork,
    Desk,
    DispatchRequest,
    RegisterRequest,
    StartWork,
    TriageRequest,
)
from servicedesk.adapters.sql import open_store
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK, Clock, hire, publish, requester

#: To whom the statements are addressed.
UNIT, HOLDER = "3-502", "Chen Jie"


def _accepted_job(tmp_path: Path) -> Path:
    """A database with one tap repair accepted on Monday 2 March, made in process."""
    db = tmp_path / "desk.db"
    with open_store(db) as store:
        clock = Clock()
        desk = Desk(store, clock=clock, entry_points=False)
        item = publish(desk, item_id="tap")
        worker = hire(desk)
        desk.handle(RegisterRequest(request_id="SR-1", requester=requester(), need="Tap drips"))
        desk.handle(TriageRequest(request_id="SR-1", item_id=item))
        desk.handle(DispatchRequest(request_id="SR-1", worker_id=worker))
        clock.advance(minutes=30)
        desk.handle(StartWork(request_id="SR-1"))
        desk.handle(CompleteWork(request_id="SR-1"))
        desk.handle(
            AcceptWork(request_id="SR-1", signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK
        )
    return db


def test_charges_a_month_close_statements_and_a_payment(tmp_path: Path) -> None:
    db = _accepted_job(tmp_path)
    owner = ("--name", HOLDER, "--unit", UNIT, "--phone", "13800138000")
    run(db, "account", "open", "A-1", *owner, now="2026-03-02T11:00:00+08:00")
    at = "2026-03-02T11:05:00+08:00"
    washers = ("--material", "washer", "2", "1.15")
    charge = data(run(db, "charge", "record", "SR-1", *washers, "--json", now=at))["id"]
    at_the_counter = ("--actor", "zhou", "--role", "clerk", "--given", "in_person")
    run(db, "charge", "confirm", charge, "--signed-by", "Chen", *at_the_counter, now=at)
    run(db, "charge", "audit", charge, "--actor", "li", "--role", "assistant", now=at)

    april = "2026-04-01T09:00:00+08:00"
    run(db, "month", "close", "2026-03", now=april)
    again = data(run(db, "month", "close", "2026-03", "--json", now=april))
    [statement] = data(run(db, "statement", "list", "2026-03", "--json", now=april))
    assert statement["id"] == "A-1:2026-03"
    assert statement["total"] == {"amount": "32.30", "currency": "CNY"}  # 30.00 + 2 x 1.15
    assert again == {"id": "2026-03", "events": 0}  # run again: nothing doubled

    csv_text = run(db, "statement", "export", "2026-03", now=april).stdout
    assert csv_text.startswith("\ufeff")  # the BOM: Excel reads the file as UTF-8
    header, *lines = csv_text.removeprefix("\ufeff").splitlines()
    assert header.startswith(
        "statement,account,unit,holder,period,total,paid,due,due_by,status,line_kind"
    )
    [first] = [line.split(",")[:6] for line in lines]
    assert first == ["A-1:2026-03", "A-1", UNIT, HOLDER, "2026-03", "32.30"]  # addressed whole
    out = tmp_path / "march.json"
    run(db, "statement", "export", "2026-03", "--format", "json", "--output", str(out), now=april)
    [exported] = json.loads(out.read_text(encoding="utf-8"))
    assert exported["id"] == "A-1:2026-03"
    book = tmp_path / "march.xlsx"
    run(db, "statement", "export", "2026-03", "--format", "xlsx", "--output", str(book), now=april)
    sheet = openpyxl.load_workbook(book).active
    assert sheet is not None
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == header.split(",")
    figures = lines[0].split(",")
    assert cells[1][:5] == figures[:5]
    assert [Decimal(str(v)) for v in cells[1][5:8]] == [Decimal(f) for f in figures[5:8]]
    assert Decimal(str(cells[1][5])) == Decimal(exported["total"]["amount"])
    assert (exported["unit"], exported["holder"]) == (UNIT, HOLDER)
    auditor = ("--actor", "sun", "--role", "auditor")
    [masked] = data(run(db, "statement", "list", "2026-03", "--json", *auditor, now=april))
    assert (masked["unit"], masked["holder"]) == ("3-***", "C*******")

    cashier = ("--actor", "zhao")
    one_line_error(run(db, "payment", "record", "A-1", "32.30", code=2), "--actor")
    receipt = run(
        db, "payment", "record", "A-1", "32.30", *cashier, now="2026-04-02T10:00:00+08:00"
    )
    assert "Receipt No. PSC-2026-000001" in receipt.stdout  # the number, not only the payment id
    assert "Amount in words: 叁拾贰元叁角整" in receipt.stdout
    [paid] = data(run(db, "statement", "list", "2026-03", "--json"))
    assert paid["status"] == "paid"
    [row] = data(run(db, "report", "revenue", "2026-03", "--json"))
    assert (row["item_id"], row["revenue"]["amount"]) == ("tap", "32.30")


def test_a_complaint_escalates_is_answered_and_a_callback_is_recorded(tmp_path: Path) -> None:
    db = _accepted_job(tmp_path)
    zhou = ("--actor", "zhou", "--role", "clerk")
    chen = ("--name", "Chen Jie", "--unit", "3-502", "--phone", "13800138000")
    filed = ("complaint", "file", "--id", "C-1", *chen, "--category", "timeliness")
    run(db, *filed, "--description", "the lift is out", *zhou, now="2026-03-02T16:00:00+08:00")
    thursday = "2026-03-05T10:00:00+08:00"  # the acknowledgement was due Monday noon
    assert data(run(db, "escalate", "--json", now=thursday))["id"] == "1"
    [open_one] = data(run(db, "complaint", "list", "--json", now=thursday))
    assert len(open_one["escalations"]) == 1
    run(db, "complaint", "acknowledge", "C-1", *zhou, now=thursday)
    run(db, "complaint", "answer", "C-1", "--result", "repaired", *zhou, now=thursday)
    run(db, "complaint", "close", "C-1", "--satisfaction", "4", *zhou, now=thursday)

    april = "2026-04-01T09:00:00+08:00"
    run(db, "callback", "plan", "2026-03", *zhou, now=april)
    [call] = data(run(db, "callback", "list", "2026-03", "--json", now=april))
    assert call["request_id"] == "SR-1"
    record = ("callback", "record", call["id"], "--reached", "--satisfaction", "5")
    run(db, *record, *zhou, now=april)
    quality = data(run(db, "report", "quality", "2026-03", "--json", now=april))
    assert quality["total"]["callbacks_reached"] == 1
    assert quality["total"]["satisfied"] == 1
