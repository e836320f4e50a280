"""The request queries are index searches in SQL, not scans (SQLite's query plans)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from contract_scenario import MONDAY

from servicedesk.adapters.sql import open_store
from servicedesk.app.requests.ports import RequestRepository


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (lambda r: r.list_open(), "ix_service_requests_is_open_registered_at_id"),
        (lambda r: r.list_overdue(MONDAY), "ix_service_requests_deadline_due"),
        (lambda r: r.list_due_for_dispatch(MONDAY), "ix_service_requests_dispatch_due"),
        (lambda r: r.open_orders_by_worker(), "ix_service_requests_"),
    ],
)
def test_request_queries_search_an_index(tmp_path: Path, query: Any, index: str) -> None:
    store = open_store(tmp_path / "plans.db")
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT") and "service_requests" in statement:
            seen.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", capture)
    with store.unit_of_work() as uow:
        repository: RequestRepository = uow.requests
        query(repository)
    sa.event.remove(store.engine, "before_cursor_execute", capture)
    assert len(seen) == 1
    statement, parameters = seen[0]
    with store.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    details = " ".join(str(row[-1]) for row in plan)
    assert f"USING INDEX {index}" in details or f"USING COVERING INDEX {index}" in details
    assert "SCAN service_requests" not in details
    store.close()
