"""Revision 0010 on a database with records in it: the paged lists' columns are filled."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_billing import CASHIER, at, billing_desk, confirmed_charge, open_account
from contract_databases import SQL_STORES, scratch
from contract_scenario import Clock, desk

from servicedesk import CloseMonth, Contact, RecordPayment, Requester, RequestFilter, convert
from servicedesk.adapters.memory import MemoryStore, _opened
from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.app.callbacks.commands import PlanCallbacks
from servicedesk.app.complaints.commands import FileComplaint

REVISION = importlib.import_module("servicedesk.adapters.sql.migrations.versions.0010_list_columns")
#: Each table the revision adds to, and the kind its records are kept under in memory.
KINDS = {
    "service_requests": (t.requests, "request"),
    "workers": (t.workers, "worker"),
    "complaints": (t.complaints, "complaint"),
    "callbacks": (t.callbacks, "callback"),
    "accounts": (t.accounts, "account"),
    "statements": (t.statements, "statement"),
    "payments": (t.payments, "payment"),
    "receipts": (t.receipts, "receipt"),
}


def _records() -> MemoryStore:
    """Every kind the lists read, written by a desk on the memory store."""
    memory = MemoryStore()
    clock = Clock(at(3, 2, 9))
    d = billing_desk(memory, clock)
    account = open_account(d, "1-101")
    confirmed_charge(d, "r-1", "1-101")
    complainant = Requester("Chen", "1-101", Contact("13800138000"))
    d.handle(
        FileComplaint(complaint_id="c-1", complainant=complainant, category="fees", description="x")
    )
    clock.now = at(4, 1, 9)
    d.handle(CloseMonth(period="2026-03"))
    d.handle(RecordPayment(account_id=account, amount="10.00"), actor=CASHIER)
    d.handle(PlanCallbacks(month="2026-03", seed="migration"))
    return memory


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_fills_the_columns_the_lists_read(backend: str, tmp_path: Path) -> None:
    memory = _records()
    with scratch(backend, "lists10", tmp_path) as url:
        upgrade(url, "0009")
        engine = make_engine(url)
        expected: dict[str, dict[str, dict[str, object]]] = {}
        with engine.begin() as connection:  # rows as revision 0009 wrote them
            for name, (spec, kind) in KINDS.items():
                added = {column for column, _type, _listing in REVISION.COLUMNS[name]}
                # the columns the table has at 0009: later revisions add others
                present = {c["name"] for c in sa.inspect(connection).get_columns(name)}
                assert not added & present, name  # what 0010 adds is not there yet
                old = [c for c in spec.table.columns if c.name in present]
                table = sa.table(name, *(sa.column(c.name, c.type) for c in old))
                rows = memory.tables[kind]
                assert rows, kind
                expected[name] = {}
                for aggregate_id, (version, sealed) in rows.items():
                    # in plain text, as the versions before sealing wrote it
                    document = _opened(memory, kind, aggregate_id.value, sealed)
                    aggregate = convert.structure(document, spec.cls)
                    projected = spec.projections(aggregate)
                    expected[name][aggregate_id.value] = projected
                    values = {k: v for k, v in projected.items() if k in present}
                    connection.execute(
                        sa.insert(table).values(
                            id=aggregate_id.value, version=version, document=document, **values
                        )
                    )
        engine.dispose()

        upgrade(url)
        with SqlStore(url, migrate=False) as store:
            with store.engine.connect() as connection:
                for name, (spec, _kind) in KINDS.items():
                    for row in connection.execute(sa.select(spec.table)):
                        wanted = expected[name][row.id]
                        assert {k: row._mapping[k] for k in wanted} == wanted, name
            found = desk(store).queries.requests_page(RequestFilter(unit="1-101"))
            assert [row.id.value for row in found.items] == ["r-1"]
