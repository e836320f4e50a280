"""Revision 0002 on a database with work in it: open requests get their escalation instant."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_databases import SQL_STORES, scratch
from contract_scenario import MONDAY, Clock, desk, published_item, triaged

from servicedesk import convert
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.tables import requests as request_table
from servicedesk.app.complaints.handlers import request_cases
from servicedesk.domain.values import RequestId


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_fills_the_escalation_instant_of_the_open_requests(
    backend: str, tmp_path: Path
) -> None:
    memory = MemoryStore()
    d = desk(memory, Clock(MONDAY))
    published_item(d)
    triaged(d, "r-late")  # urgent: someone on site within the hour
    with memory.unit_of_work() as uow:
        request = uow.requests.get(RequestId("r-late"))
    due = request.next_escalation_at
    assert due is not None

    with scratch(backend, "backfill", tmp_path) as url:
        upgrade(url, "0001")
        engine = make_engine(url)
        c = request_table.table.c
        first_columns = {c.id, c.version, c.document, c.status, c.is_open, c.registered_at}
        values = {
            "id": "r-late",
            "version": request.version,
            "document": convert.unstructure(request),
            "status": request.status.value,
            "is_open": True,
            "registered_at": request.registered_at,
        }
        old = sa.table("service_requests", *(sa.column(x.name, x.type) for x in first_columns))
        with engine.begin() as connection:  # a row as revision 0001 wrote it
            connection.execute(sa.insert(old).values(**values))
        engine.dispose()

        upgrade(url)
        with SqlStore(url, migrate=False) as store, store.unit_of_work() as uow:
            assert request_cases(uow).list_due_for_escalation(due) == []
            found = request_cases(uow).list_due_for_escalation(due + timedelta(microseconds=1))
            assert [r.id.value for r in found] == ["r-late"]
