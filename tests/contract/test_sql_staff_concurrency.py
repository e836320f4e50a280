"""Clerks rostering one person at once, each in its own OS process, on PostgreSQL, MariaDB
and SQLite: one person's shifts never overlap, whoever rosters them (rule staff.duty-roster).

Six processes roster the same member of staff, whose file nobody opened yet, in slots that
overlap each other's: the file is opened once, every shift stored overlaps no other, and
every attempt was stored or refused with the overlap (none lost, none failing otherwise).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any

import contract_staff_worker as workers

from servicedesk.adapters.sql import SqlStore
from servicedesk.domain.staff import StaffId

PROCESSES = 6


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["contract_staff_worker"])
    return context


def test_one_persons_shifts_never_overlap_whoever_rosters_them_at_once(
    sql_store: SqlStore, record_property: Callable[[str, object], None]
) -> None:
    url = sql_store.url.render_as_string(hide_password=False)
    context = _context()
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(target=workers.roster, args=(url, n, barrier, results))
        for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(timeout=30)

    others = [o for r in reports for o in r[4]]
    refused = [name for r in reports for name in r[2]]
    stored = sorted(s for r in reports for s in r[5]["stored"])
    record_property(
        "counts",
        f"{sql_store.url.get_backend_name()}: {len(stored)} stored, {len(refused)} refused, "
        f"{sum(r[3] for r in reports)} conflicts retried",
    )
    assert others == []
    assert set(refused) <= {"IllegalTransition"}
    assert len(stored) + len(refused) == PROCESSES * workers.SLOTS
    with sql_store.reading() as uow:
        file = uow.staff_files.get(StaffId("li"))
    assert sorted(s.id.value for s in file.shifts) == stored
    assert stored
    for earlier, later in zip(file.shifts, file.shifts[1:], strict=False):
        assert earlier.end <= later.start, (earlier, later)
