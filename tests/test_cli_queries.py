"""The library's queries asked from the terminal, on a small desk seeded through the CLI.

A month of a centre in brief (on SQLite, in process through click's runner): a tap mended
and charged, costing more than it earned; a tenant's deposit; an agreement with a visit a
month; the month closed and part paid; then every query command is asked, as a table and,
for some, as JSON; the service hall's are asked of a hall whose day ran through the library.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli_support import CATALOGUE, dump
from servicedesk.adapters.sql import open_store
from servicedesk.cli.main import main
from servicedesk.demo.hall_day import HALL_DAY, run_hall_day

CLERK = ("--actor", "wang", "--role", "clerk")
WORKER = ("--actor", "w-1", "--role", "worker")
CASHIER = ("--actor", "zhao", "--role", "cashier")
ASSISTANT = ("--actor", "li", "--role", "assistant")
AUDITOR = ("--actor", "qin", "--role", "auditor")
MANAGER = ("--actor", "chen", "--role", "centre_manager")
BY_THE_REQUESTER = (*CLERK, "--given", "in_person")
OWNER = ("--name", "Chen Jie", "--unit", "3-502", "--phone", "13800138000")
TENANT = ("--name", "Liu Min", "--unit", "5-1201", "--phone", "13900139000", "--kind", "tenant")
#: After the month close, past the March statements' due date.
MAY = "2026-05-04T09:00"


class Terminal:
    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(self, at: str, *args: str, code: int = 0) -> Result:
        env = {"SERVICEDESK_DB": str(self.db), "SERVICEDESK_NOW": f"{at}+08:00", "COLUMNS": "250"}
        result = CliRunner().invoke(main, list(args), env=env)
        assert result.exit_code == code, (args, result.exit_code, result.output)
        return result

    def json(self, at: str, *args: str) -> Any:
        return json.loads(self(at, *args, "--json").stdout)


def seed(desk: Terminal, tmp: Path) -> None:
    catalogue = tmp / "catalogue.toml"
    catalogue.write_text(
        CATALOGUE + '\n[[items]]\nid = "cleaning"\nname = "Cleaning"\ncategory = "cleaning"\n'
        'price = "50.00"\n',
        encoding="utf-8",
    )
    desk("2026-03-02T08:00", "db", "upgrade")
    morning = "2026-03-02T08:30"
    desk(morning, "catalogue", "load", str(catalogue), *CLERK)
    for item in ("tap", "cleaning", "windows"):
        desk(morning, "catalogue", "approve", item, "--as", "centre_manager", "--actor", "chen")
        desk(morning, "catalogue", "approve", item, "--as", "branch_manager", "--actor", "sun")
    desk(morning, "worker", "add", "w-1", "--name", "Zhou", "--skill", "plumbing", *CLERK)
    desk("2026-03-02T09:00", "account", "open", "A-1", *OWNER, *CLERK)
    desk("2026-03-02T09:00", "account", "open", "A-2", *TENANT, *CLERK)
    desk("2026-03-02T09:05", "account", "deposit", "A-2", "300.00", *CASHIER)
    register = ("request", "register", *OWNER, "--channel", "hotline", *CLERK)
    desk("2026-03-02T09:30", *register, "--id", "SR-1", "--need", "The kitchen tap drips")
    desk("2026-03-02T09:40", "request", "triage", "SR-1", "tap", *CLERK)
    desk("2026-03-02T09:45", "request", "dispatch", "SR-1", *CLERK)
    desk("2026-03-03T09:00", "request", "start", "SR-1", *WORKER)
    desk("2026-03-03T10:00", "request", "complete", "SR-1", *WORKER)
    desk(
        "2026-03-03T10:10",
        "request",
        "accept",
        "SR-1",
        "--signed-by",
        "Chen Jie",
        *BY_THE_REQUESTER,
    )
    desk("2026-03-03T10:15", "request", "close", "SR-1", *CLERK)
    charge = desk.json("2026-03-03T10:20", "charge", "record", "SR-1", *CLERK)["id"]
    desk(
        "2026-03-03T10:25",
        "charge",
        "confirm",
        charge,
        "--signed-by",
        "Chen Jie",
        *BY_THE_REQUESTER,
    )
    desk("2026-03-03T10:30", "charge", "audit", charge, *ASSISTANT)  # before the month is summed
    desk("2026-03-03T11:05", "charge", "cost", "SR-1", "45.00", "--description", "Valve", *CLERK)
    desk("2026-03-03T11:10", "invoice", "request", charge, *CLERK)
    desk(
        "2026-03-05T09:00",
        "agreement",
        "sign",
        "A-1",
        "cleaning",
        "--id",
        "AG-1",
        "--description",
        "Stairs weekly",
        "--monthly-fee",
        "100.00",
        "--visit-day",
        "5",
        "--visit-day",
        "20",
        "--start",
        "2026-03",
        *CLERK,
    )
    desk("2026-04-01T09:00", "month", "close", "2026-03", *CLERK)
    desk("2026-04-02T10:00", "payment", "record", "A-1", "30.00", *CASHIER)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("queries")
    seed(Terminal(tmp / "desk.db"), tmp)
    return tmp / "desk.db"


@pytest.fixture
def desk(seeded: Path, tmp_path: Path) -> Terminal:
    """The seeded desk, copied: a query that leaves an audit record changes no other test."""
    copy = tmp_path / "desk.db"
    shutil.copyfile(seeded, copy)
    return Terminal(copy)


def rows(result: Result) -> list[list[str]]:
    """The cells of each row of the table printed (rich's box lines), blanks kept out."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in result.stdout.splitlines()
        if line.startswith("│")
    ]


def test_an_account_s_history_and_its_statements_addressed_as_the_reader_may_read_them(
    desk: Terminal,
) -> None:
    history = rows(desk(MAY, "account", "history", "A-1", *CASHIER))
    assert [(kind, reference, amount) for _at, kind, reference, amount in history] == [
        ("charge", "SR-1:1", "30.00 CNY"),
        ("statement", "A-1:2026-03", "130.00 CNY"),
        ("payment", history[2][2], "30.00 CNY"),
    ]
    assert history[0][0] == "2026-03-03 10:25"  # in the centre's zone
    [kept] = desk.json(MAY, "account", "history", "A-1", *CASHIER)[:1]
    assert (kept["kind"], kept["amount"]["amount"]) == ("charge", "30.00")

    [whole] = rows(desk(MAY, "account", "statements", "A-1", *CASHIER))
    assert whole == [
        "A-1:2026-03",
        "A-1",
        "3-502",
        "Chen Jie",
        "2026-03",
        "130.00 CNY",
        "30.00 CNY",
        "100.00 CNY",
        "2026-04-16",
        "open",
    ]
    [masked] = rows(desk(MAY, "account", "statements", "A-1", *AUDITOR))
    assert masked[2:4] == ["3-***", "C*******"]  # an auditor reads the figures, not the holder
    assert masked[5:8] == whole[5:8]
    [statement] = desk.json(MAY, "account", "statements", "A-1", *AUDITOR)
    assert (statement["holder"], statement["amount_due"]["amount"]) == ("C*******", "100.00")
    desk(MAY, "account", "history", "A-1", *WORKER, code=1)  # the field reads no money


def test_a_job_s_charges_and_invoices_and_what_is_overdue(desk: Terminal) -> None:
    assert rows(desk(MAY, "charge", "of-request", "SR-1", *CASHIER)) == [
        ["SR-1:1", "SR-1", "tap", "confirmed", "30.00 CNY", "yes"]
    ]
    invoice = ["SR-1:1", "SR-1", "SR-1:1", "30.00 CNY", "-", "2026-03-04 11:10 !", "-"]
    assert rows(desk(MAY, "invoice", "of-request", "SR-1", *CASHIER)) == [invoice]
    assert rows(desk(MAY, "invoice", "overdue", *CASHIER)) == [invoice]
    [late] = desk.json(MAY, "invoice", "overdue", *CASHIER)
    assert (late["overdue"], late["number"], late["amount"]["amount"]) == (True, None, "30.00")
    # On the day after it was asked for, before its deadline, nothing is overdue yet.
    assert desk.json("2026-03-04T09:00", "invoice", "overdue", *CASHIER) == []

    [overdue] = rows(desk(MAY, "statement", "overdue", *CASHIER))
    assert (overdue[0], overdue[3], overdue[7], overdue[8]) == (
        "A-1:2026-03",
        "Chen Jie",
        "100.00 CNY",
        "2026-04-16",
    )
    assert rows(desk("2026-04-10T09:00", "statement", "overdue", *CASHIER)) == []  # not yet due
    [shown] = rows(desk(MAY, "statement", "overdue", *AUDITOR))
    assert shown[3] == "C*******"


def test_a_receipt_series_without_a_gap_and_the_visits_due(desk: Terminal) -> None:
    assert rows(desk(MAY, "payment", "series", "PSC-2026", *CASHIER)) == [
        ["1", "PSC-2026-000001", "A-2", "2026-03-02 09:05", "300.00 CNY", "no"],
        ["2", "PSC-2026-000002", "A-1", "2026-04-02 10:00", "30.00 CNY", "no"],
    ]
    assert desk.json(MAY, "payment", "series", "PSC-2025", *CASHIER) == []
    assert rows(desk(MAY, "agreement", "visits-due", "2026-03", *CASHIER)) == [
        ["2026-03-05", "AG-1", "A-1"],
        ["2026-03-20", "AG-1", "A-1"],
    ]
    due = desk.json(MAY, "agreement", "visits-due", "2026-04", *WORKER)
    assert [(v["agreement_id"], v["on"]) for v in due] == [
        ("AG-1", "2026-04-05"),
        ("AG-1", "2026-04-20"),
    ]


def test_revenue_cost_and_the_loss_making_items(desk: Terminal) -> None:
    assert rows(desk(MAY, "report", "revenue", "2026-03", *CASHIER)) == [
        ["cleaning", "100.00 CNY", "0.00 CNY", "100.00 CNY", "no"],
        ["tap", "30.00 CNY", "45.00 CNY", "-15.00 CNY", "yes"],
    ]
    assert rows(desk(MAY, "report", "loss-making", "2026-03", *CASHIER)) == [
        ["tap", "30.00 CNY", "45.00 CNY", "-15.00 CNY", "yes"]
    ]
    [tap] = desk.json(MAY, "report", "loss-making", "2026-03")
    assert (tap["item_id"], tap["margin"]["amount"], tap["loss_making"]) == ("tap", "-15.00", True)
    assert desk.json(MAY, "report", "loss-making", "2026-02") == []


def test_the_quality_trend_and_a_worker_s_review(desk: Terminal) -> None:
    assert rows(desk(MAY, "report", "trend", "2026-02", "2026-03", *MANAGER)) == [
        ["2026-02", "0", "-", "-", "-", "-"],
        ["2026-03", "1", "0.0%", "100.0%", "0.0%", "-"],
    ]
    trend = desk.json(MAY, "report", "trend", "2026-02", "2026-03", *MANAGER)
    assert [(m["month"], m["figures"]["jobs"]) for m in trend] == [("2026-02", 0), ("2026-03", 1)]
    review = desk(MAY, "report", "review", "w-1", "2026-03", *MANAGER)
    assert rows(review) == [["1", "0.0%", "100.0%", "0.0%", "-"]]
    assert "complaints: -; scores: -" in review.stdout
    data = desk.json(MAY, "report", "review", "w-1", "2026-03", *MANAGER)
    assert (data["worker_id"], data["figures"]["first_time_fix"]) == ("w-1", 1)
    desk(MAY, "report", "review", "w-1", "2026-03", *CLERK, code=1)  # appraisal is not hers


def test_a_record_s_file_and_what_an_erasure_would_take(desk: Terminal) -> None:
    assert rows(desk(MAY, "records", "file", "SR-1", *MANAGER)) == [
        [
            "request",
            "SR-1",
            "feedback form, request form, work order",
            "2026-03-03",
            "2029-03-02",
            "-",
        ]
    ]
    account = desk.json(MAY, "records", "file", "A-1", "--kind", "account", *MANAGER)
    assert (account["id"], account["closed_at"]) == ("account:A-1", None)
    plan = desk(MAY, "records", "erasure-plan", "--phone", "13800138000", *MANAGER)
    assert "Records of 138****8000" in plan.stdout  # the phone asked for is masked too
    assert [(r[0], r[3]) for r in rows(plan)] == [("A-1", "no"), ("SR-1:1", "no"), ("SR-1", "yes")]
    assert rows(plan)[0][4] == "the record is still open"
    assert rows(plan)[1][4] == "the retention rule keeps settlement voucher"  # a label, no code


def test_a_requester_s_export_is_masked_and_revealed_only_to_a_manager_audited(
    desk: Terminal, tmp_path: Path
) -> None:
    masked = desk.json(MAY, "records", "export", "--phone", "13800138000", *MANAGER)
    files = [entry["file"]["id"] for entry in masked["records"]]
    assert files == ["account:A-1", "charge:SR-1:1", "request:SR-1"]
    assert "Chen Jie" not in json.dumps(masked, ensure_ascii=False)
    assert masked["records"][0]["record"]["requester"]["name"] == "C*******"
    before = desk.json(MAY, "audit", "head", *MANAGER)["seq"]

    reveal = ("records", "export", "--phone", "13800138000", "--reveal")
    refused = desk(MAY, *reveal, *AUDITOR, code=1)
    assert "records.reveal_personal_data" in refused.output
    out = tmp_path / "export.json"
    written = desk(MAY, *reveal, "--output", str(out), *MANAGER)
    assert written.stderr == f"3 records written to {out}\n"
    revealed = json.loads(out.read_text(encoding="utf-8"))
    assert revealed["records"][0]["record"]["requester"]["name"] == "Chen Jie"

    trail = desk.json(MAY, "audit", "trail", "--after", str(before), *MANAGER)
    assert [(r["command"], r["actor"], r["refused"] is None) for r in trail] == [
        ("records.reveal_personal_data", "qin", False),
        ("records.reveal_personal_data", "chen", True),
    ]
    assert trail[-1]["subject"] == ",".join(files)  # whose records were seen, by file id


def test_a_closed_job_s_archive_masked(desk: Terminal, tmp_path: Path) -> None:
    archive = dict(rows(desk(MAY, "records", "archive", "SR-1", *CLERK)))
    assert archive["status"] == "closed"
    assert archive["requester"] == "C******* 138****8000"
    assert archive["closed"] == "2026-03-03 10:15"
    assert archive["voucher"] == "SR-1:1 30.00 CNY"
    assert archive["need"] == "T********************"  # the requester's own words are personal
    out = tmp_path / "SR-1.json"
    desk(MAY, "records", "archive-export", "SR-1", "--output", str(out), *CLERK)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported == desk.json(MAY, "records", "archive", "SR-1", *CLERK)
    assert exported["settlement_vouchers"][0]["total"] == {"amount": "30.00", "currency": "CNY"}
    assert "Chen Jie" not in out.read_text(encoding="utf-8")
    assert "kitchen" not in out.read_text(encoding="utf-8")
    desk(MAY, "records", "archive", "SR-1", *WORKER, code=1)


def test_the_audit_trail_s_head_and_its_records(desk: Terminal) -> None:
    head = desk.json(MAY, "audit", "head")
    line = desk(MAY, "audit", "head").stdout
    assert line == f"{head['seq']} {head['hash']}\n"
    assert len(head["hash"]) == 64
    first = desk(MAY, "audit", "trail", "--limit", "3")
    assert rows(first) == [
        ["1", "2026-03-02 08:30", "wang", "ProposeItem", "tap", "-"],
        ["2", "2026-03-02 08:30", "wang", "ProposeItem", "windows", "-"],
        ["3", "2026-03-02 08:30", "wang", "ProposeItem", "cleaning", "-"],
    ]
    assert first.stdout.endswith("next: --after 3\n")
    last = desk.json(MAY, "audit", "trail", "--after", str(head["seq"] - 1))
    assert [(r["seq"], r["hash"]) for r in last] == [(head["seq"], head["hash"])]
    desk(MAY, "audit", "trail", "--limit", "0", code=2)


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Terminal:
    """The hall of ``servicedesk demo --hall`` after its day, run through the library."""
    db = tmp_path_factory.mktemp("hall") / "hall.db"
    with open_store(db) as store:
        run_hall_day(store)
    return Terminal(db)


EVENING = f"{HALL_DAY}T17:00"
CLERK_A = ("--actor", "clerk-a", "--role", "clerk")


def test_a_guide_of_the_hall(hall: Terminal) -> None:
    guide = dict(rows(hall(EVENING, "hall", "guide", "show", "residence")))
    assert guide["item"] == "residence Residence certificate (v1)"
    assert guide["time limit"] == "2 working hour(s)"
    assert guide["fee"] == "0.00 CNY"
    assert guide["material"] == "id_card Identity card, original and copy x1"
    data = hall.json(EVENING, "hall", "guide", "show", "residence", "--version", "1")
    assert (data["version"], data["steps"][0]["department"]) == (1, "Civil Affairs Bureau")
    hall(EVENING, "hall", "guide", "show", "residence", "--version", "9", code=1)


def test_an_application_s_public_result_and_the_staff_s_view(hall: Terminal) -> None:
    assert rows(hall(EVENING, "hall", "result", "BJ-0511-01")) == [
        ["BJ-0511-01", "Marriage record copy", "accepted", "2026-05-19 14:22", "-", "-", "-"]
    ]
    result = hall.json(EVENING, "hall", "result", "BJ-0511-03")
    assert (result["status"], result["item"]) == ("concluded", "House transfer")
    assert "applicant" not in result  # the public lookup holds no personal data

    shown = hall(EVENING, "hall", "application", "show", "BJ-0511-03", *CLERK_A)
    assert rows(shown) == [
        ["BJ-0511-03", "孙* 136****6000", "House transfer", "concluded", "C001", "-", "-"]
    ]
    assert "steps: Registration 2026-05-11 11:00; Deed tax 2026-05-11 14:00" in shown.stdout
    assert rows(hall(EVENING, "hall", "applications", *CLERK_A)) == [
        [
            "BJ-0511-01",
            "李* 139****9000",
            "Marriage record copy",
            "accepted",
            "B001",
            "-",
            "2026-05-19 14:22",
        ]
    ]
    [open_one] = hall.json(EVENING, "hall", "applications", *CLERK_A)
    assert open_one["result"]["application_id"] == "BJ-0511-01"


def test_the_hall_s_waiting_times(hall: Terminal) -> None:
    assert rows(hall(EVENING, "hall", "waiting-times", str(HALL_DAY))) == [
        ["A", "09:00", "2", "11 min", "18 min"],
        ["B", "09:00", "3", "11 min", "16 min"],
        ["C", "09:00", "1", "5 min", "5 min"],
    ]
    waits = hall.json(EVENING, "hall", "waiting-times", "2026-05-10", "2026-05-12")
    assert [(w["window_id"], w["calls"]) for w in waits] == [("A", 2), ("B", 3), ("C", 1)]
    assert hall.json(EVENING, "hall", "waiting-times", "2026-05-12") == []
    hall(EVENING, "hall", "waiting-times", "11 May", code=2)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("account", "history", "A-404", *CASHIER), 1, ("A-404",)),
        (("invoice", "overdue", *WORKER), 1, ("billing.overdue_invoices",)),
        (("agreement", "visits-due", "2026-13", *CASHIER), 2, ("PERIOD", "13")),
        (("report", "trend", "2026-03", "March", *MANAGER), 2, ("March",)),
        (("records", "archive", "SR-404", *CLERK), 1, ("SR-404",)),
        (("records", "file", "SR-1", "--kind", "invoice", *MANAGER), 2, ("--kind",)),
        (("payment", "series", "PSC 2026", *CASHIER), 1, ()),
    ],
)
def test_a_bad_question_is_one_line_and_changes_nothing(
    desk: Terminal, args: tuple[str, ...], code: int, words: tuple[str, ...]
) -> None:
    before = dump(desk.db)
    [line] = desk(MAY, *args, code=code).stderr.splitlines()
    assert line.startswith("error: ")
    assert all(word in line for word in words), line
    after = dump(desk.db)
    refusals = len(after.pop("audit_records")) - len(before.pop("audit_records"))
    assert refusals == (1 if "may not ask" in line else 0)  # a refusal by role is audited
    after.pop("audit_head")
    before.pop("audit_head")
    assert after == before
