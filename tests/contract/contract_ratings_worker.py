"""Body of the OS processes of the ratings race (importable by spawned children).

Each process is the same requester rating the same job at once, from another device (the
SMS link, the app, the window's code...): it reports whether its rating was stored, or
refused and why.
"""

from __future__ import annotations

from datetime import datetime
from multiprocessing.synchronize import Barrier
from typing import Any

from contract_billing_worker import Tally

from servicedesk import Actor, Desk, GiveRating
from servicedesk.adapters.sql import SqlStore

CHANNELS = ("app", "sms_link", "qr_code", "in_person", "app", "sms_link")
LEVELS = ("very_satisfied", "satisfied", "dissatisfied", "basically_satisfied")


def rate(url: str, number: int, now: datetime, barrier: Barrier, results: Any) -> None:
    store = SqlStore(url, migrate=False)
    desk = Desk(store, clock=lambda: now, entry_points=False)
    tally = Tally()
    chen = Actor.requester("app-chen", "Chen", acts_for={"r-1"})
    command = GiveRating(
        request_id="r-1",
        level=LEVELS[number % len(LEVELS)],
        channel=CHANNELS[number % len(CHANNELS)],
    )
    barrier.wait(timeout=60)
    stored = tally.run(desk, command, actor=chen)
    store.close()
    results.put(tally.report(number, stored=stored))
