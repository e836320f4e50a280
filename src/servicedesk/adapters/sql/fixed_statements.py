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


@functools.cache
def overdue_statements() -> sa.Select[Any]:
    """The statements open past their due date at ``:now`` with their account's unit and
    holder (the accounts' listing columns), oldest period first, then by id; its columns
    are ``OverdueStatementRow``'s fields, in their order."""
    s, a = t.statements.table.c, t.accounts.table.c
    paid = sa.type_coerce(sa.func.coalesce(s.paid, 0), s.paid.type).label("paid")
    return (
        sa.select(s.id, s.account_id, s.period, s.currency, s.total, paid, s.due)
        .add_columns(a.unit, a.holder)
        .join_from(t.statements.table, t.accounts.table, a.id == s.account_id)
        .where(s.open_due < sa.bindparam("now", type_=s.open_due.type))
        .order_by(s.period, s.id)
    )


#: A page's conditions as a statement's shape: each field, its operator, how many values.
PageShape = tuple[tuple[str, str, int], ...]


#: Statements of pages kept per store, each shape built once (``IN`` sizes rounded up).
PAGE_SHAPES = 1024


@functools.lru_cache(maxsize=PAGE_SHAPES)
def page(
    table: sa.Table,
    fields: tuple[str, ...],
    shape: PageShape,
    sort: str,
    descending: bool,
    keyed: bool,
) -> sa.Select[Any]:
    """A list's page: ``fields`` of the rows matching ``shape``, after ``:after_value`` and
    ``:after_id`` when ``keyed``, ``:row_limit`` of them.  Conditions bind ``:w<i>`` (``IN``:
    ``:w<i>_<j>``), so each shape of filter is built and compiled once.
    """
    c = table.c
    query = sa.select(c.id, *(c[name] for name in fields)).where(*page_conditions(table, shape))
    column = c[sort]
    if keyed:
        value: Any = sa.bindparam("after_value")
        row_id: Any = sa.bindparam("after_id")
        if descending:
            after = sa.or_(column < value, sa.and_(column == value, c.id < row_id))
        else:
            after = sa.or_(column > value, sa.and_(column == value, c.id > row_id))
        query = query.where(after)
    order = (column.desc(), c.id.desc()) if descending else (column, c.id)
    return query.order_by(*order).limit(sa.bindparam("row_limit", type_=sa.Integer))


@functools.lru_cache(maxsize=PAGE_SHAPES)
def page_count(table: sa.Table, shape: PageShape) -> sa.Select[Any]:
    """How many rows match ``shape`` on all pages (``with_count``)."""
    counted = sa.func.count().label("matching")
    return sa.select(counted).select_from(table).where(*page_conditions(table, shape))


#: ``LIKE``'s escape character in the ``has`` condition's pattern.
LIKE_ESCAPE = "/"


def page_conditions(table: sa.Table, shape: PageShape) -> list[Any]:
    found: list[Any] = []
    for i, (field, op, arity) in enumerate(shape):
        column: Any = table.c[field]
        value: Any = sa.bindparam(f"w{i}")
        if op == "eq":
            found.append(column == value)
        elif op == "in":
            values: list[Any] = [sa.bindparam(f"w{i}_{j}") for j in range(arity)]
            found.append(column.in_(values) if values else sa.false())
        elif op == "ge":
            found.append(column >= value)
        elif op == "gt":
            found.append(column > value)
        elif op == "le":
            found.append(column <= value)
        elif op == "lt":
            found.append(column < value)
        elif op == "null":
            found.append(column.is_(None))
        elif op == "not_null":
            found.append(column.is_not(None))
        elif op == "has":
            found.append(column.like(sa.bindparam(f"w{i}", type_=sa.String), escape=LIKE_ESCAPE))
        else:
            raise ValueError(op)
    return found
