"""Enquiries: consultations and suggestions, owned by the first person asked.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-07

One aggregate table with the projections its lists and the overdue search read: status,
kind, channel, owner, when taken, and when an open one's answer is due.  No existing table
changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Key, UtcDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "enquiries"


def _index(*columns: str) -> None:
    op.create_index(op.f(f"ix_{TABLE}_" + "_".join(columns)), TABLE, list(columns))


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", Key(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", Document(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("enquiry_kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("owner", Key(), nullable=False),
        sa.Column("taken_at", UtcDateTime(), nullable=False),
        sa.Column("open_due", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    _index("taken_at", "id")
    _index("status", "taken_at", "id")
    _index("owner", "taken_at", "id")
    _index("open_due")


def downgrade() -> None:
    op.drop_table(TABLE)
