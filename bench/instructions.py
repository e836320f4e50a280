"""The read paths counted in instructions, not seconds: ``python -m bench.instructions``.

On a shared machine a page's time moves by half between runs; the instructions
a path runs hardly do (``valgrind --tool=callgrind`` counts them, the same within
1% run after run).  Each path of ``bench/reads.py`` is run
in a child under callgrind, with instrumentation off through the imports and
the warm-up, then on for ``--times`` runs of the path; the raw side replays the
statements the library ran, with the driver alone, as ``bench.reads`` does.
Both counts include SQLite's own work (it runs in the process): the ratio is
what the library adds to the same SQL, counted.  SQLite only: a server's work
is in another process, which callgrind does not see.

    python -m bench.instructions [--n 10000] [--times 100] [--only page:requests ...]
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

WARM = 20


def _child(mode: str, name: str, times: int, url: str, gate: Path) -> None:
    """Warm ``name`` up, wait at the gate while the parent turns counting on, run it."""
    from bench import reads, world

    once: Callable[[], object]
    if mode == "library":
        from servicedesk import Desk
        from servicedesk.adapters.sql import open_store

        desk = Desk(open_store(url), clock=world.Clock(reads.NOW), entry_points=False)
        path = reads.PATHS[name]

        def once() -> object:
            return path(desk)

    elif mode == "minimal":
        once = _minimal_requests_page(url)
    else:
        from bench.raw import Raw

        statements = pickle.loads(reads._statements_file(url).read_bytes())[name]
        raw = Raw(url)

        def once() -> object:
            reads.replay(raw, statements)
            return None

    for _ in range(WARM):
        once()
    (gate / "ready").touch()
    while not (gate / "go").exists():
        time.sleep(0.01)
    for _ in range(times):
        once()
    os._exit(0)  # the interpreter's shutdown is not the path's


def _minimal_requests_page(url: str) -> Callable[[], object]:
    """``page:requests`` as a competent engineer writes it on the driver: the same SQL in a
    read transaction, each row straight into the same typed view (``RequestRow``), its
    times in the zone, with no door, permission, hooks, pool or cursor token."""
    import sqlite3
    from datetime import datetime
    from decimal import Decimal

    from bench import reads, world
    from servicedesk.app.requests.lists import RequestRow
    from servicedesk.domain.money import DEFAULT_CURRENCY, Money
    from servicedesk.domain.requests import Channel, Status, Urgency
    from servicedesk.domain.values import ItemId, RequestId, WorkerId

    [(sql, parameters)] = pickle.loads(reads._statements_file(url).read_bytes())["page:requests"]
    connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    zone, now, parse = world.SHANGHAI, reads.NOW, datetime.fromisoformat
    statuses, channels = Status._value2member_map_, Channel._value2member_map_
    urgencies = Urgency._value2member_map_

    def page() -> list[RequestRow]:
        connection.execute("BEGIN")
        rows = connection.execute(sql, parameters).fetchall()
        connection.execute("ROLLBACK")
        found = []
        for row_id, status, _open, channel, urgency, registered, unit, _key, *rest in rows:
            item, worker, due, price = rest
            deadline = None if due is None else parse(due + "+00:00").astimezone(zone)
            found.append(
                RequestRow(
                    RequestId.stored(row_id),
                    statuses[status],  # type: ignore[arg-type]
                    channels[channel],  # type: ignore[arg-type]
                    urgencies[urgency],  # type: ignore[arg-type]
                    parse(registered + "+00:00").astimezone(zone),
                    unit,
                    None if item is None else ItemId.stored(item),
                    None if worker is None else WorkerId.stored(worker),
                    deadline,
                    deadline is not None and deadline < now,
                    None
                    if price is None
                    else Money.stored(Decimal(price).scaleb(-2), DEFAULT_CURRENCY),
                )
            )
        return found

    return page


def count(mode: str, name: str, times: int, url: str) -> int:
    """Instructions one run of ``name`` takes on the ``mode`` side (library or raw)."""
    with tempfile.TemporaryDirectory() as scratch:
        gate, out = Path(scratch), Path(scratch) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.instructions",
            "--child",
            mode,
            name,
            str(times),
            url,
            str(gate),
        ]
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while not (gate / "ready").exists():
            if child.poll() is not None:
                raise SystemExit(f"{mode} {name} ended early: {child.stderr.read()!r}")  # type: ignore[union-attr]
            time.sleep(0.05)
        subprocess.run(
            ["callgrind_control", "--instr=on", str(child.pid)],
            check=True,
            capture_output=True,
        )
        (gate / "go").touch()
        child.wait()
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1]) // times
    raise SystemExit(f"no count in callgrind's output for {mode} {name}")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        _child(argv[1], argv[2], int(argv[3]), argv[4], Path(argv[5]))
        return
    from bench import reads

    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="requests in the database")
    parser.add_argument("--times", type=int, default=100, help="runs of each path counted")
    parser.add_argument("--only", nargs="*", help="these paths only (names of reads.PATHS)")
    args = parser.parse_args(argv)
    names = args.only or list(reads.PATHS)
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/reads.db"
        reads.setup_reads(url, args.n)
        jobs = [(mode, name) for name in names for mode in ("library", "raw")]
        if "page:requests" in names:
            jobs.append(("minimal", "page:requests"))
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            counts = dict(
                zip(
                    jobs,
                    pool.map(lambda job: count(job[0], job[1], args.times, url), jobs),
                    strict=True,
                )
            )
    print(f"sqlite, n={args.n:,}, instructions per run of each path ({args.times} runs)\n")
    print("| path | library | raw | /raw | minimal | /minimal | minimal/raw |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in names:
        library, raw = counts["library", name], counts["raw", name]
        line = f"| {name} | {library:,} | {raw:,} | {library / raw:.1f}x |"
        minimal = counts.get(("minimal", name))
        if minimal is None:
            print(f"{line} - | - | - |")
        else:
            print(f"{line} {minimal:,} | {library / minimal:.1f}x | {minimal / raw:.1f}x |")


if __name__ == "__main__":
    main(sys.argv[1:])
