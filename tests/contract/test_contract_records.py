"""Records on every store: the audit trail's tamper contract, purges, erasure, found items.

The tamper contract (``tests/audit_contract.py``) is run on each store with the
store's own way of tampering: dictionary edits on the memory store, ``UPDATE`` /
``DELETE`` statements on a SQL store's audit table, as an administrator with
database access could run them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pytest
import sqlalchemy as sa

import audit_contract as contract
from servicedesk import CancelRequest, Contact, Desk, RegisterRequest, Requester, convert
from servicedesk.adapters.memory import AUDIT, AUDIT_TEXT, MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql.tables import audit_records
from servicedesk.app.records.commands import EraseRequester, LogFoundItem, PlaceHold, PurgeExpired
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.audit import AuditRecord
from servicedesk.domain.lost_found import Finder
from servicedesk.domain.privacy import is_anonymous
from servicedesk.domain.retention import RecordKind, RetentionRule
from servicedesk.policies.hookspecs import hookimpl
from support import CENTRE_MANAGER as RECORDS_KEEPER
from support import Clock

Change = Callable[[dict[str, Any]], dict[str, Any]]


# --- tampering, store by store -------------------------------------------------------------------


def _memory_key(store: MemoryStore, seq: int) -> Any:
    return next(k for k in store.tables[AUDIT] if int(k.value) == seq)


def _edit(store: Store, seq: int, change: Change) -> None:
    """Replace record ``seq``'s stored content (hash included) by ``change`` of it."""
    if isinstance(store, MemoryStore):
        key = _memory_key(store, seq)
        version, document = store.tables[AUDIT][key]
        data = change(json.loads(document[AUDIT_TEXT]))
        store.tables[AUDIT][key] = (version, {AUDIT_TEXT: json.dumps(data)})
        return
    assert isinstance(store, SqlStore)
    a = audit_records.c
    with store.engine.begin() as connection:
        row = connection.execute(sa.select(a.hash, a.record).where(a.seq == seq)).one()
        data = change({**row.record, "hash": row.hash})
        hash_ = data.pop("hash")
        connection.execute(
            sa.update(audit_records).where(a.seq == seq).values(hash=hash_, record=data)
        )


def alter(store: Store, seq: int) -> None:
    _edit(store, seq, lambda data: {**data, "actor": "someone-else"})


def rehash(store: Store, seq: int) -> None:
    def change(data: dict[str, Any]) -> dict[str, Any]:
        record = attrs.evolve(convert.structure(data, AuditRecord), command="Nothing")
        forged: dict[str, Any] = convert.unstructure(
            attrs.evolve(record, hash=record.computed_hash())
        )
        return forged

    _edit(store, seq, change)


def delete(store: Store, seq: int) -> None:
    if isinstance(store, MemoryStore):
        del store.tables[AUDIT][_memory_key(store, seq)]
        return
    assert isinstance(store, SqlStore)
    with store.engine.begin() as connection:
        connection.execute(sa.delete(audit_records).where(audit_records.c.seq == seq))


def swap(store: Store, first: int, second: int) -> None:
    """Exchange the contents of two rows; each row keeps its number."""
    if isinstance(store, MemoryStore):
        rows = store.tables[AUDIT]
        a, b = _memory_key(store, first), _memory_key(store, second)
        rows[a], rows[b] = rows[b], rows[a]
        return
    assert isinstance(store, SqlStore)
    a = audit_records.c
    with store.engine.begin() as connection:
        rows = {
            r.seq: r
            for r in connection.execute(
                sa.select(a.seq, a.hash, a.record).where(a.seq.in_([first, second]))
            )
        }
        for seq, other in ((first, second), (second, first)):
            values = {"hash": rows[other].hash, "record": rows[other].record}
            connection.execute(sa.update(audit_records).where(a.seq == seq).values(**values))


@pytest.mark.parametrize("check", contract.CHECKS, ids=lambda c: c.__name__)
def test_an_untampered_trail_verifies_and_survives_a_purge(
    store: Store, check: Callable[[Any], None]
) -> None:
    check(store)


def test_a_changed_record_is_named(store: Store) -> None:
    contract.check_an_altered_record_is_named(store, alter)


def test_a_changed_and_rehashed_record_is_named(store: Store) -> None:
    contract.check_a_rehashed_record_is_named(store, rehash)


def test_a_deleted_record_is_named(store: Store) -> None:
    contract.check_a_deleted_record_is_named(store, delete)


def test_reordered_records_are_named(store: Store) -> None:
    contract.check_reordered_records_are_named(store, swap)


def test_a_truncated_tail_is_named_against_the_kept_head(store: Store) -> None:
    contract.check_a_truncated_tail_is_named_against_the_kept_head(store, delete)


def test_the_trail_is_read_in_pages_by_number(store: Store) -> None:
    desk = contract.scenario(store)
    head = desk.records.head()
    assert head is not None
    pages = [desk.records.trail(0, 4), desk.records.trail(4, 4), desk.records.trail(8, 1000)]
    numbers = [r.seq for page in pages for r in page]
    assert numbers == list(range(1, head.seq + 1))
    assert desk.records.trail(head.seq) == []


# --- retention: purge, holds, erasure on request -------------------------------------------------


class MonthlyRetention:
    """Every record kind kept 30 days: short enough to test with days of clock."""

    @hookimpl
    def servicedesk_retention(self, kind: RecordKind) -> RetentionRule:
        return RetentionRule(timedelta(days=30), erasable_on_request=True)


def monthly_desk(store: Store, clock: Clock) -> Desk:
    return Desk(store, clock=clock, plugins=[MonthlyRetention()], entry_points=False)


def person(phone: str) -> Requester:
    return Requester("Chen Jie", "3-502", Contact(phone))


def test_a_purge_takes_exactly_the_expired_unheld_files_in_batches(store: Store) -> None:
    clock = Clock()
    desk = monthly_desk(store, clock)
    closed = []
    for _ in range(3):
        request_id = desk.handle(RegisterRequest(requester=person("13800138000"), need="x")).id
        assert request_id is not None
        desk.handle(CancelRequest(request_id=request_id, reason="duplicate"))
        closed.append(request_id)
        clock.advance(hours=1)
    held = closed.pop()
    desk.handle(PlaceHold(record_id=held, hold_id="court", reason="lawsuit"))
    still_open = desk.handle(RegisterRequest(requester=person("13800138000"), need="y")).id
    assert desk.records.purge_plan() == []
    clock.advance(days=31)
    assert [f.record_id for f in desk.records.purge_plan()] == closed  # earliest first
    assert [f.record_id for f in desk.records.purge_plan(limit=1)] == closed[:1]
    assert desk.handle(PurgeExpired(limit=1)).id == "1"
    assert desk.handle(PurgeExpired()).id == "1"
    assert desk.handle(PurgeExpired()).id == "0"
    expected = [(closed[0], True), (closed[1], True), (held, False), (still_open, False)]
    for request_id, erased in expected:
        requester = desk.queries.request(request_id).requester  # type: ignore[arg-type]
        assert is_anonymous(requester) is erased, request_id
    history = desk.queries.request_history(closed[0])
    assert "13800138000" not in json.dumps([convert.unstructure(e) for e in history])
    assert desk.records.verify(desk.records.head()).ok


def test_erasure_on_request_finds_the_files_by_phone_and_forgets_the_key(store: Store) -> None:
    clock = Clock()
    desk = monthly_desk(store, clock)
    phone, other_phone = "13800138000", "13911112222"
    done = desk.handle(RegisterRequest(requester=person(phone), need="a")).id
    other = desk.handle(RegisterRequest(requester=person(other_phone), need="b")).id
    for request_id in (done, other):
        desk.handle(CancelRequest(request_id=request_id, reason="done"))  # type: ignore[arg-type]
    assert [c.file.record_id for c in desk.records.erasure_plan(phone)] == [done]
    assert desk.handle(EraseRequester(phone=phone), actor=RECORDS_KEEPER).id == "1"
    assert is_anonymous(desk.queries.request(done).requester)  # type: ignore[arg-type]
    assert not is_anonymous(desk.queries.request(other).requester)  # type: ignore[arg-type]
    assert desk.records.erasure_plan(phone) == []  # the lookup key went with the data
    assert [c.file.record_id for c in desk.records.erasure_plan(other_phone)] == [other]


def test_found_items_kept_oldest_first(store: Store) -> None:
    clock = Clock()
    desk = monthly_desk(store, clock)
    for what in ("umbrella", "keys"):
        command = LogFoundItem(
            description=what, place="lobby", valuable=False, finder=Finder("Liu")
        )
        desk.handle(command)
        clock.advance(minutes=5)
    assert [i.description for i in desk.records.found_items_kept()] == ["umbrella", "keys"]


def test_every_spelling_of_a_number_finds_and_erases_the_same_files(store: Store) -> None:
    desk = monthly_desk(store, Clock())
    spellings = ("13800138000", "138 0013 8000", "+86 138-0013-8000")
    filed = []
    for phone in spellings:
        request_id = desk.handle(RegisterRequest(requester=person(phone), need="tap")).id
        desk.handle(CancelRequest(request_id=request_id, reason="done"))  # type: ignore[arg-type]
        filed.append(request_id)
    for phone in spellings:
        assert sorted(c.file.record_id for c in desk.records.erasure_plan(phone)) == sorted(filed)
    assert desk.handle(EraseRequester(phone=spellings[2]), actor=RECORDS_KEEPER).id == "3"
    for request_id in filed:
        assert is_anonymous(desk.queries.request(request_id).requester)  # type: ignore[arg-type]
