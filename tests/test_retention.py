"""Retention: purges anonymise exactly the expired, unheld records and never touch money."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk import (
    AcceptWork,
    CancelRequest,
    CloseRequest,
    CompleteWork,
    Desk,
    DispatchRequest,
    FeeStandard,
    Money,
    RegisterRequest,
    StartWork,
    TriageRequest,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.app.records.commands import EraseRequester, PlaceHold, PurgeExpired, ReleaseHold
from servicedesk.domain.errors import IllegalTransition, InvalidValue, NotFound
from servicedesk.domain.privacy import is_anonymous
from servicedesk.domain.requests import RequestRegistered
from servicedesk.domain.retention import RecordKind, RetentionRule
from servicedesk.policies.hookspecs import hookimpl
from servicedesk.testing import IN_PERSON
from support import CENTRE_MANAGER, CLERK, Clock, hire, publish, requester
from support import CENTRE_MANAGER as RECORDS_KEEPER

PERIOD = timedelta(days=30)


class MonthlyRetention:
    """Every record kind kept 30 days: short enough to test with days of clock."""

    @hookimpl
    def servicedesk_retention(self, kind: RecordKind) -> RetentionRule:
        return RetentionRule(PERIOD, erasable_on_request=kind is not RecordKind.COMPLAINT)


def monthly_desk(store: MemoryStore | None = None, clock: Clock | None = None) -> Desk:
    return Desk(
        store or MemoryStore(),
        clock=clock or Clock(),
        plugins=[MonthlyRetention()],
        entry_points=False,
    )


class Spec(NamedTuple):
    quantity: int
    close_day: int | None  # None: the request stays open
    holds: int
    released: int

    @property
    def held(self) -> bool:
        return self.close_day is not None and self.holds > self.released


record = st.builds(
    Spec, st.integers(1, 40), st.none() | st.integers(0, 60), st.integers(0, 2), st.integers(0, 2)
)
PURGE_DAY = 60


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(record, min_size=1, max_size=6), batch=st.integers(1, 4))
def test_purge_anonymises_exactly_the_expired_unheld_records(specs: list[Spec], batch: int) -> None:
    clock = Clock()
    desk = monthly_desk(clock=clock)
    item_id = publish(desk, fee=FeeStandard.per_unit(Money.of("12.35"), "m²"))
    start = clock.now
    ids: list[str] = []
    for spec in specs:
        request_id = desk.handle(RegisterRequest(requester=requester(), need="clean")).id
        assert request_id is not None
        quantity = str(spec.quantity)
        desk.handle(TriageRequest(request_id=request_id, item_id=item_id, quantity=quantity))
        ids.append(request_id)
    prices = {i: desk.queries.request(i).price for i in ids}
    closing = sorted(
        (s.close_day, i) for i, s in zip(ids, specs, strict=True) if s.close_day is not None
    )
    for day, request_id in closing:
        clock.now = start + timedelta(days=day)
        desk.handle(CancelRequest(request_id=request_id, reason="not needed"))
    expected: set[str] = set()
    for request_id, spec in zip(ids, specs, strict=True):
        if spec.close_day is None:
            continue
        for n in range(spec.holds):
            desk.handle(PlaceHold(record_id=request_id, hold_id=f"h{n}", reason="dispute"))
        for n in range(min(spec.holds, spec.released)):
            desk.handle(ReleaseHold(record_id=request_id, hold_id=f"h{n}"), actor=RECORDS_KEEPER)
        if spec.close_day + PERIOD.days <= PURGE_DAY and not spec.held:
            expected.add(request_id)
    clock.now = start + timedelta(days=PURGE_DAY)

    plan = {view.record_id for view in desk.records.purge_plan()}
    assert plan == expected, "the dry run lists exactly what would go"
    purged = 0
    while (n := int(desk.handle(PurgeExpired(limit=batch)).id or 0)) > 0:
        assert n <= batch
        purged += n
    assert purged == len(expected)
    assert desk.handle(PurgeExpired()).id == "0", "a second purge finds nothing"

    for request_id in ids:
        view = desk.queries.request(request_id)
        registered = desk.queries.request_history(request_id)[0]
        assert isinstance(registered, RequestRegistered)
        assert is_anonymous(view.requester) is (request_id in expected)
        assert is_anonymous(registered.requester) is (request_id in expected)
        assert view.price == prices[request_id], "a purge never changes an amount"
    assert desk.records.verify().ok


def test_a_hold_stops_the_purge_until_every_hold_is_released(clock: Clock) -> None:
    desk = monthly_desk(clock=clock)
    request_id = desk.handle(RegisterRequest(requester=requester(), need="x")).id
    assert request_id is not None
    desk.handle(CancelRequest(request_id=request_id, reason="dup"))
    desk.handle(PlaceHold(record_id=request_id, hold_id="court", reason="lawsuit"))
    desk.handle(
        PlaceHold(record_id=request_id, hold_id="audit", reason="inquiry"), actor=CENTRE_MANAGER
    )
    clock.advance(days=31)
    assert desk.handle(PurgeExpired()).id == "0"
    desk.handle(ReleaseHold(record_id=request_id, hold_id="court"), actor=RECORDS_KEEPER)
    assert desk.handle(PurgeExpired()).id == "0"
    assert [h.id for h in desk.records.file("request", request_id).holds] == ["audit"]
    desk.handle(ReleaseHold(record_id=request_id, hold_id="audit"), actor=RECORDS_KEEPER)
    assert desk.handle(PurgeExpired()).id == "1"
    assert desk.records.file("request", request_id).erased_at == clock.now


def test_an_open_record_is_never_purged(clock: Clock) -> None:
    desk = monthly_desk(clock=clock)
    request_id = desk.handle(RegisterRequest(requester=requester(), need="x")).id
    clock.advance(days=400)
    assert desk.records.purge_plan() == []
    assert desk.handle(PurgeExpired()).id == "0"
    assert not is_anonymous(desk.queries.request(request_id).requester)  # type: ignore[arg-type]


def test_the_period_is_the_longest_of_the_forms_a_job_holds(desk: Desk, clock: Clock) -> None:
    item_id = publish(desk)
    hire(desk)
    request_id = desk.handle(RegisterRequest(requester=requester(), need="tap")).id
    assert request_id is not None
    for command in (
        TriageRequest(request_id=request_id, item_id=item_id, urgency="urgent"),
        DispatchRequest(request_id=request_id),
        StartWork(request_id=request_id),
        CompleteWork(request_id=request_id),
        AcceptWork(request_id=request_id, signed_by="Chen Jie", evidence=IN_PERSON),
        CloseRequest(request_id=request_id),
    ):
        desk.handle(command, actor=CLERK)
    record = desk.records.file("request", request_id)
    assert record.forms == {
        RecordKind.REQUEST_FORM,
        RecordKind.WORK_ORDER,
        RecordKind.FEEDBACK_FORM,
    }
    assert record.expires_at == clock.now + 3 * timedelta(days=365)


def test_bad_holds_are_refused_and_store_nothing(desk: Desk, store: MemoryStore) -> None:
    request_id = desk.handle(RegisterRequest(requester=requester(), need="x")).id
    assert request_id is not None
    desk.handle(PlaceHold(record_id=request_id, hold_id="h", reason="dispute"))
    before = store.snapshot()
    with pytest.raises(InvalidValue, match="already has a hold h"):
        desk.handle(PlaceHold(record_id=request_id, hold_id="h", reason="again"))
    with pytest.raises(IllegalTransition, match="has no hold nope"):
        desk.handle(ReleaseHold(record_id=request_id, hold_id="nope"), actor=RECORDS_KEEPER)
    with pytest.raises(NotFound):
        desk.handle(PlaceHold(record_id="missing", hold_id="h", reason="x"))
    with pytest.raises(InvalidValue, match="not a kind of record"):
        desk.handle(PlaceHold(kind="diary", record_id=request_id, hold_id="h2", reason="x"))
    with pytest.raises(InvalidValue, match="reason must not be empty"):
        desk.handle(PlaceHold(record_id=request_id, hold_id="h3", reason=" "))
    with pytest.raises(InvalidValue, match="1 to 10000"):
        PurgeExpired(limit=0)
    assert store.snapshot() == before


# --- erasure on request --------------------------------------------------------------------------


def test_erasure_on_request_takes_what_the_rules_allow(clock: Clock) -> None:
    desk = monthly_desk(clock=clock)
    phone = "13800138000"
    done = desk.handle(RegisterRequest(requester=requester(phone=phone), need="a")).id
    open_ = desk.handle(RegisterRequest(requester=requester(phone=phone), need="b")).id
    held = desk.handle(RegisterRequest(requester=requester(phone=phone), need="c")).id
    other = desk.handle(RegisterRequest(requester=requester(phone="13911112222"), need="d")).id
    for request_id in (done, held, other):
        desk.handle(CancelRequest(request_id=request_id, reason="done"))
    desk.handle(PlaceHold(record_id=held, hold_id="h", reason="dispute"))  # type: ignore[arg-type]
    plan = {c.file.record_id: c.refused_because for c in desk.records.erasure_plan(phone)}
    assert plan == {
        done: None,
        open_: "the record is still open",
        held: "the record is on hold",
    }
    assert desk.handle(EraseRequester(phone=phone), actor=RECORDS_KEEPER).id == "1"
    anonymous = {i: is_anonymous(desk.queries.request(i).requester) for i in plan}  # type: ignore[arg-type]
    assert anonymous == {done: True, open_: False, held: False}
    assert not is_anonymous(desk.queries.request(other).requester)  # type: ignore[arg-type]
    assert desk.records.erasure_plan(phone)[0].refused_because is not None
    assert desk.records.verify().ok


def test_erasure_of_an_unknown_phone_is_not_found(desk: Desk, store: MemoryStore) -> None:
    before = store.snapshot()
    with pytest.raises(NotFound, match="No records are held for this phone number"):
        desk.handle(EraseRequester(phone="13800000000"), actor=RECORDS_KEEPER)
    with pytest.raises(InvalidValue, match="phone number is required"):
        desk.handle(EraseRequester(phone="not a phone"), actor=RECORDS_KEEPER)
    assert store.snapshot() == before


def test_purges_run_in_batches_and_touch_only_what_is_due(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicedesk.adapters.memory import MemoryPersonalData

    desk = monthly_desk(clock=clock)
    for n in range(120):
        request_id = desk.handle(RegisterRequest(requester=requester(), need=f"job {n}")).id
        if n % 4:  # three in four close; the rest stay open
            desk.handle(CancelRequest(request_id=request_id, reason="done"))  # type: ignore[arg-type]
    clock.advance(days=31)
    shredded: list[str] = []
    original = MemoryPersonalData.shred

    def counting(self: MemoryPersonalData, kind: str, *args: object) -> None:
        shredded.append(kind)
        original(self, kind, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(MemoryPersonalData, "shred", counting)
    assert len(desk.records.purge_plan(limit=50)) == 50
    batches = []
    while (n := desk.handle(PurgeExpired(limit=50)).id) != "0":
        batches.append(n)
    assert batches == ["50", "40"]
    assert len(shredded) == 90, "only the keys of records that were due are forgotten"
    assert desk.records.purge_plan() == []


def test_a_request_registered_before_filing_gets_its_file_and_period_when_it_closes(
    desk: Desk, store: MemoryStore, clock: Clock
) -> None:
    from servicedesk.adapters.memory import SUBJECTS

    request_id = desk.handle(RegisterRequest(requester=requester(), need="x")).id
    assert request_id is not None
    store.tables["record_file"].clear()  # as if registered before records were kept
    store.tables[SUBJECTS].clear()
    desk.handle(CancelRequest(request_id=request_id, reason="dup"))
    record = desk.records.file("request", request_id)
    assert record.forms == {RecordKind.REQUEST_FORM}
    assert record.expires_at == clock.now + 3 * timedelta(days=365)


def test_a_file_without_forms_cannot_close_and_a_rule_needs_a_period(clock: Clock) -> None:
    from servicedesk.domain.retention import RecordFile, RecordFileId

    record = RecordFile.open(
        RecordFileId("request:r-1"), kind="request", record_id="r-1", forms=(), at=clock.now
    )
    rules = {kind: RetentionRule(PERIOD) for kind in RecordKind}
    with pytest.raises(IllegalTransition, match="names no kind of record"):
        record.close(at=clock.now, rules=rules)
    with pytest.raises(InvalidValue, match="longer than zero"):
        RetentionRule(timedelta(0))


class ThirtyAsInt:
    @hookimpl
    def servicedesk_retention(self, kind: RecordKind) -> int:
        return 30


class KeepNothing:
    @hookimpl
    def servicedesk_found_item_keeping(self, valuable: bool) -> timedelta:
        return timedelta(0)


def test_garbage_from_a_records_plugin_is_a_policy_error_and_stores_nothing(
    store: MemoryStore, clock: Clock
) -> None:
    from servicedesk.app.records.commands import LogFoundItem
    from servicedesk.domain.errors import PolicyError
    from servicedesk.domain.lost_found import Finder

    setup = Desk(store, clock=clock, entry_points=False)
    request_id = setup.handle(RegisterRequest(requester=requester(), need="x")).id
    assert request_id is not None
    before = store.snapshot()
    desk = Desk(store, clock=clock, plugins=[ThirtyAsInt()], entry_points=False)
    with pytest.raises(PolicyError, match="servicedesk_retention returned 'int'"):
        desk.handle(CancelRequest(request_id=request_id, reason="dup"))
    desk = Desk(store, clock=clock, plugins=[KeepNothing()], entry_points=False)
    with pytest.raises(PolicyError, match="servicedesk_found_item_keeping returned 'timedelta'"):
        desk.handle(
            LogFoundItem(description="key", place="hall", valuable=False, finder=Finder("Liu"))
        )
    assert store.snapshot() == before


def test_a_reopened_record_stops_its_period_until_it_closes_again(clock: Clock) -> None:
    from servicedesk.domain.retention import RecordFile, RecordFileId

    rules = {kind: RetentionRule(PERIOD) for kind in RecordKind}
    record = RecordFile.open(
        RecordFileId("complaint:c-1"),
        kind="complaint",
        record_id="c-1",
        forms=[RecordKind.COMPLAINT],
        at=clock.now,
    )
    with pytest.raises(IllegalTransition, match="is open; it cannot be reopened"):
        record.reopen(at=clock.now)
    record.close(at=clock.now, rules=rules)
    record.reopen(at=clock.now + timedelta(days=5))
    assert not record.is_due(clock.now + timedelta(days=400))
    record.close(at=clock.now + timedelta(days=10), rules=rules)
    assert record.expires_at == clock.now + timedelta(days=10) + PERIOD
    assert RecordFile.replay(record.id, record.events) == record
