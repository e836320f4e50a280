"""Staff files, the duty roster and the duty rules, one rule per test (rules staff.*)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from servicedesk import (
    Actor,
    ActorId,
    CancelShift,
    Desk,
    DispatchDue,
    DispatchRequest,
    GoOffDuty,
    GoOnDuty,
    RecordQualification,
    RecordTraining,
    RegisterRequest,
    RegisterWorker,
    Role,
    RosterShift,
    SetItemRequirement,
    StaffRules,
    TriageRequest,
    Urgency,
    hookimpl,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.domain.errors import (
    IllegalTransition,
    InvalidValue,
    NotFound,
    PermissionDenied,
    PolicyError,
)
from servicedesk.domain.hall import Window, WindowId
from servicedesk.domain.staff import (
    ItemRequirement,
    Qualification,
    Shift,
    ShiftId,
    StaffFile,
    StaffId,
    Training,
)
from servicedesk.domain.values import ItemId, RequestId
from servicedesk.testing import hall as h
from servicedesk.testing import store_state
from support import ASSISTANT, CLERK, MONDAY_0930, SHANGHAI, Clock, publish, requester

AT = MONDAY_0930
TODAY = AT.date()


def shift(start: datetime, hours: float = 8, window: str | None = None, sid: str = "s1") -> Shift:
    return Shift(
        ShiftId(sid), start, start + timedelta(hours=hours), WindowId(window) if window else None
    )


def opened() -> StaffFile:
    file = StaffFile.open(StaffId("w-1"), at=AT)
    file.events.clear()
    return file


# --- the domain ----------------------------------------------------------------------------------


def test_staff_qualifications_one_per_kind_the_renewal_replaces_it() -> None:
    file = opened()
    old = Qualification("electrician", "E-1", date(2026, 6, 30))
    new = Qualification("electrician", "E-2", date(2029, 6, 30))
    file.record_qualification(old, today=TODAY, at=AT)
    file.record_qualification(new, today=TODAY, at=AT)
    assert file.qualifications == (new,)
    assert file.holds("electrician", date(2028, 1, 1))
    assert not file.holds("gas fitter", TODAY)
    with pytest.raises(IllegalTransition):
        file.record_qualification(new, today=TODAY, at=AT)


def test_staff_qualifications_an_expired_certificate_is_not_recorded() -> None:
    with pytest.raises(InvalidValue) as refused:
        opened().record_qualification(
            Qualification("electrician", "E-1", TODAY - timedelta(days=1)), today=TODAY, at=AT
        )
    assert refused.value.field == "valid_until"


def test_staff_qualifications_valid_through_their_last_day() -> None:
    q = Qualification("electrician", "E-1", TODAY)
    assert q.valid_on(TODAY)
    assert not q.valid_on(TODAY + timedelta(days=1))
    assert Qualification("first aid", "F-1").valid_on(date(2099, 1, 1))


def test_staff_training_is_recorded_once_taken_and_kept() -> None:
    file = opened()
    assert not file.trained
    file.record_training(Training("pre-duty", TODAY, passed=False), today=TODAY, at=AT)
    assert not file.trained
    file.record_training(
        Training("pre-duty", TODAY - timedelta(days=1), passed=True),
        today=TODAY,
        at=AT,
    )
    assert file.trained
    assert len(file.training) == 2
    with pytest.raises(IllegalTransition):
        file.record_training(Training("pre-duty", TODAY, passed=True), today=TODAY, at=AT)
    with pytest.raises(InvalidValue):
        file.record_training(
            Training("safety", TODAY + timedelta(days=1), passed=True), today=TODAY, at=AT
        )


def test_staff_duty_roster_shifts_of_one_person_never_overlap() -> None:
    file = opened()
    file.roster(shift(AT), at=AT)
    with pytest.raises(IllegalTransition):
        file.roster(shift(AT + timedelta(hours=7), sid="s2"), at=AT)
    file.roster(shift(AT + timedelta(hours=8), sid="s2"), at=AT)  # end excluded: back to back
    assert [s.id.value for s in file.shifts] == ["s1", "s2"]
    assert file.on_shift(AT + timedelta(hours=8)) == file.shift(ShiftId("s2"))
    assert file.on_shift(AT + timedelta(hours=16)) is None


def test_staff_duty_roster_a_shift_is_at_most_a_day_and_ends_after_it_starts() -> None:
    with pytest.raises(InvalidValue):
        shift(AT, hours=0)
    with pytest.raises(InvalidValue):
        shift(AT, hours=24.5)
    with pytest.raises(InvalidValue):
        Shift(ShiftId("s"), datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 17))  # naive


def test_staff_duty_roster_a_begun_shift_is_not_cancelled() -> None:
    file = opened()
    file.roster(shift(AT + timedelta(hours=1)), at=AT)
    with pytest.raises(IllegalTransition):
        file.cancel(ShiftId("s1"), at=AT + timedelta(hours=1))
    with pytest.raises(IllegalTransition):
        file.cancel(ShiftId("nope"), at=AT)
    file.cancel(ShiftId("s1"), at=AT)
    assert not file.rostered


def test_staff_duty_roster_window_shifts_count_at_their_window_only() -> None:
    file = opened()
    file.roster(shift(AT, window="A"), at=AT)
    assert file.on_shift(AT, WindowId("A")) is not None
    assert file.on_shift(AT, WindowId("B")) is None
    assert file.on_shift(AT) is not None


def test_staff_file_replays_to_what_its_events_made() -> None:
    file = StaffFile.open(StaffId("w-1"), at=AT)
    file.record_qualification(Qualification("electrician", "E-1", None), today=TODAY, at=AT)
    file.record_training(Training("pre-duty", TODAY, passed=True), today=TODAY, at=AT)
    file.roster(shift(AT), at=AT)
    file.record_off_shift(RequestId("r-1"), at=AT)
    assert StaffFile.replay(file.id, file.events) == file


def test_staff_item_requirements_change_and_replay() -> None:
    requirement = ItemRequirement.set_for(ItemId("i-1"), frozenset({"electrician"}), at=AT)
    with pytest.raises(IllegalTransition):
        requirement.change(frozenset({"electrician"}), at=AT)
    requirement.change(frozenset(), at=AT)
    assert ItemRequirement.replay(requirement.id, requirement.events) == requirement
    assert requirement.qualifications == frozenset()


def test_staff_rules_refuse_a_negative_notice() -> None:
    with pytest.raises(InvalidValue):
        StaffRules(expiry_notice=timedelta(days=-1))
    with pytest.raises(InvalidValue):
        StaffRules(off_shift_dispatch="yes")  # type: ignore[arg-type]


# --- through the desk ----------------------------------------------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock(AT)


def make_desk(clock: Clock, *plugins: object) -> Desk:
    return Desk(MemoryStore(), clock=clock, entry_points=False, plugins=plugins)


def electrical(desk: Desk) -> str:
    item_id = publish(desk, name="Socket repair", category="electrical")
    desk.handle(
        SetItemRequirement(item_id=item_id, qualifications={"electrician"}), actor=ASSISTANT
    )
    return item_id


def worker(desk: Desk, worker_id: str, *, certified: bool = True, trained: bool = True) -> str:
    desk.handle(
        RegisterWorker(worker_id=worker_id, name=worker_id, skills={"electrical", "plumbing"})
    )
    if certified:
        desk.handle(
            RecordQualification(
                staff_id=worker_id,
                kind="electrician",
                number=f"E-{worker_id}",
                valid_until=date(2030, 1, 1),
            ),
            actor=ASSISTANT,
        )
    if trained:
        desk.handle(
            RecordTraining(staff_id=worker_id, course="pre-duty", on=date(2026, 2, 1), passed=True),
            actor=ASSISTANT,
        )
    return worker_id


def on_shift(
    desk: Desk, worker_id: str, start: datetime = AT - timedelta(hours=1), hours: float = 9
) -> str:
    shift_id = desk.handle(
        RosterShift(staff_id=worker_id, start=start, end=start + timedelta(hours=hours)),
        actor=ASSISTANT,
    ).id
    assert shift_id is not None
    return shift_id


def triaged(desk: Desk, item_id: str, urgency: Urgency = Urgency.URGENT) -> str:
    request_id = desk.handle(RegisterRequest(requester=requester(), need="socket sparks")).id
    assert request_id is not None
    desk.handle(TriageRequest(request_id=request_id, item_id=item_id, urgency=urgency))
    return request_id


def dispatched_to(desk: Desk, request_id: str) -> str | None:
    worker_id = desk.queries.request(request_id).worker_id
    return None if worker_id is None else worker_id.value


def test_staff_qualified_dispatch_automatic_picks_only_the_certified(clock: Clock) -> None:
    desk = make_desk(clock)
    item_id = electrical(desk)
    worker(desk, "a-uncertified", certified=False)
    worker(desk, "b-certified")
    request_id = triaged(desk, item_id)
    desk.handle(DispatchRequest(request_id=request_id))
    assert dispatched_to(desk, request_id) == "b-certified"


def test_staff_qualified_dispatch_a_manual_dispatch_to_the_uncertified_is_refused(
    clock: Clock,
) -> None:
    desk = make_desk(clock)
    item_id = electrical(desk)
    worker(desk, "a-uncertified", certified=False)
    request_id = triaged(desk, item_id)
    with pytest.raises(IllegalTransition) as refused:
        desk.handle(DispatchRequest(request_id=request_id, worker_id="a-uncertified"))
    assert refused.value.code == "staff.unqualified"
    assert dispatched_to(desk, request_id) is None


def test_staff_qualified_dispatch_an_expired_certificate_does_not_count(clock: Clock) -> None:
    desk = make_desk(clock)
    item_id = electrical(desk)
    worker(desk, "a")
    desk.handle(
        RecordQualification(staff_id="a", kind="electrician", number="E-old", valid_until=TODAY),
        actor=ASSISTANT,
    )
    clock.now = AT + timedelta(days=1)
    request_id = triaged(desk, item_id)
    with pytest.raises(IllegalTransition):
        desk.handle(DispatchRequest(request_id=request_id))
    assert dispatched_to(desk, request_id) is None


def test_staff_no_roster_dispatch_goes_as_before(clock: Clock) -> None:
    desk = make_desk(clock)
    item_id = publish(desk)
    worker(desk, "a", certified=False, trained=False)
    request_id = triaged(desk, item_id)
    desk.handle(DispatchRequest(request_id=request_id))
    assert dispatched_to(desk, request_id) == "a"


def test_staff_duty_roster_automatic_dispatch_passes_over_whoever_is_off_shift(
    clock: Clock,
) -> None:
    desk = make_desk(clock)
    item_id = publish(desk)
    worker(desk, "a-off")
    worker(desk, "b-on")
    on_shift(desk, "b-on")
    on_shift(desk, "a-off", start=AT + timedelta(hours=9))
    first = triaged(desk, item_id)
    second = triaged(desk, item_id)
    desk.handle(DispatchRequest(request_id=first))
    desk.handle(DispatchRequest(request_id=second))  # b has one order more, a is still off
    assert dispatched_to(desk, first) == dispatched_to(desk, second) == "b-on"


def test_staff_duty_roster_the_batch_dispatch_uses_it_too(clock: Clock) -> None:
    desk = make_desk(clock)
    item_id = publish(desk)
    worker(desk, "a-off")
    worker(desk, "b-on")
    on_shift(desk, "b-on")
    on_shift(desk, "a-off", start=AT + timedelta(hours=9))
    request_id = triaged(desk, item_id, Urgency.ORDINARY)
    clock.now = AT + timedelta(hours=1)
    desk.handle(DispatchDue())
    assert dispatched_to(desk, request_id) == "b-on"


def test_staff_training_untrained_staff_are_not_dispatched_once_rostered(clock: Clock) -> None:
    desk = make_desk(clock)
    item_id = publish(desk)
    worker(desk, "a", trained=False)
    on_shift(desk, "a")
    request_id = triaged(desk, item_id)
    with pytest.raises(IllegalTransition):
        desk.handle(DispatchRequest(request_id=request_id))
    with pytest.raises(IllegalTransition) as refused:
        desk.handle(DispatchRequest(request_id=request_id, worker_id="a"))
    assert refused.value.code == "staff.untrained"


class TrainingLater:
    @hookimpl
    def servicedesk_staff_rules(self) -> StaffRules:
        return StaffRules(training_before_duty=False, off_shift_dispatch=True)


def test_staff_training_a_policy_may_let_the_untrained_on_duty(clock: Clock) -> None:
    desk = make_desk(clock, TrainingLater())
    item_id = publish(desk)
    worker(desk, "a", trained=False)
    on_shift(desk, "a")
    request_id = triaged(desk, item_id)
    desk.handle(DispatchRequest(request_id=request_id))
    assert dispatched_to(desk, request_id) == "a"


def test_staff_off_shift_dispatch_refused_by_default(clock: Clock) -> None:
    desk = make_desk(clock)
    item_id = publish(desk)
    worker(desk, "a")
    on_shift(desk, "a", start=AT + timedelta(hours=9))
    request_id = triaged(desk, item_id)
    with pytest.raises(IllegalTransition) as refused:
        desk.handle(DispatchRequest(request_id=request_id, worker_id="a"))
    assert refused.value.code == "staff.off_duty"
    assert refused.value.field == "worker_id"


def test_staff_off_shift_dispatch_allowed_by_policy_is_recorded(clock: Clock) -> None:
    desk = make_desk(clock, TrainingLater())
    item_id = publish(desk)
    worker(desk, "a")
    on_shift(desk, "a", start=AT + timedelta(hours=9))
    request_id = triaged(desk, item_id)
    with pytest.raises(IllegalTransition):  # automatic dispatch never picks the off-shift
        desk.handle(DispatchRequest(request_id=request_id))
    outcome = desk.handle(DispatchRequest(request_id=request_id, worker_id="a"))
    assert "WorkedOffShift" in [type(e).__name__ for e in outcome.events]
    assert desk.staff.staff_file("a").off_shift_work == (RequestId(request_id),)


def test_staff_no_roster_contractors_are_not_bound_by_the_roster(clock: Clock) -> None:
    desk = make_desk(clock)
    item_id = publish(desk)
    worker(desk, "a")
    on_shift(desk, "a", start=AT + timedelta(hours=9))
    desk.handle(
        RegisterWorker(worker_id="firm", name="Firm", skills={"plumbing"}, kind="contractor")
    )
    request_id = triaged(desk, item_id)
    desk.handle(DispatchRequest(request_id=request_id))
    assert dispatched_to(desk, request_id) == "firm"


def test_staff_no_roster_once_every_shift_is_cancelled(clock: Clock) -> None:
    desk = make_desk(clock)
    item_id = publish(desk)
    worker(desk, "a", trained=False)
    shift_id = on_shift(desk, "a", start=AT + timedelta(hours=9))
    desk.handle(CancelShift(staff_id="a", shift_id=shift_id), actor=ASSISTANT)
    request_id = triaged(desk, item_id)
    desk.handle(DispatchRequest(request_id=request_id))
    assert dispatched_to(desk, request_id) == "a"


class MoreRequired:
    @hookimpl
    def servicedesk_item_requirement(self, item: object, recorded: frozenset[str]) -> set[str]:
        return {"height work"}


def test_staff_item_requirements_a_plugin_adds_to_the_recorded(clock: Clock) -> None:
    desk = make_desk(clock, MoreRequired())
    item_id = electrical(desk)
    worker(desk, "a")
    request_id = triaged(desk, item_id)
    with pytest.raises(IllegalTransition) as refused:
        desk.handle(DispatchRequest(request_id=request_id, worker_id="a"))
    assert "height work" in refused.value.message
    desk.handle(
        RecordQualification(staff_id="a", kind="height work", number="H-1"), actor=ASSISTANT
    )
    desk.handle(DispatchRequest(request_id=request_id, worker_id="a"))


class Garbage:
    @hookimpl
    def servicedesk_item_requirement(self, item: object, recorded: frozenset[str]) -> str:
        return "electrician"


def test_staff_item_requirements_a_garbage_answer_is_a_policy_error(clock: Clock) -> None:
    desk = make_desk(clock, Garbage())
    item_id = publish(desk)
    worker(desk, "a")
    request_id = triaged(desk, item_id)
    with pytest.raises(PolicyError):
        desk.handle(DispatchRequest(request_id=request_id))


def test_staff_item_requirements_need_a_known_item_and_the_catalogue_people(clock: Clock) -> None:
    desk = make_desk(clock)
    with pytest.raises(NotFound):
        desk.handle(SetItemRequirement(item_id="nope", qualifications=set()), actor=ASSISTANT)
    item_id = publish(desk)
    with pytest.raises(PermissionDenied):
        desk.handle(SetItemRequirement(item_id=item_id, qualifications={"x"}), actor=CLERK)
    with pytest.raises(InvalidValue):
        SetItemRequirement(item_id=item_id, qualifications="electrician")


def test_staff_records_are_kept_by_managers_and_the_assistant(clock: Clock) -> None:
    desk = make_desk(clock)
    with pytest.raises(PermissionDenied):
        desk.handle(RecordTraining(staff_id="a", course="c", on=TODAY, passed=True), actor=CLERK)
    with pytest.raises(PermissionDenied):
        desk.staff.staff_file("a", actor=CLERK)


def test_staff_expiry_notice_lists_what_expires_within_the_policy_notice(clock: Clock) -> None:
    desk = make_desk(clock)
    for staff, kind, until in (
        ("a", "electrician", TODAY + timedelta(days=33)),
        ("b", "electrician", TODAY + timedelta(days=34)),
        ("c", "gas fitter", TODAY + timedelta(days=2)),
        ("d", "first aid", None),
    ):
        desk.handle(
            RecordQualification(staff_id=staff, kind=kind, number="N-1", valid_until=until),
            actor=ASSISTANT,
        )
    clock.now = AT + timedelta(days=3)
    listed = desk.staff.expiring_qualifications()
    assert [(e.staff_id.value, e.days_left, e.expired) for e in listed] == [
        ("c", -1, True),
        ("a", 30, False),
    ]
    assert [e.staff_id.value for e in desk.staff.expiring_qualifications(timedelta(days=40))] == [
        "c",
        "a",
        "b",
    ]
    with pytest.raises(InvalidValue):
        desk.staff.expiring_qualifications(timedelta(days=-1))


def test_staff_duty_roster_listed_by_day_and_window(clock: Clock) -> None:
    desk = make_desk(clock)
    h.open_hall(Desk(desk.store, clock=lambda: h.MORNING, entry_points=False))
    monday = datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
    desk.handle(
        RosterShift(
            staff_id="clerk-a",
            start=monday,
            end=monday + timedelta(hours=8),
            window_id="A",
            shift_id="a-mon",
        ),
        actor=ASSISTANT,
    )
    desk.handle(
        RosterShift(
            staff_id="w",
            start=monday + timedelta(hours=12),
            end=monday + timedelta(hours=20),
            shift_id="w-night",
        ),
        actor=ASSISTANT,
    )
    day = desk.staff.roster(date(2026, 3, 2))
    assert [e.shift.id.value for e in day] == ["a-mon", "w-night"]
    assert [e.shift.id.value for e in desk.staff.roster(date(2026, 3, 3))] == ["w-night"]
    assert [e.shift.id.value for e in desk.staff.roster(date(2026, 3, 2), window_id="A")] == [
        "a-mon"
    ]
    assert day[0].shift.start.tzinfo == SHANGHAI  # shown in the organisation's zone
    with pytest.raises(InvalidValue):
        desk.staff.roster(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(NotFound):
        desk.handle(
            RosterShift(staff_id="w", start=monday, end=monday + timedelta(hours=1), window_id="Z"),
            actor=ASSISTANT,
        )


def test_staff_duty_roster_the_handover_names_who_hands_over_to_whom(clock: Clock) -> None:
    desk = make_desk(clock)
    desk.handle(
        RosterShift(
            staff_id="day", start=AT - timedelta(hours=1), end=AT + timedelta(hours=7), shift_id="d"
        ),
        actor=ASSISTANT,
    )
    desk.handle(
        RosterShift(
            staff_id="night",
            start=AT + timedelta(hours=7),
            end=AT + timedelta(hours=15),
            shift_id="n",
        ),
        actor=ASSISTANT,
    )
    change = desk.staff.handover()
    assert [e.staff_id.value for e in change.on_shift] == ["day"]
    assert [e.staff_id.value for e in change.coming] == ["night"]


# --- the hall's windows --------------------------------------------------------------------------


def hall_desk(*plugins: object) -> tuple[Desk, Clock]:
    clock = Clock(h.MORNING)
    store = MemoryStore()
    before = Desk(store, clock=clock, entry_points=False)
    h.open_hall(before)
    before.handle(GoOffDuty(window_id="A"), actor=h.clerk("clerk-a"))
    return Desk(store, clock=clock, entry_points=False, plugins=plugins), clock


def test_staff_window_requirements_no_roster_a_window_is_staffed_as_before() -> None:
    desk, _clock = hall_desk()
    desk.handle(GoOnDuty(window_id="A"), actor=h.clerk("clerk-a"))


def test_staff_duty_roster_a_window_admits_whoever_is_rostered_there() -> None:
    desk, _clock = hall_desk()
    start = h.MORNING - timedelta(hours=1)
    desk.handle(
        RosterShift(staff_id="clerk-a", start=start, end=start + timedelta(hours=8), window_id="B"),
        actor=ASSISTANT,
    )
    with pytest.raises(IllegalTransition) as refused:
        desk.handle(GoOnDuty(window_id="A"), actor=h.clerk("clerk-a"))
    assert refused.value.code == "staff.off_duty"
    desk.handle(
        RosterShift(
            staff_id="clerk-a",
            start=start + timedelta(hours=8),
            end=start + timedelta(hours=9),
            window_id="A",
        ),
        actor=ASSISTANT,
    )
    _clock.now = start + timedelta(hours=8)
    with pytest.raises(IllegalTransition) as untrained:
        desk.handle(GoOnDuty(window_id="A"), actor=h.clerk("clerk-a"))
    assert untrained.value.code == "staff.untrained"
    desk.handle(
        RecordTraining(
            staff_id="clerk-a", course="hall pre-duty", on=date(2026, 5, 1), passed=True
        ),
        actor=ASSISTANT,
    )
    desk.handle(GoOnDuty(window_id="A"), actor=h.clerk("clerk-a"))


class WindowNeedsCertificate:
    @hookimpl
    def servicedesk_window_requirement(self, window: Window) -> frozenset[str]:
        return frozenset({"civil affairs"}) if window.id == WindowId("A") else frozenset()


def test_staff_window_requirements_a_window_may_require_a_qualification() -> None:
    desk, _clock = hall_desk(WindowNeedsCertificate())
    with pytest.raises(IllegalTransition) as refused:
        desk.handle(GoOnDuty(window_id="A"), actor=h.clerk("clerk-a"))
    assert refused.value.code == "staff.unqualified"
    desk.handle(
        RecordQualification(staff_id="clerk-a", kind="civil affairs", number="CA-1"),
        actor=ASSISTANT,
    )
    desk.handle(GoOnDuty(window_id="A"), actor=h.clerk("clerk-a"))


def test_staff_refusals_leave_the_store_unchanged(clock: Clock) -> None:
    store = MemoryStore()
    desk = Desk(store, clock=clock, entry_points=False)
    desk.handle(RosterShift(staff_id="a", start=AT, end=AT + timedelta(hours=2)), actor=ASSISTANT)
    before = store_state(store)
    with pytest.raises(InvalidValue):
        desk.handle(
            RosterShift(staff_id="b", start=AT, end=AT - timedelta(hours=1)), actor=ASSISTANT
        )
    with pytest.raises(IllegalTransition):
        desk.handle(
            RosterShift(staff_id="a", start=AT, end=AT + timedelta(hours=1)), actor=ASSISTANT
        )
    with pytest.raises(InvalidValue):
        desk.handle(
            RecordTraining(staff_id="b", course="c", on=TODAY + timedelta(days=1), passed=True),
            actor=ASSISTANT,
        )
    assert store_state(store) == before


def test_staff_actor_ids_and_worker_ids_name_the_same_file(clock: Clock) -> None:
    desk = make_desk(clock)
    desk.handle(
        RecordTraining(staff_id=ActorId("clerk-a").value, course="c", on=TODAY, passed=True),
        actor=Actor(ActorId("m"), "M", {Role.CENTRE_MANAGER}),
    )
    assert desk.staff.staff_file("clerk-a").trained
