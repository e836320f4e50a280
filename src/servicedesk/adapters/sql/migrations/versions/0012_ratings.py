"""Public ratings: one rating per service, and its follow-up's deadline while open.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

One aggregate table with the projections the month's figures group by (month, item,
window, department, member of staff, level), the open follow-up's deadline, and a unique
key on the service rated, so a second rating of a service is refused by every database.
No existing table changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Key, UtcDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(op.f(f"ix_{table}_" + "_".join(columns)), table, list(columns), unique=unique)


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", Key(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", Document(), nullable=False),
        sa.Column("service_kind", sa.String(length=20), nullable=False),
        sa.Column("service_id", Key(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("item_id", Key(), nullable=True),
        sa.Column("window_id", Key(), nullable=True),
        sa.Column("department_id", Key(), nullable=True),
        sa.Column("staff_id", Key(), nullable=True),
        sa.Column("follow_up_due", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
    )
    _index("ratings", "service_kind", "service_id", unique=True)
    _index("ratings", "month", "staff_id")
    _index("ratings", "follow_up_due")


def downgrade() -> None:
    op.drop_table("ratings")
