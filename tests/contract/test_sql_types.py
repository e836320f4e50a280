"""Money exact and instants in UTC, on every SQL database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from contract_scenario import MONDAY, desk, published_item, triaged

from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql.types import Fen, UtcDateTime
from servicedesk.domain.errors import InvalidValue

probe = sa.Table(
    "sd_type_probe",
    sa.MetaData(),
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("amount", Fen()),
    sa.Column("at", UtcDateTime()),
)
AMOUNTS = ["0.00", "0.01", "-0.01", "0.10", "19.99", "-123456.78", "92233720368547758.07"]
EAST = timezone(timedelta(hours=8))


def test_amounts_and_instants_round_trip_exactly(sql_store: SqlStore) -> None:
    engine = sql_store.engine
    probe.create(engine)
    try:
        instants = [
            datetime(2026, 3, 2, 9, 30, 0, 123456, tzinfo=EAST),
            datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            datetime(1999, 1, 1, tzinfo=timezone(timedelta(hours=-5))),
        ]
        rows = [
            {"n": n, "amount": Decimal(a), "at": instants[n % len(instants)]}
            for n, a in enumerate(AMOUNTS)
        ]
        with engine.begin() as connection:
            connection.execute(probe.insert(), rows)
        with engine.begin() as connection:
            back = connection.execute(sa.select(probe).order_by(probe.c.n)).all()
            raw = connection.execute(sa.text("SELECT amount FROM sd_type_probe WHERE n = 4"))
            assert raw.scalar() == 1999  # fen, an integer: nothing a float could blur
            earlier = connection.execute(
                sa.select(sa.func.count()).where(
                    probe.c.at < datetime(2026, 3, 2, 1, 31, tzinfo=UTC)
                )
            ).scalar()
        assert [r.amount for r in back] == [Decimal(a) for a in AMOUNTS]
        assert all(str(r.amount) == a for r, a in zip(back, AMOUNTS, strict=True))
        assert [r.at for r in back] == [row["at"] for row in rows]
        assert all(r.at.tzinfo is UTC for r in back)
        assert earlier == 5  # compared as instants: 09:30 at +08:00 is 01:30 UTC
    finally:
        probe.drop(engine)


@pytest.mark.parametrize(
    ("column", "value"),
    [("amount", Decimal("0.001")), ("amount", 1.5), ("at", datetime(2026, 3, 2, 9, 30))],
)
def test_an_inexact_amount_or_a_naive_time_is_refused(
    sql_store: SqlStore, column: str, value: object
) -> None:
    with sql_store.unit_of_work() as uow, pytest.raises(InvalidValue):
        uow.execute(sa.insert(probe).values({"n": 1, column: value}))


def test_projection_columns_hold_fen_and_utc(sql_store: SqlStore) -> None:
    d = desk(sql_store)
    published_item(d, price="30.05")
    triaged(d, "r-1")
    with sql_store.engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT price, is_open, status FROM service_requests WHERE id = 'r-1'")
        ).one()
        registered = connection.execute(
            sa.select(sa.column("registered_at", UtcDateTime())).select_from(
                sa.table("service_requests")
            )
        ).scalar()
    assert (row.price, bool(row.is_open), row.status) == (3005, True, "triaged")
    assert registered == MONDAY
    assert registered is not None
    assert registered.tzinfo is UTC
