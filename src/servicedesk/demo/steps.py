"""The demo's tables of steps, and the one runner that walks them.

A table is a tuple of ``Step`` rows: at what time, who, which command, and the
line the day's log shows for it.  Where a command needs something only the desk
knows when the step runs (the worker a request went to, the charge just
recorded, the callbacks drawn), the row holds a small function of the desk
instead of the value.  Tables whose rows carry lines are built by functions,
not at import, so that ``servicedesk.i18n._`` translates the lines in the locale
of the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import attrs

from servicedesk import Actor, Command, Desk, Outcome
from servicedesk.i18n import _

Who = Actor | Callable[[Desk], Actor]
"""An actor, or how to find one when the step runs (the worker a request went to)."""

What = Command | Callable[[Desk], Command]
"""A command, or how to make it when the step runs from what the desk knows."""


@attrs.frozen
class Step:
    """One row of a table: at ``at`` (``HH:MM``), ``actor`` gives ``command``, logged as ``line``.

    ``line`` is logged against the record the outcome names; with ``counts`` the
    outcome is a number (``DispatchDue`` answers how many it sent), which fills
    the line's ``{n}``, and the line names no record.  A step without a line is
    not logged.
    """

    at: str
    actor: Who
    command: What
    line: str | None = None
    counts: bool = False


@attrs.frozen
class Done:
    """A step as it ran: when, the command given, the desk's outcome, and its log line."""

    at: datetime
    command: Command
    outcome: Outcome
    record: str
    line: str | None


class DemoClock:
    """A wall clock the demo moves by hand: ``Desk(MemoryStore(), clock=clock)`` reads it."""

    def __init__(self, day: date, tz: ZoneInfo) -> None:
        self.day = day
        self.tz = tz
        self.now = datetime.combine(day, time(8, 0), tzinfo=tz)

    def __call__(self) -> datetime:
        return self.now

    def at(self, hhmm: str, on: date | None = None) -> datetime:
        """Move to ``hhmm`` of ``on`` (the demo day unless given); time only runs forwards."""
        moved = datetime.combine(on or self.day, time.fromisoformat(hhmm), tzinfo=self.tz)
        if moved < self.now:
            raise ValueError(
                _("The demo clock cannot go back from {now} to {moved}.").format(
                    now=self.now, moved=moved
                )
            )
        self.now = moved
        return moved


def walk(desk: Desk, clock: DemoClock, steps: Iterable[Step], on: date | None = None) -> list[Done]:
    """Run ``steps`` on ``desk`` in time order, on the day ``on``; rows of one minute keep
    their table order, so stories written one after the other interleave by time."""
    done = []
    for step in sorted(steps, key=lambda s: s.at):
        at = clock.at(step.at, on)
        actor = step.actor if isinstance(step.actor, Actor) else step.actor(desk)
        command = step.command if isinstance(step.command, Command) else step.command(desk)
        outcome = desk.handle(command, actor=actor)
        record, line = outcome.id or "", step.line
        if step.counts and line is not None:
            record, line = "", line.format(n=outcome.id)
        done.append(Done(at, command, outcome, record, line))
    return done
