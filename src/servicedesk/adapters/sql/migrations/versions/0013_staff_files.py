"""Staff files (qualifications, training, shifts) and what catalogue items require of staff.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07

Two aggregate tables: ``staff_files``, with ``rostered`` (whether the file holds any shift)
indexed, so that whether the desk has a roster at all is one lookup; and
``item_requirements``.  No existing table changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Key

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("staff_files", "item_requirements")


def _aggregate(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", Key(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", Document(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    _aggregate("staff_files", sa.Column("rostered", sa.Boolean(), nullable=False))
    op.create_index(op.f("ix_staff_files_rostered"), "staff_files", ["rostered"], unique=False)
    _aggregate("item_requirements")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
