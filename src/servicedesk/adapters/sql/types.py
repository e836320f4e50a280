"""Column types that keep money exact and instants unambiguous on every database.

``UtcDateTime`` stores an aware instant as UTC: PostgreSQL gets
``timestamp with time zone``; SQLite (fixed-width text) and MySQL/MariaDB
(``DATETIME(6)``) get the UTC wall time, and it comes back aware in UTC.  So a
comparison in SQL (``deadline_due < :now``) compares instants, never local
wall clocks.  A naive datetime is refused, as everywhere in servicedesk.

``Fen`` stores an amount of money as an integer number of fen: exact on every
database, without SQLite's lossy ``NUMERIC`` and its Decimal warnings.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.engine import Dialect

from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.money import FEN
from servicedesk.domain.values import aware
from servicedesk.i18n import _

T = TypeVar("T")


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """An aware instant, stored as UTC, returned aware in UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = aware(value).astimezone(UTC)
        return utc if dialect.name == "postgresql" else utc.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name == "sqlite":
            # SQLAlchemy's SQLite DATETIME parses the ISO text with a regex, four
            # times the cost of ``fromisoformat``; pages read thousands.
            return _sqlite_instant
        return super().result_processor(dialect, coltype)


def _sqlite_instant(value: str | None) -> datetime | None:
    """An instant SQLite holds as UTC wall-time text (``2026-03-02 01:30:00.000000``)."""
    if value is None:
        return None
    try:  # the offset parsed with the text costs a seventh of ``replace(tzinfo=UTC)``
        found = datetime.fromisoformat(value + "+00:00")
    except ValueError:  # text written with an offset of its own (not by us): that instant
        found = datetime.fromisoformat(value)
    if found.tzinfo is None:  # a date alone, which takes no offset after it
        return found.replace(tzinfo=UTC)
    return found if found.tzinfo is UTC else found.astimezone(UTC)


class Fen(sa.types.TypeDecorator[Decimal]):
    """An exact amount (``Decimal`` with at most two places) as a whole number of fen."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Decimal) or value != value.quantize(FEN):
            raise InvalidValue(
                _("An amount stored must be exact to the fen, not {value!r}."),
                code="store.invalid",
                value=value,
            )
        return int(value * 100)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return _fen_amount(value)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        # the whole numbers every driver returns need no step of the integer type's first
        return _fen_amount


@functools.lru_cache(maxsize=1 << 14)
def _fen_amount(fen: int | Decimal | None) -> Decimal | None:
    """The amount of ``fen`` (a whole number; a driver's sum may be a ``Decimal``), exact with
    two places; one ``Decimal`` per amount, not per row read, since a desk's amounts repeat
    (its fees) and making one costs more than the lookup."""
    return None if fen is None else Decimal(int(fen)).scaleb(-2)


FACTORY = "servicedesk_factory"  # marks a type made by a factory below, for migrations


def _made_by(name: str, type_: sa.types.TypeEngine[T]) -> sa.types.TypeEngine[T]:
    setattr(type_, FACTORY, name)
    return type_


def factory(type_: object) -> str | None:
    """The name of the factory that made ``type_``, so that a new revision calls it."""
    if isinstance(type_, (UtcDateTime, Fen)):
        return type(type_).__name__
    name = getattr(type_, FACTORY, None)
    return name if isinstance(name, str) else None


def Document() -> sa.types.TypeEngine[Any]:
    """The converter's plain data as JSON (``jsonb`` on PostgreSQL)."""
    return _made_by("Document", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"))


def Serial() -> sa.types.TypeEngine[int]:
    """A 64-bit auto-increment key; SQLite only auto-increments ``INTEGER PRIMARY KEY``."""
    return _made_by("Serial", sa.BigInteger().with_variant(sa.Integer(), "sqlite"))


def Key() -> sa.types.TypeEngine[str]:
    """An id: case-sensitive and ordered by code point on every database.

    MySQL's default collation would make ``A-1`` and ``a-1`` the same primary
    key, and PostgreSQL's locale would sort ids differently from Python.
    """
    return _made_by(
        "Key",
        sa.String(64)
        .with_variant(postgresql.VARCHAR(64, collation="C"), "postgresql")
        .with_variant(mysql.VARCHAR(64, collation="utf8mb4_bin"), "mysql", "mariadb"),
    )
