"""Paged lists: the columns and indexes requests and workers are listed on.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

The request lists (``app/requests/lists.py``) filter on a request's channel,
urgency, unit and the key of the requester's phone, and sort on its
registration time; the workers list filters on skills.  Existing rows get the
new columns from their documents, computed by the same projections the store
writes on every save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Key

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
REQUEST_COLUMNS = ("channel", "urgency", "unit", "requester_key")
REQUEST_INDEXES = (
    ("unit", "registered_at", "id"),
    ("requester_key", "registered_at", "id"),
    ("status", "registered_at", "id"),
    ("worker_id", "registered_at", "id"),
    ("registered_at", "id"),
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


def _fill(name: str, columns: Sequence[str], values: Callable[[Any], dict[str, Any]]) -> None:
    """Set ``columns`` of every row of ``name`` to ``values(document)``, a batch at a time."""
    table = sa.table(
        name,
        sa.column("id", Key()),
        sa.column("document", Document()),
        *(sa.column(column) for column in columns),
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


def upgrade() -> None:
    from servicedesk import convert
    from servicedesk.app.requests.lists import REQUESTS, WORKERS
    from servicedesk.domain.requests import ServiceRequest
    from servicedesk.domain.workers import Worker

    with op.batch_alter_table("service_requests") as batch:
        batch.add_column(sa.Column("channel", sa.String(20), nullable=True))
        batch.add_column(sa.Column("urgency", sa.String(20), nullable=True))
        batch.add_column(sa.Column("unit", Key(), nullable=True))
        batch.add_column(sa.Column("requester_key", sa.String(64), nullable=True))
    with op.batch_alter_table("workers") as batch:
        batch.add_column(sa.Column("skills", sa.String(1000), nullable=True))

    def request(document: Any) -> dict[str, Any]:
        aggregate = convert.structure(document, ServiceRequest)
        return {name: REQUESTS.fields[name](aggregate) for name in REQUEST_COLUMNS}

    def worker(document: Any) -> dict[str, Any]:
        return {"skills": WORKERS.fields["skills"](convert.structure(document, Worker))}

    _fill("service_requests", REQUEST_COLUMNS, request)
    _fill("workers", ("skills",), worker)
    for columns in REQUEST_INDEXES:
        name = "ix_service_requests_" + "_".join(columns)
        op.create_index(op.f(name), "service_requests", list(columns))


def downgrade() -> None:
    for columns in REQUEST_INDEXES:
        name = "ix_service_requests_" + "_".join(columns)
        op.drop_index(op.f(name), table_name="service_requests")
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("skills")
    with op.batch_alter_table("service_requests") as batch:
        for column in reversed(REQUEST_COLUMNS):
            batch.drop_column(column)
