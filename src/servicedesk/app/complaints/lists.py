"""Paged lists of complaints and callbacks (``desk.complaints.complaints_page``, ...).

Answered from indexed projection columns (the functions below are their
projections), as small rows: a complaint's row names no complainant.
"""

from __future__ import annotations

import functools
from datetime import datetime, tzinfo
from typing import Any

import attrs

from servicedesk.app.pages import Condition, Listing, members
from servicedesk.domain.callbacks import CallbackStatus, Month
from servicedesk.domain.complaints import CallbackId, Complaint, ComplaintId, ComplaintStatus
from servicedesk.domain.requests import Channel, Urgency
from servicedesk.domain.values import ActorId, RequestId


def clock_due(complaint: Complaint) -> datetime | None:
    """When the running deadline (acknowledge, then answer) falls due; None when none runs."""
    clock = complaint.clock
    return None if clock is None or not clock.is_running else clock.due


COMPLAINTS = Listing(
    name="complaints",
    kind="complaint",
    fields={
        "status": lambda c: c.status.value,
        "channel": lambda c: c.channel.value,
        "category": lambda c: c.category,
        "urgency": lambda c: c.urgency.value,
        "owner": lambda c: c.owner.value,
        "filed_at": lambda c: c.filed_at,
        "clock_due": clock_due,
    },
    sortable={"filed_at": datetime, "id": str},
    default_sort="filed_at",
)


@attrs.frozen(kw_only=True)
class ComplaintFilter:
    """``status``: any of these; ``filed_from`` / ``filed_before``: ``[from, before)``;
    ``overdue``: only those whose running deadline has passed at the query's time."""

    status: frozenset[ComplaintStatus] = frozenset()
    channel: Channel | None = None
    filed_from: datetime | None = None
    filed_before: datetime | None = None
    overdue: bool = False

    def conditions(self, now: datetime) -> list[Condition]:
        found: list[Condition] = []
        if self.status:
            found.append(Condition("status", "in", tuple(sorted(s.value for s in self.status))))
        if self.channel is not None:
            found.append(Condition("channel", "eq", self.channel.value))
        if self.filed_from is not None:
            found.append(Condition("filed_at", "ge", self.filed_from))
        if self.filed_before is not None:
            found.append(Condition("filed_at", "lt", self.filed_before))
        if self.overdue:
            found.append(Condition("clock_due", "lt", now))
        return found


@attrs.frozen(slots=False)  # in a dict: sets its fields at half the cost of slots
class ComplaintRow:
    id: ComplaintId
    status: ComplaintStatus
    channel: Channel
    category: str
    urgency: Urgency
    owner: ActorId
    filed_at: datetime
    clock_due: datetime | None
    overdue: bool

    @classmethod
    def of(cls, row: Any, now: datetime, zone: tzinfo) -> ComplaintRow:
        due = row.clock_due
        return cls(
            id=ComplaintId.stored(row.id),
            status=members(ComplaintStatus)[row.status],
            channel=members(Channel)[row.channel],
            category=row.category,
            urgency=members(Urgency)[row.urgency],
            owner=ActorId.stored(row.owner),
            filed_at=row.filed_at.astimezone(zone),
            clock_due=None if due is None else due.astimezone(zone),
            overdue=due is not None and due < now,
        )


# --- callbacks -----------------------------------------------------------------------------------

#: A month per distinct text: a page's rows share one or two, and parsing costs more than a row.
_month = functools.lru_cache(maxsize=1024)(Month.parse)


CALLBACKS = Listing(
    name="callbacks",
    kind="callback",
    fields={
        "month": lambda c: str(c.month),
        "status": lambda c: c.status.value,
        "next_attempt_at": lambda c: c.next_attempt_at,
        "request_id": lambda c: c.job.request_id.value,
        "attempts": lambda c: len(c.attempts),
    },
    sortable={"id": str, "month": str},
    default_sort="id",
)


@attrs.frozen(kw_only=True)
class CallbackFilter:
    """``status``: any of these; ``month``; ``due_from`` / ``due_before``: the next attempt
    in ``[from, before)``."""

    status: frozenset[CallbackStatus] = frozenset()
    month: Month | None = None
    due_from: datetime | None = None
    due_before: datetime | None = None

    def conditions(self) -> list[Condition]:
        found: list[Condition] = []
        if self.status:
            found.append(Condition("status", "in", tuple(sorted(s.value for s in self.status))))
        if self.month is not None:
            found.append(Condition("month", "eq", str(self.month)))
        if self.due_from is not None:
            found.append(Condition("next_attempt_at", "ge", self.due_from))
        if self.due_before is not None:
            found.append(Condition("next_attempt_at", "lt", self.due_before))
        return found


@attrs.frozen(slots=False)  # in a dict: sets its fields at half the cost of slots
class CallbackRow:
    id: CallbackId
    month: Month
    status: CallbackStatus
    request_id: RequestId
    next_attempt_at: datetime | None
    attempts: int

    @classmethod
    def of(cls, row: Any, zone: tzinfo) -> CallbackRow:
        attempt_at = row.next_attempt_at
        return cls(
            id=CallbackId.stored(row.id),
            month=_month(row.month),
            status=members(CallbackStatus)[row.status],
            request_id=RequestId.stored(row.request_id),
            next_attempt_at=None if attempt_at is None else attempt_at.astimezone(zone),
            attempts=int(row.attempts),
        )
