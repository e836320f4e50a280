"""The statements a command runs on the driver's cursor (adapters/sql/cursor.py).

The fast path must be taken when nobody listens, give back exactly what
SQLAlchemy would (types converted both ways), fail with the same typed errors,
and step aside for an engine someone listens to.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from contract_scenario import CLERK, Clock, desk, published_item

from servicedesk import Contact, RegisterRequest, Requester, StartWork, TriageRequest
from servicedesk.adapters.sql import SqlStore, fixed_statements
from servicedesk.adapters.sql import tables as t
from servicedesk.domain.errors import ConcurrencyConflict, IllegalTransition

RESIDENT = Requester("Chen", "3-502", Contact("13800138000"))


@pytest.fixture
def executes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements that went through ``Connection.execute``."""
    seen: list[str] = []
    original = sa.Connection.execute

    def execute(self: sa.Connection, statement: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(statement))
        return original(self, statement, *args, **kwargs)

    monkeypatch.setattr(sa.Connection, "execute", execute)
    return seen


def test_a_command_on_known_rows_runs_every_statement_on_the_cursor(
    sql_store: SqlStore, executes: list[str]
) -> None:
    d = desk(sql_store, Clock())
    item = published_item(d)
    request = d.handle(RegisterRequest(requester=RESIDENT, need="the tap drips"), actor=CLERK).id
    assert request is not None
    executes.clear()
    # reads the request, the item and the audit head; writes audit, request, events
    outcome = d.handle(TriageRequest(request_id=request, item_id=item), actor=CLERK)
    assert executes == []
    assert outcome.events
    with pytest.raises(IllegalTransition):  # refused after reading the request
        d.handle(StartWork(request_id=request), actor=CLERK)
    assert executes == []
    assert d.queries.request(request).status.value == "triaged"
    assert sql_store.compiled  # compiled once, kept for the next unit of work


def test_values_come_back_as_sqlalchemy_gives_them(sql_store: SqlStore) -> None:
    """Instants (stored in UTC, returned aware), fen and documents, both ways."""
    at = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    row = {
        "id": "c-1",
        "version": 1,
        "document": {"text": "漏水", "n": [1, 2]},
        "request_id": "r-1",
        "account_id": "a-1",
        "confirmed_at": at,
        "billable_at": at,
        "amount": Decimal("30.05"),
    }
    columns = t.charges.table.c
    with sql_store.unit_of_work() as uow:
        uow.run(fixed_statements.insert(t.charges.table), row)
        found = uow.run(fixed_statements.by_id(t.charges.table), {"id": "c-1"}).first()
        assert found is not None
        assert found.document == row["document"]
        assert found.version == 1
        query = sa.select(columns.confirmed_at, columns.amount).where(columns.id == "c-1")
        through_sqlalchemy = uow.execute(query).one()
        assert through_sqlalchemy.confirmed_at == at
        assert through_sqlalchemy.confirmed_at.tzinfo == UTC
        assert through_sqlalchemy.amount == Decimal("30.05")
        uow.rollback()


def test_errors_are_typed_and_the_transaction_keeps_nothing(sql_store: SqlStore) -> None:
    """A number another transaction took: the typed conflict the desk retries."""
    table = t.audit_records
    row = {"seq": 999_999, "hash": "a" * 64, "record": {"n": 1}}
    with sql_store.unit_of_work() as uow:
        uow.run(fixed_statements.insert(table), row)
        uow.commit()
    with sql_store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
        uow.run(fixed_statements.insert(table), {**row, "hash": "b" * 64})
    with sql_store.unit_of_work() as uow:
        assert uow.run(fixed_statements.AUDIT_HEAD, {}).first() == (999_999, "a" * 64)


def test_an_engine_someone_listens_to_sees_every_statement(
    sql_store: SqlStore, executes: list[str]
) -> None:
    seen: list[str] = []

    def listen(_c: Any, _k: Any, statement: str, *_a: Any) -> None:
        seen.append(statement)

    sa.event.listen(sql_store.engine, "before_cursor_execute", listen)
    try:
        with sql_store.unit_of_work() as uow:
            uow.run(fixed_statements.by_id(t.items.table), {"id": "none"})
    finally:
        sa.event.remove(sql_store.engine, "before_cursor_execute", listen)
    assert len(executes) == 1
    assert any("FROM service_items" in s for s in seen)
