"""How long another process's write waits on SQLite behind a month close and behind a long read.

Two cases of the bench, SQLite only.  In each, a writer process registers a
request every ``PAUSE`` seconds while the parent runs a long command; the
measured time is the writer's longest wait (how long its longest
``RegisterRequest`` took), not the parent's run.

- ``close-wait``: the parent closes a month of ``n`` charges.  The library's run
  is the close in batches (``Desk``'s default ``bulk_batch``); the baseline is the
  same close in one unit of work (``bulk_batch=None``), on a copy of the same
  database made at set-up.
- ``read-wait``: the parent reads for ``READ_SECONDS`` in one unit of work (open
  requests, again and again).  The library's run reads in ``store.reading()``; the
  baseline reads in a unit of work that writes (``store.unit_of_work()``, which
  takes SQLite's write lock when it begins).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from collections.abc import Callable
from multiprocessing.synchronize import Event
from typing import Any

import sqlalchemy as sa

from bench import world
from servicedesk import RegisterRequest
from servicedesk.adapters.sql.store import SqlStore, SqlUnitOfWork

#: Between two registrations of the writer, in seconds.
PAUSE = 0.05
#: How long the long read runs, in seconds.
READ_SECONDS = 2.0


def writer(url: str, ready: Event, go: Event, stop: Event, results: Any) -> None:
    """Register a request every ``PAUSE`` s from ``go`` to ``stop``; report the waits."""
    desk, store = world.desk_on(url, world.Clock(world.CLOSE_AT))
    desk.handle(RegisterRequest(requester=world.requester("W-0"), need="warm-up"))
    ready.set()
    go.wait(timeout=600)
    waits: list[float] = []
    while not stop.is_set():
        started = time.perf_counter()
        desk.handle(RegisterRequest(requester=world.requester(f"W-{len(waits)}"), need="tap"))
        waits.append(time.perf_counter() - started)
        time.sleep(PAUSE)
    store.close()
    results.put(waits)


def while_writing(url: str, work: Callable[[], int]) -> tuple[int, float]:
    """Run ``work`` while a writer process registers requests: (its count, the longest wait)."""
    context = multiprocessing.get_context("spawn")
    ready, go, stop, results = context.Event(), context.Event(), context.Event(), context.Queue()
    process = context.Process(target=writer, args=(url, ready, go, stop, results))
    process.start()
    ready.wait(timeout=120)
    go.set()
    time.sleep(PAUSE)  # the writer's first registration, before the work begins
    try:
        count = work()
    finally:
        stop.set()
    waits: list[float] = results.get(timeout=600)
    process.join(timeout=60)
    return count, max(waits)


# --- behind a month close ------------------------------------------------------------------------


def baseline_url(url: str) -> str:
    """The copy of the set-up's database the baseline closes."""
    return f"{url.removesuffix('.db')}-baseline.db"


def setup_close_wait(url: str, n: int) -> None:
    """``n`` accounts billed monthly with 10 March charges each, and a copy for the baseline."""
    world.build_close_books(url, n)
    source = sqlite3.connect(sa.make_url(url).database or "")
    target = sqlite3.connect(sa.make_url(baseline_url(url)).database or "")
    source.backup(target)
    target.close()
    source.close()


def run_close_wait(url: str, n: int) -> tuple[int, float]:
    """The close in the desk's default batches."""
    return while_writing(url, lambda: world.close_month(url))


def raw_close_wait(url: str, n: int) -> tuple[int, float]:
    """The same close in one unit of work, on the set-up's copy."""
    copy = baseline_url(url)
    return while_writing(copy, lambda: world.close_month(copy, bulk_batch=None))


# --- behind a long read --------------------------------------------------------------------------


def setup_read_wait(url: str, n: int) -> None:
    """The catalogue and ``n`` open requests to read."""
    desk, store = world.desk_on(url, world.Clock())
    world.prepare_catalogue(desk)
    for number in range(n):
        desk.handle(RegisterRequest(requester=world.requester(f"R-{number}"), need="tap"))
    store.close()


def _read(url: str, opened: Callable[[SqlStore], SqlUnitOfWork]) -> int:
    """Read the open requests again and again for ``READ_SECONDS``, in one unit of work."""
    store = SqlStore(url)
    reads = 0
    with opened(store) as uow:
        started = time.perf_counter()
        while time.perf_counter() - started < READ_SECONDS:
            uow.requests.list_open()
            reads += 1
    store.close()
    return 1 if reads else 0


def run_read_wait(url: str, n: int) -> tuple[int, float]:
    return while_writing(url, lambda: _read(url, SqlStore.reading))


def raw_read_wait(url: str, n: int) -> tuple[int, float]:
    return while_writing(url, lambda: _read(url, SqlStore.unit_of_work))
