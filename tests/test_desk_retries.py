"""The desk retries a command that lost a write race, waiting a random, growing while."""

from __future__ import annotations

import pytest

from servicedesk import Desk, RegisterRequest
from servicedesk.adapters.memory import MemoryStore, MemoryUnitOfWork
from servicedesk.app.desk import jittered_backoff
from servicedesk.domain.errors import ConcurrencyConflict
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
