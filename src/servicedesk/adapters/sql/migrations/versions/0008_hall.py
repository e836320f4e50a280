"""The service hall: departments, windows, service guides, the day's queues, applications.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

Five aggregate tables, each with the projections its queries filter on: the guides
published now, one queue per day (unique), and the applications open, by item and by
when their next clock runs out.  No existing table changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Key, UtcDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("hall_departments", "hall_windows", "hall_guides", "hall_queues", "hall_applications")


def _aggregate(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", Key(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", Document(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(op.f(f"ix_{table}_" + "_".join(columns)), table, list(columns), unique=unique)


def upgrade() -> None:
    _aggregate("hall_departments")
    _aggregate("hall_windows")
    _aggregate("hall_guides", sa.Column("status", sa.String(length=20), nullable=False))
    _index("hall_guides", "status")
    _aggregate("hall_queues", sa.Column("day", sa.String(length=10), nullable=False))
    _index("hall_queues", "day", unique=True)
    _aggregate(
        "hall_applications",
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("item_id", Key(), nullable=False),
        sa.Column("escalation_due", UtcDateTime(), nullable=True),
    )
    _index("hall_applications", "is_open", "received_at")
    _index("hall_applications", "item_id")
    _index("hall_applications", "escalation_due")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
