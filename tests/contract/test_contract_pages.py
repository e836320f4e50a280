"""Paged lists answer the same on every store: filters, sort, keyset pages, counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from contract_billing import (
    CASHIER,
    at,
    billing_desk,
    confirmed_charge,
    open_account,
)
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
    AcceptWork,
    AccountFilter,
    Actor,
    ActorId,
    CallbackFilter,
    CancelRequest,
    Channel,
    CloseMonth,
    ComplaintFilter,
    CompleteWork,
    Contact,
    Desk,
    DispatchRequest,
    Money,
    Page,
    PayDeposit,
    PaymentFilter,
    Period,
    ReceiptFilter,
    RecordPayment,
    RegisterRequest,
    RegisterWorker,
    Requester,
    RequestFilter,
    Role,
    StartWork,
    StatementFilter,
    StatementStatus,
    Status,
    WorkerFilter,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.callbacks.commands import PlanCallbacks, RecordCallback
from servicedesk.app.complaints.commands import FileComplaint
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.billing import SeriesId
from servicedesk.domain.callbacks import CallbackStatus, Month
from servicedesk.domain.complaints import ComplaintStatus
from servicedesk.domain.values import ItemId, RequesterKind, WorkerId
from servicedesk.policies.hookspecs import hookimpl
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK


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
    assert ids(q.requests_page(RequestFilter(unit="3-502"))) == ["r-0", "r-2"]
    assert ids(q.requests_page(RequestFilter(phone="+86 138 0013 8000"))) == ["r-0", "r-2"]
    assert ids(q.requests_page(RequestFilter(status=frozenset({Status.CANCELLED})))) == ["r-2"]
    assert ids(q.requests_page(RequestFilter(channel=Channel.HOTLINE))) == ["r-1"]
    assert ids(
        q.requests_page(RequestFilter(unit="3-502", status=frozenset({Status.REGISTERED})))
    ) == ["r-0"]
    assert ids(q.requests_page(RequestFilter(unit="9-999"))) == []


def test_requests_registered_between_sorted_both_ways_and_counted(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    for number in range(7):
        register(d, f"r-{number}")
        clock.advance(hours=1)
    start = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai: r-1 onwards
    end = start + timedelta(hours=4)
    between = RequestFilter(registered_from=start, registered_before=end)
    assert ids(d.queries.requests_page(between)) == ["r-1", "r-2", "r-3", "r-4"]
    newest = d.queries.requests_page(between, descending=True, limit=3, with_count=True)
    assert ids(newest) == ["r-4", "r-3", "r-2"]
    assert newest.count == 4
    assert newest.next_cursor is not None
    last = d.queries.requests_page(between, descending=True, limit=3, cursor=newest.next_cursor)
    assert ids(last) == ["r-1"]
    assert last.next_cursor is None
    assert walk(d.queries.requests_page, 2, sort="id", descending=True) == [
        f"r-{n}" for n in reversed(range(7))
    ]
    assert d.queries.requests_page(limit=200).count is None


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
    assert ids(q.requests_page(RequestFilter(worker_id=WorkerId("w-1")))) == ["r-a", "r-c"]
    assert ids(q.jobs_page("w-1")) == ["r-a"]
    assert ids(q.jobs_page("w-1", open_only=False)) == ["r-a", "r-c"]
    assert ids(q.requests_page(RequestFilter(item_id=ItemId("tap")))) == ["r-a", "r-b", "r-c"]
    late = datetime(2026, 3, 2, 10, 31, tzinfo=SHANGHAI)  # urgent: on site within an hour
    overdue = q.requests_page(RequestFilter(overdue=True), now=late)
    assert ids(overdue) == ["r-a", "r-b"]
    assert all(row.overdue for row in overdue.items)
    assert ids(q.requests_page(RequestFilter(overdue=True))) == []


def test_a_page_is_keyset_rows_written_between_reads_never_shift_it(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    for number in range(4):
        register(d, f"r-{number}")
        clock.advance(minutes=1)
    first = d.queries.requests_page(limit=2)
    assert ids(first) == ["r-0", "r-1"]
    register(d, "r-9")  # registered last, so it sorts last
    d.handle(CancelRequest(request_id="r-0", reason="requester withdrew"))
    rest = d.queries.requests_page(limit=10, cursor=first.next_cursor)
    assert ids(rest) == ["r-2", "r-3", "r-9"]


def test_unit_is_masked_for_a_caller_who_may_not_read_the_request(store: Store) -> None:
    class NarrowReaders:
        @hookimpl
        def servicedesk_permitted_readers(self, query: str) -> frozenset[Role] | None:
            return frozenset({Role.CENTRE_MANAGER}) if query == "queries.request" else None

    d = Desk(store, clock=Clock(), entry_points=False, plugins=[NarrowReaders()])
    register(d, "r-1")
    clerk = Actor(ActorId("zhao"), "Zhao", {Role.CLERK})
    manager = Actor(ActorId("wang"), "Wang", {Role.CENTRE_MANAGER})
    assert d.queries.requests_page(actor=clerk).items[0].unit == "3-***"
    assert d.queries.requests_page(actor=manager).items[0].unit == "3-502"


def test_workers_by_skill_and_availability(store: Store) -> None:
    d = desk(store)
    d.handle(RegisterWorker(worker_id="w-2", name="Sun", skills={"plumbing", "electric"}))
    d.handle(RegisterWorker(worker_id="w-1", name="Li", skills={"plumbing"}))
    d.handle(RegisterWorker(worker_id="w-3", name="Zhou", skills={"glazing_100%"}))
    q = d.queries
    assert ids(q.workers_page()) == ["w-1", "w-2", "w-3"]
    assert ids(q.workers_page(WorkerFilter(skill="plumbing"))) == ["w-1", "w-2"]
    assert ids(q.workers_page(WorkerFilter(skill="electric"))) == ["w-2"]
    assert ids(q.workers_page(WorkerFilter(skill="glazing_100%"))) == ["w-3"]
    assert ids(q.workers_page(WorkerFilter(skill="glazing"))) == []
    assert ids(q.workers_page(WorkerFilter(available=False))) == []
    assert q.workers_page(limit=1, with_count=True).count == 3
    assert walk(q.workers_page, 1, descending=True) == ["w-3", "w-2", "w-1"]
    assert q.workers_page().items[1].skills == frozenset({"plumbing", "electric"})


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_cursors_are_the_same_on_every_store(store: Store, limit: int) -> None:
    clock = Clock()
    d = desk(store, clock)
    for number in range(3):
        register(d, f"r-{number}")
        clock.advance(seconds=1)
    page = d.queries.requests_page(limit=limit)
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
    before = set(ids(d.queries.requests_page(wanted, limit=200)))
    walked: list[str] = []
    cursors: list[str | None] = []
    cursor = None
    pending = list(later)
    while True:
        page = d.queries.requests_page(wanted, limit=limit, cursor=cursor, descending=desc)
        walked += ids(page)
        cursors.append(page.next_cursor)
        cursor = page.next_cursor
        if pending:
            minutes, its_unit = pending.pop(0)
            _register_at(d, clock, f"n-{len(pending):03}", minutes, its_unit)
        if cursor is None:
            break
    after = set(ids(d.queries.requests_page(wanted, limit=200)))
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


# --- complaints and callbacks --------------------------------------------------------------------


def _complaint(
    d: Desk, complaint_id: str, urgency: str = "ordinary", channel: str = "hotline"
) -> None:
    d.handle(
        FileComplaint(
            complaint_id=complaint_id,
            complainant=requester("3-502", "13800138000"),
            category="timeliness",
            description="nobody came",
            urgency=urgency,
            channel=Channel(channel),
        )
    )


def test_complaints_by_status_channel_filed_between_and_overdue(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    _complaint(d, "c-1", "urgent")
    clock.advance(hours=1)
    _complaint(d, "c-2", channel="mailbox")
    clock.advance(hours=1)
    _complaint(d, "c-3")
    q = d.complaints
    assert ids(q.complaints_page()) == ["c-1", "c-2", "c-3"]
    assert ids(q.complaints_page(descending=True, limit=2)) == ["c-3", "c-2"]
    assert ids(q.complaints_page(ComplaintFilter(channel=Channel.MAILBOX))) == ["c-2"]
    filed = ComplaintFilter(filed_from=MONDAY_AT + timedelta(minutes=30))
    assert ids(q.complaints_page(filed, with_count=True)) == ["c-2", "c-3"]
    assert q.complaints_page(filed, with_count=True).count == 2
    assert ids(q.complaints_page(ComplaintFilter(status=frozenset({ComplaintStatus.FILED})))) == [
        "c-1",
        "c-2",
        "c-3",
    ]
    assert ids(q.complaints_page(ComplaintFilter(status=frozenset({ComplaintStatus.CLOSED})))) == []
    later = clock.now + timedelta(days=30)
    overdue = ids(q.complaints_page(ComplaintFilter(overdue=True), now=later))
    expected = [v.id.value for v in q.open_complaints(later) if v.overdue]
    assert overdue == expected
    assert overdue
    assert ids(q.complaints_page(ComplaintFilter(overdue=True), now=MONDAY_AT)) == []
    assert walk(q.complaints_page, 1, sort="id", descending=True) == ["c-3", "c-2", "c-1"]


def test_callbacks_by_month_status_and_due_range(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    published_item(d)
    worker(d)
    for n in range(3):
        request_id = f"r-{n}"
        triaged(d, request_id, urgency="ordinary")
        d.handle(DispatchRequest(request_id=request_id, worker_id="w-1"))
        d.handle(StartWork(request_id=request_id))
        d.handle(CompleteWork(request_id=request_id))
        d.handle(
            AcceptWork(request_id=request_id, signed_by="Owner", evidence=IN_PERSON),
            actor=DESK_CLERK,
        )
    clock.now = datetime(2026, 4, 1, 9, 30, tzinfo=SHANGHAI)
    d.handle(PlanCallbacks(month="2026-03", seed="contract"))
    q = d.quality
    march = [v.id.value for v in q.callbacks("2026-03")]
    assert ids(q.callbacks_page()) == sorted(march)
    assert len(march) == 3
    assert ids(q.callbacks_page(CallbackFilter(month=Month(2026, 3)))) == sorted(march)
    assert ids(q.callbacks_page(CallbackFilter(month=Month(2026, 4)))) == []
    d.handle(RecordCallback(callback_id=sorted(march)[0], reached=True, satisfaction=5))
    reached = CallbackFilter(status=frozenset({CallbackStatus.REACHED}))
    assert ids(q.callbacks_page(reached)) == sorted(march)[:1]
    still = CallbackFilter(status=frozenset({CallbackStatus.OPEN}))
    assert ids(q.callbacks_page(still, with_count=True)) == sorted(march)[1:]
    rows = q.callbacks_page().items
    assert rows[0].status is CallbackStatus.REACHED
    assert {str(row.request_id) for row in rows} == {"r-0", "r-1", "r-2"}
    dues = [row.next_attempt_at for row in rows if row.next_attempt_at is not None]
    if dues:
        first = min(dues)
        ranged = CallbackFilter(due_from=first, due_before=first + timedelta(seconds=1))
        assert ids(q.callbacks_page(ranged)) == sorted(
            row.id.value for row in rows if row.next_attempt_at == first
        )
    assert walk(q.callbacks_page, 2, descending=True) == sorted(march, reverse=True)


# --- billing -------------------------------------------------------------------------------------


def test_accounts_statements_payments_and_receipts_are_listed(store: Store) -> None:
    clock = Clock(at(3, 2, 9))
    d = billing_desk(store, clock)
    a = open_account(d, "1-101")
    b = open_account(d, "2-101")
    t = open_account(d, "5-501", RequesterKind.TENANT)
    d.handle(PayDeposit(account_id=t, amount="200.00"), actor=CASHIER)
    confirmed_charge(d, "r-1", "1-101")
    confirmed_charge(d, "r-2", "1-101")
    confirmed_charge(d, "r-3", "2-101")
    clock.now = at(4, 1, 9)
    d.handle(CloseMonth(period="2026-03"))
    clock.advance(hours=1)
    d.handle(RecordPayment(account_id=a, amount="60.00"), actor=CASHIER)
    clock.advance(hours=1)
    d.handle(RecordPayment(account_id=b, amount="10.00"), actor=CASHIER)
    billing = d.billing

    assert ids(billing.accounts_page()) == sorted([a, b, t])
    assert ids(billing.accounts_page(AccountFilter(unit="1-101"))) == [a]
    assert ids(billing.accounts_page(AccountFilter(kind=RequesterKind.TENANT))) == [t]
    low = AccountFilter(balance_below=Money.of("100.00"))
    assert ids(billing.accounts_page(low)) == sorted([a, b])
    tenant = billing.accounts_page(AccountFilter(kind=RequesterKind.TENANT)).items[0]
    assert (tenant.balance, tenant.unit, tenant.holder) == (Money.of("200.00"), "5-501", "Resident")
    assert billing.accounts_page(with_count=True, limit=1).count == 3

    march = StatementFilter(period=Period(2026, 3))
    newest_first = sorted([f"{a}:2026-03", f"{b}:2026-03"], reverse=True)  # ties: by id
    assert ids(billing.statements_page(march)) == newest_first
    assert ids(billing.statements_page(march, descending=False)) == newest_first[::-1]
    assert ids(billing.statements_page(StatementFilter(unit="1-101"))) == [f"{a}:2026-03"]
    paid = StatementFilter(status=frozenset({StatementStatus.PAID}))
    assert ids(billing.statements_page(paid)) == [f"{a}:2026-03"]
    rows = {row.id.value: row for row in billing.statements_page().items}
    assert rows[f"{b}:2026-03"].total == Money.of("30.00")
    due = rows[f"{b}:2026-03"].due
    overdue = StatementFilter(overdue=True)
    assert ids(billing.statements_page(overdue, now=due + timedelta(days=1))) == [f"{b}:2026-03"]
    assert ids(billing.statements_page(overdue, now=due - timedelta(days=1))) == []

    payments = billing.payments_page()
    assert [p.amount for p in payments.items] == [
        Money.of("200.00"),
        Money.of("60.00"),
        Money.of("10.00"),
    ]
    april = PaymentFilter(paid_from=at(4, 1, 0))
    assert [p.account_id.value for p in billing.payments_page(april).items] == [a, b]
    assert [p.amount for p in billing.payments_page(april, descending=True).items] == [
        Money.of("10.00"),
        Money.of("60.00"),
    ]
    receipts = billing.receipts_page(ReceiptFilter(series=SeriesId("PSC-2026")), sort="number")
    assert [r.number for r in receipts.items] == [1, 2, 3]
    assert [
        r.number for r in billing.receipts_page(ReceiptFilter(issued_from=at(4, 1, 0))).items
    ] == [
        2,
        3,
    ]
    assert walk(billing.receipts_page, 1, sort="number", descending=True) == [
        r.id.value for r in reversed(receipts.items)
    ]


def test_an_account_s_unit_and_holder_are_masked_for_who_may_not_read_the_account(
    store: Store,
) -> None:
    class NarrowReaders:
        @hookimpl
        def servicedesk_permitted_readers(self, query: str) -> frozenset[Role] | None:
            return frozenset({Role.CENTRE_MANAGER}) if query == "billing.account" else None

    d = Desk(store, clock=Clock(), entry_points=False, plugins=[NarrowReaders()])
    open_account(d, "1-101")
    row = d.billing.accounts_page(actor=CASHIER).items[0]
    assert (row.unit, row.holder) == ("1-***", "R*******")


# --- the columns are the listings' projections ---------------------------------------------------


def test_every_listed_column_holds_what_its_listing_computes(sql_store: SqlStore) -> None:
    """What the memory store computes for a row is what the SQL store keeps in its columns."""
    from servicedesk import convert
    from servicedesk.adapters.sql import tables as t
    from servicedesk.adapters.sql.store import KINDS
    from servicedesk.adapters.sql.subject_keys import unsealed
    from servicedesk.app.billing.lists import ACCOUNTS, PAYMENTS, RECEIPTS, STATEMENTS
    from servicedesk.app.complaints.lists import CALLBACKS, COMPLAINTS
    from servicedesk.app.requests.lists import REQUESTS, WORKERS
    from servicedesk.domain.billing import StatementId

    clock = Clock(at(3, 2, 9))
    d = billing_desk(sql_store, clock)
    a = open_account(d, "1-101")
    confirmed_charge(d, "r-1", "1-101")
    _complaint(d, "c-1", "urgent")
    clock.now = at(4, 1, 9)
    d.handle(CloseMonth(period="2026-03"))
    d.handle(RecordPayment(account_id=a, amount="10.00"), actor=CASHIER)
    d.handle(PlanCallbacks(month="2026-03", seed="contract"))
    listings = [
        (t.requests, REQUESTS),
        (t.workers, WORKERS),
        (t.complaints, COMPLAINTS),
        (t.callbacks, CALLBACKS),
        (t.accounts, ACCOUNTS),
        (t.statements, STATEMENTS),
        (t.payments, PAYMENTS),
        (t.receipts, RECEIPTS),
    ]
    with sql_store.engine.connect() as connection, sql_store.reading() as uow:
        for spec, listing in listings:
            rows = connection.execute(sa.select(spec.table)).all()
            assert rows, spec.table.name
            for row in rows:
                if spec is t.statements:  # its lines are its event's, not in its document
                    stored: Any = uow.statements.get(StatementId(row.id))
                else:  # the personal data sealed in it opened with its file's key
                    kind = next(k for k, cls in KINDS.items() if cls is spec.cls)
                    [document] = unsealed(uow, kind, [(row.id, row.document)])
                    stored = convert.structure(document, spec.cls)
                expected = listing.row(stored)
                assert {k: row._mapping[k] for k in expected} == expected, spec.table.name


def test_a_purged_request_is_found_by_its_unit_or_phone_no_more(store: Store) -> None:
    from servicedesk.app.records.commands import PurgeExpired

    d = Desk(store, clock=lambda: MONDAY_AT, entry_points=False)
    for number in range(3):
        d.handle(
            RegisterRequest(
                request_id=f"r-{number}",
                requester=requester("3-502", "13800138000"),
                need="tap",
            )
        )
    d.handle(CancelRequest(request_id="r-0", reason="fixed it"))
    d.handle(CancelRequest(request_id="r-1", reason="fixed it"))
    later = Desk(store, clock=lambda: MONDAY_AT + timedelta(days=4 * 365), entry_points=False)
    assert later.handle(PurgeExpired(limit=10)).id == "2"
    q = later.queries
    assert ids(q.requests_page(RequestFilter(unit="3-502"))) == ["r-2"]
    assert ids(q.requests_page(RequestFilter(phone="13800138000"))) == ["r-2"]
    assert [row.unit for row in q.requests_page().items] == ["[erased]", "[erased]", "3-502"]
