"""The instruction count's minimal page builds what the library's page shows (no count is run)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_minimal_requests_page_builds_the_library_pages_views(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    from bench import instructions, reads, world

    from servicedesk import Desk
    from servicedesk.adapters.sql import open_store

    url = f"sqlite:///{tmp_path}/reads.db"
    reads.setup_reads(url, 500)
    store = open_store(url)
    try:
        desk = Desk(store, clock=world.Clock(reads.NOW), entry_points=False)
        page = desk.queries.requests_page(actor=reads.MANAGER)
        minimal = instructions._minimal_requests_page(url)()
    finally:
        store.close()
    assert len(page.items) == 50
    assert list(page.items) == minimal[:50]  # the anchor asks one row more, as the library
    assert all(r.registered_at.tzinfo is world.SHANGHAI for r in minimal)
