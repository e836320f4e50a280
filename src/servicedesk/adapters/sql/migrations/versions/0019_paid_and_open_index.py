"""What is paid on a statement, in a column; the open requests indexed to the id.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

The overdue statements (``desk.billing.overdue_statements``) list each
statement's total, what is paid and what is still due, with its account's unit
and holder; all of it is now read from projection columns in one join, never
from the statements' documents.  ``statements.paid`` is the sum of the
statement's allocations, in fen like ``total``; existing statements get it from
their documents' allocations.

The open requests' index ends with the id, as every list's does, so that a page
of the oldest open requests (``RequestFilter(status=...)`` with open statuses
only) is read off it in order, ties included, without first walking the closed
requests registered before them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Fen, Key

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000

statements = sa.table(
    "statements",
    sa.column("id", Key()),
    sa.column("document", Document()),
    sa.column("paid", Fen()),
)


def paid(document: dict[str, Any]) -> Decimal:
    """The sum of a statement document's allocations (``Money`` as ``{"amount": "1.00"}``)."""
    allocations = document.get("allocations") or []
    found = sum((Decimal(str(a["amount"]["amount"])) for a in allocations), Decimal("0.00"))
    return found.quantize(Decimal("0.01"))


OLD_INDEX = "ix_service_requests_is_open_registered_at"
NEW_INDEX = "ix_service_requests_is_open_registered_at_id"


def upgrade() -> None:
    op.create_index(NEW_INDEX, "service_requests", ["is_open", "registered_at", "id"])
    op.drop_index(OLD_INDEX, "service_requests")
    with op.batch_alter_table("statements") as alter:
        alter.add_column(sa.Column("paid", Fen(), nullable=True))
    connection = op.get_bind()
    c = statements.c
    update = (
        sa.update(statements)
        .where(c.id == sa.bindparam("row_id"))
        .values(paid=sa.bindparam("new_paid"))
    )
    after = ""
    while True:
        query = sa.select(c.id, c.document).where(c.id > after).order_by(c.id).limit(BATCH)
        batch = connection.execute(query).all()
        if not batch:
            return
        connection.execute(
            update, [{"row_id": row.id, "new_paid": paid(row.document)} for row in batch]
        )
        after = batch[-1].id


def downgrade() -> None:
    with op.batch_alter_table("statements") as alter:
        alter.drop_column("paid")
    op.create_index(OLD_INDEX, "service_requests", ["is_open", "registered_at"])
    op.drop_index(NEW_INDEX, "service_requests")
