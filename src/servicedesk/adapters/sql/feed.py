"""The event feed in SQL: events by the number of the audit record that vouches for them.

``audit_records.seq`` is given in commit order (``AuditLog.locked_head``), and
each record's ``entry`` is the mark its unit of work put on every event it
wrote, bulk-written ones included; ``events (entry, seq)`` is indexed, so a
page is a few index range scans however big one unit of work was (a month
close of 100,000 statements is read a page at a time, by ``events.seq``
inside its record).  The events stored before events were marked come first,
as record 0, by ``events.seq`` up to ``audit_head.events_from``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from servicedesk.adapters import sealing
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.subject_keys import keys_of
from servicedesk.adapters.sql.transaction import SqlTransaction
from servicedesk.app.feed.ports import FeedEvent, Position, feed_event

#: Records looked at per query: SQLite allows at most 500 terms in one compound SELECT.
RECORDS_PER_QUERY = 100

_e = t.events.c
_COLUMNS = (_e.seq, _e.entry, _e.stream, _e.aggregate_id, _e.document)


def feed(uow: SqlTransaction, after: Position, limit: int) -> list[FeedEvent]:
    found: list[FeedEvent] = []
    if after.record == 0:
        found.extend(_unmarked(uow, after.offset, limit))
    elif (entry := _entry_of(uow, after.record)) is not None:
        rows = uow.execute(_of_entry(entry, after.offset, limit)).all()
        found.extend(_fed(uow, after.record, row) for row in rows)
    record = after.record
    while len(found) < limit:
        records = _records_after(uow, record)
        if not records:
            break
        found.extend(_events_of(uow, records, limit - len(found)))
        record = records[-1][0]
    return found


def _unmarked(uow: SqlTransaction, offset: int, limit: int) -> list[FeedEvent]:
    h = t.audit_head.c
    since = sa.select(h.events_from).where(h.id == 1).scalar_subquery()
    query = (
        sa.select(*_COLUMNS)
        .where(_e.entry.is_(None), _e.seq > offset, _e.seq < sa.func.coalesce(since, 1))
        .order_by(_e.seq)
        .limit(limit)
    )
    return [_fed(uow, 0, row) for row in uow.execute(query)]


def _entry_of(uow: SqlTransaction, record: int) -> int | None:
    a = t.audit_records.c
    found: int | None = uow.execute(sa.select(a.entry).where(a.seq == record)).scalar()
    return found


def _records_after(uow: SqlTransaction, record: int) -> list[tuple[int, int]]:
    """The next records that wrote events: (number, mark), by number."""
    a = t.audit_records.c
    query = (
        sa.select(a.seq, a.entry)
        .where(a.seq > record, a.entry.is_not(None))
        .order_by(a.seq)
        .limit(RECORDS_PER_QUERY)
    )
    return [(seq, entry) for seq, entry in uow.execute(query)]


def _of_entry(entry: int, offset: int, limit: int) -> sa.Select[Any]:
    return (
        sa.select(*_COLUMNS).where(_e.entry == entry, _e.seq > offset).order_by(_e.seq).limit(limit)
    )


def _events_of(
    uow: SqlTransaction, records: Sequence[tuple[int, int]], limit: int
) -> list[FeedEvent]:
    """The first ``limit`` events of ``records``, in their order: one query, one range each."""
    parts = [_of_entry(entry, 0, limit).subquery().select() for _seq, entry in records]
    by_entry: dict[int, list[sa.Row[Any]]] = {}
    for row in uow.execute(sa.union_all(*parts) if len(parts) > 1 else parts[0]):
        by_entry.setdefault(row.entry, []).append(row)
    found: list[FeedEvent] = []
    for seq, entry in records:
        rows = sorted(by_entry.get(entry, ()), key=lambda row: row.seq)
        found.extend(_fed(uow, seq, row) for row in rows[: limit - len(found)])
        if len(found) >= limit:
            break
    return found


def _fed(uow: SqlTransaction, record: int, row: sa.Row[Any]) -> FeedEvent:
    document = row.document
    if sealing.is_sealed(document):  # a file's key is read once per transaction
        file_id = sealing.file_of(row.stream, row.aggregate_id)
        document = sealing.unseal(document, file_id, keys_of(uow).key(file_id))
    return feed_event(Position(record, row.seq), row.stream, row.aggregate_id, document)
