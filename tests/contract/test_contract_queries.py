"""Queries answer the same on every store (in SQL: indexed projection columns)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from contract_scenario import SHANGHAI, Clock, desk, published_item, register, triaged, worker

from servicedesk import (
    CancelRequest,
    DeclineRequest,
    DispatchDue,
    DispatchRequest,
    ProposeItem,
    StartWork,
    Status,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.catalogue import FeeStandard
from servicedesk.domain.errors import NotFound
from servicedesk.domain.values import WorkerId


def test_open_requests_oldest_first_without_ended_ones(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    for request_id in ("r-c", "r-a", "r-d", "r-b"):
        register(d, request_id)
        clock.advance(minutes=1)
    d.handle(DeclineRequest(request_id="r-a", reason="not our service"))
    d.handle(CancelRequest(request_id="r-b", reason="requester withdrew"))
    assert [v.id.value for v in d.queries.open_requests()] == ["r-c", "r-d"]
    assert d.queries.shift_handover().by_status() == {Status.REGISTERED: 2}


def test_overdue_requests_by_instant_not_wall_clock(store: Store) -> None:
    clock = Clock()  # Monday 09:30 Shanghai; urgent: someone on site within 1 working hour
    d = desk(store, clock)
    published_item(d)
    worker(d)
    triaged(d, "r-late")
    triaged(d, "r-started")
    d.handle(DispatchRequest(request_id="r-started", worker_id="w-1"))
    d.handle(StartWork(request_id="r-started"))
    due = d.queries.request("r-late").deadline
    assert due is not None
    assert due.due == datetime(2026, 3, 2, 10, 30, tzinfo=SHANGHAI)
    assert d.queries.overdue_requests(datetime(2026, 3, 2, 10, 30, tzinfo=SHANGHAI)) == []
    late = datetime(2026, 3, 2, 2, 31, tzinfo=UTC)  # 10:31 in Shanghai
    assert [v.id.value for v in d.queries.overdue_requests(late)] == ["r-late"]
    d.handle(CancelRequest(request_id="r-late", reason="requester withdrew"))
    assert d.queries.overdue_requests(late) == []


def test_due_for_dispatch_then_dispatched_in_one_batch(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    published_item(d)
    worker(d, "w-1")
    worker(d, "w-2")
    triaged(d, "r-1", urgency="ordinary")  # ordinary: batched at the next full hour, 10:00
    triaged(d, "r-2", urgency="ordinary")
    register(d, "r-3")  # not triaged: never due
    with store.unit_of_work() as uow:
        assert uow.requests.list_due_for_dispatch(clock.now) == []
        ten = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
        assert [r.id.value for r in uow.requests.list_due_for_dispatch(ten)] == ["r-1", "r-2"]
    clock.advance(minutes=30)
    assert d.handle(DispatchDue()).id == "2"
    with store.unit_of_work() as uow:
        assert uow.requests.list_due_for_dispatch(clock.now) == []
        assert uow.requests.open_orders_by_worker() == {WorkerId("w-1"): 1, WorkerId("w-2"): 1}


def test_history_catalogue_and_workers(store: Store) -> None:
    d = desk(store)
    published_item(d, "tap")
    d.handle(ProposeItem(item_id="clean", name="Cleaning", category="home", fee=FeeStandard.free()))
    worker(d, "w-2")
    worker(d, "w-1")
    assert [(v.id.value, v.status.value) for v in d.queries.catalogue()] == [
        ("clean", "proposed"),
        ("tap", "published"),
    ]
    with store.unit_of_work() as uow:
        assert [w.id.value for w in uow.workers.list()] == ["w-1", "w-2"]
    register(d, "r-1")
    assert [type(e).__name__ for e in d.queries.request_history("r-1")] == ["RequestRegistered"]
    with pytest.raises(NotFound):
        d.queries.request_history("r-unknown")
