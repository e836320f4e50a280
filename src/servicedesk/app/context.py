"""What a handler gets besides its command, and the tables the desk is wired with."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from servicedesk.app.appraisal.ports import RatingFigures, no_ratings
from servicedesk.app.command import Command
from servicedesk.app.records.ports import SettlementVoucher
from servicedesk.app.unit_of_work import UnitOfWork
from servicedesk.domain.callbacks import Month, ScheduledVisit
from servicedesk.domain.events import Event
from servicedesk.domain.values import Actor, Identifier, RequestId
from servicedesk.policies.manager import Policies

#: A command's handler: it returns the id of the record it created or changed.
Handler = Callable[[Any, "Context"], str | None]
#: What one event does to the record files it concerns.
Filer = Callable[[Any, "Context"], None]
#: The visits the long-term agreements promise in a month, read in the planning transaction.
VisitSource = Callable[[UnitOfWork, Month], Iterable[ScheduledVisit]]
#: The settlement vouchers (结算凭证) a job's archive shows.
VoucherSource = Callable[[UnitOfWork, RequestId], Sequence[SettlementVoucher]]


@attrs.frozen
class Wiring:
    """The tables a desk runs on: every handler, filer and record source, by name.

    ``servicedesk.app.bootstrap.WIRING`` is the library's own; a test or an
    embedding application may pass another (``attrs.evolve(WIRING, ...)``).
    """

    #: Command class -> its handler.
    handlers: Mapping[type[Command], Handler]
    #: Event class -> what it does to record files.
    filers: Mapping[type[Event], Filer]
    #: Store kind -> (aggregate class, id class): what a record file of that kind holds.
    record_sources: Mapping[str, tuple[type[Any], type[Identifier]]]
    voucher_sources: Sequence[VoucherSource] = ()
    visit_sources: Sequence[VisitSource] = ()
    #: Where an appraisal reads a person's public ratings (the ratings area plugs in here).
    rating_figures: RatingFigures = no_ratings


@attrs.define
class Batch:
    """Where a bulk command's unit of work stands in its run: the handler's side of batching.

    A bulk command (the month close, the escalation sweep, the purge) changes at most
    about ``size`` records in one unit of work (``None``: the whole run in one), so that
    other writers get the store between two.  ``resumed`` is what the previous unit of
    work of the run handed on (``None`` in the first): where this one starts and what
    the run did so far.  A handler that stops before the end calls ``more(state)``; the
    desk commits the unit of work and runs the handler again, in a new one, resumed
    from ``state``.  Each unit of work must leave the store right on its own: a run cut
    short by a crash is finished by running the command again.
    """

    size: int | None = None
    resumed: Any = None
    #: Whether the caller asked to be told how far the run got (``Desk.handle(progress=)``).
    counted: bool = False
    #: What the handler keeps across the run to count its progress (its total...).
    tally: Any = None
    #: What ``more`` handed on, for the next unit of work; ``None``: the run is done.
    carried: Any = attrs.field(default=None, init=False)
    pending: bool = attrs.field(default=False, init=False)
    #: ``(done, total)`` as the handler counted it, told to the caller once committed.
    reported: tuple[int, int] | None = attrs.field(default=None, init=False)

    def more(self, state: Any) -> None:
        """The run goes on after this unit of work, resumed from ``state``."""
        self.carried, self.pending = state, True

    def report(self, done: int, total: int, tally: Any = None) -> None:
        """How far the run got with this unit of work; ``tally`` is kept for the next one."""
        self.reported, self.tally = (done, total), tally


@attrs.frozen
class Context:
    """What every handler gets besides its command."""

    uow: UnitOfWork
    policies: Policies
    actor: Actor
    now: datetime
    wiring: Wiring
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex
    #: The key the desk seals its audit records with (``Desk(audit_key=...)``), if any.
    audit_key: bytes | None = None
    batch: Batch = attrs.field(factory=Batch)
