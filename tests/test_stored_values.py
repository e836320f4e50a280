"""Values a store reads back are built without their checks: they equal the checked ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from servicedesk.adapters.sql.types import Fen, _sqlite_instant
from servicedesk.app.pages import members
from servicedesk.domain.money import Money
from servicedesk.domain.requests import Status
from servicedesk.domain.values import ItemId, RequestId


@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,20}", fullmatch=True))
def test_a_stored_id_is_the_checked_id(text: str) -> None:
    stored = RequestId.stored(text)
    assert stored == RequestId(text)
    assert hash(stored) == hash(RequestId(text))
    assert stored != ItemId(text)  # type: ignore[comparison-overlap]
    assert RequestId(stored) == stored  # an id of its own kind converts as before


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_stored_money_is_the_checked_money(fen: int) -> None:
    amount = Fen().process_result_value(fen, None)  # type: ignore[arg-type]
    assert amount is not None
    assert Money.stored(amount, "CNY") == Money.of(amount, "CNY")
    assert str(Money.stored(amount, "CNY").amount) == str(Money.of(amount, "CNY").amount)


def test_a_stored_enum_is_the_member_and_an_unknown_value_is_refused() -> None:
    assert members(Status)["closed"] is Status.CLOSED
    assert members(Status) is members(Status)  # one lookup per enum
    with pytest.raises(ValueError, match="no-such-status"):
        members(Status)["no-such-status"]
    assert "no-such-status" not in members(Status)  # a refused value is not kept


@pytest.mark.parametrize("given_fen", [3000, Decimal("3000"), -5, 0])
def test_an_amount_reads_back_to_the_fen_however_the_driver_gives_the_whole_number(
    given_fen: int | Decimal,
) -> None:
    read = Fen().result_processor(sqlite.dialect(), None)
    amount = read(given_fen)
    assert amount == Decimal(int(given_fen)) / 100
    assert amount.as_tuple().exponent == -2  # two places, as every amount is held
    assert read(None) is None
    assert Fen().process_result_value(given_fen, sqlite.dialect()) == amount  # type: ignore[arg-type]


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)))
def test_an_instant_sqlite_holds_reads_back_aware_in_utc(wall: datetime) -> None:
    text = wall.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy's SQLite DATETIME writes it
    found = _sqlite_instant(text)
    assert found == wall.replace(tzinfo=UTC)
    assert found is not None
    assert found.utcoffset() == timedelta(0)


def test_an_instant_written_with_an_offset_of_its_own_is_that_instant() -> None:
    eight = timezone(timedelta(hours=8))
    found = _sqlite_instant("2026-03-02 09:30:00+08:00")
    assert found == datetime(2026, 3, 2, 9, 30, tzinfo=eight)
    assert found is not None
    assert found.tzinfo is UTC
    assert _sqlite_instant(None) is None
    # a date alone takes no offset after it: read as midnight UTC, not the machine's zone
    assert _sqlite_instant("2026-03-02") == datetime(2026, 3, 2, tzinfo=UTC)
