"""The audit chain's head in a row of its own, which a commit holds while it chains.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Each commit chains its audit record last: it locks this one row, builds the record
on the head it holds, inserts it and moves the head.  Writers of different records
then wait for each other only for that step, where reading the last record early
made them refuse each other on its number.  The row starts at the last record
already stored, or at number 0 with the chain's genesis hash.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def upgrade() -> None:
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    records = sa.table("audit_records", sa.column("seq"), sa.column("hash"))
    last = (
        op.get_bind()
        .execute(sa.select(records.c.seq, records.c.hash).order_by(records.c.seq.desc()).limit(1))
        .first()
    )
    seq, digest = (0, GENESIS) if last is None else (last.seq, last.hash)
    op.bulk_insert(head, [{"id": 1, "seq": seq, "hash": digest}])


def downgrade() -> None:
    op.drop_table("audit_head")
