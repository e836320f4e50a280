"""Writers of different records never refuse each other: eight processes, no conflict.

Each process registers and triages requests of its own.  They share nothing but the
audit chain, which each commit extends last, holding the chain's head only for that
step; so no command is refused, every record is chained once, in order, and the
chain verifies.  SQLite writes one transaction at a time by design and is run too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import contract_worker
import pytest
from contract_databases import SQL_STORES, scratch
from contract_scenario import desk, published_item

from servicedesk.adapters.sql import SqlStore

PROCESSES = 8
REQUESTS = 10


@pytest.mark.parametrize("backend", SQL_STORES)
def test_eight_processes_working_unrelated_requests_are_never_refused(
    backend: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    with scratch(backend, "unrelated", tmp_path) as fresh:
        url = fresh.render_as_string(hide_password=False)
        store = SqlStore(fresh)
        d = desk(store)
        published_item(d)
        processes, results = contract_worker.start_registering(url, PROCESSES, REQUESTS)
        started = time.monotonic()
        reports = [results.get(timeout=300) for _ in processes]
        elapsed = time.monotonic() - started
        for process in processes:
            process.join(timeout=30)
        verdict = d.records.verify()
        trail = d.records.trail()
        store.close()

    done = sum(r[1] for r in reports)
    conflicts = sum(r[2] for r in reports)
    retries = sum(r[3] for r in reports)
    others = [o for r in reports for o in r[4]]
    counts = (
        f"{backend}: {PROCESSES} processes x {REQUESTS} unrelated requests registered and "
        f"triaged: {done} done, {conflicts} refused, {retries} desk retries, "
        f"{2 * done / elapsed:.0f} commands/s"
    )
    print(counts)
    record_property("concurrency", counts)
    assert others == []
    assert conflicts == 0
    assert done == PROCESSES * REQUESTS
    assert verdict.ok
    assert [r.seq for r in trail] == list(range(1, len(trail) + 1))
    assert sum(r.command == "RegisterRequest" for r in trail) == done
    assert all(p.exitcode == 0 for p in processes)
