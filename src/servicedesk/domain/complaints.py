"""A complaint (投诉) from filing to the complainant's verdict (rule complaints.channels, rule
complaints.first-asked-owner, rule complaints.time-limits, rule complaints.result-told).

Two rules shape the aggregate.  First-responder duty (首问负责制): whoever takes the
complaint owns it, and only the owner acts on it until an explicit, recorded hand-over.
Time-limited completion (限时办结制): acknowledgement and answer are due in working time;
the answer clock may pause where the policy allows (waiting for the complainant), a breach is
recorded once and stays, and an overdue complaint climbs the escalation chain.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.deadlines import (
    Breach,
    DeadlineKind,
    Escalation,
    EscalationStep,
    Timer,
    WorkingBudget,
    escalation,
    next_escalation_at,
)
from servicedesk.domain.errors import (
    IllegalTransition,
    InvalidValue,
    PermissionDenied,
    ServiceDeskError,
)
from servicedesk.domain.events import Event
from servicedesk.domain.first_responder import Handover, hand_over, require_owner
from servicedesk.domain.privacy import personal
from servicedesk.domain.requests import Channel, Urgency
from servicedesk.domain.satisfaction import SatisfactionScale
from servicedesk.domain.values import (
    ActorId,
    Choice,
    Identifier,
    ItemId,
    Requester,
    RequestId,
    WorkerId,
    check_text,
)
from servicedesk.i18n import _


@attrs.frozen
class ComplaintId(Identifier):
    """Identifies a complaint."""


@attrs.frozen
class CallbackId(Identifier):
    """Identifies one callback (回访) of a completed job.

    Defined here, not in ``callbacks``, because a complaint names the callback it was raised
    in and the callbacks module already depends on this one.
    """


class ComplaintStatus(StrEnum):
    FILED = "filed"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    ANSWERED = "answered"
    CLOSED = "closed"


class PauseReason(Choice):
    """Why the answer clock would stop; the policy says which reasons may stop it."""

    WAITING_FOR_COMPLAINANT = "waiting_for_complainant"
    WAITING_FOR_THIRD_PARTY = "waiting_for_third_party"


_WORKING: Final = frozenset({ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.INVESTIGATING})


def check_category(category: str, categories: Collection[str]) -> str:
    """One of the organisation's complaint categories, or a typed error listing them."""
    if category not in categories:
        raise InvalidValue(
            _("{category!r} is not a complaint category; use one of: {known}."),
            code="complaint.invalid",
            category=category,
            known=", ".join(sorted(categories)),
        )
    return category


@attrs.frozen
class ComplaintDeadlines:
    """What the policy gives a complaint: time to acknowledge it and time to answer it."""

    acknowledge: WorkingBudget
    answer: WorkingBudget


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ComplaintFiled(Event):
    complaint_id: ComplaintId
    channel: Channel
    complainant: Requester
    category: str
    urgency: Urgency
    description: str = personal()
    taken_by: ActorId
    acknowledge: Timer
    answer: Timer
    request_id: RequestId | None = None
    worker_id: WorkerId | None = None
    item_id: ItemId | None = None
    callback_id: CallbackId | None = None


@attrs.frozen(kw_only=True)
class ComplaintHandedOver(Event):
    complaint_id: ComplaintId
    handover: Handover


@attrs.frozen(kw_only=True)
class ComplaintAcknowledged(Event):
    complaint_id: ComplaintId
    by: ActorId


@attrs.frozen(kw_only=True)
class ComplaintFindingRecorded(Event):
    complaint_id: ComplaintId
    by: ActorId
    finding: str = personal()


@attrs.frozen(kw_only=True)
class ComplaintPaused(Event):
    complaint_id: ComplaintId
    by: ActorId
    reason: PauseReason


@attrs.frozen(kw_only=True)
class ComplaintResumed(Event):
    """The pause is over; ``paused_for`` (working time) moved the answer deadline to ``due``."""

    complaint_id: ComplaintId
    by: ActorId
    paused_for: timedelta
    due: datetime


@attrs.frozen(kw_only=True)
class ComplaintAnswered(Event):
    complaint_id: ComplaintId
    by: ActorId
    result: str = personal()


@attrs.frozen(kw_only=True)
class ComplaintClosed(Event):
    complaint_id: ComplaintId
    satisfaction: int
    remarks: str = personal(default="")


@attrs.frozen(kw_only=True)
class ComplaintReopened(Event):
    """The complainant disputes the answer: a new answer clock starts."""

    complaint_id: ComplaintId
    reason: str = personal()
    answer: Timer


@attrs.frozen(kw_only=True)
class ComplaintDeadlineBreached(Event):
    complaint_id: ComplaintId
    breach: Breach


@attrs.frozen(kw_only=True)
class ComplaintEscalated(Event):
    """One step up the chain; ``breach``: the deadline it went up for, missed and not yet
    recorded (one event per escalation, the breach recorded with it)."""

    complaint_id: ComplaintId
    escalation: Escalation
    breach: Breach | None = None

    def alike(
        self, complaint_id: str, escalation: Escalation, breach: Breach | None
    ) -> ComplaintEscalated:
        """This event for another complaint of a bulk sweep, without checking again what
        ``self`` passed: the id and the times come from complaints stored valid."""
        key = object.__new__(ComplaintId)
        object.__setattr__(key, "value", complaint_id)
        event = object.__new__(ComplaintEscalated)
        for name, value in (
            ("at", self.at),
            ("complaint_id", key),
            ("escalation", escalation),
            ("breach", breach),
        ):
            object.__setattr__(event, name, value)
        return event


# --- aggregate -----------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class Complaint(Aggregate[ComplaintId]):
    channel: Channel
    complainant: Requester
    category: str
    urgency: Urgency
    description: str = personal()
    request_id: RequestId | None = None
    worker_id: WorkerId | None = None
    item_id: ItemId | None = None
    callback_id: CallbackId | None = None
    filed_at: datetime
    taken_by: ActorId
    owner: ActorId
    handovers: tuple[Handover, ...] = ()
    status: ComplaintStatus = ComplaintStatus.FILED
    acknowledge: Timer
    answer: Timer
    pause_reason: PauseReason | None = None
    findings: tuple[str, ...] = personal(default=())
    result: str = personal(default="")
    satisfaction: int | None = None
    remarks: str = personal(default="")
    reopen_count: int = 0
    breaches: tuple[Breach, ...] = ()
    escalations: tuple[Escalation, ...] = ()
    updated_at: datetime

    # -- queries ---------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status is not ComplaintStatus.CLOSED

    @property
    def is_paused(self) -> bool:
        return self.pause_reason is not None

    @property
    def clock(self) -> Timer | None:
        """The deadline now running: the acknowledgement first, then the answer."""
        if self.status in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED):
            return None
        for timer in (self.acknowledge, self.answer):
            if timer.met_at is None:
                return timer if timer.is_running else None
        return None

    @property
    def clock_breached(self) -> bool | None:
        """Whether a breach of the running clock is recorded already (``None``: no clock).

        Decides whether escalating now also records a breach; stores index it with the
        rest of what decides a complaint's next escalation step.
        """
        clock = self.clock
        return None if clock is None else self._breached(clock)

    def is_overdue(self, now: datetime) -> bool:
        clock = self.clock
        return clock is not None and clock.is_overdue(now)

    @property
    def next_escalation_at(self) -> datetime | None:
        """When this complaint is next due for escalation; stores index this value."""
        clock = self.clock
        last = self.escalations[-1] if self.escalations else None
        return next_escalation_at(clock.due if clock else None, last)

    # -- commands --------------------------------------------------------------------------

    @classmethod
    def file(
        cls,
        complaint_id: ComplaintId,
        *,
        channel: Channel,
        complainant: Requester,
        category: str,
        categories: Collection[str],
        channels: Collection[Channel],
        urgency: Urgency,
        description: str,
        taken_by: ActorId,
        acknowledge: Timer,
        answer: Timer,
        at: datetime,
        request_id: RequestId | None = None,
        worker_id: WorkerId | None = None,
        item_id: ItemId | None = None,
        callback_id: CallbackId | None = None,
    ) -> Complaint:
        description = check_text(description, "description", 2000)
        channel = Channel(channel)
        if channel not in channels:  # the centre's published channels (rule complaints.channels)
            raise InvalidValue(
                _("A complaint cannot come in through the channel {channel}."),
                code="complaint.invalid",
                channel=channel,
            )
        check_category(category, categories)
        if (channel is Channel.CALLBACK) != (callback_id is not None):
            raise InvalidValue(
                _("A complaint comes from a callback exactly when it names one."),
                code="complaint.invalid",
            )
        if acknowledge.kind is not DeadlineKind.ACKNOWLEDGE or answer.kind is not (
            DeadlineKind.ANSWER
        ):
            raise InvalidValue(
                _("A complaint needs an acknowledgement and an answer deadline."),
                code="complaint.invalid",
            )
        return cls._create(
            ComplaintFiled(
                at=at,
                complaint_id=complaint_id,
                channel=channel,
                complainant=complainant,
                category=category,
                urgency=Urgency(urgency),
                description=description,
                taken_by=taken_by,
                acknowledge=acknowledge,
                answer=answer,
                request_id=request_id,
                worker_id=worker_id,
                item_id=item_id,
                callback_id=callback_id,
            )
        )

    def hand_over(
        self, *, to: ActorId, by: ActorId, reason: str, at: datetime, by_manager: bool = False
    ) -> None:
        """Pass first-responder duty on; only the owner, or a manager, may do so."""
        reason = check_text(reason, "reason", 500)
        self._open(_("handed over"))
        handover = hand_over(
            self.owner, to=to, by=by, reason=reason, at=at, by_manager=by_manager, refusals=self
        )
        self._record(ComplaintHandedOver(at=at, complaint_id=self.id, handover=handover))

    def acknowledge_receipt(self, *, by: ActorId, at: datetime) -> None:
        """The complainant is told the complaint is received and who handles it."""
        self._status({ComplaintStatus.FILED}, _("acknowledged"))
        self._owner(by)
        self._breach_if_late(self.acknowledge, at)
        self._record(ComplaintAcknowledged(at=at, complaint_id=self.id, by=by))

    def record_finding(self, *, by: ActorId, finding: str, at: datetime) -> None:
        finding = check_text(finding, "finding", 2000)
        self._status(_WORKING, _("investigated"))
        self._owner(by)
        self._record(ComplaintFindingRecorded(at=at, complaint_id=self.id, by=by, finding=finding))

    def pause(self, *, by: ActorId, reason: PauseReason, allowed: bool, at: datetime) -> None:
        """Stop the answer clock, where the organisation's policy allows it for ``reason``."""
        self._status(_WORKING, _("paused"))
        self._owner(by)
        if self.is_paused:
            raise IllegalTransition(
                _("Complaint {id} is already paused."),
                code="complaint.illegal_transition",
                id=self.id,
            )
        if not allowed:
            raise IllegalTransition(
                _("The policy does not allow pausing complaint {id} for {reason}."),
                code="complaint.illegal_transition",
                id=self.id,
                reason=_(reason),
            )
        self._breach_if_late(self.answer, at)
        self._record(
            ComplaintPaused(at=at, complaint_id=self.id, by=by, reason=PauseReason(reason))
        )

    def resume(self, *, by: ActorId, calendar: WorkingCalendar, at: datetime) -> None:
        self._owner(by)
        if not self.is_paused:
            raise IllegalTransition(
                _("Complaint {id} is not paused."), code="complaint.illegal_transition", id=self.id
            )
        resumed = self.answer.resumed(calendar, at)
        self._record(
            ComplaintResumed(
                at=at,
                complaint_id=self.id,
                by=by,
                paused_for=resumed.paused_for - self.answer.paused_for,
                due=resumed.due,
            )
        )

    def give_answer(self, *, by: ActorId, result: str, at: datetime) -> None:
        """The complainant is told the result of the investigation."""
        result = check_text(result, "result", 2000)
        self._status(_WORKING, _("answered"))
        self._owner(by)
        if self.is_paused:
            raise IllegalTransition(
                _("Complaint {id} is paused; resume it before answering."),
                code="complaint.illegal_transition",
                id=self.id,
            )
        self._breach_if_late(self.answer, at)
        self._record(ComplaintAnswered(at=at, complaint_id=self.id, by=by, result=result))

    def close(
        self, *, satisfaction: int, scale: SatisfactionScale, remarks: str = "", at: datetime
    ) -> None:
        """The complainant accepts the answer; their satisfaction is recorded with it."""
        self._status({ComplaintStatus.ANSWERED}, _("closed"))
        satisfaction = scale.check(satisfaction)
        if remarks:
            remarks = check_text(remarks, "remarks", 1000)
        self._record(
            ComplaintClosed(at=at, complaint_id=self.id, satisfaction=satisfaction, remarks=remarks)
        )

    def require_reopenable(self) -> None:
        """Refuse early, before a handler asks the policies for a new answer deadline."""
        self._status({ComplaintStatus.ANSWERED}, _("reopened"))

    def reopen(self, *, reason: str, answer: Timer, at: datetime) -> None:
        """The complainant disputes the answer; breaches already recorded stay recorded."""
        reason = check_text(reason, "reason", 1000)
        self._status({ComplaintStatus.ANSWERED}, _("reopened"))
        if answer.kind is not DeadlineKind.ANSWER:
            raise InvalidValue(
                _("A reopened complaint needs a new answer deadline."), code="complaint.invalid"
            )
        self._record(ComplaintReopened(at=at, complaint_id=self.id, reason=reason, answer=answer))

    def escalate(
        self, *, chain: Sequence[EscalationStep], calendar: WorkingCalendar, now: datetime
    ) -> bool:
        """One step up the chain if due now; ``False`` (and nothing recorded) otherwise."""
        clock = self.clock
        if clock is None:
            return False
        step = escalation(
            chain=chain,
            escalated=self.escalations,
            kind=clock.kind,
            due=clock.due,
            calendar=calendar,
            now=now,
        )
        if step is None:
            return False
        breach = self._late(clock, now)
        self._record(
            ComplaintEscalated(at=now, complaint_id=self.id, escalation=step, breach=breach)
        )
        return True

    # -- rules ---------------------------------------------------------------------------------

    def _open(self, action: str) -> None:
        self._status(frozenset(ComplaintStatus) - {ComplaintStatus.CLOSED}, action)

    def _status(self, allowed: Collection[ComplaintStatus], action: str) -> None:
        if self.status not in allowed:
            raise IllegalTransition(
                _("Complaint {id} is {status}; it cannot be {action}."),
                code="complaint.illegal_transition",
                id=self.id,
                status=self.status,
                action=action,
            )

    def _owner(self, by: ActorId) -> None:
        require_owner(self.owner, by, self)

    def not_owner(self, owner: ActorId) -> ServiceDeskError:
        """The refusal of first-responder duty (``first_responder.Refusals``)."""
        return PermissionDenied(
            _(
                "Complaint {id} is owned by {owner} (first-responder duty); "
                "hand it over before acting on it."
            ),
            code="complaint.forbidden",
            id=self.id,
            owner=owner,
        )

    def already_owner(self, owner: ActorId) -> ServiceDeskError:
        return InvalidValue(
            _("Complaint {id} is already owned by {owner}."),
            code="complaint.invalid",
            id=self.id,
            owner=owner,
        )

    def _breach_if_late(self, timer: Timer, at: datetime) -> None:
        breach = self._late(timer, at)
        if breach is not None:
            self._record(ComplaintDeadlineBreached(at=at, complaint_id=self.id, breach=breach))

    def _late(self, timer: Timer, at: datetime) -> Breach | None:
        """The breach of ``timer`` at ``at``, if it is late and not recorded yet."""
        if at <= timer.due or self._breached(timer):
            return None
        return Breach(timer.kind, timer.started_at, timer.due, at)

    def _breached(self, timer: Timer) -> bool:
        return any(b.kind is timer.kind and b.started_at == timer.started_at for b in self.breaches)

    # -- state ---------------------------------------------------------------------------------

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case ComplaintFiled():
                return cls(
                    event.complaint_id,
                    channel=event.channel,
                    complainant=event.complainant,
                    category=event.category,
                    urgency=event.urgency,
                    description=event.description,
                    request_id=event.request_id,
                    worker_id=event.worker_id,
                    item_id=event.item_id,
                    callback_id=event.callback_id,
                    filed_at=event.at,
                    taken_by=event.taken_by,
                    owner=event.taken_by,
                    acknowledge=event.acknowledge,
                    answer=event.answer,
                    updated_at=event.at,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        """Change state by one event; used both by commands and by replay."""
        self.updated_at = event.at
        match event:
            case ComplaintHandedOver():
                self.owner = event.handover.to_owner
                self.handovers = (*self.handovers, event.handover)
            case ComplaintAcknowledged():
                self.acknowledge = self.acknowledge.met(event.at)
                self.status = ComplaintStatus.ACKNOWLEDGED
            case ComplaintFindingRecorded():
                self.findings = (*self.findings, event.finding)
                self.status = ComplaintStatus.INVESTIGATING
            case ComplaintPaused():
                self.answer = self.answer.paused(event.at)
                self.pause_reason = event.reason
            case ComplaintResumed():
                self.answer = attrs.evolve(
                    self.answer,
                    due=event.due,
                    paused_at=None,
                    paused_for=self.answer.paused_for + event.paused_for,
                )
                self.pause_reason = None
            case ComplaintAnswered():
                self.answer = self.answer.met(event.at)
                self.result = event.result
                self.status = ComplaintStatus.ANSWERED
            case ComplaintClosed():
                self.satisfaction, self.remarks = event.satisfaction, event.remarks
                self.status = ComplaintStatus.CLOSED
            case ComplaintReopened():
                self.answer = event.answer
                self.reopen_count += 1
                self.status = ComplaintStatus.INVESTIGATING
            case ComplaintDeadlineBreached():
                self.breaches = (*self.breaches, event.breach)
            case ComplaintEscalated():
                if event.breach is not None:
                    self.breaches = (*self.breaches, event.breach)
                self.escalations = (*self.escalations, event.escalation)
            case _:
                super().apply(event)
