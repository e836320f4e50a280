"""Complaints, the escalation sweep and monthly callbacks on every store (desk work by the
system actor, so that the permission table is not what these tests are about)."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest
from contract_scenario import SHANGHAI, Clock, desk, published_item, worker

from servicedesk import (
    AcceptWork,
    CompleteWork,
    Contact,
    Desk,
    DispatchRequest,
    RegisterRequest,
    Requester,
    StartWork,
    TriageRequest,
)
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.callbacks.commands import PlanCallbacks, RecordCallback
from servicedesk.app.complaints.commands import EscalateOverdue, FileComplaint
from servicedesk.app.complaints.handlers import request_cases
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.callbacks import CallbackPlanId, CallbackStatus, Month
from servicedesk.domain.complaints import ComplaintEscalated
from servicedesk.domain.errors import ConcurrencyConflict, IllegalTransition
from servicedesk.domain.requests import RequestEscalated
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK

MONDAY = datetime(2026, 3, 9, 10, tzinfo=SHANGHAI)  # a working Monday
MARCH = Month(2026, 3)


def person(n: int) -> Requester:
    return Requester(f"Owner {n}", f"3-{500 + n}", Contact(f"138{n:08d}"))


def complaint(d: Desk, complaint_id: str, urgency: str) -> None:
    command = FileComplaint(
        complaint_id=complaint_id,
        complainant=person(1),
        category="timeliness",
        description="nobody came",
        urgency=urgency,
    )
    d.handle(command)


def request(d: Desk, request_id: str, n: int, urgency: str) -> None:
    d.handle(RegisterRequest(request_id=request_id, requester=person(n), need="tap drips"))
    d.handle(TriageRequest(request_id=request_id, item_id="tap", urgency=urgency))


def escalated(events: tuple[object, ...]) -> set[str]:
    found = set()
    for event in events:
        if isinstance(event, ComplaintEscalated):
            found.add(str(event.complaint_id))
        elif isinstance(event, RequestEscalated):
            found.add(str(event.request_id))
    return found


def test_the_sweep_escalates_exactly_the_overdue_cases_once(store: Store) -> None:
    clock = Clock(MONDAY)
    d = desk(store, clock)
    published_item(d)
    worker(d)
    complaint(d, "c-late", "urgent")  # answer due in a working hour
    request(d, "r-late", 2, "urgent")  # someone on site within the hour
    request(d, "r-started", 3, "urgent")
    d.handle(DispatchRequest(request_id="r-started", worker_id="w-1"))
    d.handle(StartWork(request_id="r-started"))  # the promise is kept
    clock.advance(hours=2)
    complaint(d, "c-fresh", "ordinary")  # four working hours left
    request(d, "r-fresh", 4, "ordinary")
    clock.advance(hours=1)

    with store.unit_of_work() as uow:  # the indexed queries find (at least) the late ones
        due_complaints = {c.id.value for c in uow.complaints.list_due_for_escalation(clock.now)}
        due_requests = {r.id.value for r in request_cases(uow).list_due_for_escalation(clock.now)}
        assert "c-late" in due_complaints
        assert "c-fresh" not in due_complaints
        assert "r-late" in due_requests
        assert "r-fresh" not in due_requests
        assert [c.id.value for c in uow.complaints.list_open()] == ["c-late", "c-fresh"]
        filed = uow.complaints.list_filed_between(MONDAY, MONDAY + timedelta(hours=1))
        assert [c.id.value for c in filed] == ["c-late"]

    first = d.handle(EscalateOverdue())
    assert escalated(first.events) == {"c-late", "r-late"}
    assert first.id == "2"
    again = d.handle(EscalateOverdue())
    assert (again.id, again.events) == ("0", ())
    clock.advance(minutes=1)
    assert escalated(d.handle(EscalateOverdue()).events) == set()  # next step is not due yet


def completed(d: Desk, request_id: str, n: int) -> None:
    request(d, request_id, n, "ordinary")
    d.handle(DispatchRequest(request_id=request_id, worker_id="w-1"))
    d.handle(StartWork(request_id=request_id))
    d.handle(CompleteWork(request_id=request_id))
    d.handle(
        AcceptWork(request_id=request_id, signed_by="Owner", evidence=IN_PERSON), actor=DESK_CLERK
    )


def test_a_month_of_callbacks_is_planned_once_and_worked(store: Store) -> None:
    clock = Clock(datetime(2026, 2, 27, 10, tzinfo=SHANGHAI))
    d = desk(store, clock)
    published_item(d)
    worker(d)
    completed(d, "r-feb", 1)  # accepted in February: not March's
    clock.now = MONDAY
    for n in range(2, 5):
        completed(d, f"r-{n}", n)
        clock.advance(minutes=30)
    clock.now = datetime(2026, 4, 1, 9, 30, tzinfo=SHANGHAI)

    start, end = MARCH.bounds(SHANGHAI)
    with store.unit_of_work() as uow:
        accepted = request_cases(uow).list_accepted_between(start, end)
        assert [r.id.value for r in accepted] == ["r-2", "r-3", "r-4"]

    d.handle(PlanCallbacks(month="2026-03", seed="contract"))
    with store.unit_of_work() as uow:
        plan = uow.callback_plans.get(CallbackPlanId.of(MARCH))
        callbacks = uow.callbacks.list_for_month(MARCH)
        assert uow.callbacks.list_for_month(Month(2026, 4)) == []
    assert sorted(str(r) for draw in plan.draws for r in draw.drawn) == ["r-2", "r-3", "r-4"]
    assert len(callbacks) == 3
    assert [c.id.value for c in callbacks] == sorted(c.id.value for c in callbacks)
    with pytest.raises(IllegalTransition, match="already planned"):
        d.handle(PlanCallbacks(month="2026-03", seed="another"))

    d.handle(RecordCallback(callback_id=callbacks[0].id, reached=True, satisfaction=5))
    with store.unit_of_work() as uow:
        statuses = [c.status for c in uow.callbacks.list_for_month(MARCH)]
    assert statuses.count(CallbackStatus.OPEN) == 2


def test_the_database_keeps_one_callback_plan_per_month(sql_store: SqlStore) -> None:
    clock = Clock(MONDAY)
    d = desk(sql_store, clock)
    published_item(d)
    worker(d)
    completed(d, "r-1", 1)
    clock.now = datetime(2026, 4, 1, 9, 30, tzinfo=SHANGHAI)
    d.handle(PlanCallbacks(month="2026-03"))
    with sql_store.unit_of_work() as uow:
        plan = uow.callback_plans.get(CallbackPlanId.of(MARCH))
    twin = attrs.evolve(plan, id=CallbackPlanId("another-draw"))
    with sql_store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
        uow._save(uow.callback_plans, twin, True)
