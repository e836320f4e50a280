"""The body of one OS process in the sweep's concurrency test (importable by spawned children)."""

from __future__ import annotations

from datetime import datetime
from multiprocessing.synchronize import Barrier
from typing import Any

from servicedesk import Desk, EscalateOverdue
from servicedesk.adapters.sql import SqlStore
from servicedesk.domain.errors import ConcurrencyConflict


def sweep(url: str, number: int, at: datetime, batch: int, go: Barrier, results: Any) -> None:
    """Run the sweep at ``at`` in batches of ``batch``, with the others; report what it did."""
    store = SqlStore(url)
    desk = Desk(store, clock=lambda: at, entry_points=False, bulk_batch=batch)
    go.wait(timeout=120)
    escalated, conflicts, others = 0, 0, []
    try:
        escalated = int(desk.handle(EscalateOverdue()).id or 0)
    except ConcurrencyConflict:
        conflicts += 1
    except Exception as error:  # reported to the parent, which fails the test
        others.append(f"{type(error).__name__}: {error}")
    store.close()
    results.put((number, escalated, conflicts, others))
