"""Revision 0005 on a database with books in it: charges get their amount, statements their status.

The bulk close sums ``charges.amount`` and sends accounts with a statement in
``credit`` through the domain; rows written before the revision must say the
same as their documents, or a credit would be lost and a total wrong.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_databases import SQL_STORES, scratch

from servicedesk import convert
from servicedesk.adapters.sql import upgrade
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.tables import charges, statements
from servicedesk.domain.billing import AccountId, BillingMode, ChargeId, Period
from servicedesk.domain.charges import Charge, LineKind, LineSpec
from servicedesk.domain.money import Money, Rounding
from servicedesk.domain.statements import Statement, StatementLine, StatementLineKind
from servicedesk.domain.values import ItemId, RequestId

AT = datetime(2026, 3, 2, 2, tzinfo=UTC)


def _charge() -> Charge:
    charge = Charge.open(
        ChargeId("r-1:1"),
        request_id=RequestId("r-1"),
        account_id=AccountId("a-1"),
        item_id=ItemId("tap"),
        currency="CNY",
    )
    spec = LineSpec(LineKind.SERVICE, "Service fee", Decimal("1.5"), Money.of("20.03"))
    charge.record((spec,), extras=(), rounding=Rounding.HALF_UP, needs_estimate=False, at=AT)
    charge.confirm(signed_by="Resident", mode=BillingMode.ON_ACCOUNT, at=AT)
    return charge


def _credit() -> Statement:
    line = StatementLine(StatementLineKind.CHARGE, "r-0:1:rev", "Request r-0", Money.of("-30.00"))
    return Statement.issue(
        AccountId("a-1"),
        Period(2026, 2),
        currency="CNY",
        lines=(line,),
        due=datetime(2026, 3, 16, tzinfo=UTC),
        at=AT,
    )


def _old_row(table: sa.Table, aggregate: object, **columns: object) -> tuple[sa.TableClause, dict]:
    """The table as revision 0002 had it, and a row as 0002 wrote it."""
    old = sa.table(
        table.name,
        *(sa.column(name, table.c[name].type) for name in ("id", "version", "document", *columns)),
    )
    row = {"id": aggregate.id.value, "version": 1, "document": convert.unstructure(aggregate)}  # type: ignore[attr-defined]
    return old, {**row, **columns}


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_fills_the_amount_of_charges_and_the_status_of_statements(
    backend: str, tmp_path: Path
) -> None:
    charge, credit = _charge(), _credit()
    with scratch(backend, "close", tmp_path) as url:
        upgrade(url, "0002")
        engine = make_engine(url)
        with engine.begin() as connection:
            table, row = _old_row(charges.table, charge, account_id="a-1", request_id="r-1")
            connection.execute(sa.insert(table).values(**row))
            table, row = _old_row(statements.table, credit, account_id="a-1", period="2026-02")
            connection.execute(sa.insert(table).values(**row))
        upgrade(url)
        with engine.connect() as connection:
            amount = connection.execute(sa.select(charges.table.c.amount)).scalar_one()
            status = connection.execute(sa.select(statements.table.c.status)).scalar_one()
        engine.dispose()
    assert charge.total is not None
    assert amount == charge.total.amount == Decimal("30.05")  # 1.5 x 20.03, rounded half up
    assert status == "credit"
