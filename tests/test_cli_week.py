"""A week of a property service centre run from the terminal, every area, on each SQL store.

Each step is ``servicedesk ...`` as a clerk, a worker, a cashier, the assistant
or the manager would type it (in process through click's runner, to keep the
test quick); the clock is fixed per step with ``--now``.  The desk's ``--db`` is
a SQLite file or the URL of a private database on the PostgreSQL server of
``SERVICEDESK_TEST_POSTGRES_URL`` (skipped with the reason when it is unset,
a failure under ``CI=true``), made and dropped as the contract suite does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from cli_support import CATALOGUE
from contract.contract_databases import scratch
from servicedesk.cli.main import main

MON, TUE, WED, THU, FRI = (f"2026-03-0{day}" for day in (2, 3, 4, 5, 6))
CLERK = ("--actor", "wang", "--role", "clerk")
WORKER = ("--actor", "w-1", "--role", "worker")
CASHIER = ("--actor", "zhao", "--role", "cashier")
#: The requester's own word, recorded by the clerk who heard it in person.
BY_THE_REQUESTER = (*CLERK, "--given", "in_person")
ASSISTANT = ("--actor", "li", "--role", "assistant")
MANAGER = ("--actor", "chen", "--role", "centre_manager")
BRANCH = ("--actor", "sun", "--role", "branch_manager")
OWNER = ("--name", "Chen Jie", "--unit", "3-502", "--phone", "13800138000")
TENANT = ("--name", "Liu Min", "--unit", "5-1201", "--phone", "13900139000", "--kind", "tenant")


class Terminal:
    """The desk's database and the person at the terminal, at a time of the week."""

    def __init__(self, db: str) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, at: str, *args: str, code: int = 0) -> Result:
        env = {"SERVICEDESK_DB": self.db, "SERVICEDESK_NOW": f"{at}+08:00", "COLUMNS": "200"}
        result = self.runner.invoke(main, list(args), env=env)
        assert result.exit_code == code, (args, result.exit_code, result.output)
        return result

    def json(self, at: str, *args: str) -> Any:
        return json.loads(self(at, *args, "--json").stdout)


@pytest.fixture(params=("sqlite", "postgresql"))
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.URL]:
    """An empty database of its own for the week, on each SQL store."""
    with scratch(request.param, "week", tmp_path) as url:
        yield url


def test_a_week_of_a_centre_from_the_terminal(database: sa.URL, tmp_path: Path) -> None:
    target = database.database if database.drivername.startswith("sqlite") else None
    desk = Terminal(str(target) if target else database.render_as_string(hide_password=False))
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        CATALOGUE + '\n[[items]]\nid = "pipe"\nname = "Pipe replacement"\ncategory = "plumbing"\n'
        'fee = "labour_and_materials"\nprice = "40.00"\n'
        '\n[[items]]\nid = "cleaning"\nname = "Cleaning"\ncategory = "cleaning"\nprice = "50.00"\n',
        encoding="utf-8",
    )
    desk(f"{MON}T08:00", "db", "upgrade")

    # Monday: the catalogue is signed, the workers come on, requests arrive.
    morning = f"{MON}T08:30"
    desk(morning, "catalogue", "load", str(catalogue), *CLERK)
    for item in ("tap", "pipe", "cleaning", "windows"):
        desk(morning, "catalogue", "approve", item, "--as", "centre_manager", "--actor", "chen")
        desk(morning, "catalogue", "approve", item, "--as", "branch_manager", "--actor", "sun")
    desk(
        morning, "catalogue", "change-fee", "tap", "--price", "35.00", "--reason", "Washers", *CLERK
    )
    listed = {i["id"]: i for i in desk.json(morning, "catalogue", "list")}
    assert listed["tap"]["pending_fee"]["price"]["amount"] == "35.00"
    desk(morning, "catalogue", "suspend", "windows", "--reason", "No glazier", *MANAGER)
    desk(morning, "catalogue", "resume", "windows", *MANAGER)
    desk(morning, "worker", "add", "w-1", "--name", "Zhou", "--skill", "plumbing", *CLERK)
    desk(morning, "worker", "add", "w-2", "--name", "Qian", "--skill", "plumbing", *CLERK)
    desk(morning, "worker", "availability", "w-2", "--unavailable", *CLERK)
    workers = {w["id"]: w["available"] for w in desk.json(morning, "worker", "list")}
    assert workers == {"w-1": True, "w-2": False}

    desk(f"{MON}T09:00", "account", "open", "A-3-502", *OWNER, *CLERK)
    desk(f"{MON}T09:00", "account", "open", "A-5-1201", *TENANT, *CLERK)
    desk(f"{MON}T09:05", "account", "deposit", "A-5-1201", "300.00", *CASHIER)
    register = ("request", "register", *OWNER, "--channel", "hotline", *CLERK)
    desk(f"{MON}T09:30", *register, "--id", "SR-1", "--need", "The kitchen tap drips")
    desk(f"{MON}T09:40", "request", "triage", "SR-1", "tap", *CLERK)
    dispatched = desk(f"{MON}T09:45", "request", "dispatch", "SR-1", *CLERK)
    assert "SR-1" in dispatched.stdout
    assert desk.json(f"{MON}T09:45", "request", "show", "SR-1")["worker_id"] == "w-1"

    # Tuesday: the tap is mended with an extra part the owner signs for, charged and invoiced.
    desk(f"{TUE}T09:00", "request", "start", "SR-1", *WORKER)
    consent = ("--consent-id", "CS-1", "--description", "A new valve")
    desk(
        f"{TUE}T09:20",
        "request",
        "consent",
        "SR-1",
        *consent,
        "--kind",
        "extra_fee",
        "--amount",
        "20.00",
        *BY_THE_REQUESTER,
    )
    desk(f"{TUE}T09:25", "request", "extra-fee", "SR-1", *consent, "--amount", "20.00", *WORKER)
    desk(f"{TUE}T10:00", "request", "complete", "SR-1", "--notes", "valve and washer", *WORKER)
    desk(f"{TUE}T10:10", "request", "accept", "SR-1", "--signed-by", "Chen Jie", *BY_THE_REQUESTER)
    desk(f"{TUE}T10:15", "request", "close", "SR-1", *CLERK)
    washer = ("--material", "washer", "2", "1.15")
    charge = desk.json(f"{TUE}T10:20", "charge", "record", "SR-1", *washer, *CLERK)["id"]
    desk(f"{TUE}T10:25", "charge", "confirm", charge, "--signed-by", "Chen Jie", *BY_THE_REQUESTER)
    desk(f"{TUE}T11:00", "charge", "audit", charge, *ASSISTANT)
    desk(f"{TUE}T11:05", "charge", "cost", "SR-1", "12.00", "--description", "Valve", *CLERK)
    invoice = desk.json(f"{TUE}T11:10", "invoice", "request", charge, *CLERK)["id"]
    desk(f"{TUE}T14:00", "invoice", "issue", invoice, "--number", "04410021", *CASHIER)
    desk(f"{TUE}T15:00", "invoice", "deliver", invoice, *CLERK)

    # The tenant's pipe: labour and materials, so an estimate before the work, then the charge.
    tenant_request = ("request", "register", *TENANT, *CLERK, "--id", "SR-2")
    desk(f"{TUE}T16:00", *tenant_request, "--need", "The pipe under the sink leaks")
    desk(f"{TUE}T16:05", "request", "triage", "SR-2", "pipe", *CLERK)
    desk(f"{TUE}T16:10", "request", "dispatch", "SR-2", "--worker", "w-1", *CLERK)
    estimate = ("--labour", "replace the pipe", "2", "40.00", "--material", "pipe", "1", "25.00")
    desk(f"{TUE}T16:45", "charge", "estimate", "SR-2", *estimate, *WORKER)
    desk(f"{TUE}T16:50", "request", "start", "SR-2", *WORKER)
    desk(f"{TUE}T17:30", "request", "complete", "SR-2", *WORKER)
    desk(f"{TUE}T17:35", "request", "accept", "SR-2", "--signed-by", "Liu Min", *BY_THE_REQUESTER)
    pipe = desk.json(f"{TUE}T17:40", "charge", "record", "SR-2", *estimate, *WORKER)["id"]
    desk(f"{TUE}T17:45", "charge", "confirm", pipe, "--signed-by", "Liu Min", *BY_THE_REQUESTER)
    desk(f"{TUE}T17:50", "charge", "audit", pipe, *ASSISTANT)
    charged = desk.json(f"{TUE}T17:50", "account", "show", "A-5-1201")
    assert (
        charged["balance"]["amount"] == "195.00"
    )  # 300.00 less 2 x 40.00 and 25.00, drawn at the audit

    # Wednesday: a complaint, handed over, investigated, paused and resumed, answered, reopened.
    complaint = ("complaint", "file", "--id", "C-1", *TENANT, "--category", "timeliness")
    desk(f"{WED}T09:00", *complaint, "--description", "Nobody came yesterday", *CLERK)
    desk(f"{WED}T09:10", "complaint", "acknowledge", "C-1", *CLERK)
    desk(f"{WED}T09:20", "complaint", "hand-over", "C-1", "--to", "li", "--reason", "Hers", *CLERK)
    as_li = ("--actor", "li", "--role", "clerk")
    desk(f"{WED}T09:30", "complaint", "answer", "C-1", "--result", "x", *CLERK, code=1)  # not his
    desk(f"{WED}T10:00", "complaint", "finding", "C-1", "--finding", "Came at 17:00", *as_li)
    desk(f"{WED}T10:05", "complaint", "pause", "C-1", *as_li)
    desk(f"{WED}T14:00", "complaint", "resume", "C-1", *as_li)
    desk(f"{WED}T15:00", "complaint", "answer", "C-1", "--result", "Apologised", *as_li)
    desk(f"{WED}T15:30", "complaint", "reopen", "C-1", "--reason", "Still unhappy", *as_li)
    [reopened] = desk.json(f"{WED}T15:30", "complaint", "list")
    assert (reopened["id"], reopened["owner"], reopened["status"]) == ("C-1", "li", "investigating")
    desk(f"{WED}T16:00", "complaint", "answer", "C-1", "--result", "Refunded the visit", *as_li)
    desk(f"{WED}T16:10", "complaint", "close", "C-1", "--satisfaction", "4", *as_li)
    assert desk.json(f"{WED}T16:10", "complaint", "list") == []
    desk(f"{WED}T16:30", "escalate", *MANAGER)

    # Thursday: an agreement, a collector's receipt book, lost and found, a hold.
    desk(
        f"{THU}T09:00",
        "agreement",
        "sign",
        "A-3-502",
        "cleaning",
        "--id",
        "AG-1",
        "--description",
        "Stairs weekly",
        "--monthly-fee",
        "100.00",
        "--visit-day",
        "5",
        "--start",
        "2026-03",
        *CLERK,
    )
    desk(f"{THU}T11:00", "agreement", "visit", "AG-1", *WORKER)
    desk(
        f"{THU}T09:00",
        "receipt-book",
        "issue",
        "RB-1",
        "--collector",
        "zhao",
        "--first",
        "1",
        "--last",
        "50",
        *CASHIER,
    )
    desk(
        f"{THU}T10:00",
        "found",
        "log",
        "--id",
        "F-1",
        "--description",
        "Black umbrella",
        "--place",
        "Lobby",
        "--finder-name",
        "Liu Yang",
        *CLERK,
    )
    desk(
        f"{THU}T10:00",
        "found",
        "log",
        "--id",
        "F-2",
        "--description",
        "Keys",
        "--valuable",
        "--place",
        "Lift",
        "--finder-name",
        "Zhou",
        *CLERK,
    )
    assert [i["id"] for i in desk.json(f"{THU}T10:01", "found", "list")] == ["F-1", "F-2"]
    desk(
        f"{THU}T12:00",
        "found",
        "claim",
        "F-2",
        "--claimant-name",
        "Chen Jie",
        "--document",
        "ID card",
        "--document-number",
        "110101199001011234",
        *CLERK,
    )
    desk(f"{THU}T12:00", "found", "give-to-finder", "F-1", *MANAGER, code=1)  # kept its time first
    desk(
        f"{THU}T13:00",
        "records",
        "hold",
        "SR-2",
        "--hold-id",
        "D-1",
        "--reason",
        "Dispute",
        *MANAGER,
    )
    desk(f"{THU}T13:00", "records", "release", "SR-2", "--hold-id", "D-1", *MANAGER)

    # Friday: the shift hands over; an unreachable worker is marked so.
    handover = desk(f"{FRI}T17:00", "report", "handover").stdout
    assert "SR-2" in handover  # accepted, not closed: the next shift closes it
    assert "SR-1" not in handover
    desk(f"{FRI}T17:30", "worker", "availability", "w-1", "--unavailable", *WORKER)
    desk(f"{FRI}T17:40", "request", "close", "SR-2", *CLERK)
    desk(f"{FRI}T18:00", "receipt-book", "return", "RB-1", *CASHIER)

    # The owner rates the tap repair; a caller asks a question; the plumber's certificate is filed.
    rating = ("--request", "SR-1", "--level", "satisfied")
    desk(f"{FRI}T18:10", "rating", "give", *rating, *BY_THE_REQUESTER)
    desk(f"{FRI}T18:11", "rating", "give", *rating, *BY_THE_REQUESTER, code=1)  # once per job
    asked = ("--id", "E-1", "--kind", "consultation", "--name", "Chen Jie")
    desk(f"{FRI}T18:20", "enquiry", "take", *asked, "--question", "Water off on Saturday?", *CLERK)
    desk(f"{FRI}T18:25", "enquiry", "answer", "E-1", "--answer", "09:00-12:00", *CLERK)
    assert desk.json(f"{FRI}T18:26", "enquiry", "show", "E-1", *CLERK)["owner"] == "wang"
    certificate = ("--kind", "plumber", "--number", "P-0301", "--valid-until", "2027-03-31")
    desk(f"{FRI}T18:30", "worker", "qualify", "w-1", *certificate, *MANAGER)

    # The month-end: statements, the owner pays at the cashier, the agreement ends.
    april = "2026-04-01T09:00"
    desk(april, "month", "close", "2026-03", *CLERK)
    [statement] = desk.json(april, "statement", "list", "2026-03", "--account", "A-3-502")
    # 30.00 for the tap, 2 x 1.15 washers, the 20.00 valve, the agreement's 100.00
    assert statement["total"]["amount"] == "152.30"
    addressed = desk(april, "statement", "show", statement["id"], *CASHIER).stdout
    assert "3-502" in addressed
    assert "Chen Jie" in addressed
    # A payment keyed with the wrong amount is voided, then taken again.
    wrong = desk.json("2026-04-02T09:55", "payment", "record", "A-3-502", "15.23", *CASHIER)
    desk(
        "2026-04-02T09:56", "payment", "void", wrong["id"], "--reason", "15.23 for 152.30", *CASHIER
    )
    receipt = desk("2026-04-02T10:00", "payment", "record", "A-3-502", "152.30", *CASHIER)
    assert "壹佰伍拾贰元叁角整" in receipt.stdout
    desk(april, "agreement", "end", "AG-1", "--last", "2026-03", *CLERK)
    [row] = [r for r in desk.json(april, "report", "revenue", "2026-03") if r["item_id"] == "tap"]
    assert (row["revenue"]["amount"], row["cost"]["amount"]) == ("52.30", "12.00")
    desk(april, "callback", "plan", "2026-03", *CLERK)
    calls = desk.json(april, "callback", "list", "2026-03", *CLERK)
    assert {c["request_id"] for c in calls} <= {"SR-1", "SR-2"}
    assert calls
    desk(april, "callback", "record", calls[0]["id"], "--reached", "--satisfaction", "5", *CLERK)
    assert desk(april, "audit", "verify").stdout.startswith("ok: ")
    # March's appraisal of the plumber, drawn from the records and signed by the manager.
    desk(april, "appraisal", "draw", "w-1", "2026-03", *ASSISTANT)
    desk(april, "appraisal", "sign", "w-1:2026-03", *MANAGER)
    [appraisal] = desk.json(april, "appraisal", "show", "w-1:2026-03", *MANAGER)
    assert (appraisal["figures"]["ratings"], appraisal["signed_by"]) == (1, "chen")

    # The tenant leaves: the deposit's rest paid back, the account closed.
    tenant = desk.json("2026-04-03T09:00", "account", "show", "A-5-1201", *CASHIER)
    rest = tenant["balance"]["amount"]
    assert rest != "300.00"  # the tenant's job was paid from the deposit
    desk("2026-04-03T09:05", "account", "refund", "A-5-1201", rest, *CASHIER)
    desk("2026-04-03T09:10", "account", "close", "A-5-1201", *CASHIER)

    # A caller withdraws and asks to be forgotten; years on, the purge takes what expired.
    caller = ("--name", "Wu Lei", "--unit", "8-301", "--phone", "13700137000")
    desk(
        "2026-04-03T10:00",
        "request",
        "register",
        *caller,
        "--need",
        "Noise",
        "--id",
        "SR-9",
        *CLERK,
    )
    desk("2026-04-03T10:05", "request", "cancel", "SR-9", "--reason", "solved", *CLERK)
    desk("2026-04-03T10:10", "records", "erase", "--phone", "137 0013 7000", *MANAGER)
    assert "Wu Lei" not in desk("2026-04-03T10:11", "request", "show", "SR-9", *MANAGER).stdout
    years_on = "2036-06-01T09:00"
    planned = desk(years_on, "records", "purge", "--dry-run", *MANAGER).stdout
    assert "SR-2" in planned
    desk(years_on, "records", "purge", *MANAGER)
    assert "Liu Min" not in desk(years_on, "request", "show", "SR-2", *MANAGER).stdout
    assert desk(years_on, "audit", "verify").stdout.startswith("ok: ")

    behind_the_desk = sa.create_engine(database)  # someone edits the item of closed requests
    text = "CAST(document AS TEXT)" if database.get_backend_name() == "postgresql" else "document"
    edited = f"replace({text}, '\"tap\"', '\"pipe\"')"
    if database.get_backend_name() == "postgresql":
        edited = f"CAST({edited} AS JSONB)"
    with behind_the_desk.begin() as connection:
        connection.exec_driver_sql(f"UPDATE service_requests SET document = {edited}")
    behind_the_desk.dispose()
    verdict = desk(april, "audit", "verify", code=1)
    [line] = verdict.stderr.splitlines()
    assert line.startswith("error: state altered at record ")
