"""A request from intake to closing, the same on every store."""

from __future__ import annotations

from decimal import Decimal

from contract_scenario import CLERK, Clock, desk, published_item, register, worker

from servicedesk import (
    AcceptWork,
    AddExtraFee,
    CloseRequest,
    CompleteWork,
    DispatchRequest,
    Money,
    RecordConsent,
    RejectWork,
    StartWork,
    Status,
    TriageRequest,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.requests import ServiceRequest
from servicedesk.domain.values import RequestId
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK


def test_full_lifecycle_is_stored_and_read_back(store: Store) -> None:
    clock = Clock()
    d = desk(store, clock)
    published_item(d, price="30.00")
    worker(d, "w-1")
    register(d, "r-1")
    d.handle(TriageRequest(request_id="r-1", item_id="tap", urgency="urgent"))
    d.handle(DispatchRequest(request_id="r-1"))
    clock.advance(minutes=20)
    d.handle(StartWork(request_id="r-1"))
    d.handle(
        RecordConsent(
            request_id="r-1",
            consent_id="c-1",
            kind="extra_fee",
            description="new valve",
            amount=Money.of("20.10"),
            evidence=IN_PERSON,
        ),
        actor=CLERK,
    )
    d.handle(
        AddExtraFee(
            request_id="r-1", consent_id="c-1", amount=Money.of("20.10"), description="valve"
        )
    )
    d.handle(CompleteWork(request_id="r-1"))
    d.handle(
        RejectWork(request_id="r-1", reason="still drips", evidence=IN_PERSON), actor=DESK_CLERK
    )
    d.handle(StartWork(request_id="r-1"))
    d.handle(CompleteWork(request_id="r-1", notes="seal replaced"))
    d.handle(AcceptWork(request_id="r-1", signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK)
    d.handle(CloseRequest(request_id="r-1"))

    fresh = desk(store, clock)  # nothing cached: everything comes from the store
    view = fresh.queries.request("r-1")
    assert view.status is Status.CLOSED
    assert view.price == Money.of("30.00")
    assert view.extra_fees.amount == Decimal("20.10")
    assert view.worker_id is not None
    assert view.worker_id.value == "w-1"
    assert view.rework_count == 1
    assert view.deadline is not None
    assert view.deadline.due.utcoffset() is not None
    assert [type(e).__name__ for e in fresh.queries.request_history("r-1")] == [
        "RequestRegistered",
        "RequestTriaged",
        "WorkOrderDispatched",
        "WorkStarted",
        "ConsentRecorded",
        "ExtraFeeAdded",
        "WorkCompleted",
        "WorkRejected",
        "WorkStarted",
        "WorkCompleted",
        "WorkAccepted",
        "RequestClosed",
    ]
    assert fresh.queries.open_requests() == []


def test_stored_document_equals_the_replay_of_its_events(store: Store) -> None:
    d = desk(store)
    published_item(d)
    worker(d)
    register(d, "r-1")
    d.handle(TriageRequest(request_id="r-1", item_id="tap"))
    d.handle(DispatchRequest(request_id="r-1", worker_id="w-1"))
    with store.unit_of_work() as uow:
        loaded = uow.requests.get(RequestId("r-1"))
        history = uow.events.history("request", RequestId("r-1"))
    assert loaded.version == 3
    replayed = ServiceRequest.replay(RequestId("r-1"), history)
    replayed.version = loaded.version
    assert loaded == replayed
    assert loaded.status is Status.DISPATCHED
    assert loaded.registered_at == d.clock()
