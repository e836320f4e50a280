"""The charge's audit, for a close that bills only audited charges.

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-07

A month close bills only the charges the assistant audited before its cut-off
(rule billing.audit-before-statement).  A charge now keeps when it was audited
(``audited_at``; a reversal, recorded by the assistant, is audited when
recorded), and ``charges.audited_at`` holds it while the charge is billable, on
an ``(account_id, audited_at)`` index the close reads.  Existing charges get
the instant from their ``ChargeAudited`` or ``ChargeReversalRecorded`` event,
in their document and, if billable, in the column.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Key, UtcDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
AUDITS = ("ChargeAudited", "ChargeReversalRecorded")

charges = sa.table(
    "charges",
    sa.column("id", Key()),
    sa.column("document", Document()),
    sa.column("billable_at", UtcDateTime()),
    sa.column("audited_at", UtcDateTime()),
)
events = sa.table(
    "events",
    sa.column("stream"),
    sa.column("aggregate_id", Key()),
    sa.column("type"),
    sa.column("at", UtcDateTime()),
    sa.column("document", Document()),
)


def _audits(connection: sa.Connection) -> Iterator[list[Any]]:
    """Each audited charge's id, document, billable instant and audit event, in id order."""
    c, e = charges.c, events.c
    audit = (
        sa.select(e.aggregate_id.label("charge_id"), e.at, e.document.label("event"))
        .where(e.stream == "charge", e.type.in_(AUDITS))
        .subquery()
    )
    query = sa.select(c.id, c.document, c.billable_at, audit.c.at, audit.c.event).join(
        audit, audit.c.charge_id == c.id
    )
    after = ""
    while True:
        batch = connection.execute(query.where(c.id > after).order_by(c.id).limit(BATCH)).all()
        if not batch:
            return
        yield list(batch)
        after = batch[-1].id


def upgrade() -> None:
    with op.batch_alter_table("charges") as alter:
        alter.add_column(sa.Column("audited_at", UtcDateTime(), nullable=True))
    connection = op.get_bind()
    update = (
        sa.update(charges)
        .where(charges.c.id == sa.bindparam("row_id"))
        .values(document=sa.bindparam("new_document"), audited_at=sa.bindparam("new_audited_at"))
    )
    for batch in _audits(connection):
        rows = [
            {
                "row_id": row.id,
                "new_document": {**row.document, "audited_at": row.event["at"]},
                "new_audited_at": row.at if row.billable_at is not None else None,
            }
            for row in batch
        ]
        connection.execute(update, rows)
    op.create_index(
        op.f("ix_charges_account_id_audited_at"), "charges", ["account_id", "audited_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_charges_account_id_audited_at"), "charges")
    with op.batch_alter_table("charges") as alter:
        alter.drop_column("audited_at")
    connection = op.get_bind()
    c = charges.c
    query = sa.select(c.id, c.document)
    after = ""
    update = (
        sa.update(charges)
        .where(c.id == sa.bindparam("row_id"))
        .values(document=sa.bindparam("new_document"))
    )
    while True:
        batch = connection.execute(query.where(c.id > after).order_by(c.id).limit(BATCH)).all()
        if not batch:
            return
        rows = [
            {
                "row_id": row.id,
                "new_document": {k: v for k, v in row.document.items() if k != "audited_at"},
            }
            for row in batch
            if "audited_at" in row.document
        ]
        if rows:
            connection.execute(update, rows)
        after = batch[-1].id
