"""Personal data sealed per record file: the files' keys.

Revision ID: 0017
Revises: 0011
Create Date: 2026-12-07

Documents and events written from now on keep their personal data encrypted under
the key of their record file (``adapters/sealing.py``); erasure forgets the key.
Rows written before stay readable as they are and are scrubbed in place when erased.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Key

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subject_keys",
        sa.Column("file_id", Key(), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("file_id", name=op.f("pk_subject_keys")),
    )


def downgrade() -> None:
    op.drop_table("subject_keys")
