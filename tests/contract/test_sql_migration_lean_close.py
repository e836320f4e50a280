"""Revision 0011 on a database with books in it: one link per charge, lines once per statement.

Before it, a billed charge was linked twice (``charges.statement_id`` and a
``statement_charges`` row) and copied the link into its document, and a statement
copied its lines from its ``StatementIssued`` event; afterwards the column and the
event are all there is, and loading gives the same records.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_databases import SQL_STORES, scratch

from servicedesk import convert
from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.tables import charges, events, statements
from servicedesk.domain.billing import AccountId, BillingMode, ChargeId, Period, StatementId
from servicedesk.domain.charges import Charge, ChargeBilled, LineKind, LineSpec
from servicedesk.domain.money import Money, Rounding
from servicedesk.domain.statements import Statement, StatementLine, StatementLineKind
from servicedesk.domain.values import ItemId, RequestId

AT = datetime(2026, 4, 1, 2, tzinfo=UTC)
SID = StatementId("a-1:2026-03")


def _billed_charge(number: int) -> Charge:
    charge = Charge.open(
        ChargeId(f"r-{number}:1"),
        request_id=RequestId(f"r-{number}"),
        account_id=AccountId("a-1"),
        item_id=ItemId("tap"),
        currency="CNY",
    )
    spec = LineSpec(LineKind.SERVICE, "Service fee", Decimal(1), Money.of("30.00"))
    charge.record((spec,), extras=(), rounding=Rounding.HALF_UP, needs_estimate=False, at=AT)
    charge.confirm(signed_by="Resident", mode=BillingMode.ON_ACCOUNT, at=AT)
    charge.apply(ChargeBilled(at=AT, charge_id=charge.id, statement_id=SID))  # as closes did
    return charge


def _statement(billed: list[Charge]) -> Statement:
    lines = tuple(
        StatementLine(StatementLineKind.CHARGE, c.id.value, f"Request {c.request_id}", c.total)  # type: ignore[arg-type]
        for c in billed
    )
    return Statement.issue(
        AccountId("a-1"),
        Period(2026, 3),
        currency="CNY",
        lines=lines,
        due=datetime(2026, 4, 16, tzinfo=UTC),
        at=AT,
    )


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns))


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_keeps_one_link_per_charge_and_the_lines_once(
    backend: str, tmp_path: Path
) -> None:
    billed = [_billed_charge(1), _billed_charge(2)]
    statement = _statement(billed)
    with scratch(backend, "lean_close", tmp_path) as url:
        upgrade(url, "0009")
        engine = make_engine(url)
        document = statements.table.c.document.type
        with engine.begin() as connection:
            for n, charge in enumerate(billed):
                # the first charge linked only by the link table, as a race could leave it
                column = None if n == 0 else SID.value
                connection.execute(
                    sa.insert(charges.table).values(
                        id=charge.id.value,
                        version=4,
                        document=convert.unstructure(charge),
                        account_id="a-1",
                        request_id=charge.request_id.value,
                        statement_id=column,
                        amount=Decimal("30.00"),
                    )
                )
                connection.execute(
                    sa.insert(_table("statement_charges", "charge_id", "statement_id")).values(
                        charge_id=charge.id.value, statement_id=SID.value
                    )
                )
            connection.execute(
                sa.insert(statements.table).values(
                    id=SID.value,
                    version=1,
                    document=convert.unstructure(statement),
                    account_id="a-1",
                    period="2026-03",
                    status="open",
                )
            )
            issued = statement.events[0]
            connection.execute(
                sa.insert(events).values(
                    stream="statement",
                    aggregate_id=SID.value,
                    version=1,
                    type="StatementIssued",
                    at=AT,
                    document=convert.unstructure(issued),
                )
            )
        upgrade(url)
        with engine.connect() as connection:
            links = connection.execute(sa.select(charges.table.c.statement_id)).scalars().all()
            charge_documents = connection.execute(sa.select(charges.table.c.document)).all()
            statement_document = connection.execute(
                sa.select(sa.type_coerce(statements.table.c.document, document))
            ).scalar_one()
            tables = sa.inspect(connection).get_table_names()
        engine.dispose()
        store = SqlStore(url)
        with store.reading() as uow:
            loaded = uow.statements.get(SID)
            loaded_charges = uow.charges.for_account(AccountId("a-1"))
        store.engine.dispose()
    assert links == [SID.value, SID.value]
    assert all("statement_id" not in row.document for row in charge_documents)
    assert "lines" not in statement_document
    assert "statement_charges" not in tables
    assert loaded.lines == statement.lines
    assert [c.statement_id for c in loaded_charges] == [SID, SID]
