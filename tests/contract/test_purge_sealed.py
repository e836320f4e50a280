"""The bulk purge patches only what was stored in plain text; sealed rows lose their key.

A record written since sealing holds its personal data in a sealed part under
its file's key: the purge forgets the key, moves the record's version on and
erases its listing columns, and leaves its document's text and its events as
they were (an event is not rewritten). A record an earlier version stored in
plain text is patched as before, document and events.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from contract_scenario import Clock

from servicedesk import CancelRequest, Contact, Desk, RegisterRequest, Requester
from servicedesk.adapters import sealing
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.subject_keys import unsealed
from servicedesk.app.records.commands import PurgeExpired
from servicedesk.domain.values import Actor, RequestId

NAMES = {"r-plain": "Ouyang Xiu", "r-sealed": "Su Shi"}


def _events(store: SqlStore, request_id: str) -> list[Any]:
    e = t.events.c
    with store.engine.connect() as connection:
        query = sa.select(e.seq, e.document).where(
            e.stream == "request", e.aggregate_id == request_id
        )
        return list(connection.execute(query.order_by(e.seq)))


def _write_plain(store: SqlStore, request_id: str) -> None:
    """The request and its events as the version before sealing stored them: plain text."""
    r, e = t.requests.table, t.events
    with store.engine.connect() as connection:
        [row] = connection.execute(sa.select(r.c.document).where(r.c.id == request_id))
    events = _events(store, request_id)
    with store.reading() as uow:
        [document] = unsealed(uow, "request", [(request_id, row.document)])
        plain = [(seq, unsealed(uow, "request", [(request_id, d)])[0]) for seq, d in events]
    with store.engine.begin() as connection:
        connection.execute(sa.update(r).where(r.c.id == request_id).values(document=document))
        for seq, event in plain:
            connection.execute(sa.update(e).where(e.c.seq == seq).values(document=event))


def _texts(store: SqlStore) -> str:
    with store.engine.connect() as connection:
        return " ".join(
            str(value)
            for table in (t.requests.table, t.events)
            for row in connection.execute(sa.select(table))
            for value in row
        )


def test_the_purge_patches_plain_rows_and_leaves_sealed_rows_to_their_key(
    sql_store: SqlStore,
) -> None:
    clock = Clock()
    desk = Desk(sql_store, clock=clock, entry_points=False)
    for request_id, name in NAMES.items():
        requester = Requester(name, "3-502", Contact("13800138000"))
        desk.handle(RegisterRequest(request_id=request_id, requester=requester, need="the tap"))
        desk.handle(CancelRequest(request_id=request_id, reason="fixed it"))
    _write_plain(sql_store, "r-plain")
    assert NAMES["r-plain"] in _texts(sql_store)
    sealed_before = _events(sql_store, "r-sealed")
    assert all(sealing.is_sealed(d) for _s, d in sealed_before if "requester" in d)

    plain_before = _events(sql_store, "r-plain")
    rewritten: list[int] = []

    def count(_c: Any, cursor: Any, statement: str, *_a: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE EVENTS"):
            rewritten.append(cursor.rowcount)

    clock.now += timedelta(days=20 * 365)
    sa.event.listen(sql_store.engine, "after_cursor_execute", count)
    try:
        purged = desk.handle(PurgeExpired(limit=100), actor=Actor.system())
    finally:
        sa.event.remove(sql_store.engine, "after_cursor_execute", count)
    assert purged.id == "2"
    patched = [
        a for a, b in zip(plain_before, _events(sql_store, "r-plain"), strict=True) if a != b
    ]
    assert patched  # the plain registration lost its requester
    assert sum(rewritten) == len(patched)  # and no sealed event was rewritten

    texts = _texts(sql_store)
    assert NAMES["r-plain"] not in texts
    assert NAMES["r-sealed"] not in texts  # it never was: sealed under a forgotten key
    assert _events(sql_store, "r-sealed") == sealed_before  # not one byte rewritten
    for request_id in NAMES:
        view = desk.queries.request(RequestId(request_id), actor=Actor.system())
        assert view.requester.name == "[erased]"
    assert desk.records.verify().ok


def test_forgetting_many_keys_refreshes_the_keys_statistics(sql_store: SqlStore) -> None:
    """A purge forgets thousands of keys: the table's statistics are refreshed after it, or
    PostgreSQL keeps the plan it made for a table of a few rows (a scan per lookup), and
    every batch of a long purge took longer than the one before."""
    from unittest import mock

    from servicedesk.adapters.sql import statistics
    from servicedesk.adapters.sql.subject_keys import keys_of

    files = [f"request:r-{n}" for n in range(statistics.BIG_WRITE)]
    with mock.patch.object(statistics, "refresh") as refresh, sql_store.unit_of_work() as uow:
        keys_of(uow).forget(files)
        uow.commit()
    [(_connection, tables)] = [call.args for call in refresh.call_args_list]
    assert t.subject_keys.name in tables
