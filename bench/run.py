"""Run the bench: each case at each size, library and raw baseline, then the table and targets.

``python -m bench [--quick] [--full] [--db sqlite|postgresql]``.  The ``http`` case
(``bench/over_http.py``) has a table of its own: commands per second over HTTP against
``Desk.handle``.  Every
measurement runs in a child process of its own (``bench/child.py``) on a fresh
database, so its time and peak memory are its own; set-up is a separate child
and is never timed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import over_http
from bench.cases import CASES
from bench.databases import fresh_database

RESULTS = Path(__file__).parent / "results"

#: Sizes per case: intake counts jobs, close counts charges (10 per account), the others records.
#: The wait cases count charges (close-wait) and open requests read (read-wait).
QUICK = {
    "intake": [20],
    "close": [1_000, 2_000, 4_000],
    "sweep": [500],
    "purge": [500],
    "close-wait": [20_000],
    "read-wait": [100],
    "reads": [500],
    "http": [20],
}
DEFAULT = {
    "intake": [200, 1_000],
    "close": [10_000, 100_000],
    "sweep": [10_000, 100_000],
    "purge": [10_000, 100_000],
    "close-wait": [100_000],
    "read-wait": [1_000],
    "reads": [10_000, 100_000],
    "http": [200],
}
FULL = {
    "intake": [1_000, 10_000],
    "close": [10_000, 100_000, 1_000_000],
    "sweep": [10_000, 100_000],
    "purge": [10_000, 100_000],
    "close-wait": [1_000_000],
    "read-wait": [1_000],
    "reads": [10_000, 1_000_000],
    "http": [1_000],
}
#: The targets: time ratio library/minimal anchor at most this (library/raw where a case
#: has no anchor).
RATIO_TARGETS = {"intake": 3.0, "close": 2.0, "sweep": 2.0, "purge": 2.0}
#: The read paths (bench/reads.py, one row each, named ``reads:<path>``): library/raw at most.
READ_TARGET = 3.0
#: Cases that time several paths, each beside its own raw run: a row per path.
PARTED = ("reads",)
#: Cases that time another process's longest write, in seconds, on SQLite only, at most this.
WAIT_TARGETS = {"close-wait": 1.0, "read-wait": 1.0}
#: The cases whose set-up counts accounts of ``CHARGES_PER_ACCOUNT`` charges, given in charges.
IN_CHARGES = ("close", "close-wait")
PEAK_TARGET_MB = 300.0
SLOPE_TARGET = 1.1
#: "The bulk commands must stream": their peak memory may not grow with N (log-log slope).
FLAT_TARGET = 0.1
STREAMING = ("close", "sweep", "purge")


@dataclass
class Row:
    case: str
    n: int
    library_s: float
    raw_s: float
    library_mb: float
    raw_mb: float
    count: int
    minimal_s: float | None = None

    @property
    def ratio(self) -> float:
        """Library over the raw baseline: the library's own overhead on its layout."""
        return self.library_s / self.raw_s if self.raw_s else math.inf

    @property
    def minimal_ratio(self) -> float | None:
        """Library over the minimal anchor: the overhead and the layout's cost together."""
        if self.minimal_s is None:
            return None
        return self.library_s / self.minimal_s if self.minimal_s else math.inf

    @property
    def target_ratio(self) -> float:
        """The ratio the targets apply to: against the minimal anchor where there is one."""
        return self.ratio if self.minimal_ratio is None else self.minimal_ratio


def child(case: str, step: str, n: int, url: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.child", case, step, str(n), url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def measure_parts(case: str, n: int, db: str, repeat: int = 1) -> list[Row]:
    """A case of several paths: one set-up per run, a row per path (medians over the runs)."""
    runs: list[tuple[dict[str, float], dict[str, float], float, float]] = []
    for _ in range(repeat):
        with fresh_database(db) as url:
            child(case, "setup", n, url)
            library = child(case, "library", n, url)
            raw = child(case, "raw", n, url)
        runs.append((library["parts"], raw["parts"], library["peak_mb"], raw["peak_mb"]))
    return [
        Row(
            f"{case}:{part}",
            n,
            statistics.median(library[part] for library, _r, _lm, _rm in runs),
            statistics.median(raw[part] for _l, raw, _lm, _rm in runs),
            max(lm for _l, _r, lm, _rm in runs),
            max(rm for _l, _r, _lm, rm in runs),
            1,
        )
        for part in runs[0][0]
    ]


def measure(case: str, n: int, db: str, repeat: int = 1) -> Row:
    """``repeat`` runs, each on a fresh database: the median times, the highest peaks.

    A VM's disk and neighbours make one run's time swing by a fifth or more; the
    median of three is what the published tables use (``--repeat 3``).
    """
    # the case's own size unit to the set-up's: close is given in charges, built as accounts
    size = n // 10 if case in IN_CHARGES else n
    has_minimal = CASES[case][3] is not None
    runs: list[tuple[dict[str, float], dict[str, float], float | None]] = []
    for _ in range(repeat):
        with fresh_database(db) as url:
            child(case, "setup", size, url)
            library = child(case, "library", size, url)
            raw = child(case, "raw", size, url)
            minimal = child(case, "minimal", size, url) if has_minimal else None
        for name, other in (("raw baseline", raw), ("minimal anchor", minimal)):
            if other is not None and (library["count"] != other["count"] or not other["count"]):
                raise SystemExit(
                    f"{case} at n={n}: the library did {library['count']}, the {name} "
                    f"{other['count']}; they must do the same work"
                )
        runs.append((library, raw, None if minimal is None else minimal["seconds"]))
    minimal_times = [m for _l, _r, m in runs if m is not None]
    return Row(
        case,
        n,
        statistics.median(library["seconds"] for library, _raw, _m in runs),
        statistics.median(raw["seconds"] for _library, raw, _m in runs),
        max(library["peak_mb"] for library, _raw, _m in runs),
        max(raw["peak_mb"] for _library, raw, _m in runs),
        int(runs[0][0]["count"]),
        statistics.median(minimal_times) if minimal_times else None,
    )


def slope(rows: list[Row], attribute: str) -> float | None:
    """The log-log slope between the two largest sizes: 1.0 is linear growth."""
    if len(rows) < 2:
        return None
    a, b = rows[-2], rows[-1]
    return math.log(getattr(b, attribute) / getattr(a, attribute)) / math.log(b.n / a.n)


def verdicts(rows: list[Row]) -> list[tuple[str, str, bool]]:
    checks: list[tuple[str, str, bool]] = []
    for case, target in RATIO_TARGETS.items():
        mine = [row for row in rows if row.case == case]
        if not mine:
            continue
        largest = mine[-1]
        against = "raw" if largest.minimal_ratio is None else "minimal"
        checks.append(
            (
                f"{case}: library/{against} <= {target:g}x at n={largest.n:,}",
                f"{largest.target_ratio:.1f}x",
                largest.target_ratio <= target,
            )
        )
        if (s := slope(mine, "library_s")) is not None:
            checks.append(
                (
                    f"{case}: time growth {mine[-2].n:,} -> {largest.n:,} slope <= {SLOPE_TARGET}",
                    f"{s:.2f}",
                    s <= SLOPE_TARGET,
                )
            )
    for case in dict.fromkeys(row.case for row in rows if row.case.split(":")[0] in PARTED):
        mine = [row for row in rows if row.case == case]
        largest = mine[-1]
        checks.append(
            (
                f"{case}: library/raw <= {READ_TARGET:g}x at n={largest.n:,}",
                f"{largest.ratio:.1f}x",
                largest.ratio <= READ_TARGET,
            )
        )
    for case, seconds in WAIT_TARGETS.items():
        mine = [row for row in rows if row.case == case]
        if mine:
            checks.append(
                (
                    f"{case}: another process's write waits <= {seconds:g} s at n={mine[-1].n:,}",
                    f"{mine[-1].library_s:.3f} s",
                    mine[-1].library_s <= seconds,
                )
            )
    closes = [row for row in rows if row.case == "close"]
    if closes:
        largest = closes[-1]
        checks.append(
            (
                f"close: peak memory <= {PEAK_TARGET_MB:g} MB at n={largest.n:,} charges",
                f"{largest.library_mb:.0f} MB",
                largest.library_mb <= PEAK_TARGET_MB,
            )
        )
    for case in STREAMING:
        mine = [row for row in rows if row.case == case]
        if (s := slope(mine, "library_mb")) is not None:
            checks.append(
                (
                    f"{case}: peak memory flat as N grows (slope <= {FLAT_TARGET})",
                    f"{s:.2f}",
                    s <= FLAT_TARGET,
                )
            )
    return checks


def secs(value: float, digits: int = 3) -> str:
    """A time as the tables print it: seconds, or milliseconds under a hundredth (a page)."""
    if value < 0.01:
        return f"{value * 1000:.3f} ms"
    return f"{value:.3f}" if value < 10 else f"{value:.{digits}f}"


def times(ratio: float) -> str:
    """A ratio as the tables print it; a small one (a wait cut short) with its digits."""
    return f"{ratio:.1f}x" if ratio >= 0.1 else f"{ratio:.3f}x"


def table(rows: list[Row], checks: list[tuple[str, str, bool]]) -> str:
    lines = [
        "| case | n | library s | raw s | /raw | minimal s | /minimal | library peak MB"
        " | raw peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.case} | {r.n:,} | {secs(r.library_s, 2)} | {secs(r.raw_s)} | {times(r.ratio)}"
        f" | {'-' if r.minimal_s is None else f'{r.minimal_s:.3f}'}"
        f" | {'-' if r.minimal_ratio is None else times(r.minimal_ratio)}"
        f" | {r.library_mb:.0f} | {r.raw_mb:.0f} |"
        for r in rows
    ]
    lines += ["", "| target | measured | verdict |", "|---|---:|---|"]
    lines += [f"| {name} | {value} | {'PASS' if ok else 'FAIL'} |" for name, value, ok in checks]
    return "\n".join(lines)


def read_slopes(rows: list[Row]) -> str:
    """The read paths' growth from the smallest size to the largest (log-log slope)."""
    lines = []
    for case in dict.fromkeys(r.case for r in rows if r.case.split(":")[0] in PARTED):
        mine = [r for r in rows if r.case == case]
        if len(mine) < 2 or not mine[0].library_s or not mine[0].raw_s:
            continue
        a, b = mine[0], mine[-1]
        growth = math.log(b.n / a.n)
        lines.append(
            f"| {case} | {a.n:,} -> {b.n:,} | {math.log(b.library_s / a.library_s) / growth:.2f}"
            f" | {math.log(b.raw_s / a.raw_s) / growth:.2f} |"
        )
    if not lines:
        return ""
    head = "\n\n| read path | sizes | library slope | raw slope |\n|---|---|---:|---:|\n"
    return head + "\n".join(lines)


def plot(rows: list[Row], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (times, memory) = plt.subplots(1, 2, figsize=(11, 4.5))
    for number, case in enumerate(dict.fromkeys(row.case for row in rows)):
        mine = [row for row in rows if row.case == case]
        ns, colour = [row.n for row in mine], f"C{number}"
        times.plot(ns, [r.library_s for r in mine], "o-", color=colour, label=f"{case} (library)")
        times.plot(ns, [r.raw_s for r in mine], "x--", color=colour, label=f"{case} (raw)")
        if all(r.minimal_s is not None for r in mine):
            anchor = [r.minimal_s for r in mine]
            times.plot(ns, anchor, "s:", color=colour, label=f"{case} (minimal)")
        memory.plot(ns, [r.library_mb for r in mine], "o-", color=colour, label=f"{case} (library)")
        memory.plot(ns, [r.raw_mb for r in mine], "x--", color=colour, label=f"{case} (raw)")
    for axis, label in ((times, "seconds"), (memory, "peak resident MB")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("N (jobs, charges or records)")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small sizes, for CI (under a minute)")
    size.add_argument("--full", action="store_true", help="the largest sizes (1M charges): hours")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--only", nargs="*", help="run only these cases")
    parser.add_argument("--no-plot", action="store_true", help="skip the PNG (no matplotlib)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where results are written")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per size, each on a fresh database: medians"
    )
    options = parser.parse_args(argv)
    sizes = QUICK if options.quick else FULL if options.full else DEFAULT
    mode = "quick" if options.quick else "full" if options.full else "default"
    started = time.perf_counter()
    rows: list[Row] = []
    http_rows: list[over_http.HttpRow] = []
    for case, ns in sizes.items():
        if options.only and case not in options.only:
            continue
        if case in WAIT_TARGETS and options.db != "sqlite":
            continue  # a server's writers do not wait for one another's long commands
        if case == "http":
            for n in ns:
                http_rows.append(over_http.measure(n, options.db, options.repeat))
                print(over_http.line(http_rows[-1]), flush=True)
            continue
        for n in ns:
            if case in PARTED:
                for row in measure_parts(case, n, options.db, options.repeat):
                    print(
                        f"  {row.case:28} n={n:>9,}  library {secs(row.library_s):>9}"
                        f"  raw {secs(row.raw_s):>9}  {times(row.ratio):>7}",
                        flush=True,
                    )
                    rows.append(row)
                continue
            row = measure(case, n, options.db, options.repeat)
            anchor = "" if row.minimal_ratio is None else f"  minimal {times(row.minimal_ratio):>7}"
            print(
                f"  {case:10} n={n:>9,}  library {row.library_s:8.2f}s  raw {row.raw_s:7.3f}s"
                f"  {times(row.ratio):>7}{anchor}  peak {row.library_mb:5.0f} MB",
                flush=True,
            )
            rows.append(row)
    checks = verdicts(rows)
    report = table(rows, checks) + read_slopes(rows)
    if http_rows:
        report += "\n\nCommands per second over HTTP against Desk.handle in one process:\n\n"
        report += over_http.table(http_rows)
    cpu = platform.processor() or platform.machine()
    machine = (
        f"{platform.node()}: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    if options.repeat > 1:
        machine += f"; median of {options.repeat} runs"
    print(f"\n{options.db}, {mode} sizes, {machine}\n\n{report}")
    print(f"\nbench took {time.perf_counter() - started:.0f} s")
    options.out.mkdir(parents=True, exist_ok=True)
    stem = f"{options.db}-{mode}"
    (options.out / f"{stem}.md").write_text(f"{options.db}, {mode} sizes, {machine}\n\n{report}\n")
    if not options.no_plot and rows:
        plot(rows, options.out / f"{stem}.png", f"servicedesk bench: {options.db}, {mode} sizes")
    return 1 if options.strict and not all(ok for _, _, ok in checks) else 0
