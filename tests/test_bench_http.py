"""The bench's http case runs at a tiny size on SQLite and prints its rows (no time is checked)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_http_case_runs_at_a_tiny_size_and_prints_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("uvicorn")
    pytest.importorskip("httpx")
    monkeypatch.syspath_prepend(str(ROOT))
    monkeypatch.chdir(ROOT)  # the bench's steps run as ``python -m bench.over_http``
    from bench import run

    monkeypatch.setitem(run.QUICK, "http", [2])
    assert run.main(["--quick", "--only", "http", "--no-plot", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "http       n=        2  direct" in printed
    assert "1 worker(s)" in printed
    written = (tmp_path / "sqlite-quick.md").read_text()
    assert "| jobs | commands | direct cmd/s | HTTP 1w cmd/s | 1w/direct |" in written
    row = next(line for line in written.splitlines() if line.startswith("| 2 | 16 |"))
    assert row.count("|") == 9  # 8 columns: jobs, commands, direct, 2 per worker count, client
    assert "several workers are run on PostgreSQL only" in written
