"""The escalation sweep: exactly the overdue cases, one step, once per instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _casework import CLERK, make_desk, published_item, registered_request, requester, sh, state
from servicedesk import DispatchRequest, RegisterWorker, Role, StartWork, Urgency
from servicedesk.app.complaints.commands import AcknowledgeComplaint, EscalateOverdue, FileComplaint
from servicedesk.domain.complaints import Complaint, ComplaintEscalated, ComplaintId
from servicedesk.domain.deadlines import Breach, DeadlineKind, Escalation, EscalationStep
from servicedesk.domain.errors import PolicyError
from servicedesk.domain.requests import DeadlineMissed, RequestEscalated
from servicedesk.policies import hookimpl
from servicedesk.policies.default import china_calendar
from servicedesk.policies.service_hall import ServiceHall

CHINA = china_calendar()
MONDAY = sh(2026, 3, 9, 10)
H = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def escalations(events: tuple[object, ...]) -> list[str]:
    found = []
    for event in events:
        if isinstance(event, ComplaintEscalated):
            found.append(f"{event.complaint_id}:{event.escalation.role}")
        elif isinstance(event, RequestEscalated):
            found.append(f"{event.request_id}:{event.escalation.role}")
    return sorted(found)


def file(desk: object, complaint_id: str, urgency: str = "ordinary") -> None:
    command = FileComplaint(
        complainant=requester(1),
        category="timeliness",
        description="nobody came",
        urgency=urgency,
        complaint_id=complaint_id,
    )
    desk.handle(command, actor=CLERK)  # type: ignore[attr-defined]


def test_an_overdue_complaint_climbs_the_chain_one_step_per_due_sweep() -> None:
    desk, clock, _ = make_desk(MONDAY)
    file(desk, "c-1")  # acknowledgement due 15:00
    clock.now = sh(2026, 3, 9, 15)
    assert escalations(desk.handle(EscalateOverdue()).events) == []  # due, not yet late
    clock.now = sh(2026, 3, 9, 15, 1)
    assert escalations(desk.handle(EscalateOverdue()).events) == ["c-1:department_head"]
    assert escalations(desk.handle(EscalateOverdue()).events) == []  # same instant: nothing
    # The department head gets 4 working hours: until Tuesday 11:01.
    assert desk.complaints.complaint("c-1").next_escalation_at == sh(2026, 3, 10, 11, 1)
    clock.now = sh(2026, 3, 10, 11, 1)
    assert escalations(desk.handle(EscalateOverdue()).events) == []
    clock.now = sh(2026, 3, 10, 11, 2)
    assert escalations(desk.handle(EscalateOverdue()).events) == ["c-1:centre_manager"]
    clock.now = sh(2026, 3, 11, 11, 3)  # 7 working hours later
    assert escalations(desk.handle(EscalateOverdue()).events) == ["c-1:branch_manager"]
    clock.now = sh(2026, 3, 20, 10)
    assert escalations(desk.handle(EscalateOverdue()).events) == []  # the top of the chain

    view = desk.complaints.complaint("c-1")
    assert [e.role for e in view.escalations] == [
        Role.DEPARTMENT_HEAD,
        Role.CENTRE_MANAGER,
        Role.BRANCH_MANAGER,
    ]
    first = view.escalations[0]
    assert (first.kind, first.due, first.at) == (
        DeadlineKind.ACKNOWLEDGE,
        sh(2026, 3, 9, 15),
        sh(2026, 3, 9, 15, 1),
    )
    assert [b.kind for b in view.breaches] == [DeadlineKind.ACKNOWLEDGE]
    assert view.next_escalation_at is None


def test_meeting_the_deadline_stops_the_climb_and_a_later_miss_resumes_it() -> None:
    desk, clock, _ = make_desk(MONDAY)
    file(desk, "c-1", urgency="urgent")  # acknowledge by 11:00, answer by Tuesday 17:00
    clock.now = sh(2026, 3, 9, 11, 30)
    desk.handle(EscalateOverdue())
    desk.handle(AcknowledgeComplaint(complaint_id="c-1"), actor=CLERK)
    clock.now = sh(2026, 3, 10, 16)  # the department head's wait is over, but nothing is late
    assert escalations(desk.handle(EscalateOverdue()).events) == []
    clock.now = sh(2026, 3, 10, 17, 1)
    outcome = desk.handle(EscalateOverdue())
    assert escalations(outcome.events) == ["c-1:centre_manager"]
    [escalated] = [e for e in outcome.events if isinstance(e, ComplaintEscalated)]
    assert escalated.escalation.kind is DeadlineKind.ANSWER


def test_an_overdue_request_escalates_and_its_breach_is_recorded_once() -> None:
    desk, clock, _ = make_desk(MONDAY)
    item = published_item(desk)
    registered_request(desk, requester(1), item, "r-1")  # ordinary: someone on site by 15:00
    clock.now = sh(2026, 3, 9, 15, 1)
    outcome = desk.handle(EscalateOverdue())
    assert escalations(outcome.events) == ["r-1:department_head"]
    assert [type(e) for e in outcome.events] == [DeadlineMissed, RequestEscalated]
    desk.handle(RegisterWorker(name="Zhang", skills={"plumbing"}, worker_id="w-1"))
    desk.handle(DispatchRequest(request_id="r-1", worker_id="w-1"))
    started = desk.handle(StartWork(request_id="r-1"))
    assert not any(isinstance(e, DeadlineMissed) for e in started.events)  # recorded once
    clock.now = sh(2026, 3, 20, 10)
    assert escalations(desk.handle(EscalateOverdue()).events) == []  # someone is on site
    assert desk.queries.request("r-1").deadline_missed


def test_a_service_halls_promised_item_escalates_when_its_working_days_run_out() -> None:
    desk, clock, _ = make_desk(MONDAY, plugins=(ServiceHall(),))
    item = published_item(desk)
    registered_request(desk, requester(1), item, "r-1")  # 承诺件: done within 5 working days
    assert desk.queries.request("r-1").deadline.due == sh(2026, 3, 16, 17)  # type: ignore[union-attr]
    desk.handle(RegisterWorker(name="Zhang", skills={"plumbing"}, worker_id="w-1"))
    desk.handle(DispatchRequest(request_id="r-1", worker_id="w-1"))
    desk.handle(StartWork(request_id="r-1"))  # started is not done: the promise is completion
    clock.now = sh(2026, 3, 16, 17)
    assert escalations(desk.handle(EscalateOverdue()).events) == []
    clock.now = sh(2026, 3, 16, 17, 1)
    outcome = desk.handle(EscalateOverdue())
    assert escalations(outcome.events) == ["r-1:department_head"]
    [escalated] = [e for e in outcome.events if isinstance(e, RequestEscalated)]
    assert escalated.escalation.kind is DeadlineKind.COMPLETION


def test_the_sweep_works_only_on_the_cases_the_store_finds_due(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk, clock, _ = make_desk(MONDAY)
    file(desk, "late")
    clock.now = sh(2026, 3, 10, 10)
    for n in range(30):
        file(desk, f"fresh-{n}")
    asked: list[str] = []
    real = Complaint.escalate

    def counting(self: Complaint, **kwargs: Any) -> bool:
        asked.append(str(self.id))
        return real(self, **kwargs)

    monkeypatch.setattr(Complaint, "escalate", counting)
    assert desk.handle(EscalateOverdue()).id == "1"
    assert asked == ["late"]  # the 30 open complaints that are not late are not even asked


class OneStep:
    @hookimpl
    def servicedesk_escalation_chain(self, case: object) -> list[EscalationStep]:
        return [EscalationStep(Role.CENTRE_MANAGER, H)]


class NoChain:
    @hookimpl
    def servicedesk_escalation_chain(self, case: object) -> list[object]:
        return [Role.CENTRE_MANAGER]


def test_the_chain_is_the_policys() -> None:
    desk, clock, _ = make_desk(MONDAY, plugins=(OneStep(),))
    file(desk, "c-1")
    clock.now = sh(2026, 3, 10, 10)
    assert escalations(desk.handle(EscalateOverdue()).events) == ["c-1:centre_manager"]
    clock.now = sh(2026, 3, 20, 10)
    assert escalations(desk.handle(EscalateOverdue()).events) == []


def test_a_chain_that_is_not_a_chain_is_a_policy_error_and_nothing_is_stored() -> None:
    desk, clock, store = make_desk(MONDAY, plugins=(NoChain(),))
    file(desk, "c-1")
    clock.now = sh(2026, 3, 10, 10)
    before = state(store)
    with pytest.raises(PolicyError, match="servicedesk_escalation_chain"):
        desk.handle(EscalateOverdue())
    assert state(store) == before


# -- the law: exactly the overdue cases, once ----------------------------------------------------

cases = st.lists(
    st.tuples(
        st.sampled_from(["complaint", "acknowledged", "request", "started"]),
        st.sampled_from([Urgency.URGENT, Urgency.ORDINARY]),
        st.integers(min_value=0, max_value=5 * 24 * 60),  # minutes after the first case
    ),
    min_size=1,
    max_size=8,
)


def expected_due(kind: str, urgency: Urgency, at: datetime) -> datetime | None:
    """The deadline the case is late on, computed here from the calendar, not by the desk."""
    if kind == "complaint":
        return CHINA.add(at, H if urgency is Urgency.URGENT else 4 * H)
    if kind == "acknowledged":
        return CHINA.add_working_days(at, 1 if urgency is Urgency.URGENT else 3)
    if kind == "request":
        return CHINA.add(at, H if urgency is Urgency.URGENT else 4 * H)
    return None  # started: the promise (someone on site) is kept


@settings(max_examples=60, deadline=None)
@given(cases, st.integers(min_value=0, max_value=12 * 24 * 60))
def test_the_sweep_escalates_exactly_the_overdue_cases_once(
    spec: list[tuple[str, Urgency, int]], sweep_after: int
) -> None:
    desk, clock, _ = make_desk(MONDAY)
    item = published_item(desk)
    desk.handle(RegisterWorker(name="Zhang", skills={"plumbing"}, worker_id="w-1"))
    overdue: set[str] = set()
    now = MONDAY + sweep_after * MINUTE
    for n, (kind, urgency, offset) in enumerate(sorted(spec, key=lambda case: case[2])):
        clock.now = at = MONDAY + offset * MINUTE
        case_id = f"case-{n}"
        if kind in ("complaint", "acknowledged"):
            file(desk, case_id, urgency=urgency)
            if kind == "acknowledged":
                desk.handle(AcknowledgeComplaint(complaint_id=case_id), actor=CLERK)
        else:
            registered_request(desk, requester(n), item, case_id, urgency=urgency)
            if kind == "started":
                desk.handle(DispatchRequest(request_id=case_id, worker_id="w-1"))
                desk.handle(StartWork(request_id=case_id))
        due = expected_due(kind, urgency, at)
        if due is not None and now > due:
            overdue.add(case_id)

    clock.now = now
    first = desk.handle(EscalateOverdue())
    assert {name.split(":")[0] for name in escalations(first.events)} == overdue
    assert first.id == str(len(overdue))
    again = desk.handle(EscalateOverdue())
    assert again.events == ()
    assert again.id == "0"


def test_an_escalation_alike_another_is_the_event_built_whole() -> None:
    at = datetime(2026, 3, 2, 12, tzinfo=UTC)
    step = Escalation(1, Role.DEPARTMENT_HEAD, DeadlineKind.ACKNOWLEDGE, at, at, at)
    breach = Breach(DeadlineKind.ACKNOWLEDGE, at, at, at)
    template = ComplaintEscalated(at=at, complaint_id=ComplaintId("c-0"), escalation=step)
    built = ComplaintEscalated(
        at=at, complaint_id=ComplaintId("c-7"), escalation=step, breach=breach
    )
    assert template.alike("c-7", step, breach) == built
    assert hash(template.alike("c-7", step, breach)) == hash(built)
