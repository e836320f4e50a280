"""What a consumer of the relay's messages may see, checked the same way for every broker."""

from __future__ import annotations

from collections.abc import Sequence

from servicedesk.adapters.relay import AGGREGATE, Message
from servicedesk.app.feed.ports import FeedEvent


def check_delivery(kept: Sequence[Message], feed: Sequence[FeedEvent]) -> None:
    """Every event; per aggregate, each message later than the last, or one delivered before."""
    assert {m.id for m in kept} == {str(f.position) for f in feed}, "every event, nothing else"
    bodies: dict[str, bytes] = {}
    last: dict[str, str] = {}
    for message in kept:
        aggregate = message.headers[AGGREGATE]
        if message.id <= last.get(aggregate, ""):
            assert bodies.get(message.id) == message.body, f"{aggregate} out of order"
        bodies[message.id] = message.body
        last[aggregate] = max(last.get(aggregate, ""), message.id)
