"""``desk.events``: the committed events, a page at a time, from a position the reader keeps."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from servicedesk.app.feed.ports import FeedEvent, Position
from servicedesk.app.permissions import Access
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.values import Actor
from servicedesk.i18n import _
from servicedesk.policies.records_defaults import EVENT_FEED

#: The largest page ``after`` hands out.
MAX_PAGE = 10_000


@attrs.frozen
class FeedPage:
    """Events past a position, and the position to ask from next (the last one's, if any)."""

    events: tuple[FeedEvent, ...]
    position: Position

    @property
    def token(self) -> str:
        """``position`` as the text to store."""
        return str(self.position)


class EventFeed:
    """Every event the store committed, in commit order, bulk-written events included.

    A consumer keeps the position of the last event it handled (``str(position)``)
    and asks from there; nothing it has not seen is ever placed before it later,
    since positions follow the audit records' numbers, which are given at commit.
    """

    def __init__(self, store: Store, access: Access | None = None) -> None:
        self.store = store
        self.access = access

    def after(
        self,
        position: Position | str | None = None,
        limit: int = 100,
        *,
        actor: Actor | None = None,
    ) -> FeedPage:
        """Up to ``limit`` events past ``position`` (the start when ``None``).

        The events are everybody's, personal data included: ``actor`` (the system when none
        is given) must be one of the feed's readers (query ``events.after``, rule
        records.feed-readers), which a requester never is by default.
        """
        if self.access is not None:
            self.access.check(EVENT_FEED, actor)
        after = Position.of(position)
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidValue(
                _("A page holds 1 to {most} events, not {limit}."),
                field="limit",
                code="feed.invalid",
                most=MAX_PAGE,
                limit=limit,
            )
        with self.store.reading() as uow:
            found = uow.events.feed(after, limit)
        return FeedPage(tuple(found), found[-1].position if found else after)

    def since(
        self,
        position: Position | str | None = None,
        page: int = 500,
        *,
        actor: Actor | None = None,
    ) -> Iterator[FeedEvent]:
        """Every event past ``position`` until the feed's end, read a page per transaction."""
        after = Position.of(position)
        while True:
            found = self.after(after, page, actor=actor)
            yield from found.events
            if len(found.events) < page:  # a page is short only at the feed's end
                return
            after = found.position
