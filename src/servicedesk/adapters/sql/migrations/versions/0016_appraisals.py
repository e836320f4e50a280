"""Staff appraisal: the appraisals and the discipline notes they count.

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-07

Two aggregate tables: one appraisal per person and period (its id), found by person and
by period and department; discipline notes found by person and time.  No existing table
changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Key, UtcDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("appraisals", "discipline_notes")


def _aggregate(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", Key(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", Document(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_" + "_".join(columns)), table, list(columns))


def upgrade() -> None:
    _aggregate(
        "appraisals",
        sa.Column("staff", Key(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("department_id", Key(), nullable=True),
    )
    _index("appraisals", "staff", "period")
    _index("appraisals", "period", "department_id")
    _aggregate(
        "discipline_notes",
        sa.Column("staff", Key(), nullable=False),
        sa.Column("noted_at", UtcDateTime(), nullable=False),
    )
    _index("discipline_notes", "staff", "noted_at")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
