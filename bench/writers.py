"""Many writers of unrelated records: commands per second with 1, 2, 4 and 8 processes.

``python -m bench.writers [--db postgresql|mariadb|sqlite] [--requests N]``.  Each
process registers and triages ``N`` requests of its own (two commands each) on one
fresh database; the table gives, per number of processes, the commands done and
refused, the commands per second over the whole run, and the ratio to one process.
The target: two processes do at least 1.5 times the work of one (a 2-core machine).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import time
from multiprocessing.synchronize import Barrier
from typing import Any

from bench.databases import fresh_database
from servicedesk import (
    Actor,
    ActorId,
    ApproveFee,
    ConcurrencyConflict,
    Contact,
    Desk,
    FeeStandard,
    Money,
    ProposeItem,
    RegisterRequest,
    Requester,
    Role,
    TriageRequest,
)
from servicedesk.adapters.sql import SqlStore

COUNTS = (1, 2, 4, 8)


def writer(url: str, number: int, requests: int, go: Barrier, results: Any) -> None:
    """One process: register and triage ``requests`` requests; report done and refused."""
    logging.getLogger("servicedesk").setLevel(logging.WARNING)
    store = SqlStore(url)
    desk = Desk(store, entry_points=False)
    go.wait(timeout=120)
    done = refused = 0
    for n in range(requests):
        requester = Requester(f"Resident {number}", f"{number}-{n}", Contact("13800138000"))
        try:
            request = desk.handle(RegisterRequest(requester=requester, need="the tap drips")).id
            desk.handle(TriageRequest(request_id=request, item_id="tap"))
            done += 2
        except ConcurrencyConflict:
            refused += 1
    store.close()
    results.put((done, refused))


def measure(kind: str, processes: int, requests: int) -> tuple[int, int, float]:
    with fresh_database(kind) as url:
        store = SqlStore(url)
        desk = Desk(store, entry_points=False)
        desk.handle(
            ProposeItem(
                item_id="tap",
                name="Tap",
                category="plumbing",
                fee=FeeStandard.fixed(Money.of("30")),
            )
        )
        for role in (Role.CENTRE_MANAGER, Role.BRANCH_MANAGER):
            approver = Actor(ActorId(f"m-{role}"), "Manager", {role})
            desk.handle(ApproveFee(item_id="tap", role=role), actor=approver)
        store.close()
        context = multiprocessing.get_context("spawn")
        go = context.Barrier(processes + 1)
        results = context.Queue()
        children = [
            context.Process(target=writer, args=(url, n, requests, go, results))
            for n in range(processes)
        ]
        for child in children:
            child.start()
        go.wait(timeout=120)
        started = time.perf_counter()
        reports = [results.get(timeout=600) for _ in children]
        elapsed = time.perf_counter() - started
        for child in children:
            child.join(timeout=60)
    return sum(r[0] for r in reports), sum(r[1] for r in reports), elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.writers", description=__doc__)
    parser.add_argument("--db", choices=["postgresql", "mariadb", "sqlite"], default="postgresql")
    parser.add_argument("--requests", type=int, default=100, help="requests per process")
    args = parser.parse_args(argv)
    print(f"{args.db}: each process registers and triages {args.requests} requests of its own")
    print("| processes | commands done | refused | commands/s | vs 1 process |")
    print("|---|---|---|---|---|")
    base = None
    for processes in COUNTS:
        done, refused, elapsed = measure(args.db, processes, args.requests)
        rate = done / elapsed
        base = base or rate
        print(f"| {processes} | {done} | {refused} | {rate:.0f} | {rate / base:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
