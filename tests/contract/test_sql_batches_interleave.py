"""On SQLite, another process's write commits while a month close in batches runs.

The parent closes a month over forty accounts in batches of one; in its second
batch (the first one committed) it lets a second OS process register a request,
and goes on with its batches while that process waits for the write lock.  The
audit trail is chained in commit order, so it shows where the registration
committed: after the close's first batch and before its last.  In one
transaction the close would hold SQLite's write lock to its end, and the
registration would come after every batch.
"""

from __future__ import annotations

import itertools
import multiprocessing
from pathlib import Path

import attrs
import contract_worker
from contract_billing import ASSISTANT, accepted, billing_desk, resident
from contract_databases import scratch
from contract_scenario import Clock

from servicedesk import Desk
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.audit import all_records
from servicedesk.app.billing.commands import (
    AuditCharge,
    CloseMonth,
    ConfirmCharge,
    OpenAccount,
    RecordCharge,
)
from servicedesk.app.bootstrap import WIRING
from servicedesk.app.context import Context
from servicedesk.domain.money import Money
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK

ACCOUNTS = 40


def test_a_write_from_another_process_commits_between_two_batches_of_a_close(
    tmp_path: Path,
) -> None:
    with scratch("sqlite", "interleave", tmp_path) as url:
        store = SqlStore(url)
        clock = Clock()
        d = billing_desk(store, clock)
        for n in range(ACCOUNTS):
            unit = f"{n}-101"
            d.handle(OpenAccount(requester=resident(unit), account_id=f"acct-{n:02d}"))
            accepted(d, f"r-{n}", unit)
            charge = d.handle(RecordCharge(request_id=f"r-{n}", lines=())).id
            confirm = ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON)
            d.handle(confirm, actor=DESK_CLERK)
            d.handle(AuditCharge(charge_id=charge), actor=ASSISTANT)  # the close bills it
        clock.advance(days=40)
        context = multiprocessing.get_context("spawn")
        closing, writing, results = context.Event(), context.Event(), context.Queue()
        writer = context.Process(
            target=contract_worker.register_during_close,
            args=(url.render_as_string(hide_password=False), closing, writing, results),
        )
        writer.start()

        close_month = WIRING.handlers[CloseMonth]
        batches = itertools.count(1)

        def signalling(command: CloseMonth, ctx: Context) -> str | None:
            if next(batches) == 2:
                closing.set()
                assert writing.wait(timeout=120)  # the writer is about to write
            return close_month(command, ctx)

        wiring = attrs.evolve(WIRING, handlers={**WIRING.handlers, CloseMonth: signalling})
        closer = Desk(store, clock=clock, wiring=wiring, entry_points=False, bulk_batch=1)
        period = f"{clock.now.year}-{clock.now.month - 1:02d}"
        closer.handle(CloseMonth(period=period))
        assert results.get(timeout=120) == "r-during"
        writer.join(timeout=60)
        records = list(all_records(store))
        billed = [d.billing.statement(f"acct-{n:02d}:{period}").total for n in range(ACCOUNTS)]
        store.close()

    closes = [r.seq for r in records if r.command == "CloseMonth"]
    [registered] = [r.seq for r in records if r.subject == "r-during"]
    assert len(closes) >= ACCOUNTS
    assert closes[0] < registered < closes[-1]
    assert billed == [Money.of("30.00")] * ACCOUNTS  # every account closed once
