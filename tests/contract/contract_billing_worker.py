"""Bodies of the OS processes in the billing concurrency tests (importable by spawned children).

Each reports what happened to the parent through a queue; the parent checks the
database afterwards.  A command refused as a conflict after the desk's own
retries is tried again here, as a cashier would, so that every command ends
either carried out or refused for a reason of the domain.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from multiprocessing.synchronize import Barrier
from multiprocessing.synchronize import Event as Signal
from typing import Any

import sqlalchemy as sa
from contract_billing import CASHIER, at, resident
from contract_worker import _Retries

from servicedesk import Actor, Desk
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.billing.commands import (
    CloseMonth,
    ConfirmCharge,
    OpenAccount,
    PayDeposit,
    RecordCharge,
)
from servicedesk.app.command import Command
from servicedesk.domain.errors import ConcurrencyConflict, ServiceDeskError
from servicedesk.domain.values import RequesterKind
from servicedesk.policies import hookimpl
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK

NEW_UNIT = "6-601"  # the unit whose account no process finds at the start


class Tally:
    def __init__(self) -> None:
        self.retries = _Retries()  # the desk's own retries of conflicted commands
        logger = logging.getLogger("servicedesk")
        logger.setLevel(logging.INFO)
        logger.addHandler(self.retries)
        self.done = 0
        self.refused: list[str] = []
        self.conflicts = 0
        self.others: list[str] = []

    def run(self, desk: Desk, command: Command, actor: Actor | None = None) -> str | None:
        """Carry out ``command``, retrying conflicts; its id, or None if it was refused."""
        for _ in range(50):
            try:
                outcome = desk.handle(command, actor=actor)
            except ConcurrencyConflict:
                self.conflicts += 1
                continue
            except ServiceDeskError as error:
                self.refused.append(type(error).__name__)
                return None
            except Exception as error:  # reported to the parent, which fails the test
                self.others.append(f"{type(error).__name__}: {error}")
                return None
            self.done += 1
            return outcome.id
        self.others.append(f"{type(command).__name__}: still conflicting after 50 tries")
        return None

    def report(self, number: int, **extra: Any) -> tuple[Any, ...]:
        extra["retries"] = self.retries.count
        return (number, self.done, self.refused, self.conflicts, self.others, extra)


def _desk(url: str, now: datetime, plugins: tuple[object, ...] = ()) -> tuple[SqlStore, Desk]:
    store = SqlStore(url, migrate=False)
    return store, Desk(store, clock=lambda: now, plugins=plugins, entry_points=False)


class DrawAtConfirmation:
    """Deposits drawn as charges are confirmed: the draw is what the processes race for."""

    @hookimpl
    def servicedesk_audit_before_settlement(self, mode: object) -> bool:
        return False


def draw(url: str, number: int, barrier: Barrier, results: Any) -> None:
    """Open the new unit's account (one process wins), draw a charge from each account."""
    store, desk = _desk(url, at(3, 20), (DrawAtConfirmation(),))
    tally = Tally()
    barrier.wait(timeout=60)
    opened = tally.run(
        desk,
        OpenAccount(account_id=f"new-{number}", requester=resident(NEW_UNIT, RequesterKind.TENANT)),
    )
    drawn = tally.run(
        desk,
        ConfirmCharge(charge_id=f"r-{number}:1", signed_by="Resident", evidence=IN_PERSON),
        DESK_CLERK,
    )
    with store.unit_of_work() as uow:
        account = uow.accounts.open_for(NEW_UNIT, RequesterKind.TENANT)
    assert account is not None
    if number < 2:  # two deposits of 200.00: room for 13 draws of 30.00, not 16
        tally.run(desk, PayDeposit(account_id=account.id, amount="200.00"), actor=CASHIER)
    charge = tally.run(desk, RecordCharge(request_id=f"q-{number}"))
    new_drawn = None
    if charge is not None:
        new_drawn = tally.run(
            desk,
            ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON),
            DESK_CLERK,
        )
    store.close()
    results.put(
        tally.report(
            number, opened=opened is not None, drawn=drawn is not None, new=new_drawn is not None
        )
    )


class FailsAfterNumbering:
    """The receipt printer fails on some payments after the number was taken."""

    def __init__(self, fail: Callable[[], bool]) -> None:
        self.fail = fail

    @hookimpl
    def servicedesk_receipt_number(self, series: str, number: int) -> str | None:
        if self.fail():
            raise RuntimeError("printer offline")
        return None


def cashier(url: str, number: int, payments: int, barrier: Barrier, results: Any) -> None:
    """``payments`` deposits at once with the other cashiers; every third one fails."""
    calls = iter(range(10_000))
    plugin = FailsAfterNumbering(lambda: next(calls) % 3 == 2)
    store, desk = _desk(url, at(3, 20), (plugin,))
    tally = Tally()
    barrier.wait(timeout=60)
    for _ in range(payments):
        command = PayDeposit(account_id=f"acct-{number}", amount="200.00")
        tally.run(desk, command, actor=CASHIER)
    store.close()
    results.put(tally.report(number))


def close_and_hang(url: str, statements: int, writing: Signal) -> None:
    """Close March; in the middle of writing its statements, stop and wait to be killed."""
    store, desk = _desk(url, at(4, 1, 9))
    written = 0

    def count(_c: Any, cursor: Any, statement: str, *_: Any) -> None:
        nonlocal written
        if statement.startswith("INSERT INTO statements"):
            written += max(cursor.rowcount, 1)  # the bulk close writes them all at once
            if written >= statements:
                writing.set()
                time.sleep(120)  # the parent kills us here, mid-transaction

    sa.event.listen(store.engine, "after_cursor_execute", count)
    desk.handle(CloseMonth(period="2026-03"))
    raise AssertionError("the close finished before it was killed")
