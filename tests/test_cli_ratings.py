"""Public ratings from the terminal, on a centre whose job was done through the library."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner, Result

from servicedesk import (
    AcceptWork,
    ApproveFee,
    CompleteWork,
    Contact,
    Desk,
    DispatchRequest,
    FeeStandard,
    Money,
    ProposeItem,
    RegisterRequest,
    RegisterWorker,
    Requester,
    StartWork,
    TriageRequest,
)
from servicedesk.adapters.sql import open_store
from servicedesk.cli.main import main
from servicedesk.testing import IN_PERSON
from support import BRANCH_MANAGER, CENTRE_MANAGER, DESK_CLERK

CLERK = ("--actor", "zhao", "--role", "clerk")
MANAGER = ("--actor", "wang", "--role", "centre_manager")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def accepted_job(db: Path) -> None:
    with open_store(db) as store:
        d = Desk(store, clock=lambda: MONDAY, entry_points=False)
        fee = FeeStandard.fixed(Money.of("30.00"))
        d.handle(ProposeItem(item_id="tap", name="Tap repair", category="plumbing", fee=fee))
        d.handle(ApproveFee(item_id="tap", role="centre_manager"), actor=CENTRE_MANAGER)
        d.handle(ApproveFee(item_id="tap", role="branch_manager"), actor=BRANCH_MANAGER)
        d.handle(RegisterWorker(worker_id="w-1", name="Sun", skills={"plumbing"}))
        owner = Requester("Chen", "3-502", Contact("13800138000"))
        d.handle(RegisterRequest(request_id="r-1", requester=owner, need="tap drips"))
        d.handle(TriageRequest(request_id="r-1", item_id="tap"))
        d.handle(DispatchRequest(request_id="r-1", worker_id="w-1"))
        d.handle(StartWork(request_id="r-1"))
        d.handle(CompleteWork(request_id="r-1"))
        accept = AcceptWork(request_id="r-1", signed_by="Chen", evidence=IN_PERSON)
        d.handle(accept, actor=DESK_CLERK)


def rating(db: Path, at: str, *args: str, code: int = 0) -> Result:
    env = {"SERVICEDESK_DB": str(db), "SERVICEDESK_NOW": f"2026-03-{at}:00+08:00"}
    result = CliRunner().invoke(main, ["rating", *args], env=env)
    assert result.exit_code == code, (args, result.output)
    return result


def test_a_bad_rating_given_followed_up_and_told_from_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "centre.db"
    accepted_job(db)
    give = ("give", "--request", "r-1", "--level", "dissatisfied", "--given", "in_person")
    assert rating(db, "02T11:00", *give, *CLERK).stdout == "rating job:r-1: given\n"
    again = rating(db, "02T11:05", *give, *CLERK, code=1)
    assert "rated once" in again.output
    rating(db, "02T11:05", "give", "--request", "r-1", "--level", "great", *CLERK, code=2)
    shown = json.loads(rating(db, "02T11:10", "show", "job:r-1", "--json", *MANAGER).stdout)
    assert shown["follow_up"]["owner"] == "w-1"
    overdue = json.loads(rating(db, "10T09:00", "overdue", "--json", *MANAGER).stdout)
    assert [v["id"] for v in overdue] == ["job:r-1"]
    assert "job:r-1" in rating(db, "10T09:00", "overdue", *MANAGER).stdout
    close = ("follow-up", "close", "job:r-1", "--outcome", "Tap replaced")
    rating(db, "10T10:00", *close, *MANAGER)
    rating(db, "10T10:05", "tell", "job:r-1", "--channel", "sms", *CLERK)
    assert json.loads(rating(db, "10T10:10", "overdue", "--json", *MANAGER).stdout) == []
    report = json.loads(rating(db, "10T10:10", "report", "2026-03", "--json", *MANAGER).stdout)
    assert report["total"]["total"] == 1
    assert report["by_staff"]["w-1"]["counts"]["dissatisfied"] == 1
    assert "w-1" in rating(db, "10T10:10", "report", "2026-03", *MANAGER).stdout
    staff = json.loads(rating(db, "10T10:10", "staff", "w-1", "2026-03", "--json", *MANAGER).stdout)
    assert (staff["total"], staff["satisfaction_rate"]) == (1, "0.0000")
    assert "dissatisfied" in rating(db, "10T10:10", "staff", "w-1", "2026-03", *MANAGER).stdout
