"""Paged lists: the columns and indexes requests and workers are listed on.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

The request lists (``app/requests/lists.py``) filter on a request's channel,
urgency, unit and the key of the requester's phone, and sort on its
registration time; the workers list filters on skills; complaints and
callbacks (``app/complaints/lists.py``) on their status and deadlines;
accounts, statements, payments and receipts (``app/billing/lists.py``) carry
what their rows show (a balance, a total, an amount) and what they filter on.  Existing rows get the
new columns from their documents, computed by the same projections the store
writes on every save.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Fen, Key, UtcDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000

#: Per table: its new columns (name, type, the listing that projects it) and new indexes.
COLUMNS: dict[str, tuple[tuple[str, Callable[[], Any], str], ...]] = {
    "service_requests": (
        ("channel", lambda: sa.String(20), "REQUESTS"),
        ("urgency", lambda: sa.String(20), "REQUESTS"),
        ("unit", Key, "REQUESTS"),
        ("requester_key", lambda: sa.String(64), "REQUESTS"),
    ),
    "workers": (("skills", lambda: sa.String(1000), "WORKERS"),),
    "complaints": (
        ("status", lambda: sa.String(20), "COMPLAINTS"),
        ("channel", lambda: sa.String(20), "COMPLAINTS"),
        ("owner", Key, "COMPLAINTS"),
        ("clock_due", UtcDateTime, "COMPLAINTS"),
    ),
    "callbacks": (
        ("status", lambda: sa.String(20), "CALLBACKS"),
        ("next_attempt_at", UtcDateTime, "CALLBACKS"),
        ("request_id", Key, "CALLBACKS"),
        ("attempts", sa.Integer, "CALLBACKS"),
    ),
    "accounts": (
        ("unit", Key, "ACCOUNTS"),
        ("holder", lambda: sa.String(100), "ACCOUNTS"),
        ("status", lambda: sa.String(10), "ACCOUNTS"),
        ("balance", Fen, "ACCOUNTS"),
        ("currency", lambda: sa.String(3), "ACCOUNTS"),
        ("opened_at", UtcDateTime, "ACCOUNTS"),
    ),
    "statements": (
        ("total", Fen, "STATEMENTS"),
        ("currency", lambda: sa.String(3), "STATEMENTS"),
        ("due", UtcDateTime, "STATEMENTS"),
        ("open_due", UtcDateTime, "STATEMENTS"),
    ),
    "payments": (
        ("amount", Fen, "PAYMENTS"),
        ("currency", lambda: sa.String(3), "PAYMENTS"),
        ("purpose", lambda: sa.String(20), "PAYMENTS"),
        ("receipt_id", Key, "PAYMENTS"),
        ("voided", sa.Boolean, "PAYMENTS"),
    ),
    "receipts": (
        ("account_id", Key, "RECEIPTS"),
        ("amount", Fen, "RECEIPTS"),
        ("currency", lambda: sa.String(3), "RECEIPTS"),
        ("issued_at", UtcDateTime, "RECEIPTS"),
        ("voided", sa.Boolean, "RECEIPTS"),
    ),
}
INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("service_requests", ("unit", "registered_at", "id")),
    ("service_requests", ("requester_key", "registered_at", "id")),
    ("service_requests", ("status", "registered_at", "id")),
    ("service_requests", ("worker_id", "registered_at", "id")),
    ("service_requests", ("registered_at", "id")),
    ("complaints", ("status", "filed_at", "id")),
    ("complaints", ("filed_at", "id")),
    ("complaints", ("clock_due",)),
    ("callbacks", ("status", "id")),
    ("callbacks", ("month", "id")),
    ("callbacks", ("next_attempt_at",)),
    ("accounts", ("unit", "id")),
    ("accounts", ("kind", "id")),
    ("accounts", ("balance",)),
    ("statements", ("period", "id")),
    ("statements", ("open_due",)),
    ("payments", ("paid_at", "id")),
    ("receipts", ("issued_at", "id")),
    ("receipts", ("series", "issued_at", "id")),
)


def _rows(connection: sa.Connection, table: sa.TableClause) -> Iterator[list[Any]]:
    """The table's ids and documents, a batch at a time, in id order."""
    after = ""
    while True:
        batch = connection.execute(
            sa.select(table.c.id, table.c.document)
            .where(table.c.id > after)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        yield list(batch)
        after = batch[-1].id


def _fill(name: str, columns: Mapping[str, Any], values: Callable[[Any], dict[str, Any]]) -> None:
    """Set ``columns`` (name: type) of every row of ``name`` to ``values(document)``, a batch
    at a time; typed, so that money goes in as fen and instants as UTC."""
    table = sa.table(
        name,
        sa.column("id", Key()),
        sa.column("document", Document()),
        *(sa.column(column, type_) for column, type_ in columns.items()),
    )
    connection = op.get_bind()
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values({column: sa.bindparam(f"new_{column}") for column in columns})
    )
    for batch in _rows(connection, table):
        connection.execute(
            update,
            [
                {"row_id": row.id, **{f"new_{k}": v for k, v in values(row.document).items()}}
                for row in batch
            ],
        )


def _listings() -> dict[str, tuple[type[Any], Any]]:
    """Per listing: the aggregate class its documents hold and the listing (its projections)."""
    from servicedesk.app.billing.lists import ACCOUNTS, PAYMENTS, RECEIPTS, STATEMENTS
    from servicedesk.app.complaints.lists import CALLBACKS, COMPLAINTS
    from servicedesk.app.requests.lists import REQUESTS, WORKERS
    from servicedesk.domain.accounts import Account
    from servicedesk.domain.callbacks import Callback
    from servicedesk.domain.complaints import Complaint
    from servicedesk.domain.payments import Payment, Receipt
    from servicedesk.domain.requests import ServiceRequest
    from servicedesk.domain.statements import Statement
    from servicedesk.domain.workers import Worker

    return {
        "REQUESTS": (ServiceRequest, REQUESTS),
        "WORKERS": (Worker, WORKERS),
        "COMPLAINTS": (Complaint, COMPLAINTS),
        "CALLBACKS": (Callback, CALLBACKS),
        "ACCOUNTS": (Account, ACCOUNTS),
        "STATEMENTS": (Statement, STATEMENTS),
        "PAYMENTS": (Payment, PAYMENTS),
        "RECEIPTS": (Receipt, RECEIPTS),
    }


def _projected(
    structure: Callable[[Any, type[Any]], Any],
    cls: type[Any],
    listing: Any,
    names: Sequence[str],
    document: Any,
) -> dict[str, Any]:
    """The new columns of one row, computed from its document by the listing's projections."""
    aggregate = structure(document, cls)
    return {name: listing.fields[name](aggregate) for name in names}


def upgrade() -> None:
    from servicedesk import convert

    listings = _listings()
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, type_, _listing in columns:
                batch.add_column(sa.Column(name, type_(), nullable=True))
        cls, listing = listings[columns[0][2]]
        names = [name for name, _type, _listing in columns]

        types = {name: type_() for name, type_, _listing in columns}
        _fill(table, types, functools.partial(_projected, convert.structure, cls, listing, names))
    for table, index in INDEXES:
        op.create_index(op.f(f"ix_{table}_" + "_".join(index)), table, list(index))


def downgrade() -> None:
    for table, index in reversed(INDEXES):
        op.drop_index(op.f(f"ix_{table}_" + "_".join(index)), table_name=table)
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, _type, _listing in reversed(columns):
                batch.drop_column(name)
