"""The request lifecycle, one rule per test, through the public API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from servicedesk import (
    AcceptWork,
    AddExtraFee,
    CancelRequest,
    ChangeScope,
    CloseRequest,
    CompleteWork,
    ConsentKind,
    Contact,
    DeclineRequest,
    Desk,
    DispatchDue,
    DispatchRequest,
    FeeStandard,
    Money,
    RecordConsent,
    RegisterRequest,
    RejectWork,
    Requester,
    SetWorkerAvailability,
    StartWork,
    Status,
    TimeWindow,
    TriageRequest,
    Urgency,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.domain.errors import (
    ConsentRequired,
    IllegalTransition,
    InvalidValue,
    NotFound,
    ServiceDeskError,
)
from servicedesk.domain.requests import Milestone
from servicedesk.testing import IN_PERSON
from support import CLERK, DESK_CLERK, SHANGHAI, Clock, hire, publish, requester


def register(desk: Desk, need: str = "kitchen tap drips") -> str:
    request_id = desk.handle(
        RegisterRequest(requester=requester(), need=need, channel="hotline")
    ).id
    assert request_id is not None
    return request_id


def in_progress(desk: Desk, urgency: Urgency = Urgency.URGENT) -> str:
    item_id = publish(desk)
    hire(desk)
    request_id = register(desk)
    desk.handle(TriageRequest(request_id=request_id, item_id=item_id, urgency=urgency))
    desk.handle(DispatchRequest(request_id=request_id))
    desk.handle(StartWork(request_id=request_id))
    return request_id


def test_happy_path_to_closed(desk: Desk, clock: Clock) -> None:
    request_id = in_progress(desk)
    clock.advance(minutes=40)
    desk.handle(CompleteWork(request_id=request_id, notes="washer replaced"))
    desk.handle(
        AcceptWork(request_id=request_id, signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK
    )
    desk.handle(CloseRequest(request_id=request_id))
    view = desk.queries.request(request_id)
    assert view.status is Status.CLOSED
    assert not view.deadline_missed
    history = [type(e).__name__ for e in desk.queries.request_history(request_id)]
    assert history == [
        "RequestRegistered",
        "RequestTriaged",
        "WorkOrderDispatched",
        "WorkStarted",
        "WorkCompleted",
        "WorkAccepted",
        "RequestClosed",
    ]


def test_triage_promises_a_deadline_in_working_time(desk: Desk, clock: Clock) -> None:
    item_id = publish(desk)
    clock.now = datetime(2026, 2, 13, 16, 0, tzinfo=SHANGHAI)  # Friday before Spring Festival
    request_id = register(desk)
    desk.handle(TriageRequest(request_id=request_id, item_id=item_id, urgency=Urgency.ORDINARY))
    deadline = desk.queries.request(request_id).deadline
    assert deadline is not None
    # 1 h on Friday, then 3 h on the make-up working Saturday 2026-02-14 (09-12).
    assert deadline.due == datetime(2026, 2, 14, 12, 0, tzinfo=SHANGHAI)
    assert deadline.milestone is Milestone.STARTED


def test_decline_with_reason_is_final(desk: Desk) -> None:
    request_id = register(desk, "repaint the whole building")
    desk.handle(DeclineRequest(request_id=request_id, reason="outside the catalogue"))
    assert desk.queries.request(request_id).status is Status.DECLINED
    with pytest.raises(IllegalTransition, match="is declined; it cannot be cancelled"):
        desk.handle(CancelRequest(request_id=request_id, reason="x"))


def test_rework_until_accepted(desk: Desk) -> None:
    request_id = in_progress(desk)
    desk.handle(CompleteWork(request_id=request_id))
    desk.handle(
        RejectWork(request_id=request_id, reason="still drips", evidence=IN_PERSON),
        actor=DESK_CLERK,
    )
    with pytest.raises(IllegalTransition, match="is rework; it cannot be closed"):
        desk.handle(CloseRequest(request_id=request_id))
    desk.handle(StartWork(request_id=request_id))
    desk.handle(CompleteWork(request_id=request_id))
    desk.handle(
        AcceptWork(request_id=request_id, signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK
    )
    desk.handle(CloseRequest(request_id=request_id))
    view = desk.queries.request(request_id)
    assert view.status is Status.CLOSED
    assert view.rework_count == 1


def test_extra_fee_needs_recorded_consent_first(desk: Desk, store: MemoryStore) -> None:
    request_id = in_progress(desk)
    before = store.snapshot()
    with pytest.raises(ConsentRequired, match="record the requester's consent first"):
        desk.handle(
            AddExtraFee(
                request_id=request_id, consent_id="c1", amount=Money.of(20), description="valve"
            )
        )
    assert store.snapshot() == before
    desk.handle(
        RecordConsent(
            request_id=request_id,
            consent_id="c1",
            kind=ConsentKind.EXTRA_FEE,
            description="replace the valve too, 20 yuan",
            amount=Money.of(20),
            evidence=IN_PERSON,
        ),
        actor=CLERK,
    )
    with pytest.raises(ConsentRequired, match="exceeds"):
        desk.handle(
            AddExtraFee(
                request_id=request_id, consent_id="c1", amount=Money.of(25), description="valve"
            )
        )
    desk.handle(
        AddExtraFee(
            request_id=request_id, consent_id="c1", amount=Money.of(20), description="valve"
        )
    )
    assert desk.queries.request(request_id).extra_fees == Money.of(20)
    with pytest.raises(ConsentRequired, match="already been used"):
        desk.handle(
            AddExtraFee(
                request_id=request_id, consent_id="c1", amount=Money.of(5), description="more"
            )
        )


def test_scope_change_needs_a_scope_consent(desk: Desk) -> None:
    request_id = in_progress(desk)
    desk.handle(
        RecordConsent(
            request_id=request_id,
            consent_id="fee",
            kind=ConsentKind.EXTRA_FEE,
            description="20 more",
            amount=Money.of(20),
            evidence=IN_PERSON,
        ),
        actor=DESK_CLERK,
    )
    with pytest.raises(ConsentRequired):
        desk.handle(ChangeScope(request_id=request_id, consent_id="fee", description="bathroom"))
    desk.handle(
        RecordConsent(
            request_id=request_id,
            consent_id="scope",
            kind=ConsentKind.SCOPE_CHANGE,
            description="also the bathroom tap",
            evidence=IN_PERSON,
        ),
        actor=DESK_CLERK,
    )
    desk.handle(ChangeScope(request_id=request_id, consent_id="scope", description="bathroom"))


def test_urgent_dispatched_at_once_ordinary_batched(desk: Desk, clock: Clock) -> None:
    item_id = publish(desk)
    hire(desk)
    urgent, ordinary = register(desk, "burst pipe"), register(desk, "slow drain")
    desk.handle(TriageRequest(request_id=urgent, item_id=item_id, urgency=Urgency.URGENT))
    desk.handle(TriageRequest(request_id=ordinary, item_id=item_id, urgency=Urgency.ORDINARY))
    assert desk.handle(DispatchDue()).id == "1"
    assert desk.queries.request(urgent).status is Status.DISPATCHED
    assert desk.queries.request(ordinary).status is Status.TRIAGED
    clock.advance(minutes=30)  # 10:00, the next hourly batch
    assert desk.handle(DispatchDue()).id == "1"
    assert desk.queries.request(ordinary).status is Status.DISPATCHED


def test_dispatch_picks_skilled_available_least_loaded(desk: Desk) -> None:
    item_id = publish(desk)
    busy = hire(desk, "Zhang")
    free = hire(desk, "Liu")
    hire(desk, "Ma", skills=("electrical",))
    first = register(desk)
    desk.handle(TriageRequest(request_id=first, item_id=item_id, urgency=Urgency.URGENT))
    desk.handle(DispatchRequest(request_id=first, worker_id=busy))
    second = register(desk)
    desk.handle(TriageRequest(request_id=second, item_id=item_id, urgency=Urgency.URGENT))
    desk.handle(DispatchRequest(request_id=second))
    assert desk.queries.request(second).worker_id.value == free  # type: ignore[union-attr]
    desk.handle(SetWorkerAvailability(worker_id=free, available=False))
    desk.handle(SetWorkerAvailability(worker_id=busy, available=False))
    third = register(desk)
    desk.handle(TriageRequest(request_id=third, item_id=item_id, urgency=Urgency.URGENT))
    with pytest.raises(IllegalTransition, match="No available worker"):
        desk.handle(DispatchRequest(request_id=third))
    with pytest.raises(IllegalTransition, match="not available"):
        desk.handle(DispatchRequest(request_id=third, worker_id=busy))


def test_overdue_and_missed_deadline_stays_recorded(desk: Desk, clock: Clock) -> None:
    item_id = publish(desk)
    hire(desk)
    request_id = register(desk)
    desk.handle(TriageRequest(request_id=request_id, item_id=item_id, urgency=Urgency.URGENT))
    desk.handle(DispatchRequest(request_id=request_id))
    assert desk.queries.overdue_requests() == []
    clock.advance(hours=2)  # due 10:30
    assert [v.id.value for v in desk.queries.overdue_requests()] == [request_id]
    desk.handle(StartWork(request_id=request_id))
    assert desk.queries.overdue_requests() == []
    assert desk.queries.request(request_id).deadline_missed
    desk.handle(CompleteWork(request_id=request_id))
    desk.handle(
        AcceptWork(request_id=request_id, signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK
    )
    assert desk.queries.request(request_id).deadline_missed


def test_shift_handover_lists_what_is_open(desk: Desk) -> None:
    item_id = publish(desk)
    hire(desk)
    done, waiting, declined = register(desk), register(desk), register(desk)
    desk.handle(TriageRequest(request_id=done, item_id=item_id, urgency=Urgency.URGENT))
    desk.handle(DispatchRequest(request_id=done))
    desk.handle(DeclineRequest(request_id=declined, reason="not ours"))
    handover = desk.queries.shift_handover()
    assert {v.id.value for v in handover.open} == {done, waiting}
    assert handover.by_status() == {Status.DISPATCHED: 1, Status.REGISTERED: 1}


def test_cancel_with_reason(desk: Desk) -> None:
    request_id = in_progress(desk)
    with pytest.raises(InvalidValue, match="reason must not be empty"):
        desk.handle(CancelRequest(request_id=request_id, reason=" "))
    desk.handle(CancelRequest(request_id=request_id, reason="owner moved out"))
    assert desk.queries.request(request_id).status is Status.CANCELLED
    assert desk.queries.open_requests() == []


def test_hall_materials_told_at_once(desk: Desk) -> None:
    item_id = publish(
        desk,
        name="Residence certificate",
        category="certificates",
        fee=FeeStandard.free(),
        required_materials=("ID card", "household register", "lease contract"),
    )
    request_id = register(desk, "certificate")
    desk.handle(TriageRequest(request_id=request_id, item_id=item_id))
    view = desk.queries.request(request_id)
    assert view.required_materials == ("ID card", "household register", "lease contract")
    assert view.price == Money.zero()


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Requester("Chen", "3-502", Contact("")), InvalidValue, "contact phone"),
        (lambda: Requester("", "3-502", Contact("13800138000")), InvalidValue, "requester name"),
        (lambda: Requester("Chen", "", Contact("13800138000")), InvalidValue, "unit"),
        (
            lambda: TimeWindow(datetime(2026, 3, 2, 10), datetime(2026, 3, 2, 11)),
            InvalidValue,
            "no time zone",
        ),
        (
            lambda: RegisterRequest(requester=requester(), need="x", channel="fax"),
            InvalidValue,
            "not a known channel; choose one of: front_desk",
        ),
        (
            lambda: TriageRequest(request_id="r", item_id="i", urgency="asap"),
            InvalidValue,
            "urgency",
        ),
        (lambda: TriageRequest(request_id="r", item_id="i", quantity=1.5), InvalidValue, "exactly"),
        (lambda: TriageRequest(request_id="r 1", item_id="i"), InvalidValue, "identifier"),
    ],
)
def test_bad_values_are_refused_when_the_command_is_built(
    make: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        make()  # type: ignore[operator]


def test_expected_time_in_the_past_is_refused(desk: Desk, store: MemoryStore, clock: Clock) -> None:
    past = TimeWindow(clock.now - timedelta(hours=3), clock.now - timedelta(hours=1))
    before = store.snapshot()
    with pytest.raises(InvalidValue, match="already past"):
        desk.handle(RegisterRequest(requester=requester(), need="tap", expected=past))
    assert store.snapshot() == before


def test_unknown_request_and_wrong_state(desk: Desk, store: MemoryStore) -> None:
    before = store.snapshot()
    with pytest.raises(NotFound, match="No service request with id r-404"):
        desk.handle(StartWork(request_id="r-404"))
    request_id = register(desk)
    before = store.snapshot()
    for command in (
        StartWork(request_id=request_id),
        CompleteWork(request_id=request_id),
        AcceptWork(request_id=request_id, signed_by="Chen", evidence=IN_PERSON),
        CloseRequest(request_id=request_id),
        DispatchRequest(request_id=request_id),
    ):
        with pytest.raises(IllegalTransition, match="is registered; it cannot be"):
            desk.handle(command, actor=DESK_CLERK)
    assert store.snapshot() == before


def test_every_refusal_is_a_service_desk_error_without_personal_data(desk: Desk) -> None:
    request_id = register(desk)
    with pytest.raises(ServiceDeskError) as caught:
        desk.handle(CloseRequest(request_id=request_id))
    assert "Chen" not in str(caught.value)
    assert "13800138000" not in str(caught.value)
    assert "Chen" not in repr(desk.queries.request(request_id))


def test_restart_after_rework_is_not_a_missed_deadline(desk: Desk, clock: Clock) -> None:
    request_id = in_progress(desk)  # urgent, started at 09:30, due 10:30
    desk.handle(CompleteWork(request_id=request_id))
    desk.handle(
        RejectWork(request_id=request_id, reason="still drips", evidence=IN_PERSON),
        actor=DESK_CLERK,
    )
    clock.advance(hours=3)
    outcome = desk.handle(StartWork(request_id=request_id))
    assert [type(e).__name__ for e in outcome.events] == ["WorkStarted"]
    assert not desk.queries.request(request_id).deadline_missed


def test_a_batch_spreads_its_work_orders_over_the_skilled_workers(desk: Desk, clock: Clock) -> None:
    item_id = publish(desk)
    zhang, liu = hire(desk, "Zhang"), hire(desk, "Liu")
    batch = [register(desk, f"drain {n}") for n in range(4)]
    for request_id in batch:
        desk.handle(TriageRequest(request_id=request_id, item_id=item_id))
    clock.advance(minutes=30)  # 10:00, the hourly batch
    assert desk.handle(DispatchDue()).id == "4"
    workers = [desk.queries.request(r).worker_id for r in batch]
    assert sorted(w.value for w in workers if w is not None) == sorted([zhang, zhang, liu, liu])
