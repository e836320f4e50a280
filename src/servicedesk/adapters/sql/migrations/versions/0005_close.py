"""The month close in bulk: a charge's amount and a statement's status as columns.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

``charges.amount`` (integer fen) is what the close sums into a statement's
total in SQL; ``statements.status`` tells which accounts carry a credit, and so
are closed by the domain.  Existing rows get both from their documents.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Fen, Key

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000


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


def _fill(table: sa.TableClause, column: str, value: Any) -> None:
    """Set ``column`` of every row to ``value(document)``, a batch of updates at a time."""
    connection = op.get_bind()
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values({column: sa.bindparam("value")})
    )
    for batch in _rows(connection, table):
        connection.execute(
            update, [{"row_id": row.id, "value": value(row.document)} for row in batch]
        )


def upgrade() -> None:
    from servicedesk import convert
    from servicedesk.domain.charges import Charge
    from servicedesk.domain.statements import Statement

    op.add_column("charges", sa.Column("amount", Fen(), nullable=True))
    op.add_column("statements", sa.Column("status", sa.String(length=10), nullable=True))
    op.create_index(op.f("ix_statements_status_account_id"), "statements", ["status", "account_id"])

    def amount(document: Any) -> Any:
        total = convert.structure(document, Charge).total
        return None if total is None else total.amount

    def status(document: Any) -> str:
        return convert.structure(document, Statement).status.value

    def table(name: str, column: sa.ColumnClause[Any]) -> sa.TableClause:
        return sa.table(name, sa.column("id", Key()), sa.column("document", Document()), column)

    _fill(table("charges", sa.column("amount", Fen())), "amount", amount)
    _fill(table("statements", sa.column("status", sa.String())), "status", status)


def downgrade() -> None:
    op.drop_index(op.f("ix_statements_status_account_id"), "statements")
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("status")
    with op.batch_alter_table("charges") as batch:
        batch.drop_column("amount")
