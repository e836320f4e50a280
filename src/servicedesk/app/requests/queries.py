"""Queries for UIs: read models as frozen, serialisable values.

Queries never change anything; each opens its own unit of work and leaves
without committing.  Their results convert to JSON with ``convert.unstructure``.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

import attrs

from servicedesk.app.page_queries import DeskQueries
from servicedesk.app.pages import DEFAULT_LIMIT, Page
from servicedesk.app.requests.lists import (
    REQUESTS,
    WORKERS,
    RequestFilter,
    RequestRow,
    WorkerFilter,
    WorkerRow,
)
from servicedesk.domain.catalogue import FeeStandard, ItemStatus, ServiceItem
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money, total
from servicedesk.domain.requests import (
    TERMINAL,
    Channel,
    Deadline,
    ItemKind,
    ServiceRequest,
    Status,
    Urgency,
)
from servicedesk.domain.values import Actor, ItemId, Requester, RequestId, WorkerId
from servicedesk.i18n import _

if TYPE_CHECKING:
    pass


@attrs.frozen
class RequestView:
    id: RequestId
    status: Status
    requester: Requester
    channel: Channel
    need: str
    registered_at: datetime
    item_id: ItemId | None
    item_kind: ItemKind | None
    urgency: Urgency
    price: Money | None
    deadline: Deadline | None
    overdue: bool
    deadline_missed: bool
    worker_id: WorkerId | None
    rework_count: int
    extra_fees: Money
    required_materials: tuple[str, ...]

    @classmethod
    def of(cls, request: ServiceRequest, now: datetime) -> RequestView:
        extra = total(fee.amount for fee in request.extra_fees)
        return cls(
            id=request.id,
            status=request.status,
            requester=request.requester,
            channel=request.channel,
            need=request.need,
            registered_at=request.registered_at,
            item_id=request.item_id,
            item_kind=request.item_kind,
            urgency=request.urgency,
            price=request.price,
            deadline=request.deadline,
            overdue=request.is_overdue(now),
            deadline_missed=request.deadline_missed or request.is_overdue(now),
            worker_id=request.worker_id,
            rework_count=request.rework_count,
            extra_fees=extra,
            required_materials=request.required_materials,
        )


@attrs.frozen
class ItemView:
    id: ItemId
    name: str
    category: str
    status: ItemStatus
    fee: FeeStandard | None
    pending_fee: FeeStandard | None
    waiting_for: str | None
    #: Stopping the item is proposed and waits for ``waiting_for``.
    withdrawal_pending: bool = False

    @classmethod
    def of(cls, item: ServiceItem) -> ItemView:
        pending = item.pending
        return cls(
            id=item.id,
            name=item.name,
            category=item.category,
            status=item.status,
            fee=item.fee,
            pending_fee=pending.fee if pending and not pending.withdrawal else None,
            waiting_for=str(pending.next_role) if pending and pending.next_role else None,
            withdrawal_pending=pending is not None and pending.withdrawal,
        )


#: How many open requests a handover lists; the rest are in its figures.
HANDOVER_ROWS = 50
#: The most a handover lists when asked for more.
MAX_LISTED = 1_000


@attrs.frozen
class Handover:
    """What the next shift takes over (rule requests.shift-handover): the open requests in
    figures, and the oldest of them (``limit`` rows) to go through first.
    """

    at: datetime
    open: tuple[RequestView, ...]
    count: int = 0  # every open request, listed or not
    overdue: int = 0
    counts: dict[Status, int] = attrs.field(factory=dict)

    def by_status(self) -> dict[Status, int]:
        return dict(self.counts)


class Queries(DeskQueries):
    def request(
        self,
        request_id: RequestId | str,
        now: datetime | None = None,
        *,
        actor: Actor | None = None,
    ) -> RequestView:
        self.access.check("queries.request", actor, request_id)
        request_id = RequestId(request_id)
        with self.store.reading() as uow:
            return RequestView.of(uow.requests.get(request_id), self._now(now))

    def open_requests(
        self, now: datetime | None = None, *, actor: Actor | None = None
    ) -> list[RequestView]:
        self.access.check("queries.open_requests", actor)
        at = self._now(now)
        with self.store.reading() as uow:
            return [RequestView.of(r, at) for r in uow.requests.list_open()]

    def overdue_requests(
        self, now: datetime | None = None, *, actor: Actor | None = None
    ) -> list[RequestView]:
        self.access.check("queries.overdue_requests", actor)
        at = self._now(now)
        with self.store.reading() as uow:
            return [RequestView.of(r, at) for r in uow.requests.list_overdue(at)]

    def request_history(
        self, request_id: RequestId | str, *, actor: Actor | None = None
    ) -> list[Event]:
        self.access.check("queries.request_history", actor, request_id)
        request_id = RequestId(request_id)
        with self.store.reading() as uow:
            uow.requests.get(request_id)  # NotFound for an unknown id, not an empty list
            return uow.events.history("request", request_id)

    def shift_handover(
        self,
        now: datetime | None = None,
        *,
        limit: int = HANDOVER_ROWS,
        actor: Actor | None = None,
    ) -> Handover:
        """The handover: every open request counted (per status, overdue), the oldest listed."""
        self.access.check("queries.shift_handover", actor)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_LISTED:
            raise InvalidValue(
                _("A handover lists 0 to {most} requests, not {limit!r}."),
                field="limit",
                code="handover.invalid",
                most=MAX_LISTED,
                limit=limit,
            )
        at = self._now(now)
        with self.store.reading() as uow:
            summary = uow.request_reports.open_summary(at, limit)
            listed = tuple(RequestView.of(r, at) for r in summary.oldest)
        return Handover(at, listed, summary.count, summary.overdue, summary.by_status)

    def catalogue(self, *, actor: Actor | None = None) -> list[ItemView]:
        self.access.check("queries.catalogue", actor)
        with self.store.reading() as uow:
            return [ItemView.of(i) for i in uow.items.list()]

    def item(self, item_id: ItemId | str, *, actor: Actor | None = None) -> ItemView:
        self.access.check("queries.item", actor)
        item_id = ItemId(item_id)
        with self.store.reading() as uow:
            return ItemView.of(uow.items.get(item_id))

    # --- paged lists -----------------------------------------------------------------------------

    def requests_page(
        self,
        filter: RequestFilter | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        sort: str | None = None,
        descending: bool | None = None,
        with_count: bool = False,
        now: datetime | None = None,
        actor: Actor | None = None,
    ) -> Page[RequestRow]:
        """A page of requests, open or ended, oldest registered first unless sorted otherwise.

        Sorted on ``registered_at`` (the default) or ``id``; the unit is masked
        unless the caller may read a request in full (``queries.request``).
        """
        return self._requests(
            "queries.requests_page",
            filter,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=with_count,
            now=now,
            actor=actor,
        )

    def _requests(
        self,
        query: str,
        filter: object,
        *,
        limit: object,
        cursor: object,
        sort: object,
        descending: object,
        with_count: object,
        now: datetime | None,
        actor: Actor | None,
    ) -> Page[RequestRow]:
        at = self._now(now)
        return self._pager.page(
            query,
            REQUESTS,
            lambda uow: uow.requests,
            RequestFilter,
            filter,
            lambda f: f.conditions(at),
            lambda who, zone: partial(
                RequestRow.of,
                now=at,
                zone=zone,
                revealed=self._pager.reveals(who, "queries.request"),
            ),
            actor=actor,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=with_count,
        )

    def jobs_page(
        self,
        worker_id: WorkerId | str,
        *,
        open_only: bool = True,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        with_count: bool = False,
        now: datetime | None = None,
        actor: Actor | None = None,
    ) -> Page[RequestRow]:
        """A worker's work orders: the requests last dispatched to him, oldest first."""
        worker = WorkerId(worker_id)
        status = frozenset(s for s in Status if s not in TERMINAL) if open_only else frozenset()
        return self._requests(
            "queries.jobs_page",
            RequestFilter(worker_id=worker, status=status),
            limit=limit,
            cursor=cursor,
            sort=None,
            descending=None,
            with_count=with_count,
            now=now,
            actor=actor,
        )

    def workers_page(
        self,
        filter: WorkerFilter | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        descending: bool | None = None,
        with_count: bool = False,
        actor: Actor | None = None,
    ) -> Page[WorkerRow]:
        """A page of workers by id, of a skill and availability if asked."""
        return self._pager.page(
            "queries.workers_page",
            WORKERS,
            lambda uow: uow.workers,
            WorkerFilter,
            filter,
            lambda f: f.conditions(),
            lambda _who, _zone: WorkerRow.of,
            actor=actor,
            limit=limit,
            cursor=cursor,
            descending=descending,
            with_count=with_count,
        )
