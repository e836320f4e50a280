"""One measurement in its own process, so its peak memory is its own.

``python -m bench.child CASE STEP N URL`` runs ``setup``, ``library`` or
``raw`` or ``minimal`` of CASE and prints one JSON line: seconds, peak resident memory (MB)
and the count the step returned.  A step that measures something else than its
own time (how long another process waited) returns its count and those seconds.
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import time

import sqlalchemy as sa

from bench.cases import CASES

STEPS = {"setup": 0, "library": 1, "raw": 2, "minimal": 3}


def main(argv: list[str]) -> None:
    case, step, n, url = argv[0], argv[1], int(argv[2]), argv[3]
    function = CASES[case][STEPS[step]]
    assert function is not None, f"{case} has no {step} step"
    if step != "setup":
        checkpoint(url)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    result = function(url, n)
    seconds = time.perf_counter() - started
    parts = None
    if isinstance(result, tuple):
        result, seconds = result
    elif isinstance(result, dict):  # a case of several paths: their own times, and the sum
        result, seconds, parts = result["count"], result["seconds"], result["parts"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = {"seconds": seconds, "peak_mb": peak, "start_mb": before, "count": result}
    if parts is not None:
        line["parts"] = parts
    print(json.dumps(line))


def checkpoint(url: str) -> None:
    """SQLite: the steps before this one moved out of the WAL, so no step pays for another's."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        connection = sqlite3.connect(parsed.database)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()


if __name__ == "__main__":
    main(sys.argv[1:])
