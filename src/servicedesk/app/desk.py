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

import attrs

from servicedesk.app.audit import audited, check_permission, record_refusal
from servicedesk.app.billing.queries import BillingQueries
from servicedesk.app.bootstrap import WIRING
from servicedesk.app.callbacks.queries import QualityQueries
from servicedesk.app.command import Command
from servicedesk.app.complaints.queries import ComplaintQueries
from servicedesk.app.context import Context, Handler, Wiring
from servicedesk.app.door import Limits, check_command
from servicedesk.app.feed.queries import EventFeed
from servicedesk.app.idempotency import fingerprint, remember, replayed, to_key
from servicedesk.app.records.queries import RecordQueries
from servicedesk.app.requests.queries import Queries
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.errors import ConcurrencyConflict, InvalidValue, PermissionDenied
from servicedesk.domain.events import Event
from servicedesk.domain.values import Actor, aware
from servicedesk.i18n import _
from servicedesk.policies.manager import Policies, plugin_manager

log = logging.getLogger("servicedesk")

Clock = Callable[[], datetime]
Subscriber = Callable[[Event], None]
#: How long to wait before retry number ``attempt`` (0 for the first retry), in seconds.
Backoff = Callable[[int], float]


def jittered_backoff(attempt: int) -> float:
    """Exponential backoff with full jitter: 0 to 10 ms, then 20, 40... at most 200 ms.

    Writers that collided on one row and retry at once collide again; a random
    wait, growing with each attempt, spreads them out (the well-known "full
    jitter" of exponential backoff), so that fewer give up after their retries.
    """
    return random.uniform(0.0, min(0.2, 0.01 * 2**attempt))


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
    ) -> None:
        self.store = store
        self.wiring = wiring
        self.plugins = plugin_manager(plugins, entry_points=entry_points)
        self.policies = Policies(self.plugins)
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
        self.subscribers: list[Subscriber] = []
        self._audited: dict[Handler, Handler] = {}
        self.queries = Queries(store, self.policies, clock)
        self.complaints = ComplaintQueries(store, clock)
        self.quality = QualityQueries(store, self.policies, clock)
        self.billing = BillingQueries(store, self.policies, clock)
        self.records = RecordQueries(store, self.policies, clock, wiring, audit_key=audit_key)
        #: Every committed event in commit order, from a position the reader keeps.
        self.events = EventFeed(store)

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
        self._admitted(command)
        check_permission(self.policies, command, actor or Actor.system())

    def _admitted(self, command: Command) -> Handler:
        """The command's handler, once the command's values passed the door."""
        handler = self.wiring.handlers.get(type(command))
        if handler is None:
            raise InvalidValue(_("Unknown command {name}.").format(name=type(command).__name__))
        check_command(command, self.limits)  # before any policy or store is asked
        return handler

    def handle(
        self, command: Command, *, actor: Actor | None = None, idempotency_key: str | None = None
    ) -> Outcome:
        handler = self._admitted(command)
        actor = actor or Actor.system()
        key = None if idempotency_key is None else to_key(idempotency_key)
        print_ = fingerprint(command) if key else ""
        wrapped = self._audited.get(handler)
        if wrapped is None:  # filing and the audit record, wrapped once per handler
            wrapped = self._audited[handler] = audited(handler)
        handler = wrapped
        for attempt in range(self.retries + 1):
            now = aware(self.clock(), "clock time")
            try:
                with self.store.unit_of_work() as uow:
                    ctx = Context(
                        uow, self.policies, actor, now, self.wiring, audit_key=self.audit_key
                    )
                    check_permission(self.policies, command, actor)  # a replay is checked too
                    if key and (first := replayed(uow, key, command, print_)):
                        return Outcome(*first)  # the first call's outcome; nothing changes
                    result = handler(command, ctx)
                    if key:
                        remember(uow, key, command, print_, result)
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
        return Outcome(result, tuple(events))


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
