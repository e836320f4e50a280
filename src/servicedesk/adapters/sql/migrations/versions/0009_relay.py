"""The event feed: a record's events read in order, and where each relay has got to.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

The feed reads the events of one audit record by ``events.seq`` (``adapters/sql/feed.py``),
so the index on ``events.entry`` becomes one on ``(entry, seq)``.  ``relay_positions`` keeps,
per relay, the feed position of the last event the broker acknowledged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_events_entry_seq"), "events", ["entry", "seq"])
    op.drop_index(op.f("ix_events_entry"), table_name="events")
    op.create_table(
        "relay_positions",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("position", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_relay_positions")),
    )


def downgrade() -> None:
    op.drop_table("relay_positions")
    op.create_index(op.f("ix_events_entry"), "events", ["entry"])
    op.drop_index(op.f("ix_events_entry_seq"), table_name="events")
