"""Commands per second over HTTP (``servicedesk serve``) against ``Desk.handle`` in one process.

``python -m bench --only http [--db postgresql]``.  Each measurement gets a fresh
database with the intake case's catalogue and 100 accounts (set-up, not timed) and
runs intake's job, its 8 commands from the registration to the confirmed charge,
``n`` times:

- *direct*: ``Desk.handle`` in one process, one job after another, on a desk built
  as the server builds its own (``Desk(SqlStore(url))``);
- *HTTP*: ``servicedesk serve --actor headers --workers W`` (uvicorn) on a free
  port, driven from this process by ``CONCURRENCY`` lanes, each an httpx async
  client of one kept-alive connection running jobs one after another, each job's
  commands one after another (each needs the last one's id).

The load generator reports its own CPU time over the run's wall time as a share of
one core: well below one, it is not what the server waits for.  On SQLite only one worker is run, as
docs/http.md says to (one writer at a time).
"""

from __future__ import annotations

import asyncio
import json
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from bench import world
from bench.databases import fresh_database
from servicedesk import (
    AcceptWork,
    CompleteWork,
    ConfirmCharge,
    Desk,
    DispatchRequest,
    OpenAccount,
    RecordCharge,
    RegisterRequest,
    StartWork,
    TriageRequest,
    convert,
)
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.store import SqlStore
from servicedesk.testing import IN_PERSON

UNITS = 100
#: Jobs the load generator keeps in flight: several per worker, so no worker waits for it.
CONCURRENCY = 32
WORKERS = (1, 4)
CLERK = {"X-Servicedesk-Actor": "clerk", "X-Servicedesk-Roles": "clerk"}
WORKER = {"X-Servicedesk-Actor": "w-1", "X-Servicedesk-Roles": "worker"}
MAIN = "import sys; from servicedesk.cli.main import main; sys.argv[0] = 'servicedesk'; main()"
STARTED = "Application startup complete."


def setup(url: str) -> None:
    """The catalogue and the accounts every job needs, as the intake case has them."""
    desk, store = world.desk_on(url, world.Clock())
    world.prepare_catalogue(desk)
    for unit in range(UNITS):
        desk.handle(OpenAccount(requester=world.requester(f"U{unit}")), actor=world.CLERK)
    store.close()


def requests_written(url: str) -> int:
    """How many requests the database holds: a run that did nothing cannot pass."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        table = t.metadata.tables["service_requests"]
        count = int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    engine.dispose()
    return count


def run_direct(url: str, n: int) -> dict[str, float]:
    store = SqlStore(url)
    desk = Desk(store)
    started = time.perf_counter()
    for job in range(n):
        world.full_job(desk, f"U{job % UNITS}")
    seconds = time.perf_counter() - started
    store.close()
    return {"seconds": seconds, "commands": n * world.COMMANDS_PER_JOB}


def _body(command: Any) -> bytes:
    return orjson.dumps(convert.unstructure(command))


async def _job(client: Any, unit: str) -> int:
    """One job's 8 commands over HTTP, the same commands ``world.full_job`` hands the desk."""

    async def send(command: Any, headers: dict[str, str]) -> Any:
        name = type(command).__name__
        answer = await client.post(f"/commands/{name}", content=_body(command), headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"{name} answered {answer.status_code} {answer.json().get('code')}")
        return answer.json()["id"]

    need = "the tap drips"
    request = await send(RegisterRequest(requester=world.requester(unit), need=need), CLERK)
    await send(TriageRequest(request_id=request, item_id=world.ITEM), CLERK)
    await send(DispatchRequest(request_id=request, worker_id="w-1"), CLERK)
    await send(StartWork(request_id=request), WORKER)
    await send(CompleteWork(request_id=request), WORKER)
    accept = AcceptWork(request_id=request, signed_by="Resident", evidence=IN_PERSON)
    await send(accept, CLERK)
    charge = await send(RecordCharge(request_id=request), CLERK)
    await send(ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON), CLERK)
    return world.COMMANDS_PER_JOB


async def _load(base: str, n: int) -> int:
    import httpx

    jobs = iter(range(n))
    headers = {"Content-Type": "application/json"}

    async def lane() -> int:
        # a client of one connection per lane: httpcore scans its whole pool on every request,
        # which with every lane in one pool cost the load generator more than its requests
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        # plain HTTP: no certificates to load (loading them took longer than a lane's requests)
        async with httpx.AsyncClient(
            base_url=base, limits=limits, headers=headers, timeout=120, verify=False
        ) as client:
            return sum([await _job(client, f"U{job % UNITS}") for job in jobs])

    done = await asyncio.gather(*(lane() for _ in range(CONCURRENCY)))
    return sum(done)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def serving(url: str, workers: int) -> Iterator[str]:
    """``servicedesk serve`` on a free port, once every worker has started; stopped after."""
    port = free_port()
    command = [sys.executable, "-c", MAIN, "serve", "--db", url, "--actor", "headers"]
    command += ["--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    ready = threading.Event()
    log: list[str] = []

    def watch() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            log.append(line)
            if sum(STARTED in seen for seen in log) >= workers:
                ready.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        if not ready.wait(120) or server.poll() is not None:
            raise SystemExit(f"servicedesk serve did not start:\n{''.join(log[-20:])}")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(60)


def run_http(url: str, n: int, workers: int) -> dict[str, float]:
    import httpx  # noqa: F401  (imported before the clock starts, not by the first lane)

    with serving(url, workers) as base:
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        commands = asyncio.run(_load(base, n))
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": seconds, "commands": commands, "client_cpu": cpu}


def child(step: str, n: int, url: str) -> dict[str, float]:
    """One step in a process of its own: ``setup``, ``direct`` or ``http1``/``http4``."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.over_http", step, str(n), url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


@dataclass
class HttpRow:
    n: int
    direct: float
    #: Commands per second by worker count; ``None`` where not run (several workers on SQLite).
    http: dict[int, float | None]
    ratios: dict[int, float | None]
    #: The load generator's busiest CPU share of one core over a run.
    client_busy: float


def measure(n: int, db: str, repeat: int = 1) -> HttpRow:
    """``repeat`` runs of direct, 1 and 4 workers, each on a fresh database: the medians."""
    counts = WORKERS if db != "sqlite" else WORKERS[:1]
    direct: list[float] = []
    http: dict[int, list[float]] = {w: [] for w in counts}
    ratios: dict[int, list[float]] = {w: [] for w in counts}
    busy = 0.0
    for _ in range(repeat):
        rates: dict[str, float] = {}
        for step in ("direct", *(f"http{w}" for w in counts)):
            with fresh_database(db) as url:
                child("setup", n, url)
                result = child(step, n, url)
                written = requests_written(url)
            if written != n or result["commands"] != n * world.COMMANDS_PER_JOB:
                raise SystemExit(f"http at n={n}: {step} wrote {written} requests of {n}")
            rates[step] = result["commands"] / result["seconds"]
            busy = max(busy, result.get("client_cpu", 0.0) / result["seconds"])
        direct.append(rates["direct"])
        for w in counts:
            http[w].append(rates[f"http{w}"])
            ratios[w].append(rates[f"http{w}"] / rates["direct"])
    return HttpRow(
        n,
        statistics.median(direct),
        {w: statistics.median(http[w]) if w in http else None for w in WORKERS},
        {w: statistics.median(ratios[w]) if w in ratios else None for w in WORKERS},
        busy,
    )


def _cell(value: float | None, spec: str, unit: str = "") -> str:
    return "-" if value is None else format(value, spec) + unit


def line(row: HttpRow) -> str:
    parts = [f"  {'http':10} n={row.n:>9,}  direct {row.direct:7.0f}/s"]
    for w in WORKERS:
        rate, ratio = _cell(row.http[w], "7.0f", "/s"), _cell(row.ratios[w], ".2f", "x")
        parts.append(f"{w} worker(s) {rate} {ratio}")
    return "  ".join(parts) + f"  client {row.client_busy:.0%} of a core"


def table(rows: list[HttpRow]) -> str:
    head = "| jobs | commands | direct cmd/s |"
    rule = "|---:|---:|---:|"
    for w in WORKERS:
        head += f" HTTP {w}w cmd/s | {w}w/direct |"
        rule += "---:|---:|"
    lines = [head + " load generator CPU |", rule + "---:|"]
    for r in rows:
        cells = f"| {r.n:,} | {r.n * world.COMMANDS_PER_JOB:,} | {r.direct:.0f} |"
        for w in WORKERS:
            cells += f" {_cell(r.http[w], '.0f')} | {_cell(r.ratios[w], '.2f', 'x')} |"
        lines.append(cells + f" {r.client_busy:.0%} of a core |")
    if any(r.http[w] is None for r in rows for w in WORKERS):
        lines.append("")
        lines.append("- : several workers are run on PostgreSQL only (SQLite has one writer).")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    step, n, url = argv[0], int(argv[1]), argv[2]
    if step == "setup":
        setup(url)
        result: dict[str, float] = {"commands": 0}
    elif step == "direct":
        result = run_direct(url, n)
    else:
        result = run_http(url, n, int(step.removeprefix("http")))
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
