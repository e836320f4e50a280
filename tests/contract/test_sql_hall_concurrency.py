"""The hall's queue under eight OS processes at once, on PostgreSQL, MariaDB and SQLite.

Eight windows, each in its own process, take numbers for the same item and call the next
number at once, on a day nobody opened yet (so they also race to open it): every number
is given out once, 1 to 40 without a gap, and called exactly once, at one window (rule
hall.queue-no-number-lost).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import contract_hall_worker as workers

from servicedesk import Desk, GoOnDuty, OpenWindow, QueueId, SecondStaff
from servicedesk.adapters.sql import SqlStore
from servicedesk.domain.hall_queue import TicketStatus
from servicedesk.testing import hall as h

PROCESSES = 8
TAKES = 5


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["contract_hall_worker"])
    return context


def _eight_windows(store: SqlStore) -> None:
    desk = Desk(store, clock=lambda: h.MORNING, entry_points=False)
    h.open_hall(desk)
    for number in range(PROCESSES):
        window_id, clerk = workers.window(number)
        desk.handle(SecondStaff(department_id="civil", staff=clerk), actor=h.MANAGER)
        command = OpenWindow(
            window_id=window_id,
            name=window_id,
            kind="specialised",
            department_id="civil",
            items=(h.PROMISED,),
            prefix="W",
            hours=h.HOURS,
        )
        desk.handle(command, actor=h.MANAGER)
        desk.handle(GoOnDuty(window_id=window_id), actor=h.clerk(clerk))


def test_every_number_is_called_exactly_once_by_eight_windows_at_once(
    sql_store: SqlStore, record_property: Callable[[str, object], None]
) -> None:
    _eight_windows(sql_store)
    url = sql_store.url.render_as_string(hide_password=False)
    context = _context()
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(target=workers.take_and_call, args=(url, n, TAKES, barrier, results))
        for n in range(PROCESSES)
    ]
    started = time.monotonic()
    for process in processes:
        process.start()
    reports = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    elapsed = time.monotonic() - started
    with sql_store.reading() as uow:
        queue = uow.hall_queues.get(QueueId.of(date(2026, 5, 11)))

    others = [o for r in reports for o in r[4]]
    taken = [n for r in reports for n in r[5]["taken"]]
    called = [n for r in reports for n in r[5]["called"]]
    conflicts = sum(r[3] for r in reports)
    retries = sum(r[5]["retries"] for r in reports)
    counts = (
        f"{sql_store.url.get_backend_name()}: {PROCESSES} windows x {TAKES} numbers: "
        f"{len(taken)} taken, {len(called)} called, {retries} retries by the desk, "
        f"{conflicts} conflicts retried after them, "
        f"{elapsed:.1f}s"
    )
    print(counts)
    record_property("concurrency", counts)
    assert others == []
    assert all(p.exitcode == 0 for p in processes)
    everyone = [f"A{n:03d}" for n in range(1, PROCESSES * TAKES + 1)]
    assert sorted(taken) == everyone  # none lost, none given twice
    assert sorted(called) == everyone  # each called once, at one window
    assert [t.number for t in queue.tickets] == everyone
    assert all(len(t.visits) == 1 for t in queue.tickets)
    assert all(t.status is not TicketStatus.WAITING for t in queue.tickets)
