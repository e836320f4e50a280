"""Personal data sealed per record file, on every store: encrypted at rest, erased by its key.

Each record file's personal data (the requester, the free text, a signature) is kept in
its documents and events encrypted under the file's key (``adapters/sealing.py``).
Erasure forgets the key: the stored events are not rewritten (their bytes are the same
before and after), they read as erased, the audit chain verifies, and everyone else's
records read as they were written.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from servicedesk import CancelRequest, Contact, Desk, RegisterRequest, Requester, convert
from servicedesk.adapters.memory import KEYS, MemoryStore
from servicedesk.adapters.sealing import SEALED
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql import tables as t
from servicedesk.app.records.commands import EraseRequester, PurgeExpired
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.errors import ConcurrencyConflict
from servicedesk.domain.privacy import ERASED, is_anonymous
from servicedesk.domain.retention import RecordFileId, RecordKind, RetentionRule
from servicedesk.domain.values import RequestId
from servicedesk.policies.hookspecs import hookimpl
from support import CENTRE_MANAGER as RECORDS_KEEPER
from support import Clock

GONE = Requester("Gongsun Lan", "6-0606", Contact("13766660606"))
STAYS = Requester("Duanmu Qing", "8-0808", Contact("13588880808"))
GONE_NEED = "Gongsun Lan says the boiler in 6-0606 hisses; call 137 6666 0606"
STAYS_NEED = "Duanmu Qing: the lift door of block 8 sticks"
#: What must not be readable at rest in any document or event (units sit in a listing column).
GONE_SECRETS = ("Gongsun Lan", "13766660606", "137 6666 0606", "boiler")


class MonthlyRetention:
    @hookimpl
    def servicedesk_retention(self, kind: RecordKind) -> RetentionRule:
        return RetentionRule(timedelta(days=30), erasable_on_request=True)


def stored_documents(store: Store) -> list[Any]:
    """Every document and event the store holds for records, as stored (sealed or not)."""
    if isinstance(store, MemoryStore):
        tables = [
            doc for kind, rows in store.tables.items() if kind != KEYS for _v, doc in rows.values()
        ]
        return tables + [doc for history in store.log.values() for doc in history]
    assert isinstance(store, SqlStore)
    with store.engine.connect() as connection:
        found = list(connection.execute(sa.select(t.events.c.document)).scalars())
        for table in (t.requests.table, t.record_files.table):
            found += list(connection.execute(sa.select(table.c.document)).scalars())
    return found


def event_documents(store: Store, request_id: str) -> list[Any]:
    if isinstance(store, MemoryStore):
        return [json.dumps(d) for d in store.log[("request", RequestId(request_id))]]
    assert isinstance(store, SqlStore)
    e = t.events.c
    with store.engine.connect() as connection:
        query = sa.select(e.document).where(e.stream == "request", e.aggregate_id == request_id)
        return [json.dumps(d) for d in connection.execute(query.order_by(e.seq)).scalars()]


def key_of(store: Store, request_id: str) -> Any:
    """The request's file's key as stored: bytes, None once forgotten, "none" if never made."""
    file_id = RecordFileId.of("request", request_id)
    if isinstance(store, MemoryStore):
        row = store.tables.get(KEYS, {}).get(file_id)
        return "none" if row is None else row[1]["key"]
    assert isinstance(store, SqlStore)
    k = t.subject_keys.c
    with store.engine.connect() as connection:
        found = connection.execute(sa.select(k.key).where(k.file_id == file_id.value)).first()
    return "none" if found is None else found.key


def text_of(documents: list[Any]) -> str:
    return json.dumps(documents, ensure_ascii=False)


def test_personal_data_is_sealed_at_rest_and_erasure_forgets_only_the_key(store: Store) -> None:
    clock = Clock()
    desk = Desk(store, clock=clock, plugins=[MonthlyRetention()], entry_points=False)
    gone = desk.handle(RegisterRequest(requester=GONE, need=GONE_NEED)).id
    stays = desk.handle(RegisterRequest(requester=STAYS, need=STAYS_NEED)).id
    assert gone is not None
    assert stays is not None
    desk.handle(CancelRequest(request_id=gone, reason=f"Gongsun Lan fixed it {GONE.unit}"))
    desk.handle(CancelRequest(request_id=stays, reason="double"))

    # encrypted at rest: no document or event holds her data readable, yet it reads back
    at_rest = text_of(stored_documents(store))
    assert SEALED in at_rest
    assert [s for s in (*GONE_SECRETS, "Duanmu Qing", "lift door") if s in at_rest] == []
    assert desk.queries.request(gone).requester == GONE  # type: ignore[arg-type]
    assert desk.queries.request(gone).need == GONE_NEED  # type: ignore[arg-type]
    assert isinstance(key_of(store, gone), bytes)
    before = event_documents(store, gone)

    assert desk.handle(EraseRequester(phone="137 6666 0606"), actor=RECORDS_KEEPER).id == "1"

    # the events are not rewritten: the same bytes, which now read as erased
    assert event_documents(store, gone) == before
    assert key_of(store, gone) is None  # a tombstone: nothing is sealed for her file again
    request = desk.queries.request(gone)  # type: ignore[arg-type]
    assert is_anonymous(request.requester)
    assert request.need == ERASED
    history = desk.queries.request_history(gone)  # type: ignore[arg-type]
    assert history[0].requester.name == ERASED  # type: ignore[attr-defined]
    shown = json.dumps([convert.unstructure(e) for e in history], ensure_ascii=False)
    assert [s for s in GONE_SECRETS if s in shown] == []
    assert desk.records.verify(desk.records.head()).ok

    # the other person is whole
    assert desk.queries.request(stays).requester == STAYS  # type: ignore[arg-type]
    assert desk.queries.request(stays).need == STAYS_NEED  # type: ignore[arg-type]
    assert desk.queries.request_history(stays)[0].requester == STAYS  # type: ignore[arg-type,attr-defined]

    # the purge forgets her key too; the chain still verifies and amounts and ids stay
    clock.advance(days=31)
    while desk.handle(PurgeExpired(), actor=RECORDS_KEEPER).id != "0":
        pass
    assert key_of(store, stays) is None
    assert is_anonymous(desk.queries.request(stays).requester)  # type: ignore[arg-type]
    assert desk.queries.request(stays).id == RequestId(stays)  # type: ignore[arg-type]
    assert desk.records.verify(desk.records.head()).ok  # records replayed from events too


def test_a_writer_that_read_the_key_before_an_erasure_conflicts_and_seals_nothing(
    store: Store,
) -> None:
    """The erasure moves the record on a version: a save prepared before it never lands."""
    if isinstance(store, SqlStore) and store.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers: the second unit of work waits for the first")
    desk = Desk(store, clock=Clock(), plugins=[MonthlyRetention()], entry_points=False)
    gone = desk.handle(RegisterRequest(requester=GONE, need=GONE_NEED)).id
    assert gone is not None
    desk.handle(CancelRequest(request_id=gone, reason="done"))
    before = event_documents(store, gone)
    late = store.unit_of_work()
    with late:
        request = late.requests.get(RequestId(gone))  # its key read, its data opened
        assert request.requester == GONE
        request.events.append(desk.queries.request_history(gone)[0])  # a write, staged
        assert desk.handle(EraseRequester(phone=GONE.contact.phone), actor=RECORDS_KEEPER).id == "1"
        with pytest.raises(ConcurrencyConflict):
            late.commit()
    assert key_of(store, gone) is None
    assert event_documents(store, gone) == before
    assert is_anonymous(desk.queries.request(gone).requester)  # type: ignore[arg-type]
