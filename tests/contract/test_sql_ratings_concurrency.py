"""Six OS processes rate the same job at once, on PostgreSQL, MariaDB and SQLite.

The same requester, from six devices at once: exactly one rating is stored, the other five
are refused because the service is rated already (the unique key on the service makes
the late ones conflict at commit; the desk retries them and they find the first rating),
and the month counts one rating (rule ratings.once-per-service).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from typing import Any

import contract_ratings_worker as workers
from contract_ratings import MANAGER, accepted_jobs
from contract_scenario import Clock

from servicedesk.adapters.sql import SqlStore
from servicedesk.domain.ratings import RatingId

PROCESSES = 6


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["contract_ratings_worker"])
    return context


def test_six_processes_rate_one_job_and_exactly_one_rating_is_stored(
    sql_store: SqlStore, record_property: Callable[[str, object], None]
) -> None:
    clock = Clock()
    d = accepted_jobs(sql_store, clock, "r-1")
    now = clock.advance(hours=1)
    url = sql_store.url.render_as_string(hide_password=False)
    context = _context()
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(target=workers.rate, args=(url, n, now, barrier, results))
        for n in range(PROCESSES)
    ]
    started = time.monotonic()
    for process in processes:
        process.start()
    reports = [results.get(timeout=180) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    elapsed = time.monotonic() - started

    stored = [r[5]["stored"] for r in reports if r[5]["stored"] is not None]
    refused = [name for r in reports for name in r[2]]
    others = [o for r in reports for o in r[4]]
    retries = sum(r[5]["retries"] for r in reports)
    counts = (
        f"{sql_store.url.get_backend_name()}: {PROCESSES} processes rate one job: "
        f"{len(stored)} stored, {len(refused)} refused, {retries} retries by the desk, "
        f"{elapsed:.1f}s"
    )
    print(counts)
    record_property("concurrency", counts)
    assert others == []
    assert all(p.exitcode == 0 for p in processes)
    assert stored == ["job:r-1"]
    assert refused == ["IllegalTransition"] * (PROCESSES - 1)
    report = d.ratings.report("2026-03", actor=MANAGER)
    assert report.total.total == 1
    with sql_store.reading() as uow:
        history = uow.events.history("rating", RatingId("job:r-1"))
    assert [type(e).__name__ for e in history][:1] == ["RatingGiven"]
    assert sum(type(e).__name__ == "RatingGiven" for e in history) == 1
