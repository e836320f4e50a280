"""How long the command line takes to answer ``--version`` and ``--help``.

    python -m bench.cli_startup [SRC ...]

Runs each command 15 times in a fresh interpreter with ``PYTHONPATH`` set to each
``SRC`` (default: this checkout's ``src``) and prints the median wall time, so a
checkout before and after a change can be compared with the same interpreter.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15
COMMANDS = (["--version"], ["--help"], ["request", "--help"])
MAIN = "import sys; from servicedesk.cli.main import main; sys.argv[0] = 'servicedesk'; main()"


def median_seconds(src: str, args: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=src, LANG="C.UTF-8")
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", MAIN, *args], env=env, capture_output=True, check=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(sources: list[str]) -> None:
    for src in sources or [str(Path(__file__).resolve().parent.parent / "src")]:
        for args in COMMANDS:
            print(f"{src}  servicedesk {' '.join(args)}: {median_seconds(src, args):.3f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
