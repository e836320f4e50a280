"""Commands of complaints: filed from any channel, handed over, acknowledged, paused and
resumed, answered, closed, reopened; and the escalation sweep."""

from __future__ import annotations

import attrs

from servicedesk.app.command import Command
from servicedesk.domain.complaints import (
    ComplaintId,
    PauseReason,
)
from servicedesk.domain.privacy import personal
from servicedesk.domain.requests import Channel, Urgency
from servicedesk.domain.values import (
    ActorId,
    ItemId,
    Requester,
    RequestId,
    WorkerId,
)


@attrs.frozen(kw_only=True)
class FileComplaint(Command):
    """Take a complaint; the acting clerk becomes its owner (first-responder duty)."""

    complainant: Requester
    category: str
    description: str = personal()
    channel: Channel = attrs.field(default=Channel.HOTLINE, converter=Channel)
    urgency: Urgency = attrs.field(default=Urgency.ORDINARY, converter=Urgency)
    request_id: RequestId | None = attrs.field(
        default=None, converter=attrs.converters.optional(RequestId)
    )
    worker_id: WorkerId | None = attrs.field(
        default=None, converter=attrs.converters.optional(WorkerId)
    )
    item_id: ItemId | None = attrs.field(default=None, converter=attrs.converters.optional(ItemId))
    complaint_id: ComplaintId | None = attrs.field(
        default=None, converter=attrs.converters.optional(ComplaintId)
    )


@attrs.frozen(kw_only=True)
class HandOverComplaint(Command):
    complaint_id: ComplaintId = attrs.field(converter=ComplaintId)
    to: ActorId = attrs.field(converter=ActorId)
    reason: str


@attrs.frozen(kw_only=True)
class AcknowledgeComplaint(Command):
    complaint_id: ComplaintId = attrs.field(converter=ComplaintId)


@attrs.frozen(kw_only=True)
class RecordFinding(Command):
    complaint_id: ComplaintId = attrs.field(converter=ComplaintId)
    finding: str = personal()


@attrs.frozen(kw_only=True)
class PauseComplaint(Command):
    complaint_id: ComplaintId = attrs.field(converter=ComplaintId)
    reason: PauseReason = attrs.field(
        default=PauseReason.WAITING_FOR_COMPLAINANT, converter=PauseReason
    )


@attrs.frozen(kw_only=True)
class ResumeComplaint(Command):
    complaint_id: ComplaintId = attrs.field(converter=ComplaintId)


@attrs.frozen(kw_only=True)
class AnswerComplaint(Command):
    complaint_id: ComplaintId = attrs.field(converter=ComplaintId)
    result: str = personal()


@attrs.frozen(kw_only=True)
class CloseComplaint(Command):
    """The complainant accepts the answer and gives a satisfaction score."""

    complaint_id: ComplaintId = attrs.field(converter=ComplaintId)
    satisfaction: int
    remarks: str = personal(default="")


@attrs.frozen(kw_only=True)
class ReopenComplaint(Command):
    """The complainant disputes the answer."""

    complaint_id: ComplaintId = attrs.field(converter=ComplaintId)
    reason: str = personal()


@attrs.frozen(kw_only=True)
class EscalateOverdue(Command):
    """Move every overdue complaint and request one step up its escalation chain."""
