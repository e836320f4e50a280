"""The hall's queue (排队叫号) of one day: numbers taken, called, skipped, recalled, transferred.

First come, first served (rule hall.queue): a window calls the waiting ticket that has waited
longest among those it may serve, those for the window itself and those for an item it
serves; a ticket with an appointment (预约) waits from its slot's start, not before it.  The
numbers of a prefix run 1, 2, 3... without a gap, and every ticket is always in exactly one
state, so no number is lost; a ticket is handed to one window at a time and called once in
each line it waits in, so none is called twice (rule hall.queue-no-number-lost).  A store
keeps the day's queue as one record that callers take in turn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Self
from zoneinfo import ZoneInfo

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.errors import IllegalTransition, InvalidValue, NotFound
from servicedesk.domain.events import Event
from servicedesk.domain.hall import HallItemId, WindowId, check_prefix
from servicedesk.domain.values import Identifier, TimeWindow
from servicedesk.i18n import _


@attrs.frozen
class QueueId(Identifier):
    """Identifies one day's queue of the hall: ``queue-2026-05-11``."""

    @classmethod
    def of(cls, day: date) -> QueueId:
        return cls(f"queue-{day.isoformat()}")


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"  # at a window now
    SERVED = "served"
    SKIPPED = "skipped"  # called and did not come


@attrs.frozen
class Visit:
    """One call of a ticket to a window: when, and how long it had waited for it."""

    window_id: WindowId
    called_at: datetime
    waited: timedelta


@attrs.frozen(kw_only=True)
class Ticket:
    """A number taken: for an item (any window that serves it) or for one window."""

    number: str
    seq: int  # the order it was taken in, over the day
    item_id: HallItemId | None
    window_id: WindowId | None  # the window it waits for; None: any window serving the item
    taken_at: datetime
    appointment: TimeWindow | None = None
    status: TicketStatus = TicketStatus.WAITING
    at_window: WindowId | None = None  # where it is called now, or was last
    ready_at: datetime  # since when it waits in its present line
    announced: int = 0  # times called out, recalls included
    visits: tuple[Visit, ...] = ()
    transfers: int = 0
    ended_at: datetime | None = None

    @property
    def order(self) -> tuple[datetime, int]:
        """First come, first served: by arrival, an appointment by its slot's start."""
        start = self.appointment.start if self.appointment else self.taken_at
        return (start, self.seq)

    def may_go_to(self, window_id: WindowId, serves: Collection[HallItemId], at: datetime) -> bool:
        if self.status is not TicketStatus.WAITING:
            return False
        if self.appointment is not None and at < self.appointment.start:
            return False
        if self.window_id is not None:
            return self.window_id == window_id
        return self.item_id in serves


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class QueueOpened(Event):
    queue_id: QueueId
    day: date


@attrs.frozen(kw_only=True)
class TicketTaken(Event):
    queue_id: QueueId
    ticket: Ticket


@attrs.frozen(kw_only=True)
class TicketCalled(Event):
    queue_id: QueueId
    number: str
    window_id: WindowId
    waited: timedelta


@attrs.frozen(kw_only=True)
class TicketRecalled(Event):
    queue_id: QueueId
    number: str
    window_id: WindowId


@attrs.frozen(kw_only=True)
class TicketSkipped(Event):
    queue_id: QueueId
    number: str
    window_id: WindowId


@attrs.frozen(kw_only=True)
class TicketServed(Event):
    queue_id: QueueId
    number: str
    window_id: WindowId


@attrs.frozen(kw_only=True)
class TicketTransferred(Event):
    """Back to waiting, in the line of another window or item, keeping its place by arrival."""

    queue_id: QueueId
    number: str
    from_window: WindowId
    to_window: WindowId | None
    to_item: HallItemId | None


# --- aggregate -----------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class HallQueue(Aggregate[QueueId]):
    day: date
    last_numbers: dict[str, int] = attrs.field(factory=dict)
    tickets: tuple[Ticket, ...] = ()

    @classmethod
    def open(cls, day: date, *, at: datetime) -> HallQueue:
        return cls._create(QueueOpened(at=at, queue_id=QueueId.of(day), day=day))

    # -- queries ---------------------------------------------------------------------------

    def ticket(self, number: str) -> Ticket:
        for ticket in self.tickets:
            if ticket.number == number:
                return ticket
        raise NotFound(
            _("No ticket {number} today."), kind="hall_ticket", field="number", number=number
        )

    def waiting(self) -> list[Ticket]:
        return sorted(
            (t for t in self.tickets if t.status is TicketStatus.WAITING), key=lambda t: t.order
        )

    def called_at(self, window_id: WindowId) -> Ticket | None:
        """The ticket a window is serving now."""
        return next(
            (
                t
                for t in self.tickets
                if t.status is TicketStatus.CALLED and t.at_window == window_id
            ),
            None,
        )

    def ahead_of(self, number: str) -> int:
        """How many waiting tickets come before this one (for the applicant's slip)."""
        ticket = self.ticket(number)
        return sum(1 for t in self.waiting() if t.order < ticket.order)

    # -- commands --------------------------------------------------------------------------

    def take(
        self,
        *,
        prefix: str,
        item_id: HallItemId | None,
        window_id: WindowId | None,
        appointment: TimeWindow | None,
        at: datetime,
    ) -> Ticket:
        """A new number, the next of its prefix: none skipped, none given twice."""
        prefix = check_prefix(prefix)
        if item_id is None and window_id is None:
            raise InvalidValue(
                _("A number is taken for an item or for a window."),
                field="item_id",
                code="hall_queue.invalid",
            )
        if appointment is not None and appointment.end <= at:
            raise InvalidValue(
                _("The appointment slot is over."), field="appointment", code="hall_queue.invalid"
            )
        number = self.last_numbers.get(prefix, 0) + 1
        ready = appointment.start if appointment and appointment.start > at else at
        ticket = Ticket(
            number=f"{prefix}{number:03d}",
            seq=len(self.tickets) + 1,
            item_id=item_id,
            window_id=window_id,
            taken_at=at,
            appointment=appointment,
            ready_at=ready,
        )
        self._record(TicketTaken(at=at, queue_id=self.id, ticket=ticket))
        return ticket

    def call_next(
        self, window_id: WindowId, *, serves: Collection[HallItemId], at: datetime
    ) -> Ticket | None:
        """The window is done with its ticket and calls the next in line, if anyone waits."""
        current = self.called_at(window_id)
        if current is not None:
            self._record(
                TicketServed(at=at, queue_id=self.id, number=current.number, window_id=window_id)
            )
        line = [t for t in self.tickets if t.may_go_to(window_id, serves, at)]
        if not line:
            return None
        chosen = min(line, key=lambda t: t.order)
        waited = max(at - chosen.ready_at, timedelta(0))
        self._record(
            TicketCalled(
                at=at, queue_id=self.id, number=chosen.number, window_id=window_id, waited=waited
            )
        )
        return self.ticket(chosen.number)

    def recall(self, window_id: WindowId, number: str, *, at: datetime) -> None:
        """Call the window's ticket out again, or one it skipped that has come back."""
        ticket = self.ticket(number)
        current = self.called_at(window_id)
        if ticket.at_window != window_id or ticket.status not in (
            TicketStatus.CALLED,
            TicketStatus.SKIPPED,
        ):
            raise IllegalTransition(
                _("Ticket {number} is not called or skipped at window {window}."),
                code="hall_queue.illegal_transition",
                number=number,
                window=window_id,
            )
        if ticket.status is TicketStatus.SKIPPED and current is not None:
            raise IllegalTransition(
                _("Window {window} is serving {number}; finish it before recalling."),
                code="hall_window.illegal_transition",
                window=window_id,
                number=current.number,
            )
        self._record(TicketRecalled(at=at, queue_id=self.id, number=number, window_id=window_id))

    def skip(self, window_id: WindowId, *, at: datetime) -> Ticket:
        """The ticket called did not come: set aside, to be recalled if it comes back."""
        ticket = self._serving(window_id)
        self._record(
            TicketSkipped(at=at, queue_id=self.id, number=ticket.number, window_id=window_id)
        )
        return self.ticket(ticket.number)

    def finish(self, window_id: WindowId, *, at: datetime) -> Ticket:
        ticket = self._serving(window_id)
        self._record(
            TicketServed(at=at, queue_id=self.id, number=ticket.number, window_id=window_id)
        )
        return self.ticket(ticket.number)

    def transfer(
        self,
        window_id: WindowId,
        *,
        to_window: WindowId | None,
        to_item: HallItemId | None,
        at: datetime,
    ) -> Ticket:
        """Send the window's ticket to another window or item; it keeps its place."""
        if (to_window is None) == (to_item is None):
            raise InvalidValue(
                _("A ticket is transferred to a window or to an item, one of them."),
                field="to_window",
                code="hall_queue.invalid",
            )
        if to_window == window_id:
            raise InvalidValue(
                _("A ticket is transferred to another window."),
                field="to_window",
                code="hall_queue.invalid",
            )
        ticket = self._serving(window_id)
        self._record(
            TicketTransferred(
                at=at,
                queue_id=self.id,
                number=ticket.number,
                from_window=window_id,
                to_window=to_window,
                to_item=to_item,
            )
        )
        return self.ticket(ticket.number)

    def _serving(self, window_id: WindowId) -> Ticket:
        current = self.called_at(window_id)
        if current is None:
            raise IllegalTransition(
                _("Window {window} is serving no ticket."),
                code="hall_window.illegal_transition",
                window=window_id,
            )
        return current

    # -- state -----------------------------------------------------------------------------

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case QueueOpened():
                return cls(event.queue_id, day=event.day)
            case _:
                return super().created(event)

    def _change(self, number: str, **changes: Any) -> None:
        self.tickets = tuple(
            attrs.evolve(t, **changes) if t.number == number else t for t in self.tickets
        )

    def apply(self, event: Event) -> None:
        match event:
            case TicketTaken():
                prefix = event.ticket.number.rstrip("0123456789")
                self.last_numbers = {
                    **self.last_numbers,
                    prefix: int(event.ticket.number[len(prefix) :]),
                }
                self.tickets = (*self.tickets, event.ticket)
            case TicketCalled():
                ticket = self.ticket(event.number)
                visit = Visit(event.window_id, event.at, event.waited)
                self._change(
                    event.number,
                    status=TicketStatus.CALLED,
                    at_window=event.window_id,
                    announced=ticket.announced + 1,
                    visits=(*ticket.visits, visit),
                )
            case TicketRecalled():
                ticket = self.ticket(event.number)
                self._change(
                    event.number, status=TicketStatus.CALLED, announced=ticket.announced + 1
                )
            case TicketSkipped():
                self._change(event.number, status=TicketStatus.SKIPPED)
            case TicketServed():
                self._change(event.number, status=TicketStatus.SERVED, ended_at=event.at)
            case TicketTransferred():
                ticket = self.ticket(event.number)
                self._change(
                    event.number,
                    status=TicketStatus.WAITING,
                    window_id=event.to_window,
                    item_id=event.to_item if event.to_item is not None else ticket.item_id,
                    ready_at=event.at,
                    transfers=ticket.transfers + 1,
                )
            case _:
                super().apply(event)


# --- waiting times -------------------------------------------------------------------------------


@attrs.frozen
class WaitingTime:
    """How long the tickets called at one window in one hour of the day had waited."""

    window_id: WindowId
    hour: int  # local hour of the call, 0-23
    calls: int
    average: timedelta
    longest: timedelta


def waiting_times(queues: Collection[HallQueue], tz: ZoneInfo) -> list[WaitingTime]:
    """Per window and hour of the call (in the hall's zone), by window then hour."""
    waits: dict[tuple[WindowId, int], list[timedelta]] = defaultdict(list)
    for visit in _visits(queues):
        waits[visit.window_id, visit.called_at.astimezone(tz).hour].append(visit.waited)
    return [
        WaitingTime(window_id, hour, len(times), sum(times, timedelta()) / len(times), max(times))
        for (window_id, hour), times in sorted(
            waits.items(), key=lambda kv: (kv[0][0].value, kv[0][1])
        )
    ]


def _visits(queues: Collection[HallQueue]) -> Iterator[Visit]:
    for queue in queues:
        for ticket in queue.tickets:
            yield from ticket.visits
