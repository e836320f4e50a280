"""Statements built once per table and reused: a save runs thousands of times per command.

Building ``update(table).where(...).values(...)`` anew for every saved aggregate
was a sixth of a month close and half of its commit (docs/performance.md); a
statement whose SET clause comes from the parameters' column names at execution
serves every save of its table.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa

from servicedesk.adapters.sql import tables as t


@functools.cache
def versioned_update(table: sa.Table) -> sa.Update:
    """The save's ``UPDATE``: SET from the parameters; WHERE :saved_id and :saved_version."""
    return sa.update(table).where(
        table.c.id == sa.bindparam("saved_id"), table.c.version == sa.bindparam("saved_version")
    )


#: An event's document rewritten in place (an erasure): ``WHERE seq = :saved_seq``.
EVENT_REWRITE = sa.update(t.events).where(t.events.c.seq == sa.bindparam("saved_seq"))
