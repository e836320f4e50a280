"""A reader tailing the feed while other processes commit misses nothing and reorders nothing.

Four processes register and triage requests of their own at once; the test's
process reads the feed a small page at a time, from the last position it saw,
while they write.  On a server a transaction that commits later may hold the
smaller ``events.seq``, so a feed by that number would skip it; by the audit
record's number (given at commit), what the tail saw is exactly the feed as
it stands once every writer is done.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import contract_worker
import pytest
from contract_databases import SQL_STORES, scratch
from contract_scenario import desk, published_item

from servicedesk.adapters.sql import SqlStore
from servicedesk.app.feed.ports import FeedEvent

PROCESSES = 4
REQUESTS = 15


@pytest.mark.parametrize("backend", SQL_STORES)
def test_a_tail_read_during_concurrent_commits_is_the_whole_feed_in_order(
    backend: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    with scratch(backend, "tail", tmp_path) as fresh:
        url = fresh.render_as_string(hide_password=False)
        store = SqlStore(fresh)
        d = desk(store)
        published_item(d)
        processes, results = contract_worker.start_registering(url, PROCESSES, REQUESTS)
        tail: list[FeedEvent] = []
        position = None
        reads = 0
        while any(p.is_alive() for p in processes) or reads == 0:
            page = d.events.after(position, 7)
            tail.extend(page.events)
            position = page.position
            reads += 1
        reports = [results.get(timeout=300) for _ in processes]
        for process in processes:
            process.join(timeout=30)
        tail.extend(d.events.since(position, 7))
        whole = list(d.events.since(None, 1000))
        store.close()

    done = sum(r[1] for r in reports)
    assert [o for r in reports for o in r[4]] == []
    registered = [f for f in whole if f.type == "RequestRegistered"]
    out_of_seq = sum(
        1 for a, b in itertools.pairwise(whole) if b.position.offset < a.position.offset
    )
    counts = f"{backend}: {reads} reads of the tail, {out_of_seq} commits below an earlier seq"
    print(counts)
    record_property("feed tail", counts)
    assert len(registered) == done == PROCESSES * REQUESTS
    assert [f.position for f in tail] == [f.position for f in whole]
    assert tail == whole
