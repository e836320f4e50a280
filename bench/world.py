"""Set-up, not measured: a desk on a SQL store, a full job, and bulk copies of seed records.

The big sizes (100,000 accounts, 1,000,000 charges) would take hours to build
command by command, so the set-up builds a *seed* through the public API (a
real account, real charges, a real complaint, a real cancelled request, all
written by the library) and then copies the seed's rows ``n`` times with SQL in
the library's own schema, giving every copy fresh ids.  The documents are the
ones ``servicedesk.convert`` produced for the seed; only their ids differ.
None of this is timed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from servicedesk import (
    AcceptWork,
    Actor,
    ActorId,
    ApproveFee,
    AuditCharge,
    CloseMonth,
    CompleteWork,
    ConfirmCharge,
    Contact,
    Desk,
    DispatchRequest,
    FeeStandard,
    Money,
    OpenAccount,
    ProposeItem,
    RecordCharge,
    RegisterRequest,
    RegisterWorker,
    Requester,
    RequesterKind,
    Role,
    StartWork,
    TriageRequest,
)
from servicedesk.adapters.sql import open_store
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.store import SqlStore
from servicedesk.app.desk import BULK_BATCH
from servicedesk.testing import IN_PERSON

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: A Monday morning in working hours, in the month the bench closes.
START = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)
PERIOD = "2026-03"
#: When the month is closed: well after March's statement day.
CLOSE_AT = datetime(2026, 4, 10, 10, 0, tzinfo=SHANGHAI)

CLERK = Actor(ActorId("clerk"), "Clerk", {Role.CLERK})
#: Audits the charges, so that the close bills them (rule billing.audit-before-statement).
ASSISTANT = Actor(ActorId("assistant"), "Assistant", {Role.ASSISTANT})
WORKER = Actor(ActorId("w-1"), "Worker", {Role.WORKER})
MANAGERS = (
    Actor(ActorId("centre-mgr"), "Centre manager", {Role.CENTRE_MANAGER}),
    Actor(ActorId("branch-mgr"), "Branch manager", {Role.BRANCH_MANAGER}),
)
ITEM = "tap-repair"
PLUMBING: Any = frozenset({"plumbing"})  # the command converts names to skills
#: How many confirmed charges each account holds (1,000,000 charges on 100,000 accounts).
CHARGES_PER_ACCOUNT = 10


class Clock:
    """The desk's clock, moved by the bench."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def requester(unit: str) -> Requester:
    return Requester("Resident", unit, Contact("13800138000"), RequesterKind.OWNER)


def desk_on(url: str, clock: Clock, bulk_batch: int | None = BULK_BATCH) -> tuple[Desk, SqlStore]:
    store = open_store(url)
    return Desk(store, clock=clock, entry_points=False, bulk_batch=bulk_batch), store


def prepare_catalogue(desk: Desk) -> None:
    """The item and the worker every job needs (once per database)."""
    fee = FeeStandard.fixed(Money.of("30.00"))
    desk.handle(
        ProposeItem(item_id=ITEM, name="Tap repair", category="plumbing", fee=fee), actor=CLERK
    )
    for manager in MANAGERS:
        desk.handle(ApproveFee(item_id=ITEM, role=next(iter(manager.roles))), actor=manager)
    desk.handle(RegisterWorker(worker_id="w-1", name="Sun", skills=PLUMBING), actor=CLERK)


def full_job(desk: Desk, unit: str, request_id: str | None = None) -> str:
    """One job from registration to the confirmed charge: 8 commands, 8 transactions."""
    request = desk.handle(
        RegisterRequest(requester=requester(unit), need="the tap drips", request_id=request_id),
        actor=CLERK,
    ).id
    assert request is not None
    desk.handle(TriageRequest(request_id=request, item_id=ITEM), actor=CLERK)
    desk.handle(DispatchRequest(request_id=request, worker_id="w-1"), actor=CLERK)
    desk.handle(StartWork(request_id=request), actor=WORKER)
    desk.handle(CompleteWork(request_id=request), actor=WORKER)
    desk.handle(
        AcceptWork(request_id=request, signed_by="Resident", evidence=IN_PERSON), actor=CLERK
    )
    charge = desk.handle(RecordCharge(request_id=request), actor=CLERK).id
    assert charge is not None
    desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON), actor=CLERK
    )
    return charge


#: The commands of one full job (register, triage, dispatch, start, complete, accept, charge x2).
COMMANDS_PER_JOB = 8


def seed_account(desk: Desk, clock: Clock) -> list[str]:
    """An account billed monthly with ``CHARGES_PER_ACCOUNT`` confirmed, audited March charges."""
    desk.handle(OpenAccount(requester=requester("SEEDUNIT"), account_id="SEEDACC"), actor=CLERK)
    tokens = ["SEEDACC", "SEEDUNIT"]
    for job in range(CHARGES_PER_ACCOUNT):
        clock.now = START + timedelta(minutes=job)
        tokens.append(f"SEEDREQ{job:02d}")
        charge = full_job(desk, "SEEDUNIT", f"SEEDREQ{job:02d}")
        tokens.append(charge)
        audit(desk, charge)  # the copies are audited too: their documents and columns say so
    return tokens


def audit(desk: Desk, charge: str) -> None:
    """The assistant audits the charge before the close (rule billing.audit-before-statement)."""
    desk.handle(AuditCharge(charge_id=charge), actor=ASSISTANT)


def build_close_books(url: str, n: int) -> list[str]:
    """``n`` accounts billed monthly with the seed's March charges; the seed's charge documents."""
    clock = Clock()
    desk, store = desk_on(url, clock)
    prepare_catalogue(desk)
    tokens = seed_account(desk, clock)
    copies = range(1, n)
    copy_rows(store, t.accounts.table, t.accounts.table.c.id == "SEEDACC", tokens, copies)
    copy_rows(store, t.charges.table, t.charges.table.c.account_id == "SEEDACC", tokens, copies)
    c = t.charges.table.c
    with store.engine.connect() as connection:
        seed = connection.execute(
            sa.select(c.document).where(c.account_id == "SEEDACC").order_by(c.id)
        ).all()
    store.close()
    return [json.dumps(row.document) for row in seed]


def close_month(url: str, bulk_batch: int | None = BULK_BATCH) -> int:
    """Close March at ``CLOSE_AT`` in batches of ``bulk_batch``; how many statements exist."""
    store = open_store(url)
    desk = Desk(store, clock=Clock(CLOSE_AT), entry_points=False, bulk_batch=bulk_batch)
    desk.handle(CloseMonth(period=PERIOD), actor=CLERK)
    with store.engine.connect() as connection:
        issued = connection.execute(sa.select(sa.func.count()).select_from(t.statements.table))
        count = int(issued.scalar_one())
    store.close()
    return count


# --- copying the seed ----------------------------------------------------------------------------


def _copier(tokens: Iterable[str]) -> re.Pattern[str]:
    # one pass, longest token first, so an id inside another id is renamed once
    return re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)))


def copy_rows(
    store: SqlStore,
    table: sa.Table,
    where: sa.ColumnElement[bool],
    tokens: Iterable[str],
    copies: range,
    batch: int = 20_000,
    width: int = 0,
) -> int:
    """Insert a renamed copy of the rows ``where`` selects for every number in ``copies``.

    ``width``: the copy numbers zero-padded to it, so that the copies' ids sort in the
    order they were written (as the ids of records created one after another do).
    """
    pattern = _copier(tokens)
    with store.engine.begin() as connection:
        rows = [dict(row._mapping) for row in connection.execute(sa.select(table).where(where))]
    autoincrement = [c.name for c in table.primary_key.columns if c.autoincrement is True]
    templates: list[dict[str, tuple[str, str]]] = []
    for row in rows:
        for name in autoincrement:
            row.pop(name, None)
        templates.append(
            {
                key: ("json", json.dumps(value))
                if isinstance(value, dict | list)
                else ("text", value)
                for key, value in row.items()
                if isinstance(value, dict | list | str)
            }
        )
    written = 0
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        if pending:
            with store.engine.begin() as connection:
                connection.execute(sa.insert(table), pending)
            pending.clear()

    for number in copies:
        suffix = f"-{number:0{width}d}"

        def rename(match: re.Match[str], suffix: str = suffix) -> str:
            return match.group() + suffix

        for row, template in zip(rows, templates, strict=True):
            copy = dict(row)
            for key, (kind, text) in template.items():
                renamed = pattern.sub(rename, text)
                copy[key] = json.loads(renamed) if kind == "json" else renamed
            pending.append(copy)
            written += 1
        if len(pending) >= batch:
            flush()
    flush()
    return written
