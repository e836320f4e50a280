"""Events marked with the audit record that vouches for them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

Each unit of work marks the events it writes (``events.entry``) and its audit
record carries the same mark, so that ``verify`` checks every event against the
record that names it.  Events already stored stay unmarked: ``audit_head.events_from``
is the first event number that must carry a mark.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("events", sa.Column("entry", sa.BigInteger, nullable=True))
    op.create_index(op.f("ix_events_entry"), "events", ["entry"])
    op.add_column("audit_records", sa.Column("entry", sa.BigInteger, nullable=True))
    op.create_index(op.f("ix_audit_records_entry"), "audit_records", ["entry"], unique=True)
    op.add_column("audit_head", sa.Column("events_from", sa.BigInteger, nullable=True))
    events = sa.table("events", sa.column("seq"))
    head = sa.table("audit_head", sa.column("events_from"))
    last = op.get_bind().execute(sa.select(sa.func.max(events.c.seq))).scalar()
    op.execute(sa.update(head).values(events_from=(last or 0) + 1))


def downgrade() -> None:
    op.drop_column("audit_head", "events_from")
    op.drop_index(op.f("ix_audit_records_entry"), table_name="audit_records")
    op.drop_column("audit_records", "entry")
    op.drop_index(op.f("ix_events_entry"), table_name="events")
    op.drop_column("events", "entry")
