"""Who reads the event feed, everybody's events with personal data (rule records.feed-readers)."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from servicedesk import Actor, Desk, PermissionDenied, RegisterRequest, hookimpl
from servicedesk.adapters.memory import MemoryStore
from servicedesk.domain.values import Role
from support import CLERK, Clock, requester


class FeedForTheSystemOnly:
    @hookimpl
    def servicedesk_permitted_readers(self, query: str) -> Collection[Role] | None:
        return {Role.SYSTEM} if query == "events.after" else None


def _desk(*plugins: object) -> Desk:
    desk = Desk(MemoryStore(), clock=Clock(), entry_points=False, plugins=list(plugins))
    desk.handle(RegisterRequest(requester=requester(), need="A dripping tap"), actor=CLERK)
    return desk


def test_the_feed_is_read_by_the_desks_staff_and_the_system_never_by_a_requester() -> None:
    desk = _desk()
    read = [e.type for e in desk.events.after(actor=CLERK).events]
    assert read[0] == "RequestRegistered"
    assert desk.events.after().events[0].type == "RequestRegistered"  # the embedding app
    someone = Actor.requester("app-chen", "Chen", acts_for={"SR-1"})
    with pytest.raises(PermissionDenied):
        desk.events.after(actor=someone)
    with pytest.raises(PermissionDenied):
        list(desk.events.since(actor=someone))


def test_a_plugin_narrows_the_feed_to_the_system() -> None:
    desk = _desk(FeedForTheSystemOnly())
    with pytest.raises(PermissionDenied):
        desk.events.after(actor=CLERK)
    assert desk.events.after().events[0].type == "RequestRegistered"
