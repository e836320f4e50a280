"""Paged lists of requests, jobs and workers (``desk.queries.requests``, ...).

Each list filters and sorts on fields the SQL store keeps as indexed
projection columns (the functions below are those columns' projections), and
answers small rows, never whole requests.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

import attrs

from servicedesk.app.pages import Condition, Listing, members
from servicedesk.domain.money import DEFAULT_CURRENCY, Money
from servicedesk.domain.privacy import subject_key
from servicedesk.domain.requests import TERMINAL, Channel, ServiceRequest, Status, Urgency
from servicedesk.domain.values import ItemId, RequestId, WorkerId, mask
from servicedesk.domain.workers import Worker


def pending_deadline(request: ServiceRequest) -> datetime | None:
    """When the request becomes overdue; None once its milestone is reached or it ended."""
    deadline = request.deadline
    if deadline is None or not request.is_open:
        return None
    end = datetime.max.replace(tzinfo=deadline.due.tzinfo)
    # Asking the aggregate about the end of time tells whether the milestone is
    # still pending, without repeating its rule here.
    return deadline.due if request.is_overdue(end) else None


def requester_key(request: ServiceRequest) -> str:
    """The lookup key of the requester's phone (a digest of it normalised), never the number."""
    return subject_key(request.requester.contact.phone)


#: Every status of a request not yet ended.
OPEN: frozenset[Status] = frozenset(s for s in Status if s not in TERMINAL)


REQUESTS = Listing(
    name="requests",
    kind="request",
    fields={
        "status": lambda r: r.status.value,
        "is_open": lambda r: r.is_open,
        "channel": lambda r: r.channel.value,
        "urgency": lambda r: r.urgency.value,
        "registered_at": lambda r: r.registered_at,
        "unit": lambda r: r.requester.unit,
        "requester_key": requester_key,
        "item_id": lambda r: r.item_id.value if r.item_id else None,
        "worker_id": lambda r: r.worker_id.value if r.worker_id else None,
        "deadline_due": pending_deadline,
        "price": lambda r: r.price.amount if r.price else None,
    },
    sortable={"registered_at": datetime, "id": str},
    default_sort="registered_at",
)


@attrs.frozen(kw_only=True)
class RequestFilter:
    """Which requests a list shows; every field given narrows it (all of them must hold).

    ``status``: any of these; ``unit``: the requester's unit as registered;
    ``phone``: the requester's number however spelled; ``registered_from`` /
    ``registered_before``: ``[from, before)``; ``overdue``: only requests past
    their promised deadline at the query's time.
    """

    status: frozenset[Status] = frozenset()
    unit: str | None = None
    phone: str | None = None
    worker_id: WorkerId | None = None
    item_id: ItemId | None = None
    channel: Channel | None = None
    registered_from: datetime | None = None
    registered_before: datetime | None = None
    overdue: bool = False

    def conditions(self, now: datetime) -> list[Condition]:
        found: list[Condition] = []
        if self.status and not self.status & TERMINAL:
            # open requests only: their index gives the oldest first without reading past
            # the closed ones, which are most of a desk's requests and its oldest
            found.append(Condition("is_open", "eq", True))
        if self.status and self.status != OPEN:  # every open status: is_open says it all
            found.append(Condition("status", "in", tuple(sorted(s.value for s in self.status))))
        if self.unit is not None:
            found.append(Condition("unit", "eq", self.unit))
        if self.phone is not None:
            found.append(Condition("requester_key", "eq", subject_key(self.phone)))
        if self.worker_id is not None:
            found.append(Condition("worker_id", "eq", self.worker_id.value))
        if self.item_id is not None:
            found.append(Condition("item_id", "eq", self.item_id.value))
        if self.channel is not None:
            found.append(Condition("channel", "eq", self.channel.value))
        if self.registered_from is not None:
            found.append(Condition("registered_at", "ge", self.registered_from))
        if self.registered_before is not None:
            found.append(Condition("registered_at", "lt", self.registered_before))
        if self.overdue:
            found.append(Condition("deadline_due", "lt", now))
        return found


@attrs.frozen(slots=False)  # in a dict: sets its fields at half the cost of slots
class RequestRow:
    """One line of a request list; ``unit`` is masked unless the caller may read the request."""

    id: RequestId
    status: Status
    channel: Channel
    urgency: Urgency
    registered_at: datetime
    unit: str
    item_id: ItemId | None
    worker_id: WorkerId | None
    deadline_due: datetime | None
    overdue: bool
    price: Money | None

    @classmethod
    def of(cls, row: Any, now: datetime, zone: tzinfo, *, revealed: bool) -> RequestRow:
        due = row.deadline_due
        price = row.price
        return cls(
            id=RequestId.stored(row.id),
            status=members(Status)[row.status],
            channel=members(Channel)[row.channel],
            urgency=members(Urgency)[row.urgency],
            registered_at=row.registered_at.astimezone(zone),
            unit=row.unit if revealed else mask(row.unit, 2),
            item_id=ItemId.stored(row.item_id) if row.item_id is not None else None,
            worker_id=WorkerId.stored(row.worker_id) if row.worker_id is not None else None,
            deadline_due=None if due is None else due.astimezone(zone),
            overdue=due is not None and due < now,
            price=Money.stored(price, DEFAULT_CURRENCY) if price is not None else None,
        )


# --- workers -------------------------------------------------------------------------------------


def skills_text(worker: Worker) -> str:
    """The worker's skills as one text, each between bars (``|electric|plumbing|``)."""
    return "|" + "|".join(sorted(worker.skills)) + "|"


WORKERS = Listing(
    name="workers",
    kind="worker",
    fields={
        "available": lambda w: w.available,
        "skills": skills_text,
    },
    sortable={"id": str},
    default_sort="id",
)


@attrs.frozen(kw_only=True)
class WorkerFilter:
    """Workers with this skill (``skill``), and available or not (``available``)."""

    skill: str | None = None
    available: bool | None = None

    def conditions(self) -> list[Condition]:
        found: list[Condition] = []
        if self.skill is not None:
            found.append(Condition("skills", "has", self.skill))
        if self.available is not None:
            found.append(Condition("available", "eq", self.available))
        return found


@attrs.frozen(slots=False)  # in a dict: sets its fields at half the cost of slots
class WorkerRow:
    id: WorkerId
    available: bool
    skills: frozenset[str]

    @classmethod
    def of(cls, row: Any) -> WorkerRow:
        skills = frozenset(s for s in str(row.skills).split("|") if s)
        return cls(WorkerId.stored(row.id), bool(row.available), skills)
