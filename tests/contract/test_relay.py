"""The relay against a broker that fails as real ones do, with commands running meanwhile.

The broker below keeps what it was sent; a publish may fail before anything is
kept, after keeping any part of the window (sent without waiting, the broker
took some), or after keeping it all (the acknowledgement lost, or the relay
killed before it stored its position).  After a failure a new relay starts
from the stored position, as a restarted process would.  Whatever happens, the
consumer gets every event of the feed, each aggregate's in the feed's order,
and a message twice only with the same position and the same body.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from contract_relay import check_delivery
from contract_scenario import published_item
from hypothesis import given, settings
from hypothesis import strategies as st

from servicedesk import Contact, Desk, MemoryStore, RegisterRequest, Requester, TriageRequest
from servicedesk.adapters.relay import (
    AGGREGATE,
    POSITION,
    MemoryRelayPositions,
    Message,
    Publisher,
    Relay,
    message_of,
    windows,
)
from servicedesk.app.feed.ports import Position
from servicedesk.domain.errors import InvalidValue, RelayError
from servicedesk.domain.privacy import ERASED

PHONE = "13912345678"


class FlakyBroker(Publisher):
    """Keeps messages in arrival order; ``plan`` says how each publish call ends."""

    def __init__(self, plan: st.DataObject | None = None) -> None:
        self.kept: list[Message] = []
        self.plan = plan
        self.calls = 0

    def publish(self, messages: Sequence[Message]) -> None:
        self.calls += 1
        keys = [(m.headers["Servicedesk-Stream"], m.headers[AGGREGATE]) for m in messages]
        assert len(set(keys)) == len(keys), "a window holds one event per aggregate"
        fate = "ok" if self.plan is None else self.plan.draw(st.sampled_from(FATES))
        if fate == "ok":
            self.kept.extend(messages)
        elif fate == "some kept":
            kept = self.plan.draw(st.lists(st.booleans(), min_size=len(messages)))  # type: ignore[union-attr]
            self.kept.extend(m for m, keep in zip(messages, kept, strict=False) if keep)
            raise RelayError("timeout")
        elif fate == "all kept, ack lost":
            self.kept.extend(messages)
            raise RelayError("ack lost")
        else:
            raise RelayError("down")


FATES = ("ok", "ok", "ok", "none kept", "some kept", "all kept, ack lost")


def register(desk: Desk, n: int) -> str:
    requester = Requester("Chen", f"3-{n:03d}", Contact(PHONE))
    request = desk.handle(RegisterRequest(requester=requester, need="the tap drips")).id
    assert request is not None
    return request


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(st.sampled_from(["register", "triage", "relay"]), max_size=25), data=st.data()
)
def test_every_event_arrives_in_order_per_aggregate_whatever_the_broker_does(
    steps: list[str], data: st.DataObject
) -> None:
    desk = Desk(MemoryStore(), entry_points=False)
    item = published_item(desk)
    broker = FlakyBroker(data)
    positions = MemoryRelayPositions()
    page = data.draw(st.integers(1, 6))

    def restarted() -> Relay:
        return Relay(desk.events, broker, positions, page=page)

    relay = restarted()
    untriaged: list[str] = []
    for number, step in enumerate(steps):
        if step == "register":
            untriaged.append(register(desk, number))
        elif step == "triage" and untriaged:
            desk.handle(TriageRequest(request_id=untriaged.pop(0), item_id=item))
        elif step == "relay":
            try:
                relay.step()
            except RelayError:
                relay = restarted()  # the process died: a new one reads the stored position
    broker.plan = None
    restarted().drain()
    check_delivery(broker.kept, list(desk.events.since()))


def test_windows_hold_one_event_per_aggregate_and_keep_the_feed_s_order() -> None:
    desk = Desk(MemoryStore(), entry_points=False)
    item = published_item(desk)
    first, second = register(desk, 1), register(desk, 2)
    desk.handle(TriageRequest(request_id=first, item_id=item))
    fed = list(desk.events.since())
    cut = list(windows(fed))
    assert [f for window in cut for f in window] == fed
    for window in cut:
        keys = [(f.stream, f.aggregate_id) for f in window]
        assert len(set(keys)) == len(keys)
    assert len(cut) < len(fed), "events of different aggregates share a window"
    assert second


def test_a_message_names_its_event_and_carries_no_personal_data_unless_asked() -> None:
    desk = Desk(MemoryStore(), entry_points=False)
    register(desk, 1)
    fed = next(f for f in desk.events.since() if f.type == "RequestRegistered")
    message = message_of(fed, "servicedesk")
    assert message.subject == "servicedesk.request.RequestRegistered"
    assert message.id == message.headers[POSITION] == str(fed.position)
    assert message.headers[AGGREGATE] == fed.aggregate_id
    body = json.loads(message.body)
    assert body["type"] == "RequestRegistered"
    assert PHONE not in message.body.decode()
    assert ERASED in message.body.decode()
    assert PHONE in message_of(fed, "servicedesk", personal_data=True).body.decode()


def test_a_relay_resumes_from_its_stored_position_and_never_moves_it_back() -> None:
    desk = Desk(MemoryStore(), entry_points=False)
    register(desk, 1)
    broker, positions = FlakyBroker(), MemoryRelayPositions()
    assert Relay(desk.events, broker, positions, page=2).drain() == len(broker.kept) > 0
    assert Relay(desk.events, broker, positions).drain() == 0
    last = positions.load("default")
    positions.save("default", Position(0, 1))
    assert positions.load("default") == last
    with pytest.raises(InvalidValue):
        Relay(desk.events, broker, positions, prefix="a b")
