"""Enquiries: consultations and suggestions owned by the first person asked (rule
complaints.enquiries, rule complaints.enquiry-referral, rule complaints.enquiry-time-limit)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _casework import CENTRE, CLERK, CLERK_2, HEAD, make_desk, requester, sh
from servicedesk import Actor, ActorId, Contact, Desk, Role
from servicedesk.app.complaints.commands import FileComplaint
from servicedesk.app.enquiries.commands import (
    AnswerEnquiry,
    HandOverEnquiry,
    ReferEnquiry,
    TakeEnquiry,
)
from servicedesk.app.enquiries.lists import EnquiryFilter
from servicedesk.app.records.commands import EraseRequester
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.deadlines import DeadlineKind, Timer, WorkingBudget
from servicedesk.domain.enquiries import (
    Enquiry,
    EnquiryAnswered,
    EnquiryId,
    EnquiryKind,
    EnquiryStatus,
    EnquiryTaken,
    Referral,
    ReferralTarget,
)
from servicedesk.domain.errors import (
    IllegalTransition,
    InvalidValue,
    NotFound,
    PermissionDenied,
    PolicyError,
)
from servicedesk.domain.privacy import ERASED
from servicedesk.domain.requests import Channel
from servicedesk.domain.values import RequestId
from servicedesk.policies import hookimpl
from servicedesk.policies.default import china_calendar
from servicedesk.testing import store_state as state

MONDAY = sh(2026, 3, 9, 10)
AUDITOR = Actor(ActorId("aud"), "Auditor", {Role.AUDITOR})
PHONE = "13900139000"


def taken(desk: Desk, enquiry_id: str = "e-1", **kwargs: object) -> str:
    fields: dict[str, object] = {
        "kind": "consultation",
        "asker_name": "Zhang San",
        "question": "When is the hall open on Saturdays?",
        "contact": Contact(PHONE),
        "enquiry_id": enquiry_id,
        **kwargs,
    }
    desk.handle(TakeEnquiry(**fields), actor=CLERK)  # type: ignore[arg-type]
    return enquiry_id


# --- the domain ----------------------------------------------------------------------------------


def enquiry(taken_by: str = "a") -> Enquiry:
    calendar = china_calendar()
    return Enquiry.take(
        EnquiryId("e-1"),
        kind=EnquiryKind.SUGGESTION,
        channel=Channel.SUGGESTION_BOX,
        channels=frozenset(Channel),
        asker_name="Li Si",
        contact=None,
        question="More benches, please",
        taken_by=ActorId(taken_by),
        answer=Timer.start(DeadlineKind.ANSWER, WorkingBudget.working_days(5), calendar, MONDAY),
        at=MONDAY,
    )


def test_whoever_is_asked_first_owns_the_enquiry_until_a_recorded_hand_over() -> None:
    desk, _clock, store = make_desk(MONDAY)
    enquiry_id = taken(desk)
    assert desk.enquiries.enquiry(enquiry_id, actor=CLERK).owner == CLERK.id
    before = state(store)
    with pytest.raises(PermissionDenied) as refused:
        desk.handle(AnswerEnquiry(enquiry_id=enquiry_id, answer="9 to 12"), actor=CLERK_2)
    assert refused.value.code == "enquiry.forbidden"
    with pytest.raises(PermissionDenied):
        desk.handle(HandOverEnquiry(enquiry_id=enquiry_id, to="clerk-2", reason="x"), actor=CLERK_2)
    assert state(store) == before
    desk.handle(HandOverEnquiry(enquiry_id=enquiry_id, to="clerk-2", reason="hours"), actor=CLERK)
    with pytest.raises(PermissionDenied):
        desk.handle(AnswerEnquiry(enquiry_id=enquiry_id, answer="9 to 12"), actor=CLERK)
    desk.handle(AnswerEnquiry(enquiry_id=enquiry_id, answer="9 to 12"), actor=CLERK_2)
    view = desk.enquiries.enquiry(enquiry_id, actor=CLERK)
    assert (view.status, view.owner, view.answered_by) == (
        EnquiryStatus.ANSWERED,
        CLERK_2.id,
        CLERK_2.id,
    )
    assert [h.to_owner for h in view.handovers] == [CLERK_2.id]
    with pytest.raises(IllegalTransition):
        desk.handle(AnswerEnquiry(enquiry_id=enquiry_id, answer="again"), actor=CLERK_2)


def test_an_enquiry_is_not_handed_to_its_owner() -> None:
    desk, _clock, _store = make_desk(MONDAY)
    enquiry_id = taken(desk)
    with pytest.raises(InvalidValue) as refused:
        desk.handle(HandOverEnquiry(enquiry_id=enquiry_id, to="clerk-1", reason="x"), actor=CLERK)
    assert refused.value.code == "enquiry.invalid"


def test_a_manager_may_reassign_an_enquiry_they_do_not_own() -> None:
    desk, _clock, _store = make_desk(MONDAY)
    enquiry_id = taken(desk)
    desk.handle(HandOverEnquiry(enquiry_id=enquiry_id, to="clerk-2", reason="away"), actor=HEAD)
    view = desk.enquiries.enquiry(enquiry_id, actor=CLERK)
    assert view.owner == CLERK_2.id
    assert view.handovers[0].by == HEAD.id
    assert view.handovers[0].from_owner == CLERK.id


def test_an_auditor_reads_enquiries_but_takes_none() -> None:
    desk, _clock, _store = make_desk(MONDAY)
    enquiry_id = taken(desk)
    assert desk.enquiries.enquiry(enquiry_id, actor=AUDITOR).id == EnquiryId(enquiry_id)
    with pytest.raises(PermissionDenied):
        desk.handle(TakeEnquiry(kind="suggestion", asker_name="A", question="B"), actor=AUDITOR)


def test_an_enquiry_comes_in_only_through_a_published_channel() -> None:
    class FrontDeskOnly:
        @hookimpl
        def servicedesk_complaint_channels(self) -> Sequence[Channel]:
            return (Channel.FRONT_DESK, Channel.HOTLINE)

    desk, _clock, store = make_desk(MONDAY, plugins=(FrontDeskOnly(),))
    taken(desk, "e-1", channel="hotline")
    before = state(store)
    with pytest.raises(InvalidValue) as refused:
        taken(desk, "e-2", channel="wechat")
    assert refused.value.code == "enquiry.invalid"
    assert state(store) == before


def test_an_enquiry_the_desk_cannot_answer_is_referred_to_a_department_or_a_flow() -> None:
    desk, _clock, _store = make_desk(MONDAY)
    taken(desk, "e-1")
    desk.handle(
        ReferEnquiry(enquiry_id="e-1", to="department", department="Civil affairs", note="desk 3"),
        actor=CLERK,
    )
    view = desk.enquiries.enquiry("e-1", actor=CLERK)
    assert view.status is EnquiryStatus.REFERRED
    assert view.referral == Referral(ReferralTarget.DEPARTMENT, "Civil affairs")
    assert view.answered_at == MONDAY
    # a complaint it became: the complaint must exist
    taken(desk, "e-2")
    with pytest.raises(NotFound):
        desk.handle(ReferEnquiry(enquiry_id="e-2", to="complaint", complaint_id="c-9"), actor=CLERK)
    complaint = FileComplaint(
        complaint_id="c-1", complainant=requester(1), category="attitude", description="rude"
    )
    desk.handle(complaint, actor=CLERK)
    desk.handle(ReferEnquiry(enquiry_id="e-2", to="complaint", complaint_id="c-1"), actor=CLERK)
    referral = desk.enquiries.enquiry("e-2", actor=CLERK).referral
    assert referral is not None
    assert referral.complaint_id is not None
    assert referral.complaint_id.value == "c-1"
    with pytest.raises(IllegalTransition):
        desk.handle(AnswerEnquiry(enquiry_id="e-2", answer="late"), actor=CLERK)


@pytest.mark.parametrize(
    "fields",
    [
        {"to": "department"},
        {"to": "department", "department": "X", "request_id": "r-1"},
        {"to": "complaint", "department": "X"},
        {"to": "request"},
    ],
)
def test_a_referral_names_exactly_its_target(fields: dict[str, str]) -> None:
    desk, _clock, store = make_desk(MONDAY)
    taken(desk)
    before = state(store)
    with pytest.raises(InvalidValue) as refused:
        desk.handle(ReferEnquiry(enquiry_id="e-1", **fields), actor=CLERK)  # type: ignore[arg-type]
    assert refused.value.code == "enquiry.invalid"
    assert state(store) == before


def test_the_answer_is_due_in_working_time_by_policy() -> None:
    desk, _clock, _store = make_desk(MONDAY)
    taken(desk, "e-1", kind="consultation")
    taken(desk, "e-2", kind="suggestion")
    calendar = china_calendar()
    assert desk.enquiries.enquiry("e-1", actor=CLERK).due == calendar.add_working_days(MONDAY, 1)
    assert desk.enquiries.enquiry("e-2", actor=CLERK).due == calendar.add_working_days(MONDAY, 5)

    class TwoHours:
        @hookimpl
        def servicedesk_enquiry_deadline(
            self, kind: EnquiryKind, channel: Channel
        ) -> WorkingBudget:
            return WorkingBudget.hours(2)

    other, _clock, _store = make_desk(sh(2026, 3, 9, 11), plugins=(TwoHours(),))
    taken(other, "e-1")
    # 11:00 + 2 working hours, over the lunch break 12:00-13:00
    assert other.enquiries.enquiry("e-1", actor=CLERK).due == sh(2026, 3, 9, 14)


def test_an_unusable_deadline_policy_is_named() -> None:
    class Garbage:
        @hookimpl
        def servicedesk_enquiry_deadline(self, kind: EnquiryKind, channel: Channel) -> object:
            return timedelta(hours=1)

    desk, _clock, store = make_desk(MONDAY, plugins=(Garbage(),))
    with pytest.raises(PolicyError):
        taken(desk)
    assert not store.tables.get("enquiry")


def test_a_late_answer_records_the_breach_and_shows_as_overdue_before() -> None:
    desk, clock, _store = make_desk(MONDAY)
    taken(desk, "e-1")
    taken(desk, "e-2")
    due = desk.enquiries.enquiry("e-1", actor=CLERK).due
    assert desk.enquiries.overdue(due, actor=CLERK) == []
    clock.now = due + timedelta(hours=1)
    assert [v.id.value for v in desk.enquiries.overdue(actor=CLERK)] == ["e-1", "e-2"]
    page = desk.enquiries.enquiries_page(EnquiryFilter(overdue=True), actor=CLERK)
    assert [row.id.value for row in page.items] == ["e-1", "e-2"]
    desk.handle(AnswerEnquiry(enquiry_id="e-1", answer="open 9-12"), actor=CLERK)
    view = desk.enquiries.enquiry("e-1", actor=CLERK)
    assert view.breach is not None
    assert view.breach.due == due
    assert not view.overdue
    assert [v.id.value for v in desk.enquiries.overdue(actor=CLERK)] == ["e-2"]
    answered = list(desk.enquiries.history("e-1", actor=CLERK))
    assert isinstance(answered[-1], EnquiryAnswered)


def test_an_answer_in_time_records_no_breach() -> None:
    desk, _clock, _store = make_desk(MONDAY)
    taken(desk)
    desk.handle(AnswerEnquiry(enquiry_id="e-1", answer="open 9-12"), actor=CLERK)
    assert desk.enquiries.enquiry("e-1", actor=CLERK).breach is None


def test_the_page_filters_by_kind_owner_and_status() -> None:
    desk, clock, _store = make_desk(MONDAY)
    taken(desk, "e-1", kind="consultation")
    clock.now = MONDAY + timedelta(minutes=5)
    taken(desk, "e-2", kind="suggestion")
    desk.handle(HandOverEnquiry(enquiry_id="e-2", to="clerk-2", reason="ideas"), actor=CLERK)
    pages = desk.enquiries
    suggestions = pages.enquiries_page(EnquiryFilter(kind=EnquiryKind.SUGGESTION), actor=CLERK)
    assert [r.id.value for r in suggestions.items] == ["e-2"]
    mine = pages.enquiries_page(EnquiryFilter(owner=CLERK_2.id), actor=CLERK)
    assert [r.owner for r in mine.items] == [CLERK_2.id]
    first = pages.enquiries_page(limit=1, actor=CLERK)
    assert [r.id.value for r in first.items] == ["e-1"]
    assert first.next_cursor is not None
    rest = pages.enquiries_page(limit=1, cursor=first.next_cursor, actor=CLERK)
    assert [r.id.value for r in rest.items] == ["e-2"]
    assert (
        pages.enquiries_page(
            EnquiryFilter(status=frozenset({EnquiryStatus.ANSWERED})), actor=CLERK
        ).items
        == ()
    )


def test_an_enquiry_is_filed_and_erased_on_the_askers_request() -> None:
    desk, _clock, _store = make_desk(MONDAY)
    taken(desk)
    desk.handle(AnswerEnquiry(enquiry_id="e-1", answer="call 12345 on Saturday"), actor=CLERK)
    record = desk.records.file("enquiry", "e-1", actor=CENTRE)
    assert record.closed_at == MONDAY
    desk.handle(EraseRequester(phone=PHONE), actor=CENTRE)
    view = desk.enquiries.enquiry("e-1", actor=CLERK)
    assert (view.asker_name, view.question, view.answer) == (ERASED, ERASED, ERASED)
    assert view.contact is not None
    assert view.contact.phone != PHONE
    assert (view.kind, view.owner, view.status) == (
        EnquiryKind.CONSULTATION,
        CLERK.id,
        EnquiryStatus.ANSWERED,
    )
    first, last = desk.enquiries.history("e-1", actor=CLERK)
    assert isinstance(first, EnquiryTaken)
    assert isinstance(last, EnquiryAnswered)
    assert (first.asker_name, first.question, last.answer) == (ERASED, ERASED, ERASED)


def test_an_unknown_enquiry_is_not_found() -> None:
    desk, _clock, _store = make_desk(MONDAY)
    with pytest.raises(NotFound):
        desk.enquiries.enquiry("e-9", actor=CLERK)
    with pytest.raises(NotFound):
        desk.enquiries.history("e-9", actor=CLERK)
    with pytest.raises(NotFound):
        desk.handle(AnswerEnquiry(enquiry_id="e-9", answer="x"), actor=CLERK)


def test_the_domain_refuses_a_clock_of_another_kind() -> None:
    calendar: WorkingCalendar = china_calendar()
    with pytest.raises(InvalidValue):
        Enquiry.take(
            EnquiryId("e-1"),
            kind=EnquiryKind.CONSULTATION,
            channel=Channel.HOTLINE,
            channels=frozenset(Channel),
            asker_name="A",
            contact=None,
            question="Q",
            taken_by=ActorId("a"),
            answer=Timer.start(DeadlineKind.RESPONSE, WorkingBudget.hours(1), calendar, MONDAY),
            at=MONDAY,
        )


def test_replay_gives_back_the_enquiry_its_commands_made() -> None:
    made = enquiry()
    made.hand_over(to=ActorId("b"), by=ActorId("a"), reason="r", at=MONDAY)
    made.refer(
        by=ActorId("b"),
        referral=Referral.to(ReferralTarget.REQUEST, request_id=RequestId("r-1")),
        at=MONDAY,
    )
    assert Enquiry.replay(made.id, made.events) == made


# --- the ownership rule, by Hypothesis -----------------------------------------------------------

STAFF = [ActorId(name) for name in ("a", "b", "c", "d")]
MANAGER = ActorId("m")


@given(
    st.lists(
        st.tuples(st.sampled_from([*STAFF, MANAGER]), st.sampled_from(STAFF), st.booleans()),
        max_size=12,
    )
)
def test_at_any_time_an_enquiry_has_exactly_one_owner_the_last_one_handed_to(
    attempts: list[tuple[ActorId, ActorId, bool]],
) -> None:
    """Whoever tries to hand it on (the manager with a manager's right), the owner is always
    one person: the taker, then exactly the last one a hand-over that went through named."""
    made = enquiry("a")
    expected = ActorId("a")
    for by, to, answer_after in attempts:
        try:
            made.hand_over(to=to, by=by, reason="r", at=MONDAY, by_manager=by == MANAGER)
        except (PermissionDenied, InvalidValue):
            assert (by != expected and by != MANAGER) or to == expected
        else:
            assert by in (expected, MANAGER)
            assert to != expected
            expected = to
        assert made.owner == expected
        assert isinstance(made.owner, ActorId)
        if answer_after and by not in (expected, MANAGER):
            with pytest.raises(PermissionDenied):
                made.give_answer(by=by, answer="x", at=MONDAY)
    replayed = Enquiry.replay(made.id, made.events)
    assert replayed.owner == expected
    last = made.handovers[-1].to_owner if made.handovers else ActorId("a")
    assert last == expected
