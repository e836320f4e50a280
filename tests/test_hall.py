"""The service hall, rule by rule, on the memory store (docs/rules.md, section Service hall)."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from servicedesk import (
    AcceptApplication,
    Actor,
    ActorId,
    ApplicationId,
    ApplicationStatus,
    CallNext,
    CompleteStep,
    ConcludeApplication,
    DecideAtWindow,
    Decision,
    DepartmentId,
    Desk,
    EraseRequester,
    GoOffDuty,
    GoOnDuty,
    IllegalTransition,
    InvalidValue,
    MemoryStore,
    NotFound,
    NoticeDefective,
    PermissionDenied,
    PublishGuide,
    RecallNumber,
    ReceiveApplication,
    RecordAuthorityReply,
    RefuseApplication,
    Role,
    SecondStaff,
    SkipNumber,
    SubmitToAuthority,
    SupplyMaterials,
    SweepHallDeadlines,
    TakeNumber,
    TellApplicant,
    TimeWindow,
    TransferNumber,
    WithdrawStaff,
)
from servicedesk.domain.privacy import ERASED
from servicedesk.testing import hall as h

SYSTEM = Actor.system()


class Hall:
    """A desk on the hall of ``servicedesk.testing.hall`` and a clock the test moves."""

    def __init__(self) -> None:
        self.now = h.MORNING
        self.store = MemoryStore()
        self.desk = Desk(self.store, clock=lambda: self.now, entry_points=False)
        h.open_hall(self.desk)

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def run(self, command: object, by: str | Actor = SYSTEM) -> str | None:
        actor = h.clerk(by) if isinstance(by, str) else by
        return self.desk.handle(command, actor=actor).id  # type: ignore[arg-type]

    def receive(self, item: str, presented: tuple[str, ...]) -> str:
        command = ReceiveApplication(
            item_id=item, applicant=h.applicant(), window_id="A", presented=presented
        )
        found = self.run(command, "clerk-a")
        assert found is not None
        return found


@pytest.fixture
def hall() -> Hall:
    return Hall()


# --- departments and windows ---------------------------------------------------------------------


def test_hall_windows_serve_their_items_in_their_hours_with_seconded_staff_on_duty(
    hall: Hall,
) -> None:
    windows = {w.id.value: w for w in hall.desk.hall.windows()}
    assert windows["A"].kind == "comprehensive"
    assert windows["B"].department_id == DepartmentId("civil")
    assert [i.value for i in windows["C"].items] == [h.JOINT]
    assert all(w.open_now for w in windows.values())
    assert windows["B"].on_duty == ActorId("clerk-b")
    # a clerk of housing cannot sit at the civil affairs window, nor anyone not seconded
    hall.run(GoOffDuty(window_id="B"), "clerk-b")
    with pytest.raises(PermissionDenied):
        hall.run(GoOnDuty(window_id="B"), "clerk-c")
    with pytest.raises(PermissionDenied):
        hall.run(GoOnDuty(window_id="B"), "stranger")
    hall.run(GoOnDuty(window_id="B"), "clerk-b")
    # only the clerk on duty calls, and only while the window is open (lunch is not)
    hall.run(TakeNumber(item_id=h.PROMISED))
    with pytest.raises(PermissionDenied):
        hall.run(CallNext(window_id="B"), "clerk-a")
    hall.later(hours=2, minutes=30)  # 12:30 in Shanghai
    with pytest.raises(IllegalTransition):
        hall.run(CallNext(window_id="B"), "clerk-b")
    assert not any(w.open_now for w in hall.desk.hall.windows())
    spells = {w.id.value: w.duty for w in hall.desk.hall.windows()}["B"]
    assert [s.end is None for s in spells] == [False, True]


def test_hall_seconded_staff_change_only_by_management(hall: Hall) -> None:
    with pytest.raises(PermissionDenied):
        hall.run(SecondStaff(department_id="civil", staff="clerk-x"), h.head("civil"))
    hall.run(SecondStaff(department_id="civil", staff="clerk-x"), h.MANAGER)
    hall.run(GoOffDuty(window_id="B"), "clerk-b")
    hall.run(GoOnDuty(window_id="B"), "clerk-x")
    hall.run(WithdrawStaff(department_id="civil", staff="clerk-b"), h.MANAGER)
    hall.run(GoOffDuty(window_id="B"), "clerk-x")
    with pytest.raises(PermissionDenied):
        hall.run(GoOnDuty(window_id="B"), "clerk-b")


# --- service guides ------------------------------------------------------------------------------


def test_hall_service_guide_is_versioned_and_published_by_the_halls_policy(hall: Hall) -> None:
    first = hall.desk.hall.guide(h.PROMISED)
    assert first.version == 1
    assert first.legal_basis
    assert first.materials[1].count == 2
    second = attrs.evolve(h.guide(h.PROMISED), time_limit=first.time_limit.working_days(4))
    hall.run(second, "clerk-a")
    assert hall.desk.hall.guide(h.PROMISED).version == 1  # the draft is not shown yet
    with pytest.raises(PermissionDenied):  # a clerk drafts, the hall's management publishes
        hall.run(PublishGuide(item_id=h.PROMISED), "clerk-a")
    hall.run(PublishGuide(item_id=h.PROMISED), h.MANAGER)
    shown = hall.desk.hall.guide(h.PROMISED)
    assert (shown.version, shown.time_limit.days) == (2, 4)
    assert hall.desk.hall.guide(h.PROMISED, version=1).time_limit.days == 5
    assert [g.item_id.value for g in hall.desk.hall.guides()] == sorted(
        [h.IMMEDIATE, h.PROMISED, h.JOINT, h.ESCALATED]
    )


def test_hall_process_chart_steps_name_department_and_time_limit(hall: Hall) -> None:
    guide = hall.desk.hall.guide(h.JOINT)
    assert [(s.department, s.time_limit.days) for s in guide.steps] == [("housing", 3), ("tax", 2)]
    joint = h.guide(h.JOINT)
    one_department = attrs.evolve(joint, steps=(joint.steps[0], joint.steps[0]))
    too_long = attrs.evolve(h.guide(h.PROMISED), time_limit=joint.time_limit.working_days(2))
    no_authority = attrs.evolve(h.guide(h.ESCALATED), higher_authority="")
    for bad in (one_department, too_long, no_authority):
        with pytest.raises(InvalidValue):
            hall.run(attrs.evolve(bad, item_id="new-item"), "clerk-a")
    with pytest.raises(NotFound):  # no guide, no number
        hall.run(TakeNumber(item_id="new-item"))


# --- the queue -----------------------------------------------------------------------------------


def test_hall_queue_first_come_first_served_with_appointments(hall: Hall) -> None:
    slot = TimeWindow(hall.now + timedelta(minutes=30), hall.now + timedelta(minutes=60))
    booked = hall.run(TakeNumber(item_id=h.PROMISED, appointment=slot))
    first = hall.run(TakeNumber(item_id=h.PROMISED))
    hall.later(minutes=40)
    second = hall.run(TakeNumber(item_id=h.PROMISED))
    assert (booked, first, second) == ("A001", "A002", "A003")
    called = [hall.run(CallNext(window_id="B"), "clerk-b") for _ in range(3)]
    assert called == ["A002", "A001", "A003"]  # the slot at 10:30 before a walk-in at 10:40
    assert hall.run(CallNext(window_id="B"), "clerk-b") is None
    assert hall.desk.hall.queue().served == 3


def test_hall_queue_skip_recall_and_transfer_keep_every_number(hall: Hall) -> None:
    numbers = [str(hall.run(TakeNumber(item_id=h.PROMISED))) for _ in range(3)]
    assert hall.run(CallNext(window_id="B"), "clerk-b") == numbers[0]
    hall.run(RecallNumber(window_id="B", number=numbers[0]), "clerk-b")
    assert hall.run(SkipNumber(window_id="B"), "clerk-b") == numbers[0]
    assert hall.run(CallNext(window_id="B"), "clerk-b") == numbers[1]
    with pytest.raises(IllegalTransition):  # busy with A002: finish it before recalling A001
        hall.run(RecallNumber(window_id="B", number=numbers[0]), "clerk-b")
    hall.run(TransferNumber(window_id="B", to_window="C"), "clerk-b")
    assert hall.run(CallNext(window_id="C"), "clerk-c") == numbers[1]
    assert hall.run(CallNext(window_id="B"), "clerk-b") == numbers[2]
    queue = hall.desk.hall.queue()
    assert {t.number: t.status.value for t in queue.tickets} == {
        numbers[0]: "skipped",
        numbers[1]: "called",
        numbers[2]: "called",
    }
    assert queue.waiting == ()
    assert queue.skipped == 1


def test_hall_queue_waiting_times_per_window_and_hour(hall: Hall) -> None:
    for _ in range(2):
        hall.run(TakeNumber(item_id=h.PROMISED))
    hall.later(minutes=10)
    hall.run(CallNext(window_id="B"), "clerk-b")
    hall.later(minutes=50)
    hall.run(CallNext(window_id="B"), "clerk-b")
    times = hall.desk.hall.waiting_times(h.MORNING.date())
    assert [(t.window_id.value, t.hour, t.calls) for t in times] == [("B", 10, 1), ("B", 11, 1)]
    assert times[1].average == timedelta(hours=1)


# --- applications --------------------------------------------------------------------------------


def test_hall_one_time_notice_lists_everything_and_stops_the_clock(hall: Hall) -> None:
    application = hall.receive(h.PROMISED, ())
    view = hall.desk.hall.application(application)
    assert view.missing == ("id_card", "photo")
    assert not view.clock_runs
    assert view.notices[0].channel == "printed"
    due = view.due
    hall.later(days=1)
    hall.run(SupplyMaterials(application_id=application, materials=["id_card"]), "clerk-a")
    assert not hall.desk.hall.application(application).clock_runs
    hall.run(SupplyMaterials(application_id=application, materials=["photo"]), "clerk-a")
    view = hall.desk.hall.application(application)
    assert view.clock_runs
    assert view.missing == ()
    assert view.due > due  # a working day of 补正 moved the promise by a working day
    hall.run(AcceptApplication(application_id=application), "clerk-a")


def test_hall_second_notice_only_for_materials_supplied_since(hall: Hall) -> None:
    application = hall.receive(h.PROMISED, ("id_card",))
    with pytest.raises(IllegalTransition):  # the id card was there at intake: too late now
        hall.run(NoticeDefective(application_id=application, defective=["id_card"]), "clerk-a")
    hall.run(SupplyMaterials(application_id=application, materials=["photo"]), "clerk-a")
    hall.run(NoticeDefective(application_id=application, defective=["photo"]), "clerk-a")
    view = hall.desk.hall.application(application)
    assert [n.missing for n in view.notices] == [("photo",), ("photo",)]
    assert view.missing == ("photo",)  # the unusable photograph is awaited again
    assert not view.clock_runs
    with pytest.raises(IllegalTransition):  # named once more before it came again: no
        hall.run(NoticeDefective(application_id=application, defective=["photo"]), "clerk-a")
    hall.run(SupplyMaterials(application_id=application, materials=["photo"]), "clerk-a")
    view = hall.desk.hall.application(application)
    assert (view.missing, view.clock_runs) == ((), True)
    hall.run(AcceptApplication(application_id=application), "clerk-a")


def test_hall_review_decision_accept_or_refuse_with_reason(hall: Hall) -> None:
    lacking = hall.receive(h.PROMISED, ("id_card",))
    with pytest.raises(IllegalTransition):
        hall.run(AcceptApplication(application_id=lacking), "clerk-a")
    hall.run(
        RefuseApplication(
            application_id=lacking,
            reason="Not registered in this district",
            legal_basis="Marriage Registration Regulation art. 4",
        ),
        "clerk-a",
    )
    result = hall.desk.hall.result(lacking)
    assert result.status is ApplicationStatus.REFUSED
    assert result.refusal_basis
    complete = hall.receive(h.PROMISED, ("id_card", "photo"))
    hall.run(AcceptApplication(application_id=complete), "clerk-a")
    accepted = hall.desk.hall.result(complete)
    assert accepted.promised is not None
    assert accepted.promised > hall.now


def test_hall_immediate_item_decided_at_the_window(hall: Hall) -> None:
    application = hall.receive(h.IMMEDIATE, ("id_card",))
    with pytest.raises(IllegalTransition):
        hall.run(AcceptApplication(application_id=application), "clerk-a")
    with pytest.raises(PermissionDenied):  # housing's clerk is not civil affairs' staff
        hall.run(DecideAtWindow(application_id=application, document_number="R-1"), "clerk-c")
    hall.run(DecideAtWindow(application_id=application, document_number="R-1"), "clerk-a")
    result = hall.desk.hall.result(application)
    assert result.status is ApplicationStatus.CONCLUDED
    assert result.accepted_at == hall.now


def test_hall_promised_item_goes_step_by_step(hall: Hall) -> None:
    application = hall.receive(h.PROMISED, ("id_card", "photo"))
    hall.run(AcceptApplication(application_id=application), "clerk-a")
    steps = hall.desk.hall.application(application).steps
    assert steps[0].due is not None
    assert steps[1].due is None
    with pytest.raises(IllegalTransition):
        hall.run(CompleteStep(application_id=application, step=1), "clerk-b")
    with pytest.raises(IllegalTransition):
        hall.run(ConcludeApplication(application_id=application, outcome="approved"), "clerk-b")
    hall.run(CompleteStep(application_id=application, step=0), "clerk-b")
    hall.run(CompleteStep(application_id=application, step=1), "clerk-b")
    command = ConcludeApplication(
        application_id=application, outcome=Decision.APPROVED, document_number="MR-7"
    )
    hall.run(command, "clerk-b")
    assert hall.desk.hall.result(application).document_number == "MR-7"


def test_hall_joint_item_is_done_when_every_department_did_its_part(hall: Hall) -> None:
    application = hall.receive(h.JOINT, ("id_card", "deed"))
    hall.run(AcceptApplication(application_id=application), "clerk-a")
    steps = hall.desk.hall.application(application).steps
    assert all(s.due is not None for s in steps)  # in parallel: both parts start at once
    with pytest.raises(PermissionDenied):  # each department's staff do its own part
        hall.run(CompleteStep(application_id=application, step=1), "clerk-c")
    hall.run(CompleteStep(application_id=application, step=1), "clerk-t")
    with pytest.raises(IllegalTransition):
        hall.run(ConcludeApplication(application_id=application, outcome="approved"), "clerk-c")
    hall.later(days=4)  # tax was in time; housing ran out of its 3 working days
    hall.run(CompleteStep(application_id=application, step=0), "clerk-c")
    view = hall.desk.hall.application(application)
    assert [(d.value, n) for d, n in view.lateness] == [("housing", 1)]
    hall.run(
        ConcludeApplication(application_id=application, outcome="approved", document_number="T"),
        "clerk-c",
    )


def test_hall_escalated_item_waits_for_the_authority_with_its_clock_stopped(hall: Hall) -> None:
    application = hall.receive(h.ESCALATED, ("id_card",))
    hall.run(AcceptApplication(application_id=application), "clerk-a")
    hall.run(CompleteStep(application_id=application, step=0), "clerk-b")
    hall.run(SubmitToAuthority(application_id=application, reference="DCAB-2026-9"), "clerk-b")
    hall.run(TellApplicant(application_id=application, about="submitted"), "clerk-b")
    held = hall.desk.hall.application(application)
    assert held.result.status is ApplicationStatus.WITH_AUTHORITY
    assert not held.clock_runs
    hall.later(days=30)  # longer than the item's 20 working days: held above, not late
    assert hall.run(SweepHallDeadlines()) == "0"
    with pytest.raises(IllegalTransition):
        hall.run(ConcludeApplication(application_id=application, outcome="approved"), "clerk-b")
    hall.run(RecordAuthorityReply(application_id=application, reply="Granted"), "clerk-b")
    back = hall.desk.hall.application(application)
    assert back.clock_runs
    assert back.due > hall.now
    hall.run(
        ConcludeApplication(application_id=application, outcome="approved", document_number="S"),
        "clerk-b",
    )
    assert hall.desk.hall.application(application).breaches == ()


def test_hall_results_published_by_number_without_personal_data(hall: Hall) -> None:
    application = hall.receive(h.IMMEDIATE, ("id_card",))
    hall.run(DecideAtWindow(application_id=application, document_number="R-2"), "clerk-a")
    hall.run(TellApplicant(application_id=application, about="result", channel="sms"), "clerk-a")
    result = hall.desk.hall.result(application)
    text = repr(result)
    assert "Li Lei" not in text
    assert "13900139000" not in text
    assert "1990" not in text
    assert (result.outcome, result.document_number) == (Decision.APPROVED, "R-2")
    told = hall.desk.hall.application(application).told
    assert [(t.about.value, t.channel.value) for t in told] == [("result", "sms")]


def test_hall_online_application_needs_no_unit_nor_window(hall: Hall) -> None:
    command = ReceiveApplication(
        item_id=h.PROMISED,
        applicant=h.applicant(),
        channel="online",
        presented=("id_card", "photo"),
    )
    application = hall.run(command)
    assert application is not None
    assert hall.desk.hall.result(application).status is ApplicationStatus.RECEIVED
    with pytest.raises(InvalidValue):
        hall.run(attrs.evolve(command, window_id="A"), "clerk-a")


def test_hall_overdue_steps_escalate_to_the_head_items_to_management(hall: Hall) -> None:
    application = hall.receive(h.PROMISED, ("id_card", "photo"))
    hall.run(AcceptApplication(application_id=application), "clerk-a")
    hall.later(days=2)  # the review's working day is over, the item's five are not
    told: list[tuple[int, int]] = []
    assert hall.desk.handle(SweepHallDeadlines(), progress=lambda *n: told.append(n)).id == "1"
    assert told == [(1, 1)]  # the applications it looked at, for the command line's bar
    assert hall.run(SweepHallDeadlines()) == "0"  # once per clock
    hall.later(days=7)
    assert hall.run(SweepHallDeadlines()) == "1"
    with hall.store.reading() as uow:
        found = uow.hall_applications.get(ApplicationId(application))
        escalations = [(where, e.role) for where, e in found.escalations]
    assert escalations == [(0, Role.DEPARTMENT_HEAD), (None, Role.CENTRE_MANAGER)]


def test_hall_applicant_is_erased_on_request(hall: Hall) -> None:
    application = hall.receive(h.IMMEDIATE, ("id_card",))
    hall.run(DecideAtWindow(application_id=application, document_number="R-3"), "clerk-a")
    manager = Actor(ActorId("m"), "Manager", {Role.CENTRE_MANAGER})
    assert hall.run(EraseRequester(phone="13900139000"), manager) == "1"
    applicant = hall.desk.hall.application(application).applicant
    assert (applicant.name, applicant.id_number) == (ERASED, ERASED)
    assert hall.desk.hall.result(application).document_number == "R-3"
