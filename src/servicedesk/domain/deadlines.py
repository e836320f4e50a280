"""Deadlines that run on working time, can be paused, and escalate when missed.

One machinery for every clock of the desk (rule time.breach-stays-recorded, rule
complaints.time-limits): a complaint's
acknowledgement and answer, a request's response, a service hall's promised item.  The
budget is working time or working days of the organisation's calendar; a pause is measured
in working time and moves the deadline by exactly that much; a breach, once recorded, is a
fact of the record that no later status hides (rule time.breach-stays-recorded).

Escalation is a rule of the domain, kept out of any store: ``next_escalation_at`` derives
the one instant at which a case next becomes due for escalation, so a store can index it and
answer "what is due now" with one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

import attrs

from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.errors import IllegalTransition, InvalidValue, PolicyError
from servicedesk.domain.values import Role
from servicedesk.i18n import _

_ZERO = timedelta(0)


class DeadlineKind(StrEnum):
    """Which promise a clock measures."""

    ACKNOWLEDGE = "acknowledge"
    ANSWER = "answer"
    RESPONSE = "response"  # a request: someone on site
    COMPLETION = "completion"  # a request: the job done (a service hall's 承诺件)


@attrs.frozen
class WorkingBudget:
    """How long a deadline gives: working time (hours) or whole working days (承诺件).

    Exactly one of the two is set, so a policy cannot leave a deadline ambiguous.
    """

    time: timedelta = _ZERO
    days: int = 0

    def __attrs_post_init__(self) -> None:
        good_time = isinstance(self.time, timedelta) and self.time >= _ZERO
        good_days = isinstance(self.days, int) and not isinstance(self.days, bool)
        if not good_time or not good_days or self.days < 0:
            raise PolicyError(
                _("A deadline budget is a positive working time or working days."),
                code="deadline.policy_unusable",
            )
        if (self.time > _ZERO) == (self.days > 0):
            raise PolicyError(
                _("A deadline budget gives either working time or working days, exactly one."),
                code="deadline.policy_unusable",
            )

    @classmethod
    def hours(cls, hours: float) -> WorkingBudget:
        return cls(time=timedelta(hours=hours))

    @classmethod
    def working_days(cls, days: int) -> WorkingBudget:
        return cls(days=days)

    def due(self, calendar: WorkingCalendar, start: datetime) -> datetime:
        if self.days:
            return calendar.add_working_days(start, self.days)
        return calendar.add(start, self.time)


@attrs.frozen
class Timer:
    """One running promise: due when, paused since when, met when.

    ``paused_for`` is the total working time spent paused; the due time already includes it.
    """

    kind: DeadlineKind
    started_at: datetime
    due: datetime
    paused_at: datetime | None = None
    paused_for: timedelta = _ZERO
    met_at: datetime | None = None

    @classmethod
    def start(
        cls,
        kind: DeadlineKind,
        budget: WorkingBudget,
        calendar: WorkingCalendar,
        at: datetime,
    ) -> Timer:
        return cls(kind, at, budget.due(calendar, at))

    @property
    def is_running(self) -> bool:
        return self.met_at is None and self.paused_at is None

    def is_overdue(self, now: datetime) -> bool:
        """Running and past due; a paused clock is stopped, a met one is done."""
        return self.is_running and now > self.due

    def paused(self, at: datetime) -> Timer:
        if not self.is_running:
            raise IllegalTransition(
                _("Only a running deadline can be paused."), code="deadline.illegal_transition"
            )
        return attrs.evolve(self, paused_at=at)

    def resumed(self, calendar: WorkingCalendar, at: datetime) -> Timer:
        """The clock runs again; the deadline moves by the working time spent paused."""
        if self.paused_at is None:
            raise IllegalTransition(
                _("Only a paused deadline can be resumed."), code="deadline.illegal_transition"
            )
        if at < self.paused_at:
            raise InvalidValue(_("A pause cannot end before it started."), code="deadline.invalid")
        length = calendar.working_time_between(self.paused_at, at)
        # add(due, 0) would move a due time at a block's end to the next block: no pause, no move.
        due = calendar.add(self.due, length) if length > _ZERO else self.due
        return attrs.evolve(self, due=due, paused_at=None, paused_for=self.paused_for + length)

    def met(self, at: datetime) -> Timer:
        return attrs.evolve(self, met_at=at)


@attrs.frozen
class Breach:
    """A deadline missed: recorded once per clock, kept for ever."""

    kind: DeadlineKind
    started_at: datetime
    due: datetime
    noticed_at: datetime


@attrs.frozen
class EscalationStep:
    """Who is told at one level of the chain, and how much working time they get to act."""

    role: Role
    wait: timedelta

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.role, Role):
            raise PolicyError(
                _("An escalation step names a role, not {value!r}."),
                code="deadline.policy_unusable",
                value=self.role,
            )
        if not isinstance(self.wait, timedelta) or self.wait <= _ZERO:
            # A zero wait would let one sweep escalate the same case again at the same instant.
            raise PolicyError(
                _("An escalation step must give a positive working time to act."),
                code="deadline.policy_unusable",
            )


@attrs.frozen
class Escalation:
    """One step up the chain: who was told, why, and when the next step would come."""

    level: int
    role: Role
    kind: DeadlineKind
    due: datetime
    at: datetime
    next_at: datetime | None


def next_escalation_at(due: datetime | None, last: Escalation | None) -> datetime | None:
    """When a case next becomes due for escalation: the index a store keeps.

    The case escalates once ``now`` is strictly after this instant (a case due at 10:00 is not
    yet late at 10:00).

    ``due`` is the deadline whose clock is running (``None`` when none is: met, paused,
    closed).  A deadline that is new or moved since the last escalation escalates when it is
    missed; otherwise the chain continues on its own schedule, and stops at its top.
    """
    if due is None:
        return None
    if last is None or last.at < due:
        return due
    return last.next_at


def escalation(
    *,
    chain: Sequence[EscalationStep],
    escalated: Sequence[Escalation],
    kind: DeadlineKind,
    due: datetime,
    calendar: WorkingCalendar,
    now: datetime,
) -> Escalation | None:
    """The step up ``chain`` that is due at ``now`` for the running deadline ``due``.

    ``None`` when none is: not late yet, the current level still has time to act, or the
    chain has no higher level.
    """
    at = next_escalation_at(due, escalated[-1] if escalated else None)
    level = len(escalated)
    if at is None or not now > at or level >= len(chain):
        return None
    step = chain[level]
    next_at = calendar.add(now, step.wait) if level + 1 < len(chain) else None
    return Escalation(level + 1, step.role, kind, due, now, next_at)
