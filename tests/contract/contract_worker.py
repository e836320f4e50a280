"""The body of one OS process in the concurrency tests (importable by spawned children)."""

from __future__ import annotations

import logging
import multiprocessing
from multiprocessing.synchronize import Barrier
from typing import Any

from servicedesk import Contact, Desk, RecordConsent, RegisterRequest, Requester, TriageRequest
from servicedesk.adapters.sql import SqlStore
from servicedesk.domain.errors import ConcurrencyConflict
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK


class _Retries(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" in record.getMessage():
            self.count += 1


def run(url: str, number: int, commands: int, opened: Barrier, go: Barrier, results: Any) -> None:
    """Record ``commands`` consents on the one shared request; report what happened."""
    retries = _Retries()
    logger = logging.getLogger("servicedesk")
    logger.setLevel(logging.INFO)
    logger.addHandler(retries)
    store = SqlStore(url)  # at the same time as the others: one of them migrates
    desk = Desk(store, entry_points=False)
    opened.wait(timeout=120)
    go.wait(timeout=60)  # the parent has set up the shared request
    done = conflicts = 0
    others: list[str] = []
    for n in range(commands):
        command = RecordConsent(
            request_id="r-1",
            consent_id=f"p{number}-{n}",
            kind="scope_change",
            description="also the bathroom tap",
            evidence=IN_PERSON,
        )
        try:
            desk.handle(command, actor=DESK_CLERK)
            done += 1
        except ConcurrencyConflict:
            conflicts += 1
        except Exception as error:  # reported to the parent, which fails the test
            others.append(f"{type(error).__name__}: {error}")
    store.close()
    results.put((number, done, conflicts, retries.count, others))


def register(url: str, number: int, commands: int, go: Barrier, results: Any) -> None:
    """Register and triage ``commands`` requests of this process's own; report what happened."""
    retries = _Retries()
    logger = logging.getLogger("servicedesk")
    logger.setLevel(logging.INFO)
    logger.addHandler(retries)
    store = SqlStore(url)
    desk = Desk(store, entry_points=False)
    go.wait(timeout=120)
    done = conflicts = 0
    others: list[str] = []
    for n in range(commands):
        requester = Requester(f"Resident {number}", f"{number}-{n}", Contact("13800138000"))
        try:
            request = desk.handle(RegisterRequest(requester=requester, need="the tap drips")).id
            desk.handle(TriageRequest(request_id=request, item_id="tap"))
            done += 1
        except ConcurrencyConflict:
            conflicts += 1
        except Exception as error:  # reported to the parent, which fails the test
            others.append(f"{type(error).__name__}: {error}")
    store.close()
    results.put((number, done, conflicts, retries.count, others))


def register_during_close(url: str, closing: Any, writing: Any, results: Any) -> None:
    """Once the parent's close has committed its first batch, register one request."""
    store = SqlStore(url)
    desk = Desk(store, entry_points=False)
    requester = Requester("Chen", "9-901", Contact("13800138000"))
    closing.wait(timeout=120)
    writing.set()
    outcome = desk.handle(RegisterRequest(request_id="r-during", requester=requester, need="tap"))
    store.close()
    results.put(outcome.id)


def start_registering(url: str, processes: int, requests: int) -> tuple[list[Any], Any]:
    """``processes`` spawned children running ``register``, let go together; and their queue."""
    context = multiprocessing.get_context("spawn")
    go = context.Barrier(processes + 1)
    results = context.Queue()
    started = [
        context.Process(target=register, args=(url, n, requests, go, results))
        for n in range(processes)
    ]
    for process in started:
        process.start()
    go.wait(timeout=120)
    return started, results
