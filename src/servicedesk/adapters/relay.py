"""The relay: the event feed published to a message broker, at least once, in order per aggregate.

A relay reads ``desk.events`` from the position it stored, publishes a page,
waits until the broker has acknowledged every message of it, then stores the
position of the page's last event.  Killed at any moment, it starts again from
that position: what it published after it is published again (at least once),
with the same position, which a broker that deduplicates (JetStream's
``Nats-Msg-Id``) drops and any consumer can recognise.

Inside a page, messages are sent in windows that hold at most one event per
aggregate; the next window is sent only once the broker has acknowledged the
whole window before it.  So a message the broker refused, or never answered,
is published again before any later event of its aggregate: each aggregate's
events reach the broker in the feed's order, which is the order they happened.

The broker is a port (``Publisher``) of one method; ``JetStreamPublisher`` is
the tested one.  Personal data stays in the desk, where an erasure reaches it:
messages carry ``privacy.scrub`` of each event unless the relay is told to
publish events as stored.
"""

from __future__ import annotations

import abc
import asyncio
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from servicedesk import convert
from servicedesk.adapters.sql.relay_positions import SqlRelayPositions
from servicedesk.adapters.sql.store import SqlStore
from servicedesk.app.feed.ports import START, FeedEvent, Position, RelayPositions
from servicedesk.app.feed.queries import EventFeed
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.errors import InvalidValue, RelayError, ServiceDeskError
from servicedesk.domain.privacy import scrub
from servicedesk.i18n import _

log = logging.getLogger("servicedesk.relay")

#: Headers every message carries (besides a broker's own, such as ``Nats-Msg-Id``).
POSITION = "Servicedesk-Position"
STREAM = "Servicedesk-Stream"
AGGREGATE = "Servicedesk-Aggregate-Id"
TYPE = "Servicedesk-Type"


@attrs.frozen
class Message:
    """One event as a broker gets it: its subject, JSON body, headers and its id (the position)."""

    subject: str
    body: bytes
    headers: Mapping[str, str]
    id: str


class Publisher(abc.ABC):
    """A broker the relay publishes to."""

    @abc.abstractmethod
    def publish(self, messages: Sequence[Message]) -> None:
        """Return once the broker holds every one of ``messages``; raise ``RelayError`` if not.

        No two messages of one call concern the same aggregate, so they may be
        sent without waiting for each other.  A message published again has the
        same ``id``; a broker that deduplicates by it keeps one copy.
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        """Let go of the connection."""


class MemoryRelayPositions(RelayPositions):
    """Positions kept in the relay's own process: for tests and a desk on a ``MemoryStore``."""

    def __init__(self) -> None:
        self.positions: dict[str, Position] = {}

    def load(self, name: str) -> Position:
        return self.positions.get(name, START)

    def save(self, name: str, position: Position) -> None:
        self.positions[name] = max(position, self.load(name))


def positions_of(store: Store) -> RelayPositions:
    """Where a relay on ``store`` keeps its position: the SQL store's own table, else in memory."""
    return SqlRelayPositions(store) if isinstance(store, SqlStore) else MemoryRelayPositions()


def message_of(fed: FeedEvent, prefix: str, *, personal_data: bool = False) -> Message:
    """``fed`` as a message on ``<prefix>.<stream>.<type>``, its body the event's JSON."""
    event = fed.event if personal_data else scrub(fed.event)
    body = json.dumps(convert.unstructure(event), ensure_ascii=False, sort_keys=True)
    token = str(fed.position)
    headers = {POSITION: token, STREAM: fed.stream, AGGREGATE: fed.aggregate_id, TYPE: fed.type}
    return Message(f"{prefix}.{fed.stream}.{fed.type}", body.encode(), headers, token)


def windows(events: Sequence[FeedEvent]) -> Iterator[list[FeedEvent]]:
    """``events`` cut, in order, into runs with at most one event per aggregate."""
    window: list[FeedEvent] = []
    seen: set[tuple[str, str]] = set()
    for fed in events:
        key = (fed.stream, fed.aggregate_id)
        if key in seen:
            yield window
            window, seen = [], set()
        window.append(fed)
        seen.add(key)
    if window:
        yield window


class Relay:
    """Publishes ``feed`` to ``publisher`` from the position ``positions`` keeps under ``name``."""

    def __init__(
        self,
        feed: EventFeed,
        publisher: Publisher,
        positions: RelayPositions,
        *,
        name: str = "default",
        prefix: str = "servicedesk",
        page: int = 500,
        personal_data: bool = False,
    ) -> None:
        if not prefix or any(c in prefix for c in " *>\t\r\n"):
            raise InvalidValue(
                _("{prefix!r} cannot begin a subject."),
                field="prefix",
                code="relay.invalid",
                prefix=prefix,
            )
        self.feed = feed
        self.publisher = publisher
        self.positions = positions
        self.name = name
        self.prefix = prefix
        self.page = page
        self.personal_data = personal_data

    def step(self) -> int:
        """Publish the next page of the feed and store its last position; how many events."""
        after = self.positions.load(self.name)
        found = self.feed.after(after, self.page)
        for window in windows(found.events):
            self.publisher.publish([self.message(fed) for fed in window])
        if found.events:
            self.positions.save(self.name, found.position)
            log.info("relay %s published %d to %s", self.name, len(found.events), found.token)
        return len(found.events)

    def message(self, fed: FeedEvent) -> Message:
        return message_of(fed, self.prefix, personal_data=self.personal_data)

    def drain(self) -> int:
        """Publish until the feed's end; how many events."""
        total = 0
        while (published := self.step()) == self.page:
            total += published
        return total + published

    def run(
        self,
        stop: threading.Event,
        *,
        idle: float = 0.5,
        longest_wait: float = 10.0,
        wait: Callable[[float], object] | None = None,
    ) -> None:
        """Publish until ``stop`` is set; at the feed's end, look again every ``idle`` seconds.

        A broker or database that fails is logged and tried again, after a
        wait that doubles up to ``longest_wait``, from the stored position.
        """
        pause = wait or stop.wait
        failures = 0
        while not stop.is_set():
            try:
                published = self.step()
                failures = 0
            except ServiceDeskError as error:
                failures += 1
                log.warning("relay %s: %s", self.name, error.message)
                pause(min(longest_wait, idle * 2**failures))
                continue
            if published < self.page:
                pause(idle)


class JetStreamPublisher(Publisher):
    """NATS JetStream (``pip install 'servicedesk[nats]'``): one stream takes ``<prefix>.>``.

    The stream is made if missing.  Each message's ``Nats-Msg-Id`` is its
    position, so a message published again within the stream's duplicate
    window (two minutes unless the stream says otherwise) is stored once.
    """

    def __init__(
        self,
        url: str,
        *,
        stream: str = "SERVICEDESK",
        prefix: str = "servicedesk",
        timeout: float = 10.0,
    ) -> None:
        import nats

        self.where = _without_password(url)
        self.stream = stream
        self.timeout = timeout
        self.loop = asyncio.new_event_loop()
        try:
            self.connection = self._run(
                nats.connect(url, connect_timeout=timeout, max_reconnect_attempts=-1)
            )
            self.jetstream = self.connection.jetstream(timeout=timeout)
            self._run(self._stream(f"{prefix}.>"))
        except BaseException:
            self.loop.close()
            raise

    async def _stream(self, subjects: str) -> None:
        from nats.js.errors import NotFoundError

        try:
            await self.jetstream.stream_info(self.stream)
        except NotFoundError:
            await self.jetstream.add_stream(name=self.stream, subjects=[subjects])

    def _run(self, work: Any) -> Any:
        from nats.errors import Error as NatsError

        try:
            return self.loop.run_until_complete(asyncio.wait_for(work, self.timeout))
        except (NatsError, OSError, TimeoutError) as error:
            raise RelayError(
                _("The broker at {where} did not take the events ({reason})."),
                where=self.where,
                reason=type(error).__name__,
            ) from error

    async def _publish(self, messages: Sequence[Message]) -> None:
        acks = [
            await self.jetstream.publish_async(
                m.subject, m.body, headers={**m.headers, "Nats-Msg-Id": m.id}
            )
            for m in messages
        ]
        await asyncio.gather(*acks)

    def publish(self, messages: Sequence[Message]) -> None:
        self._run(self._publish(messages))

    def close(self) -> None:
        try:
            self._run(self.connection.close())
        finally:
            self.loop.close()


def _without_password(url: str) -> str:
    scheme, found, rest = url.partition("://")
    if found and "@" in rest:
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
