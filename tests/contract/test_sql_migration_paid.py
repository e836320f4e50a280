"""Revision 0019 on statements written before it: what is paid filled from their allocations."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from contract_billing import CASHIER, at, billing_desk, confirmed_charge, open_account
from contract_databases import SQL_STORES, scratch
from contract_scenario import Clock

from servicedesk import Desk
from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.migrate import config
from servicedesk.app.billing.commands import CloseMonth, RecordPayment
from servicedesk.domain.money import Money


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_fills_what_is_paid_from_the_allocations(backend: str, tmp_path: Path) -> None:
    with scratch(backend, "paid19", tmp_path) as url:
        with SqlStore(url) as store:
            clock = Clock(at(3, 2, 9))
            d = billing_desk(store, clock)
            accounts = [open_account(d, unit) for unit in ("1-101", "1-102", "1-103")]
            for n, unit in enumerate(("1-101", "1-102", "1-103")):
                confirmed_charge(d, f"r-{n}", unit)
            clock.now = at(4, 1, 9)
            d.handle(CloseMonth(period="2026-03"))
            d.handle(RecordPayment(account_id=accounts[0], amount="10.00"), actor=CASHIER)
            d.handle(RecordPayment(account_id=accounts[1], amount="30.00"), actor=CASHIER)
        engine = make_engine(url)
        with engine.begin() as connection:  # the statements as revision 0018 held them
            command.downgrade(config(connection), "0018")
            columns = {c["name"] for c in sa.inspect(connection).get_columns("statements")}
            assert "paid" not in columns
        engine.dispose()

        upgrade(url)
        with SqlStore(url, migrate=False) as store:
            with store.engine.connect() as connection:
                s = t.statements.table.c
                paid = dict(connection.execute(sa.select(s.account_id, s.paid)).all())
            assert paid == {
                accounts[0]: Money.of("10.00").amount,
                accounts[1]: Money.of("30.00").amount,
                accounts[2]: Money.of("0.00").amount,
            }
            desk = Desk(store, clock=Clock(at(6, 1, 9)), entry_points=False)
            overdue = desk.billing.overdue_statements(at(6, 1, 9), actor=CASHIER)
            assert [(v.account_id.value, str(v.amount_due.amount)) for v in overdue] == sorted(
                [(accounts[0], "20.00"), (accounts[2], "30.00")]
            )
