"""Paged lists answer the same on every store: filters, sort, keyset pages, counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from contract_databases import wipe
from contract_scenario import (
    SHANGHAI,
    Clock,
    desk,
    published_item,
    register,
    triaged,
    worker,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk import (
    Actor,
    ActorId,
    CancelRequest,
    Channel,
    Contact,
    DispatchRequest,
    Page,
    RegisterRequest,
    RegisterWorker,
    Requester,
    RequestFilter,
    Role,
    Status,
    WorkerFilter,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.values import ItemId, WorkerId


def ids(page: Page[object]) -> list[str]:
    return [row.id.value for row in page.items]  # type: ignore[attr-defined]


def walk(fetch: object, limit: int, **asked: object) -> list[str]:
    """Every id of a list, page after page."""
    found: list[str] = []
    cursor = None
    while True:
        page = fetch(limit=limit, cursor=cursor, **asked)  # type: ignore[operator]
        found += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            return found


def requester(unit: str, phone: str) -> Requester:
    return Requester("Chen", unit, Contact(phone))


def test_requests_by_unit_phone_status_and_channel(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    people = [("3-502", "13800138000"), ("3-501", "13900139000"), ("3-502", "13800138000")]
    for number, (unit, phone) in enumerate(people):
        channel = Channel.HOTLINE if number == 1 else Channel.FRONT_DESK
        d.handle(
            RegisterRequest(
                request_id=f"r-{number}",
                requester=requester(unit, phone),
                need="tap",
                channel=channel,
            )
        )
        clock.advance(minutes=5)
    d.handle(CancelRequest(request_id="r-2", reason="requester withdrew"))
    q = d.queries
    assert ids(q.requests(RequestFilter(unit="3-502"))) == ["r-0", "r-2"]
    assert ids(q.requests(RequestFilter(phone="+86 138 0013 8000"))) == ["r-0", "r-2"]
    assert ids(q.requests(RequestFilter(status=frozenset({Status.CANCELLED})))) == ["r-2"]
    assert ids(q.requests(RequestFilter(channel=Channel.HOTLINE))) == ["r-1"]
    assert ids(q.requests(RequestFilter(unit="3-502", status=frozenset({Status.REGISTERED})))) == [
        "r-0"
    ]
    assert ids(q.requests(RequestFilter(unit="9-999"))) == []


def test_requests_registered_between_sorted_both_ways_and_counted(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    for number in range(7):
        register(d, f"r-{number}")
        clock.advance(hours=1)
    start = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai: r-1 onwards
    end = start + timedelta(hours=4)
    between = RequestFilter(registered_from=start, registered_before=end)
    assert ids(d.queries.requests(between)) == ["r-1", "r-2", "r-3", "r-4"]
    newest = d.queries.requests(between, descending=True, limit=3, with_count=True)
    assert ids(newest) == ["r-4", "r-3", "r-2"]
    assert newest.count == 4
    assert newest.next_cursor is not None
    last = d.queries.requests(between, descending=True, limit=3, cursor=newest.next_cursor)
    assert ids(last) == ["r-1"]
    assert last.next_cursor is None
    assert walk(d.queries.requests, 2, sort="id", descending=True) == [
        f"r-{n}" for n in reversed(range(7))
    ]
    assert d.queries.requests(limit=200).count is None


def test_requests_by_worker_item_and_overdue_and_the_worker_s_jobs(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    published_item(d)
    worker(d, "w-1")
    worker(d, "w-2")
    for request_id in ("r-a", "r-b", "r-c"):
        triaged(d, request_id)
    register(d, "r-plain")
    d.handle(DispatchRequest(request_id="r-a", worker_id="w-1"))
    d.handle(DispatchRequest(request_id="r-b", worker_id="w-2"))
    d.handle(DispatchRequest(request_id="r-c", worker_id="w-1"))
    d.handle(CancelRequest(request_id="r-c", reason="requester withdrew"))
    q = d.queries
    assert ids(q.requests(RequestFilter(worker_id=WorkerId("w-1")))) == ["r-a", "r-c"]
    assert ids(q.jobs("w-1")) == ["r-a"]
    assert ids(q.jobs("w-1", open_only=False)) == ["r-a", "r-c"]
    assert ids(q.requests(RequestFilter(item_id=ItemId("tap")))) == ["r-a", "r-b", "r-c"]
    late = datetime(2026, 3, 2, 10, 31, tzinfo=SHANGHAI)  # urgent: on site within an hour
    overdue = q.requests(RequestFilter(overdue=True), now=late)
    assert ids(overdue) == ["r-a", "r-b"]
    assert all(row.overdue for row in overdue.items)
    assert ids(q.requests(RequestFilter(overdue=True))) == []


def test_a_page_is_keyset_rows_written_between_reads_never_shift_it(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    for number in range(4):
        register(d, f"r-{number}")
        clock.advance(minutes=1)
    first = d.queries.requests(limit=2)
    assert ids(first) == ["r-0", "r-1"]
    register(d, "r-9")  # registered last, so it sorts last
    d.handle(CancelRequest(request_id="r-0", reason="requester withdrew"))
    rest = d.queries.requests(limit=10, cursor=first.next_cursor)
    assert ids(rest) == ["r-2", "r-3", "r-9"]


def test_unit_is_masked_for_a_caller_who_may_not_read_the_request(store: Store) -> None:
    from servicedesk.policies.hookspecs import hookimpl

    class NarrowReaders:
        @hookimpl
        def servicedesk_permitted_readers(self, query: str) -> frozenset[Role] | None:
            return frozenset({Role.CENTRE_MANAGER}) if query == "queries.request" else None

    from servicedesk import Desk

    d = Desk(store, clock=Clock(), entry_points=False, plugins=[NarrowReaders()])
    register(d, "r-1")
    clerk = Actor(ActorId("zhao"), "Zhao", {Role.CLERK})
    manager = Actor(ActorId("wang"), "Wang", {Role.CENTRE_MANAGER})
    assert d.queries.requests(actor=clerk).items[0].unit == "3-***"
    assert d.queries.requests(actor=manager).items[0].unit == "3-502"


def test_workers_by_skill_and_availability(store: Store) -> None:
    d = desk(store)
    d.handle(RegisterWorker(worker_id="w-2", name="Sun", skills={"plumbing", "electric"}))
    d.handle(RegisterWorker(worker_id="w-1", name="Li", skills={"plumbing"}))
    d.handle(RegisterWorker(worker_id="w-3", name="Zhou", skills={"glazing_100%"}))
    q = d.queries
    assert ids(q.workers()) == ["w-1", "w-2", "w-3"]
    assert ids(q.workers(WorkerFilter(skill="plumbing"))) == ["w-1", "w-2"]
    assert ids(q.workers(WorkerFilter(skill="electric"))) == ["w-2"]
    assert ids(q.workers(WorkerFilter(skill="glazing_100%"))) == ["w-3"]
    assert ids(q.workers(WorkerFilter(skill="glazing"))) == []
    assert ids(q.workers(WorkerFilter(available=False))) == []
    assert q.workers(limit=1, with_count=True).count == 3
    assert walk(q.workers, 1, descending=True) == ["w-3", "w-2", "w-1"]
    assert q.workers().items[1].skills == frozenset({"plumbing", "electric"})


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_cursors_are_the_same_on_every_store(store: Store, limit: int) -> None:
    clock = Clock()
    d = desk(store, clock)
    for number in range(3):
        register(d, f"r-{number}")
        clock.advance(seconds=1)
    page = d.queries.requests(limit=limit)
    expected = {
        1: "WyJyZXF1ZXN0cyIsInJlZ2lzdGVyZWRfYXQiLGZhbHNlLCIyMDI2LTAzLTAyVDAxOjMwOjAw"
        "KzAwOjAwIiwici0wIl18",
        2: "WyJyZXF1ZXN0cyIsInJlZ2lzdGVyZWRfYXQiLGZhbHNlLCIyMDI2LTAzLTAyVDAxOjMwOjAx"
        "KzAwOjAwIiwici0xIl18",
    }
    if limit in expected:
        assert page.next_cursor is not None
        assert page.next_cursor.startswith(expected[limit])
    else:
        assert page.next_cursor is None


# --- walking the pages: a property ----------------------------------------------------------------

UNITS = ("1-101", "1-102", "2-201")
Row = tuple[int, str]  # (minutes after Monday 09:30, unit)


def _register_at(d: object, clock: Clock, request_id: str, minutes: int, unit: str) -> None:
    clock.now = MONDAY_AT + timedelta(minutes=minutes)
    d.handle(  # type: ignore[attr-defined]
        RegisterRequest(request_id=request_id, requester=requester(unit, "13800138000"), need="tap")
    )


MONDAY_AT = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)


def _walk_while_writing(
    store: Store, rows: list[Row], later: list[Row], limit: int, unit: str | None, desc: bool
) -> tuple[list[str], list[str | None], set[str], set[str]]:
    """Walk the pages, registering one of ``later`` after each page read.

    Returns the ids walked, the cursors given, the ids matching before the walk and after it.
    """
    clock = Clock()
    d = desk(store, clock)
    for number, (minutes, its_unit) in enumerate(rows):
        _register_at(d, clock, f"r-{number:03}", minutes, its_unit)
    wanted = RequestFilter(unit=unit) if unit else None
    before = set(ids(d.queries.requests(wanted, limit=200)))
    walked: list[str] = []
    cursors: list[str | None] = []
    cursor = None
    pending = list(later)
    while True:
        page = d.queries.requests(wanted, limit=limit, cursor=cursor, descending=desc)
        walked += ids(page)
        cursors.append(page.next_cursor)
        cursor = page.next_cursor
        if pending:
            minutes, its_unit = pending.pop(0)
            _register_at(d, clock, f"n-{len(pending):03}", minutes, its_unit)
        if cursor is None:
            break
    after = set(ids(d.queries.requests(wanted, limit=200)))
    return walked, cursors, before, after


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(st.integers(0, 20), st.sampled_from(UNITS)), max_size=12),
    later=st.lists(st.tuples(st.integers(0, 20), st.sampled_from(UNITS)), max_size=4),
    limit=st.integers(1, 5),
    unit=st.sampled_from((None, *UNITS)),
    desc=st.booleans(),
)
def test_walking_the_pages_gives_the_sorted_set_once_and_the_same_on_memory_and_sql(
    sql_store: SqlStore,
    rows: list[Row],
    later: list[Row],
    limit: int,
    unit: str | None,
    desc: bool,
) -> None:
    wipe(sql_store)
    in_memory = _walk_while_writing(MemoryStore(), rows, later, limit, unit, desc)
    in_sql = _walk_while_writing(sql_store, rows, later, limit, unit, desc)
    assert in_sql == in_memory
    walked, _cursors, before, after = in_sql
    assert len(walked) == len(set(walked)), "no row twice"
    assert before <= set(walked) <= after, "every row that matched before, none that never did"
    stamp = {f"r-{n:03}": (minutes, f"r-{n:03}") for n, (minutes, _u) in enumerate(rows)}
    stamp |= {f"n-{n:03}": (m, f"n-{n:03}") for n, (m, _u) in enumerate(reversed(later))}
    keys = [stamp[i] for i in walked]
    assert keys == sorted(keys, reverse=desc), "in the order asked, ties broken by id"
