"""An enquiry: a consultation (咨询) or a suggestion (建议), from the first person asked to its
answer or referral (rule complaints.enquiries, rule complaints.enquiry-referral, rule
complaints.enquiry-time-limit).

First-responder duty (首问负责制) covers every enquiry, not only complaints: whoever is asked
first owns it, and only the owner acts on it until a recorded hand-over (``first_responder``).
The owner answers it, or, when the desk cannot answer it, refers it to the department that
can or to the complaint or request it became; either ends the enquiry's clock, which runs in
working time from when it was taken, and a late answer is recorded as a breach once.

The asker's name and phone, the question and the answer are personal data: an erasure or the
retention purge takes them out (``privacy.scrub``), the kind, channel, owner and times stay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.complaints import ComplaintId
from servicedesk.domain.deadlines import Breach, DeadlineKind, Timer
from servicedesk.domain.errors import (
    IllegalTransition,
    InvalidValue,
    PermissionDenied,
    ServiceDeskError,
)
from servicedesk.domain.events import Event
from servicedesk.domain.first_responder import Handover, hand_over, owner_after, require_owner
from servicedesk.domain.privacy import personal
from servicedesk.domain.requests import Channel
from servicedesk.domain.values import (
    ActorId,
    Choice,
    Contact,
    Identifier,
    RequestId,
    check_text,
)
from servicedesk.i18n import _


@attrs.frozen
class EnquiryId(Identifier):
    """Identifies an enquiry."""


class EnquiryKind(Choice):
    CONSULTATION = "consultation"
    SUGGESTION = "suggestion"


class EnquiryStatus(Choice):
    OPEN = "open"
    ANSWERED = "answered"
    REFERRED = "referred"


class ReferralTarget(Choice):
    """Where an enquiry the desk does not answer itself goes."""

    DEPARTMENT = "department"
    COMPLAINT = "complaint"
    REQUEST = "request"


@attrs.frozen
class Referral:
    """Where the enquiry went: a department by name, or the complaint or request it became."""

    target: ReferralTarget
    department: str = ""
    complaint_id: ComplaintId | None = None
    request_id: RequestId | None = None

    @classmethod
    def to(
        cls,
        target: ReferralTarget,
        *,
        department: str | None = None,
        complaint_id: ComplaintId | None = None,
        request_id: RequestId | None = None,
    ) -> Referral:
        """The referral, with exactly what its target needs and nothing else."""
        target = ReferralTarget(target)
        given = {
            ReferralTarget.DEPARTMENT: department is not None,
            ReferralTarget.COMPLAINT: complaint_id is not None,
            ReferralTarget.REQUEST: request_id is not None,
        }
        if not given[target] or sum(given.values()) != 1:
            raise InvalidValue(
                _("A referral to a {target} names that {target} and nothing else."),
                code="enquiry.invalid",
                target=target,
            )
        if department is not None:
            department = check_text(department, "department", 100)
        return cls(target, department or "", complaint_id, request_id)


def check_question(asker_name: str, question: str) -> tuple[str, str]:
    """The asker's name and the question as an enquiry keeps them, or a typed refusal."""
    return check_text(asker_name, "asker_name", 100), check_text(question, "question", 2000)


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class EnquiryTaken(Event):
    enquiry_id: EnquiryId
    kind: EnquiryKind
    channel: Channel
    asker_name: str = personal()
    contact: Contact | None = None
    question: str = personal()
    taken_by: ActorId
    answer: Timer


@attrs.frozen(kw_only=True)
class EnquiryHandedOver(Event):
    enquiry_id: EnquiryId
    handover: Handover


@attrs.frozen(kw_only=True)
class EnquiryAnswered(Event):
    enquiry_id: EnquiryId
    by: ActorId
    answer: str = personal()
    breach: Breach | None = None


@attrs.frozen(kw_only=True)
class EnquiryReferred(Event):
    enquiry_id: EnquiryId
    by: ActorId
    referral: Referral
    note: str = personal(default="")
    breach: Breach | None = None


# --- aggregate -----------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class Enquiry(Aggregate[EnquiryId]):
    kind: EnquiryKind
    channel: Channel
    asker_name: str = personal()
    contact: Contact | None = None
    question: str = personal()
    taken_at: datetime
    taken_by: ActorId
    owner: ActorId
    handovers: tuple[Handover, ...] = ()
    status: EnquiryStatus = EnquiryStatus.OPEN
    clock: Timer
    answer: str = personal(default="")
    answered_by: ActorId | None = None
    referral: Referral | None = None
    note: str = personal(default="")
    breach: Breach | None = None
    updated_at: datetime

    # -- queries ---------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status is EnquiryStatus.OPEN

    @property
    def due(self) -> datetime:
        return self.clock.due

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and self.clock.is_overdue(now)

    @property
    def open_due(self) -> datetime | None:
        """When the open enquiry's answer is due; ``None`` once answered or referred.

        Stores index this value, so the overdue list is one indexed search.
        """
        return self.clock.due if self.is_open else None

    # -- commands --------------------------------------------------------------------------

    @classmethod
    def take(
        cls,
        enquiry_id: EnquiryId,
        *,
        kind: EnquiryKind,
        channel: Channel,
        channels: frozenset[Channel],
        asker_name: str,
        contact: Contact | None,
        question: str,
        taken_by: ActorId,
        answer: Timer,
        at: datetime,
    ) -> Enquiry:
        """The enquiry as first asked: whoever takes it owns it (first-responder duty)."""
        asker_name, question = check_question(asker_name, question)
        channel = Channel(channel)
        if channel not in channels:  # the centre's published channels
            raise InvalidValue(
                _("An enquiry cannot come in through the channel {channel}."),
                code="enquiry.invalid",
                channel=channel,
            )
        if answer.kind is not DeadlineKind.ANSWER:
            raise InvalidValue(_("An enquiry needs an answer deadline."), code="enquiry.invalid")
        return cls._create(
            EnquiryTaken(
                at=at,
                enquiry_id=enquiry_id,
                kind=EnquiryKind(kind),
                channel=channel,
                asker_name=asker_name,
                contact=contact,
                question=question,
                taken_by=taken_by,
                answer=answer,
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
        self._record(EnquiryHandedOver(at=at, enquiry_id=self.id, handover=handover))

    def give_answer(self, *, by: ActorId, answer: str, at: datetime) -> None:
        """The owner answers the asker; a late answer records the breach with it."""
        answer = check_text(answer, "answer", 2000)
        self._open(_("answered"))
        require_owner(self.owner, by, self)
        self._record(
            EnquiryAnswered(at=at, enquiry_id=self.id, by=by, answer=answer, breach=self._late(at))
        )

    def refer(self, *, by: ActorId, referral: Referral, note: str = "", at: datetime) -> None:
        """What the desk cannot answer goes to whoever can: the asker is told where."""
        if note:
            note = check_text(note, "note", 1000)
        self._open(_("referred"))
        require_owner(self.owner, by, self)
        self._record(
            EnquiryReferred(
                at=at,
                enquiry_id=self.id,
                by=by,
                referral=referral,
                note=note,
                breach=self._late(at),
            )
        )

    # -- rules ---------------------------------------------------------------------------------

    def _open(self, action: str) -> None:
        if not self.is_open:
            raise IllegalTransition(
                _("Enquiry {id} is {status}; it cannot be {action}."),
                code="enquiry.illegal_transition",
                id=self.id,
                status=self.status,
                action=action,
            )

    def _late(self, at: datetime) -> Breach | None:
        if at <= self.clock.due:
            return None
        return Breach(self.clock.kind, self.clock.started_at, self.clock.due, at)

    def not_owner(self, owner: ActorId) -> ServiceDeskError:
        """The refusal of first-responder duty (``first_responder.Refusals``)."""
        return PermissionDenied(
            _(
                "Enquiry {id} is owned by {owner} (first-responder duty); "
                "hand it over before acting on it."
            ),
            code="enquiry.forbidden",
            id=self.id,
            owner=owner,
        )

    def already_owner(self, owner: ActorId) -> ServiceDeskError:
        return InvalidValue(
            _("Enquiry {id} is already owned by {owner}."),
            code="enquiry.invalid",
            id=self.id,
            owner=owner,
        )

    # -- state ---------------------------------------------------------------------------------

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case EnquiryTaken():
                return cls(
                    event.enquiry_id,
                    kind=event.kind,
                    channel=event.channel,
                    asker_name=event.asker_name,
                    contact=event.contact,
                    question=event.question,
                    taken_at=event.at,
                    taken_by=event.taken_by,
                    owner=event.taken_by,
                    clock=event.answer,
                    updated_at=event.at,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        """Change state by one event; used both by commands and by replay."""
        self.updated_at = event.at
        match event:
            case EnquiryHandedOver():
                self.handovers = (*self.handovers, event.handover)
                self.owner = owner_after(self.taken_by, self.handovers)
            case EnquiryAnswered():
                self.clock = self.clock.met(event.at)
                self.answer, self.answered_by = event.answer, event.by
                self.breach = event.breach
                self.status = EnquiryStatus.ANSWERED
            case EnquiryReferred():
                self.clock = self.clock.met(event.at)
                self.referral, self.note = event.referral, event.note
                self.answered_by = event.by
                self.breach = event.breach
                self.status = EnquiryStatus.REFERRED
            case _:
                super().apply(event)
