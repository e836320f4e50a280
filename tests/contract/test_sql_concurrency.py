"""Several OS processes write the same request: no update is lost.

Eight spawned processes each record consents on one request at once.  Every
command either succeeds, or fails with the typed ``ConcurrencyConflict`` once
the desk's bounded retries are spent; the request ends with exactly one
consent (and one event) per successful command.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable

import concurrency_worker
import pytest
from scenario import desk, published_item, triaged, worker

from servicedesk import DispatchRequest
from servicedesk.adapters.sql import SqlStore
from servicedesk.domain.values import RequestId

PROCESSES = 8
COMMANDS = 5


def test_no_lost_update_across_processes(
    sql_store: SqlStore,
    record_property: Callable[[str, object], None],
    request: pytest.FixtureRequest,
) -> None:
    d = desk(sql_store)
    published_item(d)
    worker(d)
    triaged(d, "r-1")
    d.handle(DispatchRequest(request_id="r-1", worker_id="w-1"))
    url = sql_store.url.render_as_string(hide_password=False)

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    processes = [
        context.Process(target=concurrency_worker.run, args=(url, n, COMMANDS, barrier, results))
        for n in range(PROCESSES)
    ]
    started = time.monotonic()
    for process in processes:
        process.start()
    reports = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    elapsed = time.monotonic() - started

    done = sum(r[1] for r in reports)
    conflicts = sum(r[2] for r in reports)
    retries = sum(r[3] for r in reports)
    others = [o for r in reports for o in r[4]]
    with sql_store.unit_of_work() as uow:
        shared = uow.requests.get(RequestId("r-1"))
        history = uow.events.history("request", RequestId("r-1"))
    backend = request.node.callspec.params["sql_store"]
    counts = (
        f"{backend}: {PROCESSES} processes x {COMMANDS} consents: "
        f"{done} stored, {conflicts} refused as conflicts after retries, "
        f"{retries} retries, consents on the request: {len(shared.consents)}, "
        f"version {shared.version}, {elapsed:.1f}s"
    )
    print(counts)
    record_property("concurrency", counts)  # shown in the summary, also under xdist
    assert others == []
    assert done + conflicts == PROCESSES * COMMANDS
    assert len(shared.consents) == done
    assert [e for e in history if type(e).__name__ == "ConsentRecorded"] == history[3:]
    assert len(history) == 3 + done
    assert shared.version == 3 + done
    assert all(p.exitcode == 0 for p in processes)
