"""A unit of work is all or nothing, and concurrent writers never lose an update."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from contract_scenario import CLERK, Clock, desk, published_item, register, triaged, worker

from servicedesk import (
    DispatchRequest,
    Money,
    RecordConsent,
    RegisterRequest,
    SetWorkerAvailability,
    TimeWindow,
)
from servicedesk.app.unit_of_work import Store, UnitOfWork
from servicedesk.domain.errors import ConcurrencyConflict, InvalidValue, NotFound
from servicedesk.domain.requests import ServiceRequest
from servicedesk.domain.values import Contact, Requester, RequestId, WorkerId
from servicedesk.testing import IN_PERSON

# Units of work open at the same time.  SQLite takes its write lock when a unit
# of work begins, so a second writer waits instead of racing (test_sql_errors
# shows the queue), and the stores where writers can race are checked here.
CONCURRENT = pytest.mark.parametrize("store", ["memory", "postgresql", "mariadb"], indirect=True)


def _history(store: Store, request_id: str) -> list[str]:
    with store.unit_of_work() as uow:
        return [type(e).__name__ for e in uow.events.history("request", RequestId(request_id))]


def _crash_midway(store: Store, at: datetime) -> None:
    """A handler that changed one request and added another, then crashed."""
    with store.unit_of_work() as uow:
        uow.requests.get(RequestId("r-1")).cancel(reason="test", at=at)
        requester = Requester("Chen", "3-502", Contact("13800138000"))
        uow.requests.add(
            ServiceRequest.register(
                RequestId("r-2"), requester=requester, channel="hotline", need="x", at=at
            )
        )
        raise RuntimeError("the handler crashed")


def test_leaving_without_commit_stores_nothing(store: Store) -> None:
    d = desk(store)
    register(d, "r-1")
    with pytest.raises(RuntimeError):
        _crash_midway(store, d.clock())
    with store.unit_of_work() as uow:
        assert uow.requests.find(RequestId("r-2")) is None
        assert uow.requests.get(RequestId("r-1")).is_open
        assert uow.requests.get(RequestId("r-1")).version == 1
    assert _history(store, "r-1") == ["RequestRegistered"]
    assert _history(store, "r-2") == []


@CONCURRENT
def test_stale_version_is_a_conflict_and_the_loser_stores_nothing(store: Store) -> None:
    d = desk(store)
    worker(d, "w-1")
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        mine = first.workers.get(WorkerId("w-1"))
        theirs = second.workers.get(WorkerId("w-1"))
        mine.set_available(False, at=d.clock())
        theirs.set_available(False, at=d.clock() + timedelta(minutes=1))
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with store.unit_of_work() as uow:
        stored = uow.workers.get(WorkerId("w-1"))
        assert (stored.available, stored.version) == (False, 2)
        assert len(uow.events.history("worker", WorkerId("w-1"))) == 2


@CONCURRENT
def test_inserting_an_existing_id_is_a_conflict(store: Store) -> None:
    d = desk(store)
    requester = Requester("Chen", "3-502", Contact("13800138000"))
    first, second = store.unit_of_work(), store.unit_of_work()
    with first:
        for uow, need in ((first, "mine"), (second, "theirs")):
            uow.requests.add(
                ServiceRequest.register(
                    RequestId("r-1"),
                    requester=requester,
                    channel="hotline",
                    need=need,
                    at=d.clock(),
                )
            )
        first.commit()
        with second, pytest.raises(ConcurrencyConflict):
            second.commit()
    with store.unit_of_work() as uow:
        assert uow.requests.get(RequestId("r-1")).need == "mine"
    assert _history(store, "r-1") == ["RequestRegistered"]


class Racing:
    """A store where someone else saves the worker just before every commit."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store, self.clock, self.attempts = store, clock, 0

    def unit_of_work(self) -> UnitOfWork:
        uow = self.store.unit_of_work()
        commit = uow.commit

        def racing_commit() -> Any:
            self.attempts += 1
            for available in (False, True):  # a change and back: the command stays valid
                with self.store.unit_of_work() as other:
                    other.workers.get(WorkerId("w-1")).set_available(available, at=self.clock())
                    other.commit()
            return commit()

        uow.commit = racing_commit  # type: ignore[method-assign]
        return uow


@CONCURRENT
def test_retries_are_bounded_then_the_conflict_surfaces(store: Store) -> None:
    clock = Clock()
    worker(desk(store, clock), "w-1")
    racing = Racing(store, clock)
    d = desk(racing, clock)  # type: ignore[arg-type]
    with pytest.raises(ConcurrencyConflict):
        d.handle(SetWorkerAvailability(worker_id="w-1", available=False))
    assert racing.attempts == d.retries + 1
    with store.unit_of_work() as uow:  # only the rival's toggles were stored
        history = uow.events.history("worker", WorkerId("w-1"))
        assert len(history) == 1 + 2 * racing.attempts
        assert uow.workers.get(WorkerId("w-1")).available


def test_bad_input_leaves_nothing(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    requester = Requester("Chen", "3-502", Contact("13800138000"))
    past = TimeWindow(clock.now - timedelta(hours=2), clock.now - timedelta(hours=1))
    with pytest.raises(InvalidValue):
        d.handle(RegisterRequest(request_id="r-1", requester=requester, need="x", expected=past))
    assert d.queries.open_requests() == []
    assert _history(store, "r-1") == []
    published_item(d)
    worker(d)
    triaged(d, "r-2")
    d.handle(DispatchRequest(request_id="r-2", worker_id="w-1"))
    with pytest.raises(InvalidValue):  # an extra fee consent must state a positive amount
        d.handle(
            RecordConsent(
                request_id="r-2",
                consent_id="c",
                kind="extra_fee",
                description="valve",
                amount=Money.of("0.00"),
                evidence=IN_PERSON,
            ),
            actor=CLERK,
        )
    with pytest.raises(NotFound):
        d.handle(SetWorkerAvailability(worker_id="w-unknown", available=False))
    with store.unit_of_work() as uow:
        assert uow.requests.get(RequestId("r-2")).version == 3
        assert uow.workers.find(WorkerId("w-unknown")) is None
    assert len(_history(store, "r-2")) == 3
