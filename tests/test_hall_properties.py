"""Properties of the hall: the queue never loses or repeats a number (rule
hall.queue-no-number-lost), a joint item is done exactly when its last part is (rule
hall.one-window), and an item's clock never runs during 补正 or while held above (rule
hall.item-flows)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from servicedesk.domain.deadlines import DeadlineKind, Timer, WorkingBudget
from servicedesk.domain.errors import IllegalTransition, ServiceDeskError
from servicedesk.domain.hall import (
    DepartmentId,
    Flow,
    GuideVersion,
    HallItemId,
    Material,
    ProcessStep,
    WindowId,
)
from servicedesk.domain.hall_cases import Applicant, Application, ApplicationId, Decision
from servicedesk.domain.hall_queue import HallQueue, Ticket, TicketStatus
from servicedesk.domain.money import Money
from servicedesk.domain.requests import ItemKind
from servicedesk.domain.values import ActorId, Contact, TimeWindow
from servicedesk.policies import plugin_manager
from servicedesk.policies.manager import Policies

CALENDAR = Policies(plugin_manager(entry_points=False)).calendar()
START = datetime(2026, 5, 11, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, a Monday
ITEMS = [HallItemId(f"i{n}") for n in range(3)]
#: Window -> (its prefix, the items it serves): the windows' lines overlap.
WINDOWS = {
    "A": ("A", frozenset(ITEMS)),
    "B": ("B", frozenset(ITEMS[:2])),
    "C": ("C", frozenset(ITEMS[2:])),
}
WINDOW_IDS = sorted(WINDOWS)
CLERK = ActorId("clerk")


def _ready(ticket: Ticket, window: str, at: datetime) -> bool:
    """The test's own statement of who may be called at ``window`` (not the domain's)."""
    if ticket.status is not TicketStatus.WAITING:
        return False
    if ticket.appointment is not None and ticket.appointment.start > at:
        return False
    if ticket.window_id is not None:
        return ticket.window_id.value == window
    return ticket.item_id in WINDOWS[window][1]


def _arrival(ticket: Ticket) -> tuple[datetime, int]:
    return (ticket.appointment.start if ticket.appointment else ticket.taken_at, ticket.seq)


class QueueMachine(RuleBasedStateMachine):
    """Take, call, skip, recall, finish and transfer at three windows, in any order."""

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.queue = HallQueue.open(date(2026, 5, 11), at=self.now)
        self.taken: list[str] = []
        self.handed: dict[str, int] = {}  # number -> times call_next gave it out

    def _window_of_ticket(self, item: HallItemId | None, window: str | None) -> str:
        if window is not None:
            return window
        return next(w for w in WINDOW_IDS if item in WINDOWS[w][1])

    @rule(
        item=st.sampled_from([*ITEMS, None]),
        window=st.sampled_from([*WINDOW_IDS, None]),
        slot=st.one_of(st.none(), st.integers(min_value=1, max_value=90)),
    )
    def take(self, item: HallItemId | None, window: str | None, slot: int | None) -> None:
        if item is None and window is None:
            window = "A"
        if item is not None and window is not None and item not in WINDOWS[window][1]:
            window = None
        appointment = None
        if slot is not None:
            start = self.now + timedelta(minutes=slot)
            appointment = TimeWindow(start, start + timedelta(minutes=30))
        prefix = WINDOWS[self._window_of_ticket(item, window)][0]
        ticket = self.queue.take(
            prefix=prefix,
            item_id=item,
            window_id=None if window is None else WindowId(window),
            appointment=appointment,
            at=self.now,
        )
        self.taken.append(ticket.number)

    @rule(window=st.sampled_from(WINDOW_IDS))
    def call_next(self, window: str) -> None:
        ready = [t for t in self.queue.tickets if _ready(t, window, self.now)]
        called = self.queue.call_next(WindowId(window), serves=WINDOWS[window][1], at=self.now)
        if not ready:
            assert called is None
            return
        assert called is not None
        assert called.number == min(ready, key=_arrival).number  # first come, first served
        self.handed[called.number] = self.handed.get(called.number, 0) + 1

    @rule(window=st.sampled_from(WINDOW_IDS))
    def skip(self, window: str) -> None:
        try:
            self.queue.skip(WindowId(window), at=self.now)
        except IllegalTransition:
            assert self.queue.called_at(WindowId(window)) is None

    @rule(window=st.sampled_from(WINDOW_IDS))
    def finish(self, window: str) -> None:
        try:
            self.queue.finish(WindowId(window), at=self.now)
        except IllegalTransition:
            assert self.queue.called_at(WindowId(window)) is None

    @precondition(lambda self: bool(self.taken))
    @rule(window=st.sampled_from(WINDOW_IDS), pick=st.integers(min_value=0))
    def recall(self, window: str, pick: int) -> None:
        number = self.taken[pick % len(self.taken)]
        before = self.queue.ticket(number)
        try:
            self.queue.recall(WindowId(window), number, at=self.now)
        except IllegalTransition:
            return
        after = self.queue.ticket(number)
        assert after.status is TicketStatus.CALLED
        assert after.visits == before.visits

    @rule(
        window=st.sampled_from(WINDOW_IDS),
        to_window=st.sampled_from([*WINDOW_IDS, None]),
        to_item=st.sampled_from(ITEMS),
    )
    def transfer(self, window: str, to_window: str | None, to_item: HallItemId) -> None:
        if to_window == window:
            to_window = None
        try:
            self.queue.transfer(
                WindowId(window),
                to_window=None if to_window is None else WindowId(to_window),
                to_item=to_item if to_window is None else None,
                at=self.now,
            )
        except IllegalTransition:
            assert self.queue.called_at(WindowId(window)) is None

    @rule(minutes=st.integers(min_value=0, max_value=45))
    def wait(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @invariant()
    def no_number_is_lost_or_given_twice(self) -> None:
        numbers = [t.number for t in self.queue.tickets]
        assert numbers == self.taken
        assert len(set(numbers)) == len(numbers)
        for prefix, (letter, _items) in WINDOWS.items():
            assert prefix == letter
            mine = [int(n[1:]) for n in numbers if n.startswith(letter)]
            assert mine == list(range(1, len(mine) + 1))  # no gap, no repeat

    @invariant()
    def each_ticket_at_one_window_at_most_and_called_once_per_line(self) -> None:
        busy = [t.at_window for t in self.queue.tickets if t.status is TicketStatus.CALLED]
        assert len(busy) == len(set(busy))
        for ticket in self.queue.tickets:
            lines = ticket.transfers + (ticket.status is not TicketStatus.WAITING)
            assert len(ticket.visits) == lines == self.handed.get(ticket.number, 0)

    @invariant()
    def the_events_rebuild_the_queue(self) -> None:
        rebuilt = HallQueue.replay(self.queue.id, self.queue.events)
        assert rebuilt == self.queue


def test_hall_queue_never_loses_or_repeats_a_number() -> None:
    run_state_machine_as_test(
        QueueMachine, settings=settings(max_examples=60, stateful_step_count=40, deadline=None)
    )


# --- applications --------------------------------------------------------------------------------


def _guide(kind: ItemKind, departments: int, flow: Flow, **extra: object) -> GuideVersion:
    steps = tuple(
        ProcessStep(f"part {n}", DepartmentId(f"d{n}"), WorkingBudget.working_days(2))
        for n in range(departments)
    )
    return GuideVersion(
        number=1,
        name="item",
        kind=kind,
        legal_basis=("basis",),
        conditions=(),
        materials=(),
        steps=steps,
        flow=flow,
        time_limit=WorkingBudget.working_days(2 * departments),
        fee=Money.zero(),
        drafted_at=START,
        **extra,  # type: ignore[arg-type]
    )


def _received(guide: GuideVersion, at: datetime = START) -> Application:
    return Application.receive(
        ApplicationId("a-1"),
        item_id=HallItemId("item"),
        guide=guide,
        applicant=Applicant(name="Han Meimei", contact=Contact("13700137000")),
        channel="online",  # type: ignore[arg-type]
        window_id=None,
        ticket="",
        presented=(),
        received_by=CLERK,
        clock=Timer.start(DeadlineKind.COMPLETION, guide.time_limit, CALENDAR, at),
        at=at,
    )


def _conclude(application: Application, at: datetime) -> None:
    application.conclude(
        outcome=Decision.APPROVED, document_number="D-1", remarks="", by=CLERK, at=at
    )


@settings(max_examples=60, deadline=None)
@given(
    order=st.permutations(range(4)).flatmap(
        lambda p: st.tuples(st.just(p), st.integers(min_value=2, max_value=4))
    ),
    gaps=st.lists(st.integers(min_value=0, max_value=600), min_size=4, max_size=4),
)
def test_hall_joint_item_is_done_exactly_when_its_last_part_is(
    order: tuple[list[int], int], gaps: list[int]
) -> None:
    permutation, departments = order
    parts = [n for n in permutation if n < departments]
    application = _received(_guide(ItemKind.JOINT, departments, Flow.PARALLEL))
    at = START
    application.accept(by=CLERK, calendar=CALENDAR, at=at)
    for done, (index, gap) in enumerate(zip(parts, gaps, strict=False), start=1):
        with pytest.raises(IllegalTransition):
            _conclude(application, at)
        at += timedelta(minutes=gap)
        application.complete_step(index, by=CLERK, note="", calendar=CALENDAR, at=at)
        assert application.parts_done is (done == departments)
    _conclude(application, at)
    assert application.result is not None


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(min_value=0, max_value=3 * 24 * 60),
    held=st.integers(min_value=1, max_value=20 * 24 * 60),
    above=st.booleans(),
)
def test_hall_clock_never_runs_during_supply_or_while_held_above(
    start: int, held: int, above: bool
) -> None:
    """The promise moves by exactly the working time paused, and no sweep finds it late."""
    if above:
        guide = _guide(ItemKind.ESCALATED, 1, Flow.IN_ORDER, higher_authority="Bureau")
        application = _received(guide)
        application.accept(by=CLERK, calendar=CALENDAR, at=START)
        application.complete_step(0, by=CLERK, note="", calendar=CALENDAR, at=START)
    else:
        material = Material("doc", "A document")
        guide = attrs.evolve(_guide(ItemKind.PROMISED, 1, Flow.IN_ORDER), materials=(material,))
        application = _received(guide)
    due = application.clock.due
    paused_at = START + timedelta(minutes=start)
    resumed_at = paused_at + timedelta(minutes=held)
    if above:
        application.submit(reference="R-1", pause=True, at=paused_at)
    else:
        application.give_notice(defective=(), channel="sms", by=CLERK, at=paused_at)  # type: ignore[arg-type]
    assert application.escalate(now=resumed_at, calendar=CALENDAR) == 0
    assert all(where is not None for where, _t in application.running_clocks())
    if above:
        application.record_reply(reply="yes", calendar=CALENDAR, at=resumed_at)
    else:
        application.supply(("doc",), calendar=CALENDAR, at=resumed_at)
    paused = CALENDAR.working_time_between(paused_at, resumed_at)
    expected = CALENDAR.add(due, paused) if paused else due
    if paused_at > due:  # late already when it stopped: the lateness stays recorded
        assert application.breaches
    else:
        assert application.clock.due == expected
    assert application.clock.is_running


def test_a_refused_operation_leaves_the_queue_as_it_was() -> None:
    queue = HallQueue.open(date(2026, 5, 11), at=START)
    before = attrs.evolve(queue)
    with pytest.raises(ServiceDeskError):
        queue.take(prefix="a", item_id=ITEMS[0], window_id=None, appointment=None, at=START)
    assert queue == before
    assert len(queue.events) == 1
