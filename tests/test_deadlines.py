"""Deadlines that pause: a pause is measured in working time and moves the deadline by it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.deadlines import (
    DeadlineKind,
    Escalation,
    EscalationStep,
    Timer,
    WorkingBudget,
    next_escalation_at,
)
from servicedesk.domain.errors import IllegalTransition, InvalidValue, PolicyError
from servicedesk.domain.values import Role
from servicedesk.policies.default import china_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
CHINA = china_calendar()
H = timedelta(hours=1)


def _weekday(day: date) -> bool:
    return day.weekday() < 5


GERMANY = WorkingCalendar.from_hours(BERLIN, [("08:30", "12:00"), ("13:00", "17:30")], _weekday)


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def answer_clock(start: datetime, budget: WorkingBudget) -> Timer:
    return Timer.start(DeadlineKind.ANSWER, budget, CHINA, start)


# -- examples on the China calendar --------------------------------------------------------------


def test_a_pause_over_the_weekend_costs_only_its_working_hours() -> None:
    # Filed Friday 2026-03-06 10:00 with 4 working hours: due 15:00 the same day.
    timer = answer_clock(sh(2026, 3, 6, 10), WorkingBudget.hours(4))
    assert timer.due == sh(2026, 3, 6, 15)
    # Paused Friday 14:00, resumed Monday 10:00: 3h Friday + 1h Monday of working time.
    resumed = timer.paused(sh(2026, 3, 6, 14)).resumed(CHINA, sh(2026, 3, 9, 10))
    assert resumed.paused_for == 4 * H
    assert resumed.due == sh(2026, 3, 9, 11)  # the hour that was left, after the resume


def test_a_pause_inside_the_lunch_break_moves_nothing() -> None:
    timer = answer_clock(sh(2026, 3, 9, 9), WorkingBudget.hours(3))
    assert timer.due == sh(2026, 3, 9, 12)
    resumed = timer.paused(sh(2026, 3, 9, 12, 10)).resumed(CHINA, sh(2026, 3, 9, 12, 50))
    assert resumed.paused_for == timedelta(0)
    assert resumed.due == sh(2026, 3, 9, 12)  # not moved to 13:00 by adding zero


def test_a_pause_over_the_spring_festival_counts_the_make_up_saturday() -> None:
    timer = answer_clock(sh(2026, 2, 13, 9), WorkingBudget.working_days(1))
    assert timer.due == sh(2026, 2, 14, 17)  # Saturday 02-14 is a make-up working day
    resumed = timer.paused(sh(2026, 2, 13, 16)).resumed(CHINA, sh(2026, 2, 24, 9))
    # 1h on the 13th, 7h on the make-up 14th, none in the festival:
    assert resumed.paused_for == 8 * H
    # 8 working hours after 02-14 17:00: all of 02-24 (7h) and one hour of 02-25.
    assert resumed.due == sh(2026, 2, 25, 10)


def test_pause_and_resume_are_refused_out_of_order() -> None:
    timer = answer_clock(sh(2026, 3, 9, 9), WorkingBudget.hours(3))
    with pytest.raises(IllegalTransition):
        timer.resumed(CHINA, sh(2026, 3, 9, 10))
    paused = timer.paused(sh(2026, 3, 9, 10))
    with pytest.raises(IllegalTransition):
        paused.paused(sh(2026, 3, 9, 11))
    with pytest.raises(InvalidValue):
        paused.resumed(CHINA, sh(2026, 3, 9, 9))


def test_a_paused_or_met_clock_is_not_overdue() -> None:
    timer = answer_clock(sh(2026, 3, 9, 9), WorkingBudget.hours(1))
    late = sh(2026, 3, 9, 11)
    assert timer.is_overdue(late)
    assert not timer.paused(sh(2026, 3, 9, 9, 30)).is_overdue(late)
    assert not timer.met(sh(2026, 3, 9, 9, 30)).is_overdue(late)


@pytest.mark.parametrize(
    "make",
    [
        lambda: WorkingBudget(),
        lambda: WorkingBudget(time=H, days=1),
        lambda: WorkingBudget(time=-H),
        lambda: WorkingBudget(days=-1),
        lambda: WorkingBudget(days=True),
        lambda: EscalationStep(Role.DEPARTMENT_HEAD, timedelta(0)),
        lambda: EscalationStep("boss", H),  # type: ignore[arg-type]
    ],
)
def test_malformed_policy_values_are_policy_errors(make: object) -> None:
    with pytest.raises(PolicyError):
        make()  # type: ignore[operator]


def test_next_escalation_follows_the_running_deadline_then_the_chain() -> None:
    due = sh(2026, 3, 9, 12)
    assert next_escalation_at(None, None) is None
    assert next_escalation_at(due, None) == due
    step = Escalation(1, Role.DEPARTMENT_HEAD, DeadlineKind.ANSWER, due, sh(2026, 3, 9, 13), None)
    assert next_escalation_at(due, step) is None  # top of the chain reached
    later = attrs.evolve(step, next_at=sh(2026, 3, 9, 17))
    assert next_escalation_at(due, later) == sh(2026, 3, 9, 17)
    moved = sh(2026, 3, 10, 12)  # a new deadline after the last escalation escalates again
    assert next_escalation_at(moved, later) == moved


# -- laws ------------------------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)
calendars = st.sampled_from([CHINA, GERMANY])
starts = st.datetimes(
    min_value=datetime(2025, 12, 1),
    max_value=datetime(2026, 12, 31),
    timezones=st.sampled_from([SHANGHAI, BERLIN]),
).map(lambda at: at.replace(second=0, microsecond=0))
minutes = st.integers(min_value=0, max_value=30 * 24 * 60).map(lambda m: timedelta(minutes=m))
budgets = st.one_of(
    st.integers(min_value=1, max_value=40 * 60).map(lambda m: WorkingBudget(time=m * H / 60)),
    st.integers(min_value=1, max_value=10).map(WorkingBudget.working_days),
)


@PROPERTY_SETTINGS
@given(calendars, starts, budgets, minutes, minutes)
def test_a_pause_extends_the_deadline_by_exactly_its_working_time(
    calendar: WorkingCalendar,
    start: datetime,
    budget: WorkingBudget,
    until_pause: timedelta,
    pause_length: timedelta,
) -> None:
    timer = Timer.start(DeadlineKind.ANSWER, budget, calendar, start)
    paused_at = start + until_pause
    resumed_at = paused_at + pause_length
    resumed = timer.paused(paused_at).resumed(calendar, resumed_at)

    measured = calendar.working_time_between(paused_at, resumed_at)
    assert resumed.paused_for == measured  # measured in working time, not clock time
    assert calendar.working_time_between(timer.due, resumed.due) == measured
    if measured:
        # The earliest such instant: a microsecond sooner leaves the pause not made up.
        just_before = resumed.due - timedelta(microseconds=1)
        assert calendar.working_time_between(timer.due, just_before) < measured
    else:
        assert resumed.due == timer.due


@PROPERTY_SETTINGS
@given(calendars, starts, st.integers(min_value=1, max_value=40 * 60), minutes, minutes)
def test_working_time_left_is_the_same_before_the_pause_and_after_it(
    calendar: WorkingCalendar,
    start: datetime,
    budget_minutes: int,
    until_pause: timedelta,
    pause_length: timedelta,
) -> None:
    timer = Timer.start(
        DeadlineKind.ANSWER, WorkingBudget(time=budget_minutes * H / 60), calendar, start
    )
    paused_at = start + until_pause
    resumed_at = paused_at + pause_length
    resumed = timer.paused(paused_at).resumed(calendar, resumed_at)
    if paused_at < timer.due:
        left_before = calendar.working_time_between(paused_at, timer.due)
        assert calendar.working_time_between(resumed_at, resumed.due) == left_before


@PROPERTY_SETTINGS
@given(calendars, starts, budgets, st.lists(st.tuples(minutes, minutes), max_size=4))
def test_several_pauses_add_up(
    calendar: WorkingCalendar,
    start: datetime,
    budget: WorkingBudget,
    gaps: list[tuple[timedelta, timedelta]],
) -> None:
    timer = Timer.start(DeadlineKind.ANSWER, budget, calendar, start)
    original, at, total = timer.due, start, timedelta(0)
    for running, paused in gaps:
        at += running
        timer = timer.paused(at).resumed(calendar, at + paused)
        total += calendar.working_time_between(at, at + paused)
        at += paused
    assert timer.paused_for == total
    assert calendar.working_time_between(original, timer.due) == total
