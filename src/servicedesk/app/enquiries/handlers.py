"""Enquiries: consultations and suggestions owned by the first person asked.

The answer's deadline comes from the policy (``servicedesk_enquiry_deadline``, in working
time on the organisation's calendar) and the channels are the centre's published ones (the
same as complaints'); the ``Enquiry`` aggregate keeps first-responder duty.
"""

from __future__ import annotations

from servicedesk.app.complaints.handlers import hand_over_by
from servicedesk.app.context import Context
from servicedesk.app.enquiries.commands import (
    AnswerEnquiry,
    HandOverEnquiry,
    ReferEnquiry,
    TakeEnquiry,
)
from servicedesk.domain.deadlines import DeadlineKind, Timer
from servicedesk.domain.enquiries import (
    Enquiry,
    EnquiryId,
    EnquiryKind,
    Referral,
    check_question,
)
from servicedesk.domain.requests import Channel


def take_enquiry(cmd: TakeEnquiry, ctx: Context) -> str:
    check_question(cmd.asker_name, cmd.question)  # before any policy is asked
    policies = ctx.policies
    kind, channel = EnquiryKind(cmd.kind), Channel(cmd.channel)
    channels = policies.complaint_channels()
    budget = policies.enquiry_deadline(kind, channel)
    enquiry = Enquiry.take(
        cmd.enquiry_id or EnquiryId(ctx.new_id()),
        kind=kind,
        channel=channel,
        channels=channels,
        asker_name=cmd.asker_name,
        contact=cmd.contact,
        question=cmd.question,
        taken_by=ctx.actor.id,
        answer=Timer.start(DeadlineKind.ANSWER, budget, policies.calendar(), ctx.now),
        at=ctx.now,
    )
    ctx.uow.enquiries.add(enquiry)
    return enquiry.id.value


def hand_over_enquiry(cmd: HandOverEnquiry, ctx: Context) -> str:
    hand_over_by(ctx.uow.enquiries.get(cmd.enquiry_id), to=cmd.to, reason=cmd.reason, ctx=ctx)
    return cmd.enquiry_id.value


def answer_enquiry(cmd: AnswerEnquiry, ctx: Context) -> str:
    ctx.uow.enquiries.get(cmd.enquiry_id).give_answer(
        by=ctx.actor.id, answer=cmd.answer, at=ctx.now
    )
    return cmd.enquiry_id.value


def refer_enquiry(cmd: ReferEnquiry, ctx: Context) -> str:
    referral = Referral.to(
        cmd.to,
        department=cmd.department,
        complaint_id=cmd.complaint_id,
        request_id=cmd.request_id,
    )
    enquiry = ctx.uow.enquiries.get(cmd.enquiry_id)
    # the complaint or request it became must exist: NotFound names it otherwise
    if referral.complaint_id is not None:
        ctx.uow.complaints.get(referral.complaint_id)
    if referral.request_id is not None:
        ctx.uow.requests.get(referral.request_id)
    enquiry.refer(by=ctx.actor.id, referral=referral, note=cmd.note, at=ctx.now)
    return cmd.enquiry_id.value
