"""The paged list of enquiries (``desk.enquiries.enquiries_page``).

Answered from indexed projection columns (the functions below are their projections), as
small rows: a row names neither the asker nor the question.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

import attrs

from servicedesk.app.pages import Condition, Listing, members
from servicedesk.domain.enquiries import EnquiryId, EnquiryKind, EnquiryStatus
from servicedesk.domain.requests import Channel
from servicedesk.domain.values import ActorId

ENQUIRIES = Listing(
    name="enquiries",
    kind="enquiry",
    fields={
        "status": lambda e: e.status.value,
        "enquiry_kind": lambda e: e.kind.value,
        "channel": lambda e: e.channel.value,
        "owner": lambda e: e.owner.value,
        "taken_at": lambda e: e.taken_at,
        "open_due": lambda e: e.open_due,
    },
    sortable={"taken_at": datetime, "id": str},
    default_sort="taken_at",
)


@attrs.frozen(kw_only=True)
class EnquiryFilter:
    """``status``: any of these; ``taken_from`` / ``taken_before``: ``[from, before)``;
    ``owner``: whose they are now; ``overdue``: open ones past their answer's due time."""

    status: frozenset[EnquiryStatus] = frozenset()
    kind: EnquiryKind | None = None
    channel: Channel | None = None
    owner: ActorId | None = None
    taken_from: datetime | None = None
    taken_before: datetime | None = None
    overdue: bool = False

    def conditions(self, now: datetime) -> list[Condition]:
        found: list[Condition] = []
        if self.status:
            found.append(Condition("status", "in", tuple(sorted(s.value for s in self.status))))
        if self.kind is not None:
            found.append(Condition("enquiry_kind", "eq", self.kind.value))
        if self.channel is not None:
            found.append(Condition("channel", "eq", self.channel.value))
        if self.owner is not None:
            found.append(Condition("owner", "eq", self.owner.value))
        if self.taken_from is not None:
            found.append(Condition("taken_at", "ge", self.taken_from))
        if self.taken_before is not None:
            found.append(Condition("taken_at", "lt", self.taken_before))
        if self.overdue:
            found.append(Condition("open_due", "lt", now))
        return found


@attrs.frozen(slots=False)  # in a dict: sets its fields at half the cost of slots
class EnquiryRow:
    id: EnquiryId
    status: EnquiryStatus
    kind: EnquiryKind
    channel: Channel
    owner: ActorId
    taken_at: datetime
    due: datetime | None
    overdue: bool

    @classmethod
    def of(cls, row: Any, now: datetime, zone: tzinfo) -> EnquiryRow:
        due = row.open_due
        return cls(
            id=EnquiryId.stored(row.id),
            status=members(EnquiryStatus)[row.status],
            kind=members(EnquiryKind)[row.enquiry_kind],
            channel=members(Channel)[row.channel],
            owner=ActorId.stored(row.owner),
            taken_at=row.taken_at.astimezone(zone),
            due=None if due is None else due.astimezone(zone),
            overdue=due is not None and due < now,
        )
