"""Queries of complaints: one complaint, open and overdue ones, as views for UIs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

import attrs

from servicedesk.app.complaints.lists import COMPLAINTS, ComplaintFilter, ComplaintRow
from servicedesk.app.page_queries import DeskQueries
from servicedesk.app.pages import DEFAULT_LIMIT, Page
from servicedesk.app.permissions import Access
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.complaints import (
    CallbackId,
    Complaint,
    ComplaintId,
    ComplaintStatus,
)
from servicedesk.domain.deadlines import Breach, Escalation
from servicedesk.domain.events import Event
from servicedesk.domain.requests import Channel, Urgency
from servicedesk.domain.values import (
    Actor,
    ActorId,
    ItemId,
    Requester,
    RequestId,
    WorkerId,
)

if TYPE_CHECKING:
    from servicedesk.policies.manager import Policies


@attrs.frozen
class ComplaintView:
    id: ComplaintId
    status: ComplaintStatus
    channel: Channel
    category: str
    urgency: Urgency
    complainant: Requester
    description: str
    owner: ActorId
    request_id: RequestId | None
    worker_id: WorkerId | None
    item_id: ItemId | None
    callback_id: CallbackId | None
    filed_at: datetime
    acknowledge_due: datetime
    answer_due: datetime
    paused: bool
    overdue: bool
    breaches: tuple[Breach, ...]
    escalations: tuple[Escalation, ...]
    next_escalation_at: datetime | None
    reopen_count: int
    result: str
    satisfaction: int | None

    @classmethod
    def of(cls, complaint: Complaint, now: datetime) -> ComplaintView:
        return cls(
            id=complaint.id,
            status=complaint.status,
            channel=complaint.channel,
            category=complaint.category,
            urgency=complaint.urgency,
            complainant=complaint.complainant,
            description=complaint.description,
            owner=complaint.owner,
            request_id=complaint.request_id,
            worker_id=complaint.worker_id,
            item_id=complaint.item_id,
            callback_id=complaint.callback_id,
            filed_at=complaint.filed_at,
            acknowledge_due=complaint.acknowledge.due,
            answer_due=complaint.answer.due,
            paused=complaint.is_paused,
            overdue=complaint.is_overdue(now),
            breaches=complaint.breaches,
            escalations=complaint.escalations,
            next_escalation_at=complaint.next_escalation_at,
            reopen_count=complaint.reopen_count,
            result=complaint.result,
            satisfaction=complaint.satisfaction,
        )


class ComplaintQueries(DeskQueries):
    """``desk.complaints``: what the complaint desk and the managers look at."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        access: Access,
        *,
        policies: Policies | None = None,
    ) -> None:
        super().__init__(
            store, policies if policies is not None else access.policies, clock, access
        )

    def complaint(
        self,
        complaint_id: ComplaintId | str,
        now: datetime | None = None,
        *,
        actor: Actor | None = None,
    ) -> ComplaintView:
        self.access.check("complaints.complaint", actor)
        with self.store.reading() as uow:
            complaint = uow.complaints.get(ComplaintId(complaint_id))
            return ComplaintView.of(complaint, self._now(now))

    def open_complaints(
        self, now: datetime | None = None, *, actor: Actor | None = None
    ) -> list[ComplaintView]:
        self.access.check("complaints.open_complaints", actor)
        at = self._now(now)
        with self.store.reading() as uow:
            return [ComplaintView.of(c, at) for c in uow.complaints.list_open()]

    def overdue_complaints(
        self, now: datetime | None = None, *, actor: Actor | None = None
    ) -> list[ComplaintView]:
        self.access.check("complaints.overdue_complaints", actor)
        return [view for view in self.open_complaints(now, actor=actor) if view.overdue]

    def history(
        self, complaint_id: ComplaintId | str, *, actor: Actor | None = None
    ) -> list[Event]:
        self.access.check("complaints.history", actor)
        complaint_id = ComplaintId(complaint_id)
        with self.store.reading() as uow:
            uow.complaints.get(complaint_id)  # NotFound for an unknown id, not an empty list
            return uow.events.history("complaint", complaint_id)

    def complaints_page(
        self,
        filter: ComplaintFilter | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        sort: str | None = None,
        descending: bool | None = None,
        with_count: bool = False,
        now: datetime | None = None,
        actor: Actor | None = None,
    ) -> Page[ComplaintRow]:
        """A page of complaints, open or closed, first filed first (or by ``id``)."""
        at = self._now(now)
        return self._pager.page(
            "complaints.complaints_page",
            COMPLAINTS,
            lambda uow: uow.complaints,
            ComplaintFilter,
            filter,
            lambda f: f.conditions(at),
            lambda _who, zone: partial(ComplaintRow.of, now=at, zone=zone),
            actor=actor,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=with_count,
        )
