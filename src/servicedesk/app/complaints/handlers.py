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

from collections.abc import Callable
from datetime import datetime

import attrs

from servicedesk.app.requests.commands import (
    Command,
    to_optional_item_id,
    to_optional_request_id,
    to_optional_worker_id,
)
from servicedesk.app.requests.handlers import Context, handles
from servicedesk.app.unit_of_work import RequestCaseQueries, Store, UnitOfWork
from servicedesk.domain.complaints import (
    CallbackId,
    Complaint,
    ComplaintId,
    ComplaintStatus,
    PauseReason,
    check_category,
)
from servicedesk.domain.deadlines import Breach, DeadlineKind, Escalation, Timer
from servicedesk.domain.events import Event
from servicedesk.domain.requests import Channel, Urgency
from servicedesk.domain.values import (
    ActorId,
    ItemId,
    Requester,
    RequestId,
    Role,
    WorkerId,
    aware,
)

#: Roles that may reassign a complaint they do not own.
MANAGERS = frozenset({Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER, Role.BRANCH_MANAGER})


def to_complaint_id(value: ComplaintId | str) -> ComplaintId:
    return value if isinstance(value, ComplaintId) else ComplaintId(value)


def to_optional_complaint_id(value: ComplaintId | str | None) -> ComplaintId | None:
    return None if value is None else to_complaint_id(value)


def to_actor_id(value: ActorId | str) -> ActorId:
    return value if isinstance(value, ActorId) else ActorId(value)


# --- commands -----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class FileComplaint(Command):
    """Take a complaint; the acting clerk becomes its owner (first-responder duty)."""

    complainant: Requester
    category: str
    description: str
    channel: Channel = attrs.field(default=Channel.HOTLINE, converter=Channel)
    urgency: Urgency = attrs.field(default=Urgency.ORDINARY, converter=Urgency)
    request_id: RequestId | None = attrs.field(default=None, converter=to_optional_request_id)
    worker_id: WorkerId | None = attrs.field(default=None, converter=to_optional_worker_id)
    item_id: ItemId | None = attrs.field(default=None, converter=to_optional_item_id)
    complaint_id: ComplaintId | None = attrs.field(default=None, converter=to_optional_complaint_id)


@attrs.frozen(kw_only=True)
class HandOverComplaint(Command):
    complaint_id: ComplaintId = attrs.field(converter=to_complaint_id)
    to: ActorId = attrs.field(converter=to_actor_id)
    reason: str


@attrs.frozen(kw_only=True)
class AcknowledgeComplaint(Command):
    complaint_id: ComplaintId = attrs.field(converter=to_complaint_id)


@attrs.frozen(kw_only=True)
class RecordFinding(Command):
    complaint_id: ComplaintId = attrs.field(converter=to_complaint_id)
    finding: str


@attrs.frozen(kw_only=True)
class PauseComplaint(Command):
    complaint_id: ComplaintId = attrs.field(converter=to_complaint_id)
    reason: PauseReason = attrs.field(
        default=PauseReason.WAITING_FOR_COMPLAINANT, converter=PauseReason
    )


@attrs.frozen(kw_only=True)
class ResumeComplaint(Command):
    complaint_id: ComplaintId = attrs.field(converter=to_complaint_id)


@attrs.frozen(kw_only=True)
class AnswerComplaint(Command):
    complaint_id: ComplaintId = attrs.field(converter=to_complaint_id)
    result: str


@attrs.frozen(kw_only=True)
class CloseComplaint(Command):
    """The complainant accepts the answer and gives a satisfaction score."""

    complaint_id: ComplaintId = attrs.field(converter=to_complaint_id)
    satisfaction: int
    remarks: str = ""


@attrs.frozen(kw_only=True)
class ReopenComplaint(Command):
    """The complainant disputes the answer."""

    complaint_id: ComplaintId = attrs.field(converter=to_complaint_id)
    reason: str


@attrs.frozen(kw_only=True)
class EscalateOverdue(Command):
    """Move every overdue complaint and request one step up its escalation chain."""


# --- handlers -------------------------------------------------------------------------------


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


@handles(FileComplaint)
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


@handles(HandOverComplaint)
def hand_over_complaint(cmd: HandOverComplaint, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).hand_over(
        to=cmd.to,
        by=ctx.actor.id,
        reason=cmd.reason,
        at=ctx.now,
        by_manager=bool(ctx.actor.roles & MANAGERS),
    )
    return cmd.complaint_id.value


@handles(AcknowledgeComplaint)
def acknowledge_complaint(cmd: AcknowledgeComplaint, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).acknowledge_receipt(by=ctx.actor.id, at=ctx.now)
    return cmd.complaint_id.value


@handles(RecordFinding)
def record_finding(cmd: RecordFinding, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).record_finding(
        by=ctx.actor.id, finding=cmd.finding, at=ctx.now
    )
    return cmd.complaint_id.value


@handles(PauseComplaint)
def pause_complaint(cmd: PauseComplaint, ctx: Context) -> str:
    complaint = ctx.uow.complaints.get(cmd.complaint_id)
    allowed = ctx.policies.pause_allowed(complaint, cmd.reason)
    complaint.pause(by=ctx.actor.id, reason=cmd.reason, allowed=allowed, at=ctx.now)
    return cmd.complaint_id.value


@handles(ResumeComplaint)
def resume_complaint(cmd: ResumeComplaint, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).resume(
        by=ctx.actor.id, calendar=ctx.policies.calendar(), at=ctx.now
    )
    return cmd.complaint_id.value


@handles(AnswerComplaint)
def answer_complaint(cmd: AnswerComplaint, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).give_answer(
        by=ctx.actor.id, result=cmd.result, at=ctx.now
    )
    return cmd.complaint_id.value


@handles(CloseComplaint)
def close_complaint(cmd: CloseComplaint, ctx: Context) -> str:
    ctx.uow.complaints.get(cmd.complaint_id).close(
        satisfaction=cmd.satisfaction,
        scale=ctx.policies.satisfaction_scale(),
        remarks=cmd.remarks,
        at=ctx.now,
    )
    return cmd.complaint_id.value


@handles(ReopenComplaint)
def reopen_complaint(cmd: ReopenComplaint, ctx: Context) -> str:
    complaint = ctx.uow.complaints.get(cmd.complaint_id)
    complaint.require_reopenable()
    budgets = ctx.policies.complaint_deadlines(complaint.category, complaint.urgency)
    answer = Timer.start(DeadlineKind.ANSWER, budgets.answer, ctx.policies.calendar(), ctx.now)
    complaint.reopen(reason=cmd.reason, answer=answer, at=ctx.now)
    return cmd.complaint_id.value


@handles(EscalateOverdue)
def escalate_overdue(cmd: EscalateOverdue, ctx: Context) -> str:
    """Returns how many cases went one step up."""
    calendar = ctx.policies.calendar()
    escalated = ctx.uow.complaints.escalate_due(
        ctx.now, chain=ctx.policies.escalation_chain, calendar=calendar
    )
    # Requests late for their response or completion are few next to the complaints (a
    # request is dispatched within hours), so they keep the per-aggregate path.
    for request in request_cases(ctx.uow).list_due_for_escalation(ctx.now):
        chain = ctx.policies.escalation_chain(request)
        escalated += request.escalate(chain=chain, calendar=calendar, now=ctx.now)
    return str(escalated)


# --- read side ----------------------------------------------------------------------------------


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
        assert complaint.channel is not None
        assert complaint.complainant is not None
        assert complaint.owner is not None
        assert complaint.filed_at is not None
        assert complaint.acknowledge is not None
        assert complaint.answer is not None
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


class ComplaintQueries:
    """``desk.complaints``: what the complaint desk and the managers look at."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    def _now(self, now: datetime | None) -> datetime:
        return aware(now if now is not None else self.clock(), "time")

    def complaint(
        self, complaint_id: ComplaintId | str, now: datetime | None = None
    ) -> ComplaintView:
        with self.store.unit_of_work() as uow:
            complaint = uow.complaints.get(to_complaint_id(complaint_id))
            return ComplaintView.of(complaint, self._now(now))

    def open_complaints(self, now: datetime | None = None) -> list[ComplaintView]:
        at = self._now(now)
        with self.store.unit_of_work() as uow:
            return [ComplaintView.of(c, at) for c in uow.complaints.list_open()]

    def overdue_complaints(self, now: datetime | None = None) -> list[ComplaintView]:
        return [view for view in self.open_complaints(now) if view.overdue]

    def history(self, complaint_id: ComplaintId | str) -> list[Event]:
        complaint_id = to_complaint_id(complaint_id)
        with self.store.unit_of_work() as uow:
            uow.complaints.get(complaint_id)  # NotFound for an unknown id, not an empty list
            return uow.events.history("complaint", complaint_id)
