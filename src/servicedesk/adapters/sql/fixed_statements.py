"""Statements built once per table and reused, since building one costs more than running it.

A statement whose SET clause comes from the parameters' column names at
execution serves every save of its table; these are also the statements the
unit of work runs on the DBAPI cursor (``cursor.py``).
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from servicedesk.adapters.sql import tables as t


@functools.cache
def versioned_update(table: sa.Table) -> sa.Update:
    """The save's ``UPDATE``: SET from the parameters; WHERE :saved_id and :saved_version."""
    return sa.update(table).where(
        table.c.id == sa.bindparam("saved_id"), table.c.version == sa.bindparam("saved_version")
    )


def read(table: sa.Table, also: tuple[str, ...] = ()) -> tuple[sa.Column[Any], ...]:
    """What loading an aggregate reads: ``version``, ``document``, and the columns ``also``."""
    return (table.c.version, table.c.document, *(table.c[name] for name in also))


@functools.cache
def by_id(table: sa.Table, also: tuple[str, ...] = ()) -> sa.Select[Any]:
    """An aggregate's ``version`` and ``document`` (and ``also``) by ``:id``: every ``get``."""
    return sa.select(*read(table, also)).where(table.c.id == sa.bindparam("id"))


@functools.cache
def id_of(table: sa.Table) -> sa.Select[Any]:
    """Whether an id is taken: ``SELECT id WHERE id = :id`` (``add`` checks it)."""
    return sa.select(table.c.id).where(table.c.id == sa.bindparam("id"))


def nulls_last(column: Any) -> tuple[Any, ...]:
    """Sort NULLs after every value, as the memory store does, on every database."""
    return (sa.case((column.is_(None), 1), else_=0), column)


@functools.cache
def matching(
    table: sa.Table, *columns: str, nulls_last_by: str | None = None, also: tuple[str, ...] = ()
) -> sa.Select[Any]:
    """``version`` and ``document`` (and ``also``) where each of ``columns`` equals its parameter.

    Ordered by id, after ``nulls_last_by`` (NULLs last) if given: a repository
    query a command runs (a request's charges, a unit's account), built once.
    """
    order = () if nulls_last_by is None else nulls_last(table.c[nulls_last_by])
    return (
        sa.select(*read(table, also))
        .where(*(table.c[name] == sa.bindparam(name) for name in columns))
        .order_by(*order, table.c.id)
    )


@functools.cache
def insert(table: sa.Table) -> sa.Insert:
    """A plain ``INSERT`` into ``table``, its columns from the parameters."""
    return sa.insert(table)


#: The audit chain's head: the last record's number and hash, without its content.
AUDIT_HEAD = (
    sa.select(t.audit_records.c.seq, t.audit_records.c.hash)
    .order_by(t.audit_records.c.seq.desc())
    .limit(1)
)

#: The head's row, held by this transaction until it ends (``FOR UPDATE``; SQLite writes
#: one transaction at a time and needs no lock).
AUDIT_HEAD_LOCKED = (
    sa.select(t.audit_head.c.seq, t.audit_head.c.hash)
    .where(t.audit_head.c.id == 1)
    .with_for_update()
)
#: The head moved to the record just chained.
AUDIT_HEAD_MOVE = (
    sa.update(t.audit_head)
    .where(t.audit_head.c.id == 1)
    .values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash"))
)

#: An event's document rewritten in place (an erasure): ``WHERE seq = :saved_seq``.
EVENT_REWRITE = sa.update(t.events).where(t.events.c.seq == sa.bindparam("saved_seq"))

#: The subjects a record file is found by (``PersonalData.link`` adds the new ones).
SUBJECTS_OF = sa.select(t.subject_links.c.subject).where(
    t.subject_links.c.file_id == sa.bindparam("file_id")
)
