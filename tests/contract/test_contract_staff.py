"""Staff files and item requirements on every store: saved, rebuilt, found by their queries,
and the duty rules reading them the same way everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from servicedesk import (
    Actor,
    ActorId,
    ApproveFee,
    CancelShift,
    Contact,
    Desk,
    DispatchRequest,
    FeeStandard,
    Money,
    ProposeItem,
    RecordQualification,
    RecordTraining,
    RegisterRequest,
    RegisterWorker,
    Requester,
    Role,
    RosterShift,
    SetItemRequirement,
    TriageRequest,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.errors import ConcurrencyConflict, IllegalTransition
from servicedesk.domain.staff import (
    ItemRequirement,
    Qualification,
    Shift,
    ShiftId,
    StaffFile,
    StaffId,
    Training,
)
from servicedesk.domain.values import ItemId

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
ASSISTANT = Actor(ActorId("asst"), "Assistant", {Role.ASSISTANT})


def a_file(staff: str = "w-1", *, shifts: bool = True) -> StaffFile:
    file = StaffFile.open(StaffId(staff), at=AT)
    file.record_qualification(
        Qualification("electrician", "E-1", date(2030, 1, 1)), today=AT.date(), at=AT
    )
    file.record_training(
        Training("pre-duty", date(2026, 2, 1), passed=True), today=AT.date(), at=AT
    )
    if shifts:
        file.roster(Shift(ShiftId("s1"), AT, AT + timedelta(hours=8)), at=AT)
    return file


def test_a_staff_file_is_saved_and_rebuilt_whole(store: Store) -> None:
    file = a_file()
    recorded = list(file.events)
    with store.unit_of_work() as uow:
        assert not uow.staff_files.has_roster()
        uow.staff_files.add(file)
        uow.commit()
    with store.reading() as uow:
        loaded = uow.staff_files.get(StaffId("w-1"))
        assert loaded == file
        assert loaded.version == 1
        assert uow.staff_files.has_roster()
        assert [f.id.value for f in uow.staff_files.list()] == ["w-1"]
        assert uow.events.history("staff_file", StaffId("w-1")) == recorded


def test_has_roster_follows_the_shifts_saved(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.staff_files.add(a_file("a", shifts=False))
        uow.staff_files.add(a_file("b"))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.staff_files.has_roster()
        uow.staff_files.get(StaffId("b")).cancel(ShiftId("s1"), at=AT - timedelta(hours=1))
        uow.commit()
    with store.reading() as uow:
        assert not uow.staff_files.has_roster()


# SQLite lets one writer in at a time: there the second unit of work waits instead.
@pytest.mark.parametrize("store", ["memory", "postgresql", "mariadb"], indirect=True)
def test_a_stale_staff_file_is_a_conflict(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.staff_files.add(a_file())
        uow.commit()
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        later = AT + timedelta(days=1)
        first.staff_files.get(StaffId("w-1")).roster(
            Shift(ShiftId("s2"), later, later + timedelta(hours=8)), at=AT
        )
        second.staff_files.get(StaffId("w-1")).roster(
            Shift(ShiftId("s3"), later, later + timedelta(hours=8)), at=AT
        )
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with store.reading() as uow:
        assert [s.id.value for s in uow.staff_files.get(StaffId("w-1")).shifts] == ["s1", "s2"]


def test_an_item_requirement_is_saved_and_changed(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.item_requirements.add(
            ItemRequirement.set_for(ItemId("i-1"), frozenset({"electrician", "height"}), at=AT)
        )
        uow.commit()
    with store.unit_of_work() as uow:
        uow.item_requirements.get(ItemId("i-1")).change(frozenset({"electrician"}), at=AT)
        uow.commit()
    with store.reading() as uow:
        assert uow.item_requirements.get(ItemId("i-1")).qualifications == {"electrician"}


def test_the_duty_rules_read_the_same_on_every_store(store: Store) -> None:
    now = AT
    desk = Desk(store, clock=lambda: now, entry_points=False)
    fee = FeeStandard.fixed(Money.of("30.00"))
    desk.handle(ProposeItem(item_id="i-1", name="Socket", category="electrical", fee=fee))
    for role in (Role.CENTRE_MANAGER, Role.BRANCH_MANAGER):
        desk.handle(
            ApproveFee(item_id="i-1", role=role), actor=Actor(ActorId(f"m-{role}"), "M", {role})
        )
    desk.handle(SetItemRequirement(item_id="i-1", qualifications={"electrician"}), actor=ASSISTANT)
    for worker in ("a", "b", "c"):
        desk.handle(RegisterWorker(worker_id=worker, name=worker, skills={"electrical"}))
        desk.handle(
            RecordTraining(staff_id=worker, course="pre-duty", on=date(2026, 2, 1), passed=True),
            actor=ASSISTANT,
        )
    for worker in ("b", "c"):
        desk.handle(
            RecordQualification(staff_id=worker, kind="electrician", number="E", valid_until=None),
            actor=ASSISTANT,
        )
    # a: unqualified; b: qualified, off shift; c: qualified, on shift
    desk.handle(
        RosterShift(staff_id="b", start=AT + timedelta(hours=8), end=AT + timedelta(hours=16)),
        actor=ASSISTANT,
    )
    shift_id = desk.handle(
        RosterShift(staff_id="c", start=AT - timedelta(hours=1), end=AT + timedelta(hours=7)),
        actor=ASSISTANT,
    ).id
    assert shift_id is not None
    requester = Requester("Chen", "3-502", Contact("13800138000"))
    request_id = desk.handle(RegisterRequest(requester=requester, need="sparks")).id
    assert request_id is not None
    desk.handle(TriageRequest(request_id=request_id, item_id="i-1", urgency="urgent"))
    with pytest.raises(IllegalTransition):
        desk.handle(DispatchRequest(request_id=request_id, worker_id="b"))
    desk.handle(DispatchRequest(request_id=request_id))
    assert desk.queries.request(request_id).worker_id.value == "c"  # type: ignore[union-attr]
    assert [e.staff_id.value for e in desk.staff.roster(date(2026, 3, 2))] == ["c", "b"]
    with pytest.raises(IllegalTransition):
        desk.handle(CancelShift(staff_id="c", shift_id=shift_id), actor=ASSISTANT)


def test_with_roster_answers_the_requirement_and_the_roster_in_one(store: Store) -> None:
    with store.reading() as uow:
        assert uow.item_requirements.with_roster(ItemId("i-1")) == (None, False)
    with store.unit_of_work() as uow:
        uow.item_requirements.add(
            ItemRequirement.set_for(ItemId("i-1"), frozenset({"electrician"}), at=AT)
        )
        uow.staff_files.add(a_file("a", shifts=False))
        uow.commit()
    with store.reading() as uow:
        found, rostered = uow.item_requirements.with_roster(ItemId("i-1"))
        assert found is not None
        assert found.qualifications == {"electrician"}
        assert not rostered
        assert uow.item_requirements.with_roster(ItemId("i-2")) == (None, False)
    with store.unit_of_work() as uow:
        uow.staff_files.add(a_file("b"))
        uow.commit()
    with store.reading() as uow:
        found, rostered = uow.item_requirements.with_roster(ItemId("i-1"))
        assert found is not None
        assert rostered
        assert uow.item_requirements.with_roster(ItemId("i-2")) == (None, True)
