"""The service hall on every store: each aggregate saved, found by its queries and rebuilt,
the day's queue held by whoever takes or calls, personal data erased in place."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest

from servicedesk import (
    AcceptApplication,
    Actor,
    ActorId,
    ApplicationId,
    CallNext,
    CompleteStep,
    DecideAtWindow,
    Desk,
    EraseRequester,
    QueueId,
    ReceiveApplication,
    Role,
    SweepHallDeadlines,
    TakeNumber,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.errors import ConcurrencyConflict, NotFound
from servicedesk.domain.hall import DepartmentId, HallItemId, WindowId
from servicedesk.domain.hall_cases import Application
from servicedesk.domain.hall_queue import HallQueue
from servicedesk.domain.privacy import ERASED
from servicedesk.testing import hall as h


class Clock:
    def __init__(self) -> None:
        self.now = h.MORNING

    def __call__(self) -> datetime:
        return self.now


def hall_desk(store: Store) -> tuple[Desk, Clock]:
    clock = Clock()
    desk = Desk(store, clock=clock, entry_points=False)
    h.open_hall(desk)
    return desk, clock


def test_every_hall_aggregate_is_saved_found_and_rebuilt(store: Store) -> None:
    desk, _clock = hall_desk(store)
    numbers = [desk.handle(TakeNumber(item_id=h.JOINT)).id for _ in range(3)]
    assert numbers == ["A001", "A002", "A003"]
    assert desk.handle(CallNext(window_id="C"), actor=h.clerk("clerk-c")).id == "A001"
    command = ReceiveApplication(
        application_id="app-1",
        item_id=h.JOINT,
        applicant=h.applicant(),
        window_id="C",
        ticket="A001",
        presented=("id_card", "deed"),
    )
    desk.handle(command, actor=h.clerk("clerk-c"))
    desk.handle(AcceptApplication(application_id="app-1"), actor=h.clerk("clerk-c"))
    desk.handle(CompleteStep(application_id="app-1", step=1), actor=h.clerk("clerk-t"))
    with store.reading() as uow:
        assert [d.id.value for d in uow.hall_departments.list()] == ["civil", "housing", "tax"]
        assert uow.hall_departments.get(DepartmentId("civil")).staff == {
            ActorId("clerk-a"),
            ActorId("clerk-b"),
        }
        assert [w.on_duty for w in uow.hall_windows.list()] == [
            ActorId("clerk-a"),
            ActorId("clerk-b"),
            ActorId("clerk-c"),
        ]
        assert len(uow.hall_guides.list_published()) == 4
        queue = uow.hall_queues.get(QueueId.of(date(2026, 5, 11)))
        assert [t.status.value for t in queue.tickets] == ["called", "waiting", "waiting"]
        assert uow.hall_queues.between(date(2026, 5, 10), date(2026, 5, 12)) == [queue]
        assert uow.hall_queues.between(date(2026, 5, 12), date(2026, 5, 13)) == []
        application = uow.hall_applications.get(ApplicationId("app-1"))
        assert [a.id for a in uow.hall_applications.list_open()] == [application.id]
        history = uow.events.history("hall_application", application.id)
        rebuilt = Application.replay(application.id, history)
        assert attrs.evolve(rebuilt, version=application.version) == application
        queue_history = uow.events.history("hall_queue", queue.id)
        rebuilt_queue = HallQueue.replay(queue.id, queue_history)
        assert attrs.evolve(rebuilt_queue, version=queue.version) == queue
        guide = uow.hall_guides.get(HallItemId(h.JOINT))
        assert guide.require_current().lead_department == DepartmentId("housing")
        assert uow.hall_windows.get(WindowId("C")).duty[0].staff == ActorId("clerk-c")
    assert desk.records.verify().ok, "the trail vouches for every hall event and record"


def test_overdue_applications_are_found_by_their_next_due(store: Store) -> None:
    desk, clock = hall_desk(store)
    command = ReceiveApplication(
        application_id="app-2",
        item_id=h.PROMISED,
        applicant=h.applicant(),
        channel="online",
        presented=("id_card", "photo"),
    )
    desk.handle(command)
    desk.handle(AcceptApplication(application_id="app-2"), actor=h.clerk("clerk-a"))
    with store.reading() as uow:
        assert uow.hall_applications.list_due_for_escalation(clock.now) == []
    clock.now += timedelta(days=2)
    with store.reading() as uow:
        due = uow.hall_applications.list_due_for_escalation(clock.now)
    assert [a.id.value for a in due] == ["app-2"]
    assert desk.handle(SweepHallDeadlines()).id == "1"
    with store.reading() as uow:
        assert uow.hall_applications.list_due_for_escalation(clock.now) == []


# SQLite lets one writer in at a time: there two units of work cannot both open the day.
@pytest.mark.parametrize("store", ["memory", "postgresql", "mariadb"], indirect=True)
def test_a_day_opened_twice_at_once_conflicts_and_the_desk_retries(store: Store) -> None:
    hall_desk(store)
    day = date(2026, 5, 12)
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        for uow in (first, second):
            assert uow.hall_queues.locked(QueueId.of(day)) is None
            uow.hall_queues.add(HallQueue.open(day, at=h.MORNING))
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with store.reading() as uow:
        assert uow.hall_queues.get(QueueId.of(day)).day == day


def test_an_applicants_data_is_erased_where_it_is_stored(store: Store) -> None:
    desk, _clock = hall_desk(store)
    command = ReceiveApplication(
        application_id="app-3",
        item_id=h.IMMEDIATE,
        applicant=h.applicant(),
        channel="online",
        presented=("id_card",),
    )
    desk.handle(command)
    desk.handle(
        DecideAtWindow(application_id="app-3", document_number="R-9"), actor=h.clerk("clerk-a")
    )
    manager = Actor(ActorId("m"), "Manager", {Role.CENTRE_MANAGER})
    assert desk.handle(EraseRequester(phone="13900139000"), actor=manager).id == "1"
    with store.reading() as uow:
        application = uow.hall_applications.get(ApplicationId("app-3"))
        history = uow.events.history("hall_application", application.id)
    assert application.applicant.name == ERASED
    assert all("13900139000" not in repr(e) and "Li Lei" not in repr(e) for e in history)
    with pytest.raises(NotFound):
        desk.handle(EraseRequester(phone="13900139000"), actor=manager)
