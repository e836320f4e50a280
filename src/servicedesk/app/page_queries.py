"""How a query object answers a paged list: door, permission, one page from the store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeVar

from servicedesk.app.door import Limits
from servicedesk.app.pages import (
    DEFAULT_LIMIT,
    Condition,
    Listing,
    Lists,
    Page,
    check_filter,
    read_page,
    window_of,
)
from servicedesk.app.permissions import Access
from servicedesk.app.unit_of_work import Store, UnitOfWork
from servicedesk.app.zone import ZonedQueries
from servicedesk.domain.values import Actor, Role, aware
from servicedesk.policies.manager import Policies

T = TypeVar("T")
F = TypeVar("F")


class Pager:
    """Answers the paged lists of one area's query object."""

    def __init__(self, store: Store, access: Access, zone: Callable[[], tzinfo]) -> None:
        self.store = store
        self.zone = zone
        self.policies: Policies = access.policies
        self.access = access
        self._limits: Limits | None = None
        self._reveals: dict[tuple[frozenset[Role], str], bool] = {}

    @property
    def limits(self) -> Limits:
        if self._limits is None:
            self._limits = Limits(
                currency=self.policies.currency(), largest_amount=self.policies.largest_amount()
            )
        return self._limits

    def reveals(self, actor: Actor, query: str) -> bool:
        """Whether ``actor`` may read ``query``'s record in full: then a list shows it unmasked.

        Asked of the policy once per set of roles, not once per row of every page.
        """
        key = (actor.roles, query)
        found = self._reveals.get(key)
        if found is None:
            found = self._reveals[key] = bool(actor.roles & self.policies.permitted_readers(query))
        return found

    def page(
        self,
        query: str,
        listing: Listing,
        lists: Callable[[UnitOfWork], Lists],
        filter_cls: type[F],
        given: object,
        conditions: Callable[[F], Sequence[Condition]],
        view: Callable[[Actor, tzinfo], Callable[[Any], T]],
        *,
        actor: Actor | None,
        limit: object = DEFAULT_LIMIT,
        cursor: object = None,
        sort: object = None,
        descending: object = None,
        with_count: object = False,
    ) -> Page[T]:
        """Checked at the door (filter, then page), then the permission, then one page read.

        ``view`` gives, once a page, what builds a row's view for the reader with its times
        in the zone given.
        """
        checked: F = check_filter(given, filter_cls, self.limits)
        window = window_of(
            listing,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=with_count,
        )
        who = self.access.check(query, actor)
        where = conditions(checked)
        zone = self.zone()
        with self.store.reading() as uow:
            return read_page(lists(uow), listing, where, window, view(who, zone))


class DeskQueries(ZonedQueries):
    """An area's query object: the store, the policies, the desk's clock, the access check
    and a pager for its lists.
    """

    def __init__(
        self,
        store: Store,
        policies: Policies,
        clock: Callable[[], datetime],
        access: Access,
    ) -> None:
        self.store = store
        self.policies = policies
        self.clock = clock
        self.access = access
        self._pager = Pager(store, access, self._view_zone)

    def _view_zone(self) -> tzinfo:
        """The zone views are built in: the organisation's, or UTC, the zone a store's
        instants are in, for a desk without one (its times shown as they are)."""
        return self.zone() or UTC

    def _now(self, now: datetime | None) -> datetime:
        return aware(now if now is not None else self.clock(), "time")
