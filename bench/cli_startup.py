"""How long the command line takes to answer ``--version`` and ``--help``.

    python -m bench.cli_startup [SRC ...]

Runs each command 15 times in a fresh interpreter with ``PYTHONPATH`` set to each
``SRC`` (default: this checkout's ``src``) and prints the median wall time and the
median CPU time of the child (user + system), so a checkout before and after a
change can be compared with the same interpreter; on a machine shared with other
work the CPU time is the steadier of the two.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15
COMMANDS = (["--version"], ["--help"], ["request", "--help"])
MAIN = "import sys; from servicedesk.cli.main import main; sys.argv[0] = 'servicedesk'; main()"


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def median_seconds(src: str, args: list[str]) -> tuple[float, float]:
    """The median wall time and the median CPU time of the command, in seconds."""
    env = dict(os.environ, PYTHONPATH=src, LANG="C.UTF-8")
    walls, cpus = [], []
    for _ in range(RUNS):
        start, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(
            [sys.executable, "-c", MAIN, *args], env=env, capture_output=True, check=True
        )
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main(sources: list[str]) -> None:
    for src in sources or [str(Path(__file__).resolve().parent.parent / "src")]:
        for args in COMMANDS:
            wall, cpu = median_seconds(src, args)
            print(f"{src}  servicedesk {' '.join(args)}: {wall:.3f} s wall, {cpu:.3f} s CPU")


if __name__ == "__main__":
    main(sys.argv[1:])
