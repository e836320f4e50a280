"""The desk: the one object an embedding system talks to.

``Desk.handle(command, actor=...)`` runs the command's handler in a unit of
work, commits, then hands the recorded events to subscribers and returns an
``Outcome``.  A refused command raises a ``ServiceDeskError`` and stores
nothing.  A subscriber that fails is logged and passed over: the command is
stored, and ``desk.events`` (the feed) is how any consumer catches up.  The
clock is read here, at the edge, and passed to the domain.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import attrs

from servicedesk.app.appraisal.queries import AppraisalQueries
from servicedesk.app.audit import audited, record_refusal
from servicedesk.app.billing.queries import BillingQueries
from servicedesk.app.bootstrap import WIRING
from servicedesk.app.callbacks.queries import QualityQueries
from servicedesk.app.command import Command
from servicedesk.app.complaints.queries import ComplaintQueries
from servicedesk.app.context import Batch, Context, Handler, Wiring
from servicedesk.app.door import Limits, check_command
from servicedesk.app.enquiries.queries import EnquiryQueries
from servicedesk.app.feed.queries import EventFeed
from servicedesk.app.hall.queries import HallQueries
from servicedesk.app.idempotency import fingerprint, remember, replayed, to_key
from servicedesk.app.permissions import (
    Access,
    check_bound,
    check_permission,
    check_reserved_rules,
    command_cells,
    query_cells,
)
from servicedesk.app.progress import Progress
from servicedesk.app.ratings.queries import RatingQueries
from servicedesk.app.records.queries import RecordQueries
from servicedesk.app.requests.queries import Queries
from servicedesk.app.staff.queries import StaffQueries
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.errors import ConcurrencyConflict, InvalidValue, PermissionDenied
from servicedesk.domain.events import Event
from servicedesk.domain.values import Actor, aware
from servicedesk.i18n import _
from servicedesk.i18n import locale as speaking
from servicedesk.policies.manager import Policies, plugin_manager
from servicedesk.policies.records_defaults import EVENT_FEED, REVEAL_PERSONAL_DATA

log = logging.getLogger("servicedesk")

Clock = Callable[[], datetime]
Subscriber = Callable[[Event], None]
#: The row of the table for an export that shows personal data unmasked.
REVEALED_EXPORT = "records.requester_export(reveal=True)"
#: The desk's attributes that answer queries, each permission-checked (``Access``).
QUERY_AREAS = (
    "queries",
    "billing",
    "complaints",
    "quality",
    "records",
    "hall",
    "appraisal",
    "ratings",
    "enquiries",
    "staff",
)
#: How long to wait before retry number ``attempt`` (0 for the first retry), in seconds.
Backoff = Callable[[int], float]


def jittered_backoff(attempt: int) -> float:
    """Exponential backoff with full jitter: 0 to 10 ms, then 20, 40... at most 200 ms.

    Writers that collided on one row and retry at once collide again; a random
    wait, growing with each attempt, spreads them out (the well-known "full
    jitter" of exponential backoff), so that fewer give up after their retries.
    """
    return random.uniform(0.0, min(0.2, 0.01 * 2**attempt))


#: Records a bulk command changes per unit of work by default (``Desk(bulk_batch=...)``).
BULK_BATCH = 5_000


def system_clock() -> datetime:
    return datetime.now(UTC)


@attrs.frozen
class Outcome:
    """What a command did: the id it created or changed, and the events recorded."""

    id: str | None
    events: tuple[Event, ...]


class Desk:
    """Commands in, events out, queries on the side."""

    def __init__(
        self,
        store: Store,
        *,
        wiring: Wiring = WIRING,
        plugins: Iterable[object] = (),
        clock: Clock = system_clock,
        entry_points: bool = True,
        retries: int = 3,
        backoff: Backoff = jittered_backoff,
        sleep: Callable[[float], None] = time.sleep,
        audit_key: bytes | None = None,
        locale: str | None = None,
        bulk_batch: int | None = BULK_BATCH,
    ) -> None:
        if bulk_batch is not None and (
            not isinstance(bulk_batch, int) or isinstance(bulk_batch, bool) or bulk_batch < 1
        ):
            raise InvalidValue(
                _("A bulk batch holds at least one record, or is None for all."),
                code="command.invalid",
            )
        self.store = store
        #: The language of this desk's refusals (``zh_CN``); ``None`` keeps the caller's.
        self.locale = locale
        self.wiring = wiring
        self.plugins = plugin_manager(plugins, entry_points=entry_points)
        self.policies = Policies(self.plugins)
        check_reserved_rules(self.policies, wiring.handlers)  # a widening plugin stops us here
        #: What the door lets in: the organisation's currency and largest amount, asked once.
        self.limits = Limits(
            currency=self.policies.currency(), largest_amount=self.policies.largest_amount()
        )
        self.clock = clock
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        #: Seals every audit record (``seal_of``): keep it where the store's administrators
        #: cannot read it, and ``verify`` names the first record of a rewritten tail.
        self.audit_key = audit_key
        #: Records (statements' charges, escalations, erasures) a bulk command changes per
        #: unit of work; ``None``: its whole run in one (docs/stores.md).
        self.bulk_batch = bulk_batch
        self.subscribers: list[Subscriber] = []
        self._audited: dict[Handler, Handler] = {}
        access = Access(store, self.policies, clock, audit_key)
        self.queries = Queries(store, self.policies, clock, access)
        self.complaints = ComplaintQueries(store, clock, access, policies=self.policies)
        self.quality = QualityQueries(store, self.policies, clock, access)
        self.billing = BillingQueries(store, self.policies, clock, access)
        self.records = RecordQueries(
            store, self.policies, clock, wiring, access, audit_key=audit_key
        )
        self.hall = HallQueries(store, self.policies, clock, access)
        self.appraisal = AppraisalQueries(store, self.policies, clock, access)
        self.ratings = RatingQueries(store, self.policies, clock, access)
        self.enquiries = EnquiryQueries(store, self.policies, clock, access)
        self.staff = StaffQueries(store, self.policies, clock, access)
        #: Every committed event in commit order, from a position the reader keeps.
        self.events = EventFeed(store, access)

    def query_names(self) -> list[str]:
        """Every query the desk answers, as ``<attribute>.<method>`` (``billing.account``)."""
        return [
            f"{area}.{name}"
            for area in QUERY_AREAS
            for name in sorted(vars(type(getattr(self, area))))
            if not name.startswith("_") and callable(getattr(getattr(self, area), name))
        ]

    def permission_rows(self) -> list[tuple[str, dict[str, str]]]:
        """Who may give each command and ask each query: the table docs/records.md shows."""
        commands = [(c.__name__, command_cells(self.policies, c)) for c in self.wiring.handlers]
        queries = [(q, query_cells(self.policies, q)) for q in self.query_names()]
        reveal = (REVEALED_EXPORT, query_cells(self.policies, REVEAL_PERSONAL_DATA))
        feed = (EVENT_FEED, query_cells(self.policies, EVENT_FEED))
        return [*commands, *queries, reveal, feed]

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call ``subscriber`` with every event ``handle`` returns, after its transaction committed.

        What it raises is logged and goes no further: the command is stored
        whatever a subscriber does, and the next subscriber still gets the event.
        A consumer that must miss nothing (bulk-written events are not handed to
        subscribers, nor events of other processes) reads ``events`` instead.
        """
        self.subscribers.append(subscriber)

    def check(self, command: Command, *, actor: Actor | None = None) -> None:
        """Refuse ``command`` as ``handle`` would at the door, without carrying it out.

        Its values are checked and the actor's role; what only the records can tell
        (an unknown id, a state that forbids it) is left to ``handle``.  A caller
        with several commands to give checks them all first, so that a bad one
        refuses the lot before any is stored.
        """
        with speaking(self.locale):
            self._admitted(command)
            check_permission(self.policies, command, actor or Actor.system())

    def _admitted(self, command: Command) -> Handler:
        """The command's handler, once the command's values passed the door."""
        handler = self.wiring.handlers.get(type(command))
        if handler is None:
            raise InvalidValue(
                _("Unknown command {name}."), code="command.invalid", name=type(command).__name__
            )
        check_command(command, self.limits)  # before any policy or store is asked
        return handler

    def handle(
        self,
        command: Command,
        *,
        actor: Actor | None = None,
        idempotency_key: str | None = None,
        progress: Progress | None = None,
    ) -> Outcome:
        """Carry ``command`` out for ``actor`` and return what it did.

        ``actor`` is the member of staff (or the requester) the embedding
        application authenticated; without one the command is the system's
        own (``Actor.system()``), which may run sweeps, kiosks and online intake
        but nothing the domain reserves to a person (rule records.system-actor).
        A refusal speaks the desk's locale, if it has one.  A bulk command tells
        ``progress`` how far it got after each batch (``servicedesk.app.progress``).
        """
        with speaking(self.locale):
            return self._handle(command, actor, idempotency_key, progress)

    def _handle(
        self,
        command: Command,
        actor: Actor | None,
        idempotency_key: str | None,
        progress: Progress | None = None,
    ) -> Outcome:
        """Carry out ``command``: one unit of work, or one per batch of a bulk command.

        A bulk command's handler may stop after a batch (``Context.batch``); each
        batch is then committed, and its events published, before the next begins,
        every batch at the run's first instant.  The idempotency key is stored with
        the last batch, and the ``Outcome`` reports the whole run.
        """
        handler = self._admitted(command)
        actor = actor or Actor.system()
        key = None if idempotency_key is None else to_key(idempotency_key)
        print_ = fingerprint(command) if key else ""
        wrapped = self._audited.get(handler)
        if wrapped is None:  # filing and the audit record, wrapped once per handler
            wrapped = self._audited[handler] = audited(handler)
        handler = wrapped
        resumed: Any = None
        tally: Any = None
        run_at: datetime | None = None
        published: list[Event] = []
        while True:
            for attempt in range(self.retries + 1):
                now = run_at or aware(self.clock(), "clock time")
                batch = Batch(self.bulk_batch, resumed, counted=progress is not None, tally=tally)
                try:
                    with self.store.unit_of_work() as uow:
                        ctx = Context(
                            uow,
                            self.policies,
                            actor,
                            now,
                            self.wiring,
                            batch=batch,
                            audit_key=self.audit_key,
                        )
                        check_permission(self.policies, command, actor)  # a replay too
                        check_bound(self.policies, command, actor, uow)
                        if key and (first := replayed(uow, key, command, print_, actor)):
                            return Outcome(*first)  # the first call's outcome; nothing changes
                        result = handler(command, ctx)
                        if key and not batch.pending:
                            remember(
                                uow, key, command, print_, result, actor=actor, earlier=published
                            )
                        events = uow.commit()
                    break
                except PermissionDenied as refusal:
                    record_refusal(self.store, command, ctx, refusal)  # the command's rolled back
                    raise
                except ConcurrencyConflict:
                    if attempt == self.retries:
                        raise
                    log.info("conflict on %s, retrying", type(command).__name__)
                    self.sleep(self.backoff(attempt))
            log.info("%s by %s: %d events", type(command).__name__, actor.id, len(events))
            for event in events:
                for subscriber in self.subscribers:
                    notify(subscriber, event)
            published.extend(events)
            if progress is not None and batch.reported is not None:
                progress(*batch.reported)
            if not batch.pending:
                return Outcome(result, tuple(published))
            resumed, run_at, tally = batch.carried, now, batch.tally


def notify(subscriber: Subscriber, event: Event) -> None:
    """Hand ``event`` to ``subscriber``; what it raises is logged by kind, never by content.

    An exception's text may quote the event (a requester's name, a phone), so the
    log names only the subscriber, the event's type and the exception's class.
    """
    try:
        subscriber(event)
    except Exception as error:
        name = getattr(subscriber, "__qualname__", type(subscriber).__qualname__)
        log.error(
            "subscriber %s raised %s on %s; the command is stored, the event is in the feed",
            name,
            type(error).__name__,
            type(event).__name__,
        )
