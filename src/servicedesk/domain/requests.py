"""A service request from intake to acceptance (rule requests.registration, rule
requests.response-promise, rule requests.signed-acceptance).

The request is one aggregate: its work orders, consents and extra fees live
inside it, so the rule "no extra fee without a recorded consent" and the state
machine are checked in one place, against one consistent state.  Every change
is an event applied by ``apply``; replaying the events rebuilds the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Final, Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.catalogue import FeeStandard
from servicedesk.domain.deadlines import (
    DeadlineKind,
    Escalation,
    EscalationStep,
    escalation,
    next_escalation_at,
)
from servicedesk.domain.errors import ConsentRequired, IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money
from servicedesk.domain.privacy import personal
from servicedesk.domain.values import (
    ActorId,
    Choice,
    ItemId,
    Requester,
    RequestId,
    TimeWindow,
    WorkerId,
    WorkOrderId,
    check_text,
)
from servicedesk.domain.visits import CallAhead, CallOutcome
from servicedesk.i18n import _


class Channel(Choice):
    """Where a request or complaint came in.

    See rule requests.registration and rule complaints.channels.
    """

    FRONT_DESK = "front_desk"
    HOTLINE = "hotline"
    APP = "app"
    WECHAT = "wechat"
    OWNER_GROUP = "owner_group"
    ON_SITE = "on_site"
    MAILBOX = "mailbox"
    SUGGESTION_BOX = "suggestion_box"
    CALLBACK = "callback"


class Status(StrEnum):
    REGISTERED = "registered"
    TRIAGED = "triaged"
    DECLINED = "declined"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REWORK = "rework"
    ACCEPTED = "accepted"
    CLOSED = "closed"
    CANCELLED = "cancelled"


TERMINAL: Final = frozenset({Status.DECLINED, Status.CLOSED, Status.CANCELLED})

#: The state machine.  Nothing moves a request along an edge not listed here.
TRANSITIONS: Final[dict[Status, frozenset[Status]]] = {
    Status.REGISTERED: frozenset({Status.TRIAGED, Status.DECLINED, Status.CANCELLED}),
    Status.TRIAGED: frozenset({Status.DISPATCHED, Status.CANCELLED}),
    Status.DISPATCHED: frozenset({Status.DISPATCHED, Status.IN_PROGRESS, Status.CANCELLED}),
    Status.IN_PROGRESS: frozenset({Status.COMPLETED, Status.CANCELLED}),
    Status.COMPLETED: frozenset({Status.ACCEPTED, Status.REWORK}),
    Status.REWORK: frozenset({Status.DISPATCHED, Status.IN_PROGRESS, Status.CANCELLED}),
    Status.ACCEPTED: frozenset({Status.CLOSED}),
    Status.DECLINED: frozenset(),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}


class ItemKind(StrEnum):
    """How a service hall classifies an item (rule hall.item-kinds)."""

    IMMEDIATE = "immediate"  # 即办件
    PROMISED = "promised"  # 承诺件
    JOINT = "joint"  # 联办件
    ESCALATED = "escalated"  # 上报件


class Urgency(Choice):
    URGENT = "urgent"
    ORDINARY = "ordinary"


class Milestone(StrEnum):
    """What a promised deadline promises: someone on site, or the job done."""

    STARTED = "started"
    COMPLETED = "completed"


class ConsentKind(Choice):
    SCOPE_CHANGE = "scope_change"
    EXTRA_FEE = "extra_fee"


@attrs.frozen
class Deadline:
    due: datetime
    milestone: Milestone = Milestone.STARTED


@attrs.frozen
class Consent:
    """The requester's recorded yes to a change of scope or an extra fee (rule
    requests.scope-change-consent, rule requests.extra-fee-consent).
    """

    id: str
    kind: ConsentKind
    description: str
    recorded_by: ActorId
    amount: Money | None = None


@attrs.frozen
class ExtraFee:
    consent_id: str
    amount: Money
    description: str


@attrs.frozen
class WorkOrder:
    """One dispatch (派工单) of the request to a worker or contractor."""

    id: WorkOrderId
    worker_id: WorkerId
    urgency: Urgency
    dispatched_at: datetime
    #: Dispatched after the requester's expected window was over (rule
    #: requests.expected-window): the call ahead agrees a new one.
    outside_window: bool = False


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RequestRegistered(Event):
    request_id: RequestId
    requester: Requester
    channel: Channel
    need: str = personal()
    expected: TimeWindow | None = None


@attrs.frozen(kw_only=True)
class RequestTriaged(Event):
    request_id: RequestId
    item_id: ItemId
    fee: FeeStandard
    price: Money | None
    item_kind: ItemKind | None
    urgency: Urgency
    deadline: Deadline
    dispatch_due: datetime
    required_materials: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class RequestDeclined(Event):
    request_id: RequestId
    reason: str = personal()


@attrs.frozen(kw_only=True)
class WorkOrderDispatched(Event):
    request_id: RequestId
    work_order: WorkOrder


@attrs.frozen(kw_only=True)
class CallAheadRecorded(Event):
    """The call to confirm the visit (rule requests.call-ahead)."""

    request_id: RequestId
    call: CallAhead


@attrs.frozen(kw_only=True)
class WorkStarted(Event):
    request_id: RequestId
    work_order_id: WorkOrderId


@attrs.frozen(kw_only=True)
class ConsentRecorded(Event):
    request_id: RequestId
    consent: Consent


@attrs.frozen(kw_only=True)
class ScopeChanged(Event):
    request_id: RequestId
    consent_id: str
    description: str


@attrs.frozen(kw_only=True)
class ExtraFeeAdded(Event):
    request_id: RequestId
    fee: ExtraFee


@attrs.frozen(kw_only=True)
class WorkCompleted(Event):
    request_id: RequestId
    work_order_id: WorkOrderId
    notes: str = personal(default="")


@attrs.frozen(kw_only=True)
class WorkAccepted(Event):
    request_id: RequestId
    signed_by: str = personal()  # the requester's signature: personal data


@attrs.frozen(kw_only=True)
class WorkRejected(Event):
    request_id: RequestId
    reason: str = personal()


@attrs.frozen(kw_only=True)
class RequestClosed(Event):
    request_id: RequestId


@attrs.frozen(kw_only=True)
class RequestCancelled(Event):
    request_id: RequestId
    reason: str = personal()


@attrs.frozen(kw_only=True)
class DeadlineMissed(Event):
    """Recorded once, when the milestone is reached late; it stays recorded."""

    request_id: RequestId
    deadline: Deadline


# --- aggregate -----------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class ServiceRequest(Aggregate[RequestId]):
    requester: Requester
    channel: Channel
    need: str = personal()
    expected: TimeWindow | None = None
    calls: tuple[CallAhead, ...] = ()
    registered_at: datetime
    status: Status = Status.REGISTERED
    item_id: ItemId | None = None
    fee: FeeStandard | None = None
    price: Money | None = None
    item_kind: ItemKind | None = None
    urgency: Urgency = Urgency.ORDINARY
    deadline: Deadline | None = None
    deadline_missed: bool = False
    dispatch_due: datetime | None = None
    required_materials: tuple[str, ...] = ()
    work_orders: tuple[WorkOrder, ...] = ()
    consents: tuple[Consent, ...] = ()
    used_consents: frozenset[str] = frozenset()
    scope_changes: tuple[str, ...] = ()
    extra_fees: tuple[ExtraFee, ...] = ()
    rework_count: int = 0
    reason: str = personal(default="")
    updated_at: datetime
    started_at: datetime | None = None
    escalations: tuple[Escalation, ...] = ()

    # -- queries ---------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status not in TERMINAL

    @property
    def work_order(self) -> WorkOrder | None:
        """The current work order: the latest dispatch."""
        return self.work_orders[-1] if self.work_orders else None

    @property
    def worker_id(self) -> WorkerId | None:
        order = self.work_order
        return order.worker_id if order else None

    def is_overdue(self, now: datetime) -> bool:
        """Past the promised deadline without reaching its milestone."""
        deadline = self.deadline
        if deadline is None or not self.is_open or self._milestone_reached(deadline.milestone):
            return False
        return now > deadline.due

    def _milestone_reached(self, milestone: Milestone) -> bool:
        if milestone is Milestone.STARTED:
            return self.status in (
                Status.IN_PROGRESS,
                Status.COMPLETED,
                Status.REWORK,
                Status.ACCEPTED,
                Status.CLOSED,
            )
        # A job rejected after completion was completed once: the promise was kept.
        return self.status in (Status.COMPLETED, Status.REWORK, Status.ACCEPTED, Status.CLOSED)

    # -- commands --------------------------------------------------------------

    @classmethod
    def register(
        cls,
        request_id: RequestId,
        *,
        requester: Requester,
        channel: Channel,
        need: str,
        at: datetime,
        expected: TimeWindow | None = None,
    ) -> ServiceRequest:
        need = check_text(need, "need", 2000)
        return cls._create(
            RequestRegistered(
                at=at,
                request_id=request_id,
                requester=requester,
                channel=Channel(channel),
                need=need,
                expected=expected,
            )
        )

    def triage(
        self,
        *,
        item_id: ItemId,
        fee: FeeStandard,
        price: Money | None,
        item_kind: ItemKind | None,
        urgency: Urgency,
        deadline: Deadline,
        dispatch_due: datetime,
        required_materials: tuple[str, ...],
        at: datetime,
    ) -> None:
        """Accept the request in scope, with a promised deadline and every material named."""
        self._allow(Status.TRIAGED, _("triaged"))
        if deadline.due <= at:
            raise InvalidValue(
                _("The promised deadline {due} is not after the triage time {at}."),
                code="request.invalid",
                due=deadline.due.isoformat(timespec="minutes"),
                at=at.isoformat(timespec="minutes"),
            )
        if dispatch_due < at:
            dispatch_due = at
        self._record(
            RequestTriaged(
                at=at,
                request_id=self.id,
                item_id=item_id,
                fee=fee,
                price=price,
                item_kind=item_kind,
                urgency=urgency,
                deadline=deadline,
                dispatch_due=dispatch_due,
                required_materials=tuple(required_materials),
            )
        )

    def decline(self, *, reason: str, at: datetime) -> None:
        """Out of scope: declined with a reason the requester is given (rule
        requests.decline-with-reason).
        """
        reason = check_text(reason, "reason", 500)
        self._allow(Status.DECLINED, _("declined"))
        self._record(RequestDeclined(at=at, request_id=self.id, reason=reason))

    def dispatch(
        self,
        *,
        work_order_id: WorkOrderId,
        worker_id: WorkerId,
        at: datetime,
        outside_window: bool = False,
    ) -> None:
        self._allow(Status.DISPATCHED, _("dispatched"))
        if (
            self.work_order is not None
            and self.work_order.worker_id == worker_id
            and (self.status is Status.DISPATCHED)
        ):
            raise IllegalTransition(
                _("Request {id} is already dispatched to worker {worker}."),
                code="request.illegal_transition",
                id=self.id,
                worker=worker_id,
            )
        order = WorkOrder(work_order_id, worker_id, self.urgency, at, outside_window)
        self._record(WorkOrderDispatched(at=at, request_id=self.id, work_order=order))

    def record_call_ahead(self, call: CallAhead) -> None:
        """The call to confirm the visit, before the work starts (rule requests.call-ahead);
        a rescheduled call moves the expected window."""
        if self.status not in (Status.TRIAGED, Status.DISPATCHED):
            raise IllegalTransition(
                _("Request {id} is {status}; the visit is confirmed before the work starts."),
                code="request.illegal_transition",
                id=self.id,
                status=self.status,
            )
        rescheduled = call.outcome is CallOutcome.RESCHEDULED
        if rescheduled != (call.window is not None):
            raise InvalidValue(
                _("A rescheduled call names the new window; no other call does."),
                code="request.invalid",
            )
        if call.window is not None and call.window.end <= call.at:
            raise InvalidValue(
                _("The new window is already past; agree a later one."), code="request.invalid"
            )
        self._record(CallAheadRecorded(at=call.at, request_id=self.id, call=call))

    def start(self, *, at: datetime) -> None:
        self._allow(Status.IN_PROGRESS, _("started"))
        order = self._current_order()
        late = self._late(Milestone.STARTED, at)
        self._record(WorkStarted(at=at, request_id=self.id, work_order_id=order.id))
        if late:
            self._record(DeadlineMissed(at=at, request_id=self.id, deadline=late))

    def record_consent(
        self,
        *,
        consent_id: str,
        kind: ConsentKind,
        description: str,
        recorded_by: ActorId,
        at: datetime,
        amount: Money | None = None,
    ) -> None:
        description = check_text(description, "description", 1000)
        check_text(consent_id, "consent id", 64)
        if self.status not in (Status.DISPATCHED, Status.IN_PROGRESS, Status.REWORK):
            raise IllegalTransition(
                _("Request {id} is {status}; consent is recorded while the work is under way."),
                code="request.illegal_transition",
                id=self.id,
                status=self.status,
            )
        if any(c.id == consent_id for c in self.consents):
            raise InvalidValue(
                _("Consent {cid} is already recorded."), code="request.invalid", cid=consent_id
            )
        if kind is ConsentKind.EXTRA_FEE:
            if amount is None or amount.is_negative or amount.is_zero:
                raise InvalidValue(
                    _("A consent to an extra fee states the amount agreed."), code="request.invalid"
                )
        elif amount is not None:
            raise InvalidValue(
                _("A consent to a change of scope carries no amount."), code="request.invalid"
            )
        consent = Consent(consent_id, ConsentKind(kind), description, recorded_by, amount)
        self._record(ConsentRecorded(at=at, request_id=self.id, consent=consent))

    def change_scope(self, *, consent_id: str, description: str, at: datetime) -> None:
        description = check_text(description, "description", 1000)
        self._in_progress(_("change its scope"))
        self._consent(consent_id, ConsentKind.SCOPE_CHANGE)
        self._record(
            ScopeChanged(at=at, request_id=self.id, consent_id=consent_id, description=description)
        )

    def add_extra_fee(
        self, *, consent_id: str, amount: Money, description: str, at: datetime
    ) -> None:
        """No extra charge without a recorded consent covering it (rule
        requests.extra-fee-consent).
        """
        description = check_text(description, "description", 1000)
        self._in_progress(_("take an extra fee"))
        consent = self._consent(consent_id, ConsentKind.EXTRA_FEE)
        assert consent.amount is not None
        if amount.is_negative or amount.is_zero:
            raise InvalidValue(_("An extra fee must be more than zero."), code="request.invalid")
        if amount > consent.amount:
            raise ConsentRequired(
                _("The extra fee {amount} exceeds the {agreed} the requester agreed to."),
                code="request.consent_required",
                amount=amount,
                agreed=consent.amount,
            )
        fee = ExtraFee(consent_id, amount, description)
        self._record(ExtraFeeAdded(at=at, request_id=self.id, fee=fee))

    def complete(self, *, at: datetime, notes: str = "") -> None:
        self._allow(Status.COMPLETED, _("completed"))
        order = self._current_order()
        late = self._late(Milestone.COMPLETED, at)
        self._record(WorkCompleted(at=at, request_id=self.id, work_order_id=order.id, notes=notes))
        if late:
            self._record(DeadlineMissed(at=at, request_id=self.id, deadline=late))

    def accept(self, *, signed_by: str, at: datetime) -> None:
        """The requester inspects the work and signs (rule requests.signed-acceptance)."""
        signed_by = check_text(signed_by, "signature", 100)
        self._allow(Status.ACCEPTED, _("accepted"))
        self._record(WorkAccepted(at=at, request_id=self.id, signed_by=signed_by))

    def reject(self, *, reason: str, at: datetime) -> None:
        """Not satisfied: the job goes back for rework until accepted."""
        reason = check_text(reason, "reason", 500)
        self._allow(Status.REWORK, _("rejected"))
        self._record(WorkRejected(at=at, request_id=self.id, reason=reason))

    def close(self, *, at: datetime) -> None:
        self._allow(Status.CLOSED, _("closed"))
        self._record(RequestClosed(at=at, request_id=self.id))

    def cancel(self, *, reason: str, at: datetime) -> None:
        reason = check_text(reason, "reason", 500)
        self._allow(Status.CANCELLED, _("cancelled"))
        self._record(RequestCancelled(at=at, request_id=self.id, reason=reason))

    # -- rules -----------------------------------------------------------------

    def require_transition(self, target: Status, action: str) -> None:
        """Refuse early, before a handler asks policies for a move that cannot happen."""
        self._allow(target, action)

    def _allow(self, target: Status, action: str) -> None:
        if target not in TRANSITIONS[self.status]:
            raise IllegalTransition(
                _("Request {id} is {status}; it cannot be {action}."),
                code="request.illegal_transition",
                id=self.id,
                status=self.status,
                action=action,
            )

    def _current_order(self) -> WorkOrder:
        order = self.work_order
        if order is None:
            raise IllegalTransition(
                _("Request {id} has no work order; dispatch it first."),
                code="request.illegal_transition",
                id=self.id,
            )
        return order

    def _in_progress(self, action: str) -> None:
        if self.status is not Status.IN_PROGRESS:
            raise IllegalTransition(
                _("Request {id} is {status}; only work in progress can {action}."),
                code="request.illegal_transition",
                id=self.id,
                status=self.status,
                action=action,
            )

    def _consent(self, consent_id: str, kind: ConsentKind) -> Consent:
        for consent in self.consents:
            if consent.id == consent_id and consent.kind is kind:
                if consent_id in self.used_consents:
                    raise ConsentRequired(
                        _("Consent {cid} has already been used; ask the requester again."),
                        code="request.consent_required",
                        cid=consent_id,
                    )
                return consent
        raise ConsentRequired(
            _(
                "Request {id} has no recorded consent {cid} for this; record the requester's "
                "consent first."
            ),
            code="request.consent_required",
            id=self.id,
            cid=consent_id,
        )

    def _late(self, milestone: Milestone, at: datetime) -> Deadline | None:
        deadline = self.deadline
        if deadline is None or deadline.milestone is not milestone or self.deadline_missed:
            return None
        if milestone is Milestone.STARTED and self.started_at is not None:
            return None  # someone was on site already; a restart after rework is not late
        return deadline if at > deadline.due else None

    # -- state -------------------------------------------------------------------

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case RequestRegistered():
                return cls(
                    event.request_id,
                    requester=event.requester,
                    channel=event.channel,
                    need=event.need,
                    expected=event.expected,
                    registered_at=event.at,
                    updated_at=event.at,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        """Change state by one event; used both by commands and by replay."""
        self.updated_at = event.at
        match event:
            case RequestTriaged():
                self.item_id, self.fee, self.price = event.item_id, event.fee, event.price
                self.item_kind, self.urgency = event.item_kind, event.urgency
                self.deadline, self.dispatch_due = event.deadline, event.dispatch_due
                self.required_materials = event.required_materials
                self.status = Status.TRIAGED
            case RequestDeclined():
                self.status, self.reason = Status.DECLINED, event.reason
            case WorkOrderDispatched():
                self.work_orders = (*self.work_orders, event.work_order)
                self.status = Status.DISPATCHED
            case CallAheadRecorded():
                self.calls = (*self.calls, event.call)
                if event.call.window is not None:
                    self.expected = event.call.window
            case WorkStarted():
                self.status = Status.IN_PROGRESS
                self.started_at = self.started_at or event.at
            case ConsentRecorded():
                self.consents = (*self.consents, event.consent)
            case ScopeChanged():
                self.used_consents = self.used_consents | {event.consent_id}
                self.scope_changes = (*self.scope_changes, event.description)
            case ExtraFeeAdded():
                self.used_consents = self.used_consents | {event.fee.consent_id}
                self.extra_fees = (*self.extra_fees, event.fee)
            case WorkCompleted():
                self.status = Status.COMPLETED
            case WorkAccepted():
                self.status = Status.ACCEPTED
            case WorkRejected():
                self.status, self.reason = Status.REWORK, event.reason
                self.rework_count += 1
            case RequestClosed():
                self.status = Status.CLOSED
            case RequestCancelled():
                self.status, self.reason = Status.CANCELLED, event.reason
            case DeadlineMissed():
                self.deadline_missed = True
            case RequestEscalated():
                self.escalations = (*self.escalations, event.escalation)
            case _:
                super().apply(event)

    # -- escalation ------------------------------------------------------------------

    def _running_deadline(self) -> Deadline | None:
        """The promise whose clock still runs: set, the request open, its milestone not reached."""
        deadline = self.deadline
        if deadline is None or not self.is_open or self._milestone_reached(deadline.milestone):
            return None
        return deadline

    @property
    def next_escalation_at(self) -> datetime | None:
        """When this request is next due for escalation; stores index this value."""
        running = self._running_deadline()
        last = self.escalations[-1] if self.escalations else None
        return next_escalation_at(running.due if running else None, last)

    def escalate(
        self, *, chain: Sequence[EscalationStep], calendar: WorkingCalendar, now: datetime
    ) -> bool:
        """One step up the chain if due now; the breach is recorded first, once."""
        running = self._running_deadline()
        if running is None:
            return False
        started = running.milestone is Milestone.STARTED
        step = escalation(
            chain=chain,
            escalated=self.escalations,
            kind=DeadlineKind.RESPONSE if started else DeadlineKind.COMPLETION,
            due=running.due,
            calendar=calendar,
            now=now,
        )
        if step is None:
            return False
        if not self.deadline_missed:
            self._record(DeadlineMissed(at=now, request_id=self.id, deadline=running))
        self._record(RequestEscalated(at=now, request_id=self.id, escalation=step))
        return True


@attrs.frozen(kw_only=True)
class RequestEscalated(Event):
    """An overdue request went one step up the escalation chain."""

    request_id: RequestId
    escalation: Escalation
