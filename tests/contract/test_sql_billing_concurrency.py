"""Billing under several OS processes at once, on PostgreSQL, MariaDB and one SQLite file.

- Eight processes draw charges from one tenant's deposit at once: it is never
  overdrawn, and exactly as many draws succeed as the deposit covers.  They also
  race to open the account of a unit that has none yet: one is opened.
- Eight cashiers take receipt numbers from a series that has no row yet, while
  every third payment fails after taking its number: the numbers stored are
  1..N with no gap and no repeat, one per payment that succeeded.
- A month close killed (SIGKILL) in the middle of writing its statements leaves
  nothing; running it again closes the month once.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import contract_billing_worker as workers
import pytest
from contract_billing import CASHIER, accepted, at, billing_desk, confirmed_charge, open_account
from contract_scenario import Clock

from servicedesk.adapters.sql import SqlStore
from servicedesk.app.billing.commands import CloseMonth, PayDeposit, RecordCharge
from servicedesk.domain.accounts import EntryKind
from servicedesk.domain.billing import AccountId, Period, SeriesId
from servicedesk.domain.money import Money
from servicedesk.domain.payments import SeriesCounter
from servicedesk.domain.values import RequesterKind

PROCESSES = 8
Record = Callable[[str, object], None]


def _context() -> Any:
    """Processes forked from a server that imported servicedesk once: they start in a
    fraction of a spawned interpreter's time, and inherit none of this process's
    connections (a forked copy of a pooled connection would share its socket)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["contract_billing_worker"])
    return context


def _run(target: Callable[..., None], *args: Any) -> tuple[list[tuple[Any, ...]], float]:
    """Start PROCESSES processes on ``target(url, n, *args, barrier, results)``."""
    context = _context()
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    url, *rest = args
    processes = [
        context.Process(target=target, args=(url, n, *rest, barrier, results))
        for n in range(PROCESSES)
    ]
    started = time.monotonic()
    for process in processes:
        process.start()
    reports = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert all(p.exitcode == 0 for p in processes)
    return reports, time.monotonic() - started


def _backend(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["sql_store"])


def _url(store: SqlStore) -> str:
    return store.url.render_as_string(hide_password=False)


def _show(record_property: Record, counts: str) -> None:
    print(counts)
    record_property("concurrency", counts)  # shown in the summary, also under xdist


def test_a_deposit_drawn_by_eight_processes_is_never_overdrawn(
    sql_store: SqlStore, record_property: Record, request: pytest.FixtureRequest
) -> None:
    clock = Clock(at(3, 2, 9))
    d = billing_desk(sql_store, clock)
    tenant = RequesterKind.TENANT
    shared = open_account(d, "5-501", tenant)
    d.handle(PayDeposit(account_id=shared, amount="200.00"), actor=CASHIER)
    for n in range(PROCESSES):  # eight charges of 30.00 waiting for confirmation
        accepted(d, f"r-{n}", "5-501", tenant)
        d.handle(RecordCharge(request_id=f"r-{n}"))
        accepted(d, f"q-{n}", workers.NEW_UNIT, tenant)  # a unit without an account yet

    reports, elapsed = _run(workers.draw, _url(sql_store))

    others = [o for r in reports for o in r[4]]
    assert others == []
    opened = sum(r[5]["opened"] for r in reports)
    drawn = sum(r[5]["drawn"] for r in reports)
    new_drawn = sum(r[5]["new"] for r in reports)
    conflicts = sum(r[3] for r in reports)
    retries = sum(r[5]["retries"] for r in reports)
    with sql_store.unit_of_work() as uow:
        account = uow.accounts.get(AccountId(shared))
        new_accounts = [a for a in uow.accounts.list() if a.unit == workers.NEW_UNIT]
        confirmed = [c for c in uow.charges.for_account(account.id) if c.is_confirmed]
        new_confirmed = [
            c for a in new_accounts for c in uow.charges.for_account(a.id) if c.is_confirmed
        ]
    (new_account,) = new_accounts
    counts = (
        f"{_backend(request)}: {PROCESSES} processes drawing 30.00 from a 200.00 deposit: "
        f"{drawn} drawn, {PROCESSES - drawn} refused, balance {account.balance.amount}; "
        f"new unit: {opened} account opened of {PROCESSES} tries, {new_drawn} draws, balance "
        f"{new_account.balance.amount}; {retries} desk retries, {conflicts} conflicts past "
        f"them tried again, {elapsed:.1f}s"
    )
    _show(record_property, counts)
    assert drawn == 6  # 6 x 30.00 fit in 200.00, a seventh would overdraw
    assert account.balance == Money.of("20.00")
    draws = [e for e in account.entries if e.kind is EntryKind.DRAW]
    assert len(draws) == len(confirmed) == drawn  # each confirmed charge drawn exactly once
    assert opened == 1
    assert new_account.balance.amount >= 0
    deposits = [e for e in new_account.entries if e.kind is EntryKind.DEPOSIT]
    assert len(deposits) == 2
    assert new_account.balance.amount == Decimal("400.00") - 30 * new_drawn
    assert len(new_confirmed) == new_drawn


def test_eight_cashiers_take_gapless_unique_receipt_numbers(
    sql_store: SqlStore, record_property: Record, request: pytest.FixtureRequest
) -> None:
    d = billing_desk(sql_store, Clock(at(3, 2, 9)))
    for n in range(PROCESSES):
        open_account(d, f"7-{n}", RequesterKind.TENANT)
    with sql_store.unit_of_work() as uow:  # the accounts get known ids; no series row yet
        assert uow.counters.find(SeriesId("PSC-2026")) is None
        ids = [a.id for a in uow.accounts.list()]
    _rename_accounts(sql_store, ids)

    payments = 3
    reports, elapsed = _run(workers.cashier, _url(sql_store), payments)

    others = [o for r in reports for o in r[4]]
    assert others == []
    done = sum(r[1] for r in reports)
    failed = sum(len(r[2]) for r in reports)
    conflicts = sum(r[3] for r in reports)
    retries = sum(r[5]["retries"] for r in reports)
    with sql_store.unit_of_work() as uow:
        receipts = uow.receipts.in_series(SeriesId("PSC-2026"))
        counter = uow.counters.get(SeriesId("PSC-2026"))
        paid = [p for a in uow.accounts.list() for p in uow.payments.for_account(a.id)]
    numbers = [r.number for r in receipts]
    counts = (
        f"{_backend(request)}: {PROCESSES} cashiers x {payments} payments: {done} paid, "
        f"{failed} failed after taking a number (rolled back), {retries} desk retries, "
        f"{conflicts} conflicts past them, "
        f"receipts 1..{max(numbers, default=0)} ({len(set(numbers))} distinct), {elapsed:.1f}s"
    )
    _show(record_property, counts)
    assert failed == PROCESSES * (payments // 3)
    assert done == PROCESSES * payments - failed
    assert numbers == list(range(1, done + 1))  # no gap, no repeat
    assert isinstance(counter, SeriesCounter)
    assert counter.last == done
    assert sorted(str(p.receipt_id) for p in paid) == sorted(str(r.id) for r in receipts)


def _rename_accounts(store: SqlStore, ids: list[AccountId]) -> None:
    """The worker pays into ``acct-<n>``: give the accounts those ids (a test shortcut).

    The personal data sealed under the old id's file is stored opened (as a row written
    before sealing reads): the next save seals it under the new file's key.
    """
    import sqlalchemy as sa

    from servicedesk.adapters.sql.subject_keys import unsealed
    from servicedesk.adapters.sql.tables import accounts

    table = accounts.table
    with store.engine.begin() as connection, store.reading() as uow:
        for n, account_id in enumerate(ids):
            row = connection.execute(
                sa.select(table.c.document).where(table.c.id == account_id.value)
            ).one()
            [opened] = unsealed(uow, "account", [(account_id.value, row.document)])
            document = {**opened, "id": f"acct-{n}"}
            connection.execute(
                sa.update(table)
                .where(table.c.id == account_id.value)
                .values(id=f"acct-{n}", document=document)
            )


def test_a_month_close_killed_midway_leaves_nothing_and_completes_when_run_again(
    sql_store: SqlStore, record_property: Record, request: pytest.FixtureRequest
) -> None:
    clock = Clock(at(3, 2, 9))
    d = billing_desk(sql_store, clock)
    accounts = 8
    for n in range(accounts):
        open_account(d, f"8-{n}")
        confirmed_charge(d, f"r-{n}", f"8-{n}")
    url = _url(sql_store)

    context = _context()
    writing = context.Event()
    started = time.monotonic()
    child = context.Process(target=workers.close_and_hang, args=(url, accounts // 2, writing))
    child.start()
    assert writing.wait(timeout=60), "the close never reached its statements"
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(timeout=30)
    assert child.exitcode == -signal.SIGKILL

    with sql_store.unit_of_work() as uow:
        left = [s for a in uow.accounts.list() for s in uow.statements.for_account(a.id)]
        billed = [c for a in uow.accounts.list() for c in uow.charges.for_account(a.id)]
    assert left == []  # nothing of the killed close
    assert all(c.statement_id is None for c in billed)

    clock.now = at(4, 1, 10)
    d.handle(CloseMonth(period="2026-03"))
    once_more = d.handle(CloseMonth(period="2026-03"))
    with sql_store.unit_of_work() as uow:
        statements = [s for a in uow.accounts.list() for s in uow.statements.for_account(a.id)]
        billed = [c for a in uow.accounts.list() for c in uow.charges.for_account(a.id)]
    elapsed = time.monotonic() - started
    counts = (
        f"{_backend(request)}: close of {accounts} accounts killed after at least "
        f"{accounts // 2} statements written: {len(left)} left behind; run again: "
        f"{len(statements)} statements, {sum(c.statement_id is not None for c in billed)} "
        f"charges billed, third run {len(once_more.events)} events, {elapsed:.1f}s"
    )
    _show(record_property, counts)
    assert once_more.events == ()
    assert sorted(s.period for s in statements) == [Period(2026, 3)] * accounts
    assert all(c.statement_id is not None for c in billed)
    assert len({c.statement_id for c in billed}) == accounts
