"""Body of the OS processes of the hall's queue test (importable by spawned children).

Each process is one window with its clerk on duty: it takes its share of numbers, as
the kiosk would for the applicants arriving at once, then calls the next number at its
window until nobody waits.  It reports what it took and what it called.
"""

from __future__ import annotations

from multiprocessing.synchronize import Barrier
from typing import Any

from contract_billing_worker import Tally

from servicedesk import CallNext, Desk, TakeNumber
from servicedesk.adapters.sql import SqlStore
from servicedesk.testing import hall as h


def window(number: int) -> tuple[str, str]:
    """The window of process ``number`` and its clerk."""
    return (f"W{number}", f"clerk-w{number}")


def take_and_call(url: str, number: int, takes: int, barrier: Barrier, results: Any) -> None:
    store = SqlStore(url, migrate=False)
    desk = Desk(store, clock=lambda: h.MORNING, entry_points=False)
    tally = Tally()
    window_id, clerk = window(number)
    barrier.wait(timeout=60)
    taken = [tally.run(desk, TakeNumber(item_id=h.PROMISED)) for _ in range(takes)]
    called: list[str] = []
    while True:
        found = tally.run(desk, CallNext(window_id=window_id), actor=h.clerk(clerk))
        if found is None:
            break
        called.append(found)
    store.close()
    results.put(tally.report(number, taken=taken, called=called))
