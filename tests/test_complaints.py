"""Complaints through the desk: lifecycle, first-responder duty, deadlines and refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _casework import (
    CENTRE,
    CLERK,
    CLERK_2,
    HEAD,
    completed_job,
    make_desk,
    published_item,
    requester,
    sh,
    state,
    worker,
)
from servicedesk import Channel, Desk, Urgency
from servicedesk.app.command import Command
from servicedesk.app.complaints.commands import (
    AcknowledgeComplaint,
    AnswerComplaint,
    CloseComplaint,
    EscalateOverdue,
    FileComplaint,
    HandOverComplaint,
    PauseComplaint,
    RecordFinding,
    ReopenComplaint,
    ResumeComplaint,
)
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.complaints import (
    Complaint,
    ComplaintDeadlines,
    ComplaintId,
    ComplaintStatus,
    PauseReason,
)
from servicedesk.domain.deadlines import DeadlineKind, Timer, WorkingBudget
from servicedesk.domain.errors import (
    IllegalTransition,
    InvalidValue,
    NotFound,
    PermissionDenied,
    PolicyError,
    ServiceDeskError,
)
from servicedesk.policies import hookimpl
from servicedesk.policies.default import COMPLAINT_DEADLINES, china_calendar
from servicedesk.testing import audit_trail_length, store_state

MONDAY = sh(2026, 3, 9, 10)
H = timedelta(hours=1)


def file(desk: Desk, complaint_id: str = "c-1", **extra: object) -> str:
    fields: dict[str, object] = {
        "complainant": requester(1),
        "category": "attitude",
        "description": "the plumber was rude",
        "complaint_id": complaint_id,
    }
    fields.update(extra)
    outcome = desk.handle(FileComplaint(**fields), actor=CLERK)  # type: ignore[arg-type]
    assert outcome.id == complaint_id
    return complaint_id


def stored(desk: Desk, complaint_id: str = "c-1") -> Complaint:
    with desk.store.unit_of_work() as uow:
        return uow.complaints.get(ComplaintId(complaint_id))


# -- the lifecycle -------------------------------------------------------------------------------


def test_a_complaint_from_filing_to_the_complainants_verdict() -> None:
    desk, clock, _ = make_desk(MONDAY)
    file(desk)
    view = desk.complaints.complaint("c-1")
    assert view.status is ComplaintStatus.FILED
    assert view.owner == CLERK.id
    assert view.acknowledge_due == sh(2026, 3, 9, 15)  # 4 working hours, lunch skipped
    assert view.answer_due == sh(2026, 3, 12, 17)  # 3 working days, filing day not counted

    clock.now = sh(2026, 3, 9, 11)
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    desk.handle(RecordFinding(complaint_id="c-1", finding="confirmed by a neighbour"), actor=CLERK)
    clock.now = sh(2026, 3, 10, 16)
    desk.handle(AnswerComplaint(complaint_id="c-1", result="worker warned"), actor=CLERK)
    desk.handle(CloseComplaint(complaint_id="c-1", satisfaction=4, remarks="fine"), actor=CLERK)

    view = desk.complaints.complaint("c-1")
    assert view.status is ComplaintStatus.CLOSED
    assert view.satisfaction == 4
    assert view.breaches == ()
    assert [type(e).__name__ for e in desk.complaints.history("c-1")] == [
        "ComplaintFiled",
        "ComplaintAcknowledged",
        "ComplaintFindingRecorded",
        "ComplaintAnswered",
        "ComplaintClosed",
    ]


def test_replaying_the_events_rebuilds_the_stored_complaint() -> None:
    desk, clock, _ = make_desk(MONDAY)
    file(desk)
    clock.now = sh(2026, 3, 9, 16)  # late: a breach is recorded
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    desk.handle(PauseComplaint(complaint_id="c-1"), actor=CLERK)
    clock.now = sh(2026, 3, 10, 10)
    desk.handle(ResumeComplaint(complaint_id="c-1"), actor=CLERK)
    history = desk.complaints.history("c-1")
    replayed = Complaint.replay(ComplaintId("c-1"), history)
    replayed.version = 4  # the store counts saves: filed, acknowledged, paused, resumed
    assert replayed == stored(desk)


def test_a_complaint_about_a_request_counts_against_its_item_and_worker() -> None:
    desk, _, _ = make_desk(MONDAY)
    item = published_item(desk)
    worker_id = worker(desk)
    completed_job(desk, requester(1), item, worker_id, "r-1")
    file(desk, request_id="r-1")
    view = desk.complaints.complaint("c-1")
    assert (str(view.request_id), str(view.item_id), str(view.worker_id)) == (
        "r-1",
        item,
        worker_id,
    )


def test_the_complainant_disputes_the_answer_and_the_complaint_reopens() -> None:
    desk, clock, _ = make_desk(MONDAY)
    file(desk)
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    desk.handle(AnswerComplaint(complaint_id="c-1", result="nothing wrong"), actor=CLERK)
    clock.now = sh(2026, 3, 11, 10)
    desk.handle(ReopenComplaint(complaint_id="c-1", reason="it was wrong"), actor=CLERK)
    view = desk.complaints.complaint("c-1")
    assert view.status is ComplaintStatus.INVESTIGATING
    assert view.reopen_count == 1
    assert view.answer_due == sh(2026, 3, 16, 17)  # a new 3 working days from the reopening


# -- first-responder duty --------------------------------------------------------------------------


def test_only_the_owner_acts_until_a_recorded_hand_over() -> None:
    desk, _, store = make_desk(MONDAY)
    file(desk)
    before, trail = store_state(store), audit_trail_length(store)  # store_state: all but the trail
    with pytest.raises(PermissionDenied, match="first-responder"):
        desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK_2)
    with pytest.raises(PermissionDenied):
        desk.handle(HandOverComplaint(complaint_id="c-1", to="clerk-2", reason="x"), actor=CLERK_2)
    assert store_state(store) == before
    # each refusal is on the audit trail, once, naming who was refused
    refusals = desk.records.trail(after=trail)
    assert [(r.command, r.refused, r.actor) for r in refusals] == [
        ("AcknowledgeComplaint", "PermissionDenied", CLERK_2.id),
        ("HandOverComplaint", "PermissionDenied", CLERK_2.id),
    ]

    desk.handle(
        HandOverComplaint(complaint_id="c-1", to="clerk-2", reason="plumbing desk"), actor=CLERK
    )
    with pytest.raises(PermissionDenied):
        desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK_2)

    complaint = stored(desk)
    assert complaint.owner == CLERK_2.id
    assert complaint.taken_by == CLERK.id
    [handover] = complaint.handovers
    assert (handover.from_owner, handover.to_owner, handover.by) == (CLERK.id, CLERK_2.id, CLERK.id)


def test_a_manager_may_reassign_a_complaint_they_do_not_own() -> None:
    desk, _, _ = make_desk(MONDAY)
    file(desk)
    desk.handle(HandOverComplaint(complaint_id="c-1", to="clerk-2", reason="leave"), actor=HEAD)
    assert stored(desk).owner == CLERK_2.id


# -- breaches stay recorded ------------------------------------------------------------------------


def test_a_breach_stays_recorded_whatever_status_follows() -> None:
    desk, clock, _ = make_desk(MONDAY)
    file(desk)
    clock.now = sh(2026, 3, 10, 9, 30)  # acknowledgement was due 15:00 the day before
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    desk.handle(AnswerComplaint(complaint_id="c-1", result="sorry"), actor=CLERK)
    desk.handle(ReopenComplaint(complaint_id="c-1", reason="not enough"), actor=CLERK)
    desk.handle(AnswerComplaint(complaint_id="c-1", result="refund"), actor=CLERK)
    desk.handle(CloseComplaint(complaint_id="c-1", satisfaction=5), actor=CLERK)
    view = desk.complaints.complaint("c-1")
    assert view.status is ComplaintStatus.CLOSED
    [breach] = view.breaches
    assert breach.kind is DeadlineKind.ACKNOWLEDGE
    assert breach.due == sh(2026, 3, 9, 15)


def test_a_pause_after_the_deadline_does_not_hide_the_breach() -> None:
    desk, clock, _ = make_desk(MONDAY)
    file(desk, urgency="urgent")  # answer due within 1 working day
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    clock.now = sh(2026, 3, 11, 10)
    desk.handle(PauseComplaint(complaint_id="c-1"), actor=CLERK)
    view = desk.complaints.complaint("c-1")
    assert view.paused
    assert not view.overdue  # the clock is stopped ...
    assert [b.kind for b in view.breaches] == [DeadlineKind.ANSWER]  # ... the breach is kept
    assert desk.handle(EscalateOverdue()).id == "0"  # a paused complaint does not escalate


def test_a_paused_complaint_must_be_resumed_before_it_is_answered() -> None:
    desk, _, _ = make_desk(MONDAY)
    file(desk)
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    desk.handle(PauseComplaint(complaint_id="c-1"), actor=CLERK)
    with pytest.raises(IllegalTransition, match="resume"):
        desk.handle(AnswerComplaint(complaint_id="c-1", result="x"), actor=CLERK)


def test_the_pause_resumes_with_the_deadline_moved_by_the_working_time_paused() -> None:
    desk, clock, _ = make_desk(MONDAY)
    file(desk)
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    clock.now = sh(2026, 3, 9, 15)
    desk.handle(PauseComplaint(complaint_id="c-1"), actor=CLERK)
    clock.now = sh(2026, 3, 10, 10)  # 2h on Monday, 1h on Tuesday
    desk.handle(ResumeComplaint(complaint_id="c-1"), actor=CLERK)
    assert desk.complaints.complaint("c-1").answer_due == sh(2026, 3, 13, 12)


# -- policies ------------------------------------------------------------------------------------


class ThirdPartyPauses:
    @hookimpl
    def servicedesk_pause_allowed(self, complaint: Complaint, reason: PauseReason) -> bool:
        return True


class FastDeadlines:
    @hookimpl
    def servicedesk_complaint_deadlines(
        self, category: str, urgency: Urgency
    ) -> ComplaintDeadlines:
        return ComplaintDeadlines(WorkingBudget.hours(0.5), WorkingBudget.hours(2))

    @hookimpl
    def servicedesk_complaint_categories(self) -> list[str]:
        return ["noise"]


def test_the_pause_policy_decides_which_reasons_stop_the_clock() -> None:
    third = PauseComplaint(complaint_id="c-1", reason="waiting_for_third_party")
    desk, _, store = make_desk(MONDAY)
    file(desk)
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    before = state(store)
    with pytest.raises(IllegalTransition, match="policy"):
        desk.handle(third, actor=CLERK)
    assert state(store) == before

    desk, _, _ = make_desk(MONDAY, plugins=(ThirdPartyPauses(),))
    file(desk)
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    desk.handle(third, actor=CLERK)
    assert desk.complaints.complaint("c-1").paused


def test_deadlines_and_categories_come_from_the_policy() -> None:
    desk, _, _ = make_desk(MONDAY, plugins=(FastDeadlines(),))
    file(desk, category="noise")
    view = desk.complaints.complaint("c-1")
    assert view.acknowledge_due == sh(2026, 3, 9, 10, 30)
    assert view.answer_due == sh(2026, 3, 9, 12)
    with pytest.raises(InvalidValue, match="category"):
        file(desk, complaint_id="c-2", category="attitude")


class HotlineOnly:
    @hookimpl
    def servicedesk_complaint_channels(self) -> list[str]:
        return ["hotline"]


def test_complaints_come_in_through_every_published_channel() -> None:
    """Rule complaints.channels: every channel a request comes in through takes complaints."""
    desk, _, _ = make_desk(MONDAY)
    for number, channel in enumerate(c for c in Channel if c is not Channel.CALLBACK):
        file(desk, complaint_id=f"c-{number}", channel=channel)
        assert desk.complaints.complaint(f"c-{number}").channel is channel


def test_a_centre_may_publish_fewer_complaint_channels() -> None:
    desk, _, store = make_desk(MONDAY, plugins=(HotlineOnly(),))
    before = state(store)
    with pytest.raises(InvalidValue, match="channel"):
        file(desk, channel=Channel.APP)
    assert state(store) == before
    file(desk, channel=Channel.HOTLINE)


# -- refusals: typed errors, nothing stored --------------------------------------------------------


class NoWorkingHours:
    @hookimpl
    def servicedesk_calendar(self) -> WorkingCalendar:
        return WorkingCalendar.from_hours("Asia/Shanghai", [], lambda day: True)


class GarbageDeadlines:
    @hookimpl
    def servicedesk_complaint_deadlines(self, category: str, urgency: Urgency) -> object:
        return timedelta(hours=4)


def _ready(desk: Desk) -> None:
    file(desk)


def _acknowledged_and_answered(desk: Desk) -> None:
    file(desk)
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    desk.handle(AnswerComplaint(complaint_id="c-1", result="done"), actor=CLERK)


def _nothing(desk: Desk) -> None:
    return None


def _filing(**extra: object) -> Command:
    fields: dict[str, object] = {
        "complainant": requester(2),
        "category": "attitude",
        "description": "rude",
        "complaint_id": "c-9",
    }
    fields.update(extra)
    return FileComplaint(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("prepare", "command", "error"),
    [
        (_nothing, lambda: _filing(request_id="no-such-request"), NotFound),
        (_nothing, lambda: _filing(worker_id="no-such-worker"), NotFound),
        (_nothing, lambda: _filing(item_id="no-such-item"), NotFound),
        (_nothing, lambda: _filing(category="weather"), InvalidValue),
        (_nothing, lambda: _filing(channel=Channel.CALLBACK), InvalidValue),  # names none
        (_nothing, lambda: _filing(description="  "), InvalidValue),
        (_ready, lambda: AnswerComplaint(complaint_id="c-1", result="early"), IllegalTransition),
        (_ready, lambda: CloseComplaint(complaint_id="c-1", satisfaction=5), IllegalTransition),
        (_ready, lambda: ResumeComplaint(complaint_id="c-1"), IllegalTransition),
        (_ready, lambda: PauseComplaint(complaint_id="c-1"), IllegalTransition),
        (_ready, lambda: AcknowledgeComplaint(complaint_id="c-404"), NotFound),
        (_ready, lambda: _filing(complaint_id="c-1"), InvalidValue),  # id taken
        (
            _acknowledged_and_answered,
            lambda: CloseComplaint(complaint_id="c-1", satisfaction=6),
            InvalidValue,
        ),
        (
            _acknowledged_and_answered,
            lambda: CloseComplaint(complaint_id="c-1", satisfaction=0),
            InvalidValue,
        ),
        (
            _acknowledged_and_answered,
            lambda: CloseComplaint(complaint_id="c-1", satisfaction=True),  # type: ignore[arg-type]
            InvalidValue,
        ),
        (
            _acknowledged_and_answered,
            lambda: ReopenComplaint(complaint_id="c-1", reason=""),
            InvalidValue,
        ),
    ],
)
def test_bad_input_is_refused_with_a_typed_error_and_nothing_is_stored(
    prepare: Callable[[Desk], None],
    command: Callable[[], Command],
    error: type[ServiceDeskError],
) -> None:
    desk, _, store = make_desk(MONDAY)
    prepare(desk)
    before = state(store)
    with pytest.raises(error):
        desk.handle(command(), actor=CLERK)
    assert state(store) == before


class HalfBuiltDeadlines:
    @hookimpl
    def servicedesk_complaint_deadlines(self, category: str, urgency: Urgency) -> object:
        return ComplaintDeadlines(4 * H, WorkingBudget.hours(8))  # type: ignore[arg-type]


@pytest.mark.parametrize("plugin", [NoWorkingHours(), GarbageDeadlines(), HalfBuiltDeadlines()])
def test_a_broken_policy_is_a_policy_error_and_nothing_is_stored(plugin: object) -> None:
    desk, _, store = make_desk(MONDAY, plugins=(plugin,))
    before = state(store)
    with pytest.raises(PolicyError):
        desk.handle(_filing(), actor=CLERK)
    assert state(store) == before


def test_a_calendar_that_never_works_is_a_policy_error_not_a_hang() -> None:
    class NeverWorks:
        @hookimpl
        def servicedesk_calendar(self) -> WorkingCalendar:
            return WorkingCalendar.from_hours("Asia/Shanghai", [("09:00", "17:00")], _never)

    desk, _, store = make_desk(MONDAY, plugins=(NeverWorks(),))
    before = state(store)
    with pytest.raises(PolicyError, match="no working day"):
        desk.handle(_filing(), actor=CLERK)
    assert state(store) == before


def _never(day: date) -> bool:
    return False


def test_refusal_messages_name_records_by_id_only() -> None:
    desk, _, _ = make_desk(MONDAY)
    file(desk)
    with pytest.raises(PermissionDenied) as caught:
        desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK_2)
    message = caught.value.message
    assert "c-1" in message
    assert "Owner 1" not in message
    assert "138" not in message


def test_the_centre_manager_can_reassign_too() -> None:
    desk, _, _ = make_desk(MONDAY)
    file(desk)
    desk.handle(HandOverComplaint(complaint_id="c-1", to="head-1", reason="serious"), actor=CENTRE)
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=HEAD)
    assert stored(desk).status is ComplaintStatus.ACKNOWLEDGED


# -- the aggregate's pause, as a law -------------------------------------------------------------

CHINA = china_calendar()
offsets = st.integers(min_value=0, max_value=20 * 24 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=100, deadline=None)
@given(offsets, offsets, offsets, st.sampled_from(list(Urgency)))
def test_the_answer_deadline_moves_by_the_working_time_paused_and_replays_alike(
    until_ack: timedelta, until_pause: timedelta, pause: timedelta, urgency: Urgency
) -> None:
    filed = sh(2026, 2, 2, 9, 17)
    budgets = COMPLAINT_DEADLINES[urgency]
    complaint = Complaint.file(
        ComplaintId("c-1"),
        channel=Channel.HOTLINE,
        complainant=requester(1),
        category="other",
        categories=("other",),
        channels=(Channel.HOTLINE,),
        urgency=urgency,
        description="noise at night",
        taken_by=CLERK.id,
        acknowledge=Timer.start(DeadlineKind.ACKNOWLEDGE, budgets.acknowledge, CHINA, filed),
        answer=Timer.start(DeadlineKind.ANSWER, budgets.answer, CHINA, filed),
        at=filed,
    )
    acknowledged = filed + until_ack
    paused = acknowledged + until_pause
    resumed = paused + pause
    complaint.acknowledge_receipt(by=CLERK.id, at=acknowledged)
    assert complaint.answer is not None
    due_before = complaint.answer.due
    complaint.pause(
        by=CLERK.id, reason=PauseReason.WAITING_FOR_COMPLAINANT, allowed=True, at=paused
    )
    assert complaint.next_escalation_at is None  # a stopped clock is not due for anything
    complaint.resume(by=CLERK.id, calendar=CHINA, at=resumed)

    measured = CHINA.working_time_between(paused, resumed)
    assert complaint.answer.paused_for == measured
    assert CHINA.working_time_between(due_before, complaint.answer.due) == measured
    late = [b.kind for b in complaint.breaches]
    assert late == [
        kind
        for kind, due, at in (
            (DeadlineKind.ACKNOWLEDGE, complaint.acknowledge.due, acknowledged),  # type: ignore[union-attr]
            (DeadlineKind.ANSWER, due_before, paused),
        )
        if at > due
    ]
    assert Complaint.replay(complaint.id, complaint.events) == complaint
