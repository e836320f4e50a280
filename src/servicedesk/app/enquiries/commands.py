"""Commands of enquiries: a consultation or suggestion taken, handed over, answered, referred."""

from __future__ import annotations

import attrs

from servicedesk.app.command import Command
from servicedesk.domain.complaints import ComplaintId
from servicedesk.domain.enquiries import EnquiryId, EnquiryKind, ReferralTarget
from servicedesk.domain.privacy import personal
from servicedesk.domain.requests import Channel
from servicedesk.domain.values import ActorId, Contact, RequestId


@attrs.frozen(kw_only=True)
class TakeEnquiry(Command):
    """Record a consultation or a suggestion; the acting member of staff owns it (first-
    responder duty)."""

    kind: EnquiryKind = attrs.field(converter=EnquiryKind)
    asker_name: str = personal()
    question: str = personal()
    contact: Contact | None = None
    channel: Channel = attrs.field(default=Channel.FRONT_DESK, converter=Channel)
    enquiry_id: EnquiryId | None = attrs.field(
        default=None, converter=attrs.converters.optional(EnquiryId)
    )


@attrs.frozen(kw_only=True)
class HandOverEnquiry(Command):
    enquiry_id: EnquiryId = attrs.field(converter=EnquiryId)
    to: ActorId = attrs.field(converter=ActorId)
    reason: str


@attrs.frozen(kw_only=True)
class AnswerEnquiry(Command):
    enquiry_id: EnquiryId = attrs.field(converter=EnquiryId)
    answer: str = personal()


@attrs.frozen(kw_only=True)
class ReferEnquiry(Command):
    """Send the enquiry to a department, or to the complaint or request filed for it."""

    enquiry_id: EnquiryId = attrs.field(converter=EnquiryId)
    to: ReferralTarget = attrs.field(converter=ReferralTarget)
    department: str | None = None
    complaint_id: ComplaintId | None = attrs.field(
        default=None, converter=attrs.converters.optional(ComplaintId)
    )
    request_id: RequestId | None = attrs.field(
        default=None, converter=attrs.converters.optional(RequestId)
    )
    note: str = personal(default="")
