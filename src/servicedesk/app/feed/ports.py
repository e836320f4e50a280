"""What the feed hands out: positions and the events found at them.

A feed position is the number of the audit record whose unit of work wrote the
event, and the event's place inside that unit of work.  Audit records are
numbered in commit order (each commit chains its record while it holds the
chain's head), so a reader that has seen record ``n`` has seen every commit
before it; the event log's own numbers are not in commit order on a server,
where a transaction that commits later may have drawn a smaller one.
"""

from __future__ import annotations

import abc
import re
from typing import Any

import attrs

from servicedesk import convert
from servicedesk.domain.errors import InvalidValue, StoreError
from servicedesk.domain.events import Event
from servicedesk.i18n import _

_DIGITS = 19  # a 63-bit number in decimal
_TOKEN = re.compile(rf"(\d{{{_DIGITS}}})\.(\d{{{_DIGITS}}})")


@attrs.frozen(order=True)
class Position:
    """Where an event is in the feed; ``Position()`` is before the first event.

    ``record`` is the audit record's number (0 for the events stored before the
    log marked its events); ``offset`` orders the events inside one record and
    means nothing else.  ``str(position)`` is the token to store: fixed width,
    so that tokens compare as their positions do.
    """

    record: int = 0
    offset: int = 0

    def __str__(self) -> str:
        return f"{self.record:0{_DIGITS}d}.{self.offset:0{_DIGITS}d}"

    @classmethod
    def of(cls, value: Position | str | None) -> Position:
        """``value`` as a position: a token ``str(position)`` gave, or the start for ``None``."""
        if value is None:
            return START
        if isinstance(value, Position):
            return value
        found = _TOKEN.fullmatch(value) if isinstance(value, str) else None
        if found is None:
            raise InvalidValue(
                _("{value!r} is not a feed position."),
                field="position",
                code="feed.invalid",
                value=str(value)[:60],
            )
        return cls(int(found[1]), int(found[2]))


#: Before the first event of the feed.
START = Position()


@attrs.frozen
class FeedEvent:
    """One committed event, where the feed holds it, with the aggregate it belongs to."""

    position: Position
    stream: str  # the aggregate's kind, e.g. "request"
    aggregate_id: str
    event: Event

    @property
    def type(self) -> str:
        return type(self.event).__name__


def feed_event(position: Position, stream: str, aggregate_id: str, document: Any) -> FeedEvent:
    """The event stored as ``document``; a document that no longer decodes is a store error."""
    try:
        event = convert.structure(document, Event)
    except Exception as error:  # an edited row: ``verify`` names it, the feed refuses to guess
        raise StoreError(
            _(
                "The stored event at feed position {position} ({stream} {id}) does not decode "
                "({reason}); run verify."
            ),
            position=position,
            stream=stream,
            id=aggregate_id,
            reason=type(error).__name__,
        ) from error
    return FeedEvent(position, stream, aggregate_id, event)


class RelayPositions(abc.ABC):
    """Where each relay has got to: the position of the last event its broker acknowledged."""

    @abc.abstractmethod
    def load(self, name: str) -> Position:
        """The stored position of relay ``name``; ``START`` for one that never published."""

    @abc.abstractmethod
    def save(self, name: str, position: Position) -> None:
        """Store ``position`` for relay ``name``; one behind the stored one changes nothing."""
