"""docs/http.md's curl calls, run as written against a live server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from contract_databases import Databases, wipe
from http_live import Clock, seeded, serving

from servicedesk.adapters.sql import SqlStore
from servicedesk.testing.scenario import SHANGHAI

PAGE = Path(__file__).parents[2] / "docs" / "http.md"
BASH = re.compile(r"^```bash\n(.*?)^```$", re.M | re.S)


def blocks() -> list[str]:
    return BASH.findall(PAGE.read_text(encoding="utf-8").split("## A job over HTTP", 1)[1])


def run(script: str, api: str) -> str:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={**os.environ, "API": api},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done.stdout


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="needs curl and jq")
def test_the_curl_calls_of_the_http_page_run(databases: Databases) -> None:
    job, month_end = blocks()
    store = SqlStore(databases.url("sqlite"), migrate=False)
    clock = Clock()
    try:
        with serving(seeded(store, clock)) as api:
            run(job, api)
            clock.now = datetime(2026, 4, 1, 9, tzinfo=SHANGHAI)  # March is over
            printed = run(month_end, api)
    finally:
        wipe(store)
        store.close()
    assert printed.rstrip().endswith("true")  # the refusal was a problem document
