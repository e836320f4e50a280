"""Suite-wide hooks (the controller of ``pytest -n`` loads only this conftest)."""

from __future__ import annotations

import pytest


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
