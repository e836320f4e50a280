"""One measurement in its own process, so its peak memory is its own.

``python -m bench.child CASE STEP N URL`` runs ``setup``, ``library`` or
``raw`` or ``minimal`` of CASE and prints one JSON line: seconds, peak resident memory (MB)
and the count the step returned.  A step that measures something else than its
own time (how long another process waited) returns its count and those seconds.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from bench.cases import CASES

STEPS = {"setup": 0, "library": 1, "raw": 2, "minimal": 3}


def main(argv: list[str]) -> None:
    case, step, n, url = argv[0], argv[1], int(argv[2]), argv[3]
    function = CASES[case][STEPS[step]]
    assert function is not None, f"{case} has no {step} step"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    result = function(url, n)
    seconds = time.perf_counter() - started
    if isinstance(result, tuple):
        result, seconds = result
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "start_mb": before, "count": result}))


if __name__ == "__main__":
    main(sys.argv[1:])
