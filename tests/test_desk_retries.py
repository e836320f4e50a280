"""The desk retries a command that lost a write race, waiting a random, growing while."""

from __future__ import annotations

from datetime import timedelta

import pytest

from servicedesk import Desk, EscalateOverdue, FileComplaint, RegisterRequest
from servicedesk.adapters.memory import MemoryStore, MemoryUnitOfWork
from servicedesk.app.desk import jittered_backoff
from servicedesk.domain.errors import ConcurrencyConflict, InvalidValue
from support import Clock, requester


class RacedStore(MemoryStore):
    """A memory store whose first ``losses`` commits lose a race to another writer."""

    def __init__(self, losses: int) -> None:
        super().__init__()
        self.losses = losses

    def unit_of_work(self) -> MemoryUnitOfWork:
        uow = super().unit_of_work()
        if self.losses:
            self.losses -= 1

            def lost() -> None:
                raise ConcurrencyConflict("someone else saved it first")

            uow._commit = lost  # type: ignore[method-assign]
        return uow


def desk_on(store: MemoryStore, waits: list[float], retries: int = 3) -> Desk:
    return Desk(store, clock=Clock(), entry_points=False, retries=retries, sleep=waits.append)


def test_a_lost_race_is_retried_after_a_wait_that_grows() -> None:
    waits: list[float] = []
    store = RacedStore(losses=2)
    desk = desk_on(store, waits)
    done = desk.handle(RegisterRequest(requester=requester(), need="tap", request_id="SR-1"))
    assert done.id == "SR-1"
    assert desk.queries.request("SR-1").id.value == "SR-1"
    assert len(waits) == 2
    assert 0 <= waits[0] <= 0.01
    assert 0 <= waits[1] <= 0.02


def test_after_the_last_retry_the_conflict_reaches_the_caller_and_nothing_is_stored() -> None:
    waits: list[float] = []
    desk = desk_on(RacedStore(losses=5), waits, retries=2)
    with pytest.raises(ConcurrencyConflict):
        desk.handle(RegisterRequest(requester=requester(), need="tap", request_id="SR-1"))
    assert len(waits) == 2  # no wait after the last attempt
    assert desk.queries.open_requests() == []


def test_the_waits_are_random_and_capped() -> None:
    first = {round(jittered_backoff(0), 6) for _ in range(50)}
    assert len(first) > 1  # jitter: colliding writers do not retry in step
    assert all(0 <= jittered_backoff(attempt) <= 0.2 for attempt in range(12) for _ in range(20))


@pytest.mark.parametrize("size", [0, -1, True, 2.5, "10"])
def test_a_bulk_batch_is_a_whole_number_of_records_or_none(size: object) -> None:
    with pytest.raises(InvalidValue, match="bulk batch"):
        Desk(MemoryStore(), entry_points=False, bulk_batch=size)  # type: ignore[arg-type]


def test_a_batch_that_lost_a_race_is_retried_from_where_the_run_stood() -> None:
    """The second batch's commit loses twice: it runs again, nothing is done twice."""
    clock = Clock()
    store = RacedStore(losses=0)
    desk = Desk(store, clock=clock, entry_points=False, bulk_batch=2, sleep=lambda _s: None)
    person = requester()
    for n in range(5):
        desk.handle(
            FileComplaint(
                complaint_id=f"c-{n}", complainant=person, category="fees", description="x"
            )
        )
    clock.now += timedelta(days=3)
    published: list[object] = []
    desk.subscribe(published.append)
    loses = iter([False, True, True])  # per unit of work: the second batch's loses twice
    opened = store.unit_of_work

    def racing() -> MemoryUnitOfWork:
        store.losses = int(next(loses, False))
        return opened()

    store.unit_of_work = racing  # type: ignore[method-assign]
    outcome = desk.handle(EscalateOverdue())
    assert outcome.id == "5"
    assert len(outcome.events) == len(published) == 5  # one escalation each, its breach inside
    for n in range(5):
        assert len(desk.complaints.complaint(f"c-{n}").escalations) == 1
    assert next(loses, None) is None  # both losses happened
