"""Body of the OS processes of the roster test (importable by spawned children).

Each process is a clerk rostering the same member of staff for the same day, in shifts that
overlap one another and the other clerks' (a file nobody opened yet, so they also race to
open it).  It reports the shifts it got stored and the refusals.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier
from typing import Any

from contract_billing_worker import Tally

from servicedesk import Actor, ActorId, Desk, Role, RosterShift
from servicedesk.adapters.sql import SqlStore

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
DAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
SLOTS = 5


def slot(number: int, k: int) -> RosterShift:
    """Slot ``k`` of process ``number``: four hours from ``DAY + 3k`` hours (neighbours
    overlap), shifted by the process so that every process's slots clash with the others'."""
    start = DAY + timedelta(hours=3 * k, minutes=number)
    return RosterShift(
        staff_id="li", start=start, end=start + timedelta(hours=4), shift_id=f"p{number}-{k}"
    )


def roster(url: str, number: int, barrier: Barrier, results: Any) -> None:
    store = SqlStore(url, migrate=False)
    desk = Desk(store, clock=lambda: NOW, entry_points=False)
    clerk = Actor(ActorId(f"asst-{number}"), "Assistant", {Role.ASSISTANT})
    tally = Tally()
    barrier.wait(timeout=60)
    stored = [tally.run(desk, slot(number, k), actor=clerk) for k in range(SLOTS)]
    store.close()
    results.put(tally.report(number, stored=[s for s in stored if s is not None]))
