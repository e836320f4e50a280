"""Suite-wide fixtures and hooks (the controller of ``pytest -n`` loads only this conftest).

The fixtures give a desk on the memory store with a clock the test moves.
"""

from __future__ import annotations

import pytest

from servicedesk import Desk
from servicedesk.adapters.memory import MemoryStore
from support import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def desk(store: MemoryStore, clock: Clock) -> Desk:
    return Desk(store, clock=clock, entry_points=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The counts of the concurrency tests, visible without ``-s`` (and with xdist)."""
    lines = [
        str(value)
        for report in terminalreporter.stats.get("passed", [])
        for name, value in getattr(report, "user_properties", ())
        if name == "concurrency"
    ]
    if lines:
        terminalreporter.write_sep("-", "concurrency")
        for line in sorted(lines):
            terminalreporter.write_line(line)
