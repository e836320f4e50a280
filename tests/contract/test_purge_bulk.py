"""The SQL stores' bulk purge stores exactly what the per-record purge stores.

``PurgeExpired`` on a SQL store anonymises a batch with a few set-based
statements (``SqlPersonalData.purge_due``); the memory store leaves every file
to the per-record ``erase``, the reference.  The same random records (requests
cancelled or worked to the end with a signature, found items claimed with and
without a phone, requesters of every kind, signatures, holds placed and
released, shared phones) are purged in random batches on both, and everything
a later reader sees must be equal: aggregates, record files, lookup keys,
event histories, the audit trail (which must verify), the projection columns.
Nothing of a purged person may be left in any stored document or event.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from unittest import mock

import attrs
import pytest
import sqlalchemy as sa
from contract_databases import Databases, wipe
from contract_scenario import Clock, published_item, worker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk import (
    AcceptWork,
    CancelRequest,
    CloseRequest,
    CompleteWork,
    Contact,
    Desk,
    DispatchRequest,
    RegisterRequest,
    Requester,
    RequesterKind,
    StartWork,
    TriageRequest,
    convert,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.bulk import json_scrub
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.subject_keys import unsealed
from servicedesk.adapters.sql.types import Document
from servicedesk.app import context
from servicedesk.app.records.commands import (
    ClaimFoundItem,
    LogFoundItem,
    PlaceHold,
    PurgeExpired,
    ReleaseHold,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.audit import AuditRecord
from servicedesk.domain.events import Event
from servicedesk.domain.lost_found import (
    Claimant,
    Finder,
    FoundItem,
    FoundItemClaimed,
    FoundItemId,
    IdentityCheck,
)
from servicedesk.domain.privacy import scrub, subject_key
from servicedesk.domain.requests import Channel, ServiceRequest, WorkAccepted
from servicedesk.domain.retention import RecordFileId, RecordKind, RetentionRule
from servicedesk.domain.values import ActorId, Identifier, RequestId
from servicedesk.policies.hookspecs import hookimpl
from servicedesk.testing import IN_PERSON
from support import CENTRE_MANAGER as RECORDS_KEEPER
from support import DESK_CLERK

PHONES = ("13800138000", "13911112222", "021-5555 6666")
#: Marks every name and unit a record carries, so a search finds nothing else.
MARK = "Zq"


class MonthlyRetention:
    @hookimpl
    def servicedesk_retention(self, kind: RecordKind) -> RetentionRule:
        return RetentionRule(timedelta(days=30), erasable_on_request=True)


@attrs.frozen
class Spec:
    kind: str  # "cancelled", "worked", "open", "claimed", "kept"
    name: str
    unit: str
    phone: str | None
    requester_kind: RequesterKind
    signature: str
    hold: str  # "", "held", "released"

    def secrets(self, index: int) -> list[str]:
        return [f"{MARK}{index}n{self.name}", f"{MARK}{index}u{self.unit}", f"{MARK}{index}s"]


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)
specs = st.lists(
    st.builds(
        Spec,
        kind=st.sampled_from(("cancelled", "worked", "open", "claimed", "kept")),
        name=names,
        unit=names,
        phone=st.none() | st.sampled_from(PHONES),
        requester_kind=st.sampled_from(RequesterKind),
        signature=st.sampled_from(("requester", "someone else")),
        hold=st.sampled_from(("", "", "held", "released")),
    ),
    min_size=1,
    max_size=7,
)


def record_id(index: int, spec: Spec) -> tuple[str, str]:
    """(store kind, record id) of the record ``spec`` at ``index`` makes."""
    if spec.kind in ("claimed", "kept"):
        return "found_item", f"fi-{index}"
    return "request", f"r-{index}"


def build(store: Store, clock: Clock, records: list[Spec]) -> Desk:
    """The records on a desk, with the same work order ids on every store."""
    numbers = itertools.count()
    fake = SimpleNamespace(uuid4=lambda: SimpleNamespace(hex=f"wo{next(numbers)}"))
    with mock.patch.object(context, "uuid", fake):
        return _build(store, clock, records)


def _build(store: Store, clock: Clock, records: list[Spec]) -> Desk:
    desk = Desk(store, clock=clock, plugins=[MonthlyRetention()], entry_points=False)
    published_item(desk)
    worker(desk)
    for index, spec in enumerate(records):
        name, unit, _signature = spec.secrets(index)
        kind, rid = record_id(index, spec)
        phone = spec.phone or PHONES[0]
        if kind == "request":
            requester = Requester(name, unit, Contact(phone), spec.requester_kind)
            desk.handle(RegisterRequest(request_id=rid, requester=requester, need="tap drips"))
            if spec.kind == "cancelled":
                desk.handle(CancelRequest(request_id=rid, reason="fixed it myself"))
            elif spec.kind == "worked":
                desk.handle(TriageRequest(request_id=rid, item_id="tap"))
                desk.handle(DispatchRequest(request_id=rid, worker_id="w-1"))
                desk.handle(StartWork(request_id=rid))
                desk.handle(CompleteWork(request_id=rid))
                signature = name if spec.signature == "requester" else f"{MARK}{index}s"
                desk.handle(
                    AcceptWork(request_id=rid, signed_by=signature, evidence=IN_PERSON),
                    actor=DESK_CLERK,
                )
                desk.handle(CloseRequest(request_id=rid))
        else:
            contact = None if spec.phone is None else Contact(spec.phone)
            finder = Finder(name, contact)
            desk.handle(
                LogFoundItem(
                    item_id=rid,
                    description="umbrella",
                    place="lobby",
                    valuable=False,
                    finder=finder,
                )
            )
            if spec.kind == "claimed":
                desk.handle(
                    ClaimFoundItem(
                        item_id=rid,
                        claimant_name=unit,
                        document="id card",
                        document_number="11010519491231002X",
                        claimant_phone=spec.phone,
                    )
                )
        if spec.hold and spec.kind not in ("open", "kept"):
            desk.handle(PlaceHold(record_id=rid, hold_id="court", reason="lawsuit", kind=kind))
        clock.advance(minutes=7)
    return desk


def purge(desk: Desk, clock: Clock, records: list[Spec], batch: int) -> list[str]:
    """Purge in batches past the period, release the released holds, purge again."""
    clock.advance(days=31)
    done = []
    while (purged := desk.handle(PurgeExpired(limit=batch)).id) != "0":
        done.append(purged)
    for index, spec in enumerate(records):
        kind, rid = record_id(index, spec)
        if spec.hold == "released" and spec.kind not in ("open", "kept"):
            desk.handle(
                ReleaseHold(record_id=rid, hold_id="court", kind=kind), actor=RECORDS_KEEPER
            )
    clock.advance(days=1)
    while (purged := desk.handle(PurgeExpired(limit=batch)).id) != "0":
        done.append(purged)
    assert desk.handle(PurgeExpired()).id == "0"  # nothing is purged twice
    return done


def snapshot(desk: Desk, records: list[Spec]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    with desk.store.unit_of_work() as uow:
        for index, spec in enumerate(records):
            kind, rid = record_id(index, spec)
            file_id = RecordFileId.of(kind, rid)
            if kind == "request":
                seen[rid] = uow.requests.get(RequestId(rid))
                seen[f"{rid} history"] = uow.events.history(kind, RequestId(rid))
            else:
                seen[rid] = uow.found_items.get(FoundItemId(rid))
                seen[f"{rid} history"] = uow.events.history(kind, FoundItemId(rid))
            seen[file_id.value] = uow.record_files.find(file_id)
            seen[f"{file_id.value} history"] = uow.events.history("record_file", file_id)
        for phone in PHONES:
            seen[f"files of {phone}"] = uow.personal_data.files_of(subject_key(phone))
    # each unit of work's random mark, and so each hash, differs from run to run
    seen["trail"] = [
        attrs.evolve(r, entry=None, hash="", previous="")
        for r in desk.records.trail(0, 100_000)
        if isinstance(r, AuditRecord)
    ]
    return seen


def strings(data: Any) -> Iterator[str]:
    """Every text in ``data``: JSON texts parsed, mappings' keys and values, ids' values."""
    if isinstance(data, Identifier):
        yield data.value
    elif isinstance(data, str):
        try:
            yield from strings(json.loads(data))
        except ValueError:
            yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(data, list | tuple):
        for value in data:
            yield from strings(value)


def stored_sql(store: SqlStore) -> list[str]:
    """Every text a SQL store holds in any table, JSON documents walked to their leaves."""
    found: list[str] = []
    with store.engine.connect() as connection:
        for table in t.metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                for value in row:
                    found.extend(strings(value))
    return found


def left_behind(texts: list[str], records: list[Spec], purged: set[int]) -> list[str]:
    """The secrets of purged records found in ``texts``; phones only if no kept record has one."""
    secrets = [s for i in purged for s in records[i].secrets(i)]
    kept_phones = {records[i].phone or PHONES[0] for i in range(len(records)) if i not in purged}
    phones = {records[i].phone or PHONES[0] for i in purged} - kept_phones
    return [s for s in (*secrets, *phones) if any(s in text for text in texts)]


def check_projections(store: SqlStore) -> None:
    """Every row's projection columns are what its document's aggregate projects."""
    kinds = (
        (t.requests, "request"),
        (t.found_items, "found_item"),
        (t.record_files, "record_file"),
    )
    with store.engine.connect() as connection, store.reading() as uow:
        for spec, kind in kinds:
            for row in connection.execute(sa.select(spec.table)):
                [document] = unsealed(uow, kind, [(row.id, row.document)])
                aggregate = convert.structure(document, spec.cls)
                expected = spec.projections(aggregate)
                assert {k: getattr(row, k) for k in expected} == expected, row.id


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mariadb"])
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=specs, batch=st.integers(1, 4))
def test_the_bulk_purge_stores_what_the_per_record_purge_stores(
    backend: str, databases: Databases, records: list[Spec], batch: int
) -> None:
    memory = MemoryStore()
    reference_clock, bulk_clock = Clock(), Clock()
    reference = build(memory, reference_clock, records)
    sql = SqlStore(databases.url(backend), migrate=False)
    try:
        wipe(sql)
        bulk = build(sql, bulk_clock, records)
        assert purge(bulk, bulk_clock, records, batch) == purge(
            reference, reference_clock, records, batch
        )
        assert snapshot(bulk, records) == snapshot(reference, records)
        head = bulk.records.head()
        assert bulk.records.verify(head).ok
        check_projections(sql)
        purged = {
            i
            for i, spec in enumerate(records)
            if spec.kind in ("cancelled", "worked", "claimed") and spec.hold != "held"
        }
        assert left_behind(stored_sql(sql), records, purged) == []
        memory_texts = list(strings(memory.snapshot()))
        assert left_behind(memory_texts, records, purged) == []
    finally:
        wipe(sql)
        sql.close()


# --- the plan's SQL against scrub, value by value ------------------------------------------------

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=6)
some_names = texts.filter(str.strip)
contacts = st.none() | st.builds(Contact, st.sampled_from(PHONES))
identities = st.none() | st.builds(
    IdentityCheck, document=st.just("id card"), checked_by=st.just(ActorId("zhao")), last_four=texts
)
at = st.just(Clock().now)
values = st.one_of(
    st.builds(WorkAccepted, at=at, request_id=st.just(RequestId("r-1")), signed_by=texts),
    st.builds(
        FoundItemClaimed,
        at=at,
        item_id=st.just(FoundItemId("fi-1")),
        claimant=st.builds(Claimant, name=some_names, contact=contacts, identity=identities),
    ),
    st.builds(
        FoundItem,
        id=st.just(FoundItemId("fi-1")),
        description=st.just(""),
        place=st.just(""),
        valuable=st.just(False),
        finder=st.builds(Finder, name=some_names, contact=contacts),
        found_at=at,
        keep_until=at,
        claimant=st.none()
        | st.builds(Claimant, name=some_names, contact=contacts, identity=identities),
    ),
    st.builds(
        ServiceRequest,
        id=st.just(RequestId("r-1")),
        requester=st.builds(
            Requester,
            name=some_names,
            unit=some_names,
            contact=st.builds(Contact, st.sampled_from(PHONES)),
            kind=st.sampled_from(RequesterKind),
        ),
        channel=st.just(Channel.FRONT_DESK),
        need=st.just(""),
        registered_at=at,
        updated_at=at,
    ),
)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mariadb"])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=values)
def test_the_plans_statements_put_what_scrub_puts(
    backend: str, databases: Databases, value: Any
) -> None:
    """Empty texts stay empty, missing contacts stay missing, the rest is anonymous."""
    is_event = isinstance(value, Event)
    leaves = json_scrub.plan(type(value), aggregate=not is_event)
    assert leaves is not None
    document = sa.literal(convert.unstructure(value), Document())
    engine = make_engine(databases.url(backend))
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                sa.select(json_scrub.scrubbed(document, leaves))
            ).scalar_one()
    finally:
        engine.dispose()
    if isinstance(stored, str):
        stored = json.loads(stored)
    assert convert.structure(stored, Event if is_event else type(value)) == scrub(value)
