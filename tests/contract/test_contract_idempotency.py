"""The same idempotency key: the first outcome again, and nothing new stored."""

from __future__ import annotations

import pytest
from contract_scenario import Clock, desk, register

from servicedesk import (
    Actor,
    ActorId,
    CancelRequest,
    Contact,
    PermissionDenied,
    RegisterRequest,
    Requester,
    Role,
)
from servicedesk.app.unit_of_work import IdempotencyKey, Store, UnitOfWork
from servicedesk.domain.errors import (
    ConcurrencyConflict,
    IdempotencyConflict,
    InvalidValue,
    NotFound,
)
from servicedesk.domain.privacy import scrub

CHEN = Requester("Chen", "3-502", Contact("13800138000"))


# Units of work open at the same time.  SQLite takes its write lock when a unit
# of work begins, so a second writer waits instead of racing (test_sql_errors
# shows the queue), and the stores where writers can race are checked here.
CONCURRENT = pytest.mark.parametrize("store", ["memory", "postgresql", "mariadb"], indirect=True)


def test_replay_returns_the_first_outcome_and_stores_nothing(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    command = RegisterRequest(requester=CHEN, need="kitchen tap drips")  # the desk picks the id
    first = d.handle(command, idempotency_key="form-17")
    clock.advance(minutes=5)
    again = desk(store, clock).handle(command, idempotency_key="form-17")
    assert again.id == first.id
    assert again.events == tuple(scrub(e) for e in first.events)  # the key keeps no personal data
    # one registration, and the record file that registration opens (records)
    assert [type(e).__name__ for e in first.events] == [
        "RequestRegistered",
        "RecordFileOpened",
        "RecordFileExtended",
    ]
    assert [v.id.value for v in d.queries.open_requests()] == [first.id]
    assert len(d.queries.request_history(str(first.id))) == 1


def test_a_replay_by_someone_without_the_role_is_refused_and_returns_nothing(
    store: Store,
) -> None:
    clerk = Actor(ActorId("clerk-1"), "Clerk", {Role.CLERK})
    worker = Actor(ActorId("w-1"), "Worker", {Role.WORKER})
    d = desk(store)
    command = RegisterRequest(requester=CHEN, need="kitchen tap drips")
    d.handle(command, actor=clerk, idempotency_key="form-18")
    with pytest.raises(PermissionDenied):
        d.handle(command, actor=worker, idempotency_key="form-18")
    assert len(d.queries.open_requests()) == 1


def test_same_key_with_another_command_is_refused(store: Store) -> None:
    d = desk(store)
    register(d, "r-1")
    d.handle(CancelRequest(request_id="r-1", reason="withdrawn"), idempotency_key="k-1")
    with pytest.raises(IdempotencyConflict):
        d.handle(RegisterRequest(requester=CHEN, need="another need"), idempotency_key="k-1")
    assert d.queries.open_requests() == []
    assert len(d.queries.request_history("r-1")) == 2


def test_a_refused_command_does_not_use_up_its_key(store: Store) -> None:
    d = desk(store)
    with pytest.raises(NotFound):
        d.handle(CancelRequest(request_id="r-1", reason="withdrawn"), idempotency_key="k-2")
    register(d, "r-1")
    outcome = d.handle(CancelRequest(request_id="r-1", reason="withdrawn"), idempotency_key="k-2")
    assert outcome.id == "r-1"


def test_a_malformed_key_is_refused(store: Store) -> None:
    with pytest.raises(InvalidValue):
        desk(store).handle(RegisterRequest(requester=CHEN, need="x"), idempotency_key="no spaces")
    assert desk(store).queries.open_requests() == []


def _remember(uow: UnitOfWork, key: IdempotencyKey, mark: str) -> None:
    uow.idempotency.remember(key, "RegisterRequest", mark * 64, {"id": mark, "events": []})
    uow.commit()


@CONCURRENT
def test_two_units_of_work_remembering_one_key_conflict(store: Store) -> None:
    key = IdempotencyKey("k-3")
    first, second = store.unit_of_work(), store.unit_of_work()
    with first:
        assert first.idempotency.recall(key) is None
        with second:
            assert second.idempotency.recall(key) is None
            _remember(first, key, "a")
            with pytest.raises(ConcurrencyConflict):
                _remember(second, key, "b")
    with store.unit_of_work() as uow:
        assert uow.idempotency.recall(key) == ("a" * 64, {"id": "a", "events": []})
