"""Complaints and the escalation sweep: commands, their handlers and the read side.

Deadlines come from the policies (calendar, budgets per category and urgency, the
escalation chain); the ``Complaint`` aggregate and ``ServiceRequest.escalate`` keep the
rules.  ``EscalateOverdue`` is meant to run from a scheduler (every few minutes); it asks the
store for the cases due by an indexed query and lets the domain decide, so running it twice
at the same instant escalates nothing twice.  Complaints go through the store's bulk step
(``ComplaintRepository.escalate_due``: on a database, a few set-based statements per group
of complaints at the same step, with the policy and the domain asked once per group).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import attrs

from servicedesk.app.complaints.commands import (
    AcknowledgeComplaint,
    AnswerComplaint,
    CloseComplaint,
    EscalateOverdue,
    FileComplaint,
    HandOverComplaint,
    PauseComplaint,
    RecordFinding,
    ReopenComplaint,
    ResumeComplaint,
)
from servicedesk.app.context import Context
from servicedesk.app.progress import counted
from servicedesk.app.requests.ports import RequestCaseQueries
from servicedesk.app.unit_of_work import UnitOfWork
from servicedesk.domain.complaints import (
    CallbackId,
    Complaint,
    ComplaintId,
    check_category,
)
from servicedesk.domain.deadlines import DeadlineKind, Timer
from servicedesk.domain.requests import Channel, Urgency
from servicedesk.domain.values import (
    ActorId,
    ItemId,
    Requester,
    RequestId,
    Role,
    WorkerId,
)

#: Roles that may reassign a complaint they do not own.
MANAGERS = frozenset({Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER, Role.BRANCH_MANAGER})


class HandedOver(Protocol):
    """A record under first-responder duty (a complaint, an enquiry)."""

    def hand_over(
        self, *, to: ActorId, by: ActorId, reason: str, at: datetime, by_manager: bool = False
    ) -> None: ...


def hand_over_by(record: HandedOver, *, to: ActorId, reason: str, ctx: Context) -> None:
    """The actor hands ``record`` over to ``to``: as its owner, or as a manager."""
    record.hand_over(
        to=to,
        by=ctx.actor.id,
        reason=reason,
        at=ctx.now,
        by_manager=bool(ctx.actor.roles & MANAGERS),
    )


# --- commands ------------------------------------------------------------------------------------


# --- handlers ------------------------------------------------------------------------------------


def request_cases(uow: UnitOfWork) -> RequestCaseQueries:
    """The store's request queries for escalation and callbacks (a separate port)."""
    requests = uow.requests
    if not isinstance(requests, RequestCaseQueries):
        raise TypeError(f"{type(requests).__name__} does not implement RequestCaseQueries")
    return requests


def file_complaint_in(
    ctx: Context,
    complaint_id: ComplaintId,
    *,
    complainant: Requester,
    category: str,
    description: str,
    channel: Channel,
    urgency: Urgency,
    request_id: RequestId | None = None,
    worker_id: WorkerId | None = None,
    item_id: ItemId | None = None,
    callback_id: CallbackId | None = None,
) -> Complaint:
    """File a complaint in the caller's unit of work (also used by a callback that raises one).

    What the complaint names must exist; a complaint about a request is also about its item
    and worker (unless named otherwise), so that it counts against them in quality reports.
    """
    if worker_id is not None:
        ctx.uow.workers.get(worker_id)
    if item_id is not None:
        ctx.uow.items.get(item_id)
    if request_id is not None:
        request = ctx.uow.requests.get(request_id)
        item_id = item_id or request.item_id
        worker_id = worker_id or request.worker_id
    policies = ctx.policies
    categories = policies.complaint_categories()
    check_category(category, categories)  # before the deadline policy is asked about it
    calendar = policies.calendar()
    budgets = policies.complaint_deadlines(category, urgency)
    complaint = Complaint.file(
        complaint_id,
        channel=channel,
        complainant=complainant,
        category=category,
        categories=categories,
        channels=policies.complaint_channels(),
        urgency=urgency,
        description=description,
        taken_by=ctx.actor.id,
        acknowledge=Timer.start(DeadlineKind.ACKNOWLEDGE, budgets.acknowledge, calendar, ctx.now),
        answer=Timer.start(DeadlineKind.ANSWER, budgets.answer, calendar, ctx.now),
        at=ctx.now,
        request_id=request_id,
        worker_id=worker_id,
        item_id=item_id,
        callback_id=callback_id,
    )
    ctx.uow.complaints.add(complaint)
    return complaint


def file_complaint(cmd: FileComplaint, ctx: Context) -> str:
    complaint = file_complaint_in(
        ctx,
        cmd.complaint_id or ComplaintId(ctx.new_id()),
        complainant=cmd.complainant,
        category=cmd.category,
        description=cmd.description,
        channel=cmd.channel,
        urgency=cmd.urgency,
        request_id=cmd.request_id,
        worker_id=cmd.worker_id,
        item_id=cmd.item_id,
    )
    return complaint.id.value


def hand_over_complaint(cmd: HandOverComplaint, ctx: Context) -> str:
    hand_over_by(ctx.uow.complaints.get(cmd.complaint_id), to=cmd.to, reason=cmd.reason, ctx=ctx)
    return cmd.complaint_id.value


def acknowledge_complaint(cmd: AcknowledgeComplaint, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).acknowledge_receipt(by=ctx.actor.id, at=ctx.now)
    return cmd.complaint_id.value


def record_finding(cmd: RecordFinding, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).record_finding(
        by=ctx.actor.id, finding=cmd.finding, at=ctx.now
    )
    return cmd.complaint_id.value


def pause_complaint(cmd: PauseComplaint, ctx: Context) -> str:
    complaint = ctx.uow.complaints.get(cmd.complaint_id)
    allowed = ctx.policies.pause_allowed(complaint, cmd.reason)
    complaint.pause(by=ctx.actor.id, reason=cmd.reason, allowed=allowed, at=ctx.now)
    return cmd.complaint_id.value


def resume_complaint(cmd: ResumeComplaint, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).resume(
        by=ctx.actor.id, calendar=ctx.policies.calendar(), at=ctx.now
    )
    return cmd.complaint_id.value


def answer_complaint(cmd: AnswerComplaint, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).give_answer(
        by=ctx.actor.id, result=cmd.result, at=ctx.now
    )
    return cmd.complaint_id.value


def close_complaint(cmd: CloseComplaint, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).close(
        satisfaction=cmd.satisfaction,
        scale=ctx.policies.satisfaction_scale(),
        remarks=cmd.remarks,
        at=ctx.now,
    )
    return cmd.complaint_id.value


def reopen_complaint(cmd: ReopenComplaint, ctx: Context) -> str:
    complaint = ctx.uow.complaints.get(cmd.complaint_id)
    complaint.require_reopenable()
    budgets = ctx.policies.complaint_deadlines(complaint.category, complaint.urgency)
    answer = Timer.start(DeadlineKind.ANSWER, budgets.answer, ctx.policies.calendar(), ctx.now)
    complaint.reopen(reason=cmd.reason, answer=answer, at=ctx.now)
    return cmd.complaint_id.value


@attrs.frozen
class SweepRun:
    """Where a sweep in batches stands: the last complaint taken, the cases escalated so far."""

    after: ComplaintId
    escalated: int


def escalate_overdue(cmd: EscalateOverdue, ctx: Context) -> str:
    """Returns how many cases went one step up (in batches: the run so far).

    In batches (``ctx.batch``) each unit of work takes the next complaints due, by
    id; the requests, few, go with the last.
    """
    calendar = ctx.policies.calendar()
    run: SweepRun | None = ctx.batch.resumed
    total: int | None = ctx.batch.tally
    if ctx.batch.counted and total is None:  # the cases due, counted before the first batch
        total = len(ctx.uow.complaints.list_due_for_escalation(ctx.now)) + len(
            request_cases(ctx.uow).list_due_for_escalation(ctx.now)
        )
    swept = ctx.uow.complaints.escalate_due(
        ctx.now,
        chain=ctx.policies.escalation_chain,
        calendar=calendar,
        after=None if run is None else run.after,
        limit=ctx.batch.size,
    )
    escalated = swept.escalated + (0 if run is None else run.escalated)
    if swept.last is not None:
        ctx.batch.more(SweepRun(swept.last, escalated))
        if total is not None:
            ctx.batch.report(*counted(escalated, total, pending=True), tally=total)
        return str(escalated)
    # Requests late for their response or completion are few next to the complaints (a
    # request is dispatched within hours), so they keep the per-aggregate path.
    for request in request_cases(ctx.uow).list_due_for_escalation(ctx.now):
        chain = ctx.policies.escalation_chain(request)
        escalated += request.escalate(chain=chain, calendar=calendar, now=ctx.now)
    if total is not None:
        ctx.batch.report(*counted(escalated, total, pending=False), tally=total)
    return str(escalated)


# --- read side -----------------------------------------------------------------------------------
