"""Re-vouch the events that audit records name by the digest rule of an earlier version.

Revision ID: 0018
Revises: 0011
Create Date: 2026-12-07

Records written before free text and signatures became personal name their events
by a digest with those fields in it, so ``verify()`` would report the events as
altered.  Each event whose record names it by that earlier digest, and by it only, is
listed with its current digest in a ``digests_revouched`` record appended to the chain
by the system (``servicedesk.app.revouch``); an event that matches neither rule is
left as it is, for ``verify()`` to report.  No table changes.

The revision holds no key, so a trail whose last record is sealed is left alone: its
host re-vouches with ``revouch_store(store, at=..., key=...)`` once upgraded.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from servicedesk.adapters.sql.revouch import revouch_on

    revouch_on(op.get_bind())


def downgrade() -> None:
    """The re-vouch records stay: removing records from the chain would break it."""
