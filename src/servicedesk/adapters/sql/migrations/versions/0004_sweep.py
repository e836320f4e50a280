"""The escalation sweep in SQL: what decides a complaint's next step, as columns.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Complaints get ``category``, ``urgency``, ``escalation_level`` (escalations so far),
``clock_kind`` (the deadline running, if any), ``clock_breached`` (whether its breach is
recorded) and the running clock's start and due as ISO text (``clock_started_iso``,
``clock_due_iso``), computed from their documents, so that the sweep groups the complaints
due in SQL and escalates each group with a few set-based statements.  Until a row is filled
the sweep takes it through the per-complaint path, so a large table can be filled later.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Key

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    "category",
    "urgency",
    "escalation_level",
    "clock_kind",
    "clock_breached",
    "clock_started_iso",
    "clock_due_iso",
)
BATCH = 1000


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("category", sa.String(length=50), nullable=True),
        sa.Column("urgency", sa.String(length=20), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=True),
        sa.Column("clock_kind", sa.String(length=20), nullable=True),
        sa.Column("clock_breached", sa.Boolean(), nullable=True),
        sa.Column("clock_started_iso", sa.String(length=40), nullable=True),
        sa.Column("clock_due_iso", sa.String(length=40), nullable=True),
    ]


def _fill() -> None:
    """The new columns of every complaint, from what its document says, a batch at a time."""
    from servicedesk import convert
    from servicedesk.domain.complaints import Complaint

    complaints = sa.table(
        "complaints", sa.column("id", Key()), sa.column("document", Document()), *_columns()
    )
    c = complaints.c
    connection = op.get_bind()
    update = (
        sa.update(complaints)
        .where(c.id == sa.bindparam("saved_id"))
        .values({name: sa.bindparam(name) for name in COLUMNS})
    )
    after = ""
    while True:
        query = sa.select(c.id, c.document).where(c.id > after).order_by(c.id).limit(BATCH)
        rows = connection.execute(query).all()
        if not rows:
            return
        values = []
        for row in rows:
            complaint = convert.structure(row.document, Complaint)
            clock = complaint.clock
            values.append(
                {
                    "saved_id": row.id,
                    "category": complaint.category,
                    "urgency": complaint.urgency.value,
                    "escalation_level": len(complaint.escalations),
                    "clock_kind": None if clock is None else clock.kind.value,
                    "clock_breached": complaint.clock_breached,
                    "clock_started_iso": None if clock is None else clock.started_at.isoformat(),
                    "clock_due_iso": None if clock is None else clock.due.isoformat(),
                }
            )
        connection.execute(update, values)
        after = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        for column in _columns():
            batch.add_column(column)
    _fill()


def downgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
