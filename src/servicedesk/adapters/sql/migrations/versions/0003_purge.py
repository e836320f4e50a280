"""Record files: when each becomes due for the purge, as an indexed column.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

``purge_due`` is the file's ``expires_at`` while nothing stops its purge (no
hold, not yet anonymised), NULL otherwise, indexed with the id: the purge's
"what is due, earliest first" reads the index in order and stops at its batch
size, where ``expires_at`` alone made it walk every file ever anonymised.
Existing files get it from their columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("record_files", sa.Column("purge_due", UtcDateTime(), nullable=True))
    op.create_index(
        op.f("ix_record_files_purge_due_id"), "record_files", ["purge_due", "id"], unique=False
    )
    files = sa.table(
        "record_files",
        sa.column("expires_at", UtcDateTime()),
        sa.column("holds", sa.Integer()),
        sa.column("erased_at", UtcDateTime()),
        sa.column("purge_due", UtcDateTime()),
    )
    op.execute(
        sa.update(files)
        .where(files.c.holds == 0, files.c.erased_at.is_(None))
        .values(purge_due=files.c.expires_at)
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_record_files_purge_due_id"), "record_files")
    with op.batch_alter_table("record_files") as batch:
        batch.drop_column("purge_due")
