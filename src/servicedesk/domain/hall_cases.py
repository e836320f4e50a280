"""An application (办件) at the hall, from intake to its result (办结).

Intake (rule hall.online): at a window, online (网上申报) or at a self-service terminal, by a
person or an organisation; no unit (房号) is needed.  The window checks the materials
against the guide version in force and records, once, the complete list of what is missing
and how the applicant was told (rule hall.one-time-notice); the item's clock stops while
the applicant supplies them (补正) and runs again once all are in.  A later notice may name
only a material supplied during 补正 and found unusable: anything else the first notice
should have listed.  Then the application is accepted (受理) with its promised date, or
refused (不予受理) with the reason and its legal basis (rule hall.review-decision).

The kind of item decides the flow (rule hall.item-flows): an immediate item (即办件) is
decided at the window in the same visit; a promised one (承诺件) goes step by step; a joint
one (联办件) is received at one window and each department handles its part, in parallel or
in order as the guide says, each with its own clock, and it is done when every part is
(rule hall.one-window); an escalated one (上报件) is submitted to a higher authority, whose
reply is recorded, and its clock may stop meanwhile.  Each step is done by the department's
staff.  The result is recorded with its outcome and document number, and what the applicant
was told, by which channel and when (rule hall.results-published).  Overdue steps escalate
to their department's head, overdue items to the hall's management (rule hall.escalation).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Final, Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.deadlines import Breach, DeadlineKind, Escalation, Timer
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.hall import DepartmentId, Flow, GuideVersion, HallItemId, WindowId
from servicedesk.domain.privacy import personal
from servicedesk.domain.requests import ItemKind
from servicedesk.domain.values import (
    ActorId,
    Choice,
    Contact,
    Identifier,
    Role,
    check_text,
    required_text,
)
from servicedesk.i18n import _


@attrs.frozen
class ApplicationId(Identifier):
    """The application number (办件编号): what the applicant and the public look it up by."""


class ApplicantKind(Choice):
    PERSON = "person"
    ORGANISATION = "organisation"


@attrs.frozen(kw_only=True)
class Applicant:
    """Who applies.  Personal data: masked in repr, erased with the application's record."""

    name: str = personal(validator=required_text("applicant name", 100))
    contact: Contact
    id_number: str = personal(default="")  # 证件号码 or 统一社会信用代码
    kind: ApplicantKind = attrs.field(default=ApplicantKind.PERSON, converter=ApplicantKind)

    def __attrs_post_init__(self) -> None:
        if len(self.id_number) > 32:
            raise InvalidValue(
                _("An id number is 32 characters at most."),
                field="id_number",
                code="hall_case.invalid",
            )


class IntakeChannel(Choice):
    WINDOW = "window"
    ONLINE = "online"  # 网上申报
    SELF_SERVICE = "self_service"  # 自助终端


class NoticeChannel(Choice):
    """How the applicant was told."""

    PRINTED = "printed"  # 书面告知书
    SMS = "sms"
    APP = "app"
    IN_PERSON = "in_person"


class ApplicationStatus(StrEnum):
    RECEIVED = "received"  # materials being checked
    SUPPLYING = "supplying"  # 补正: the one-time notice given, materials awaited
    ACCEPTED = "accepted"  # 受理: the steps run
    WITH_AUTHORITY = "with_authority"  # 上报: held by the higher authority
    REFUSED = "refused"  # 不予受理
    CONCLUDED = "concluded"  # 办结


class Decision(Choice):
    APPROVED = "approved"
    REFUSED = "refused"


class Told(Choice):
    """What an applicant was told about."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    SUBMITTED = "submitted"  # sent to the higher authority
    RESULT = "result"


ENDED: Final = frozenset({ApplicationStatus.REFUSED, ApplicationStatus.CONCLUDED})


@attrs.frozen
class Notice:
    """A one-time notice (一次性告知): every material missing, and how it was told."""

    missing: tuple[str, ...]
    channel: NoticeChannel
    by: ActorId
    at: datetime


@attrs.frozen
class Supplied:
    code: str
    at: datetime


@attrs.frozen
class Step:
    """One step of the application, as its guide has it, with its own clock once started."""

    index: int
    name: str
    department_id: DepartmentId
    timer: Timer | None = None
    done_by: ActorId | None = None
    done_at: datetime | None = None
    note: str = ""

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


@attrs.frozen
class Submission:
    """A 上报件 sent to the higher authority, and its reply when it came."""

    authority: str
    reference: str
    at: datetime
    paused: bool
    reply: str = ""
    replied_at: datetime | None = None


@attrs.frozen
class Result:
    outcome: Decision
    document_number: str
    remarks: str
    by: ActorId
    at: datetime


@attrs.frozen
class ApplicantNotice:
    about: Told
    channel: NoticeChannel
    by: ActorId
    at: datetime


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ApplicationReceived(Event):
    application_id: ApplicationId
    item_id: HallItemId
    guide: GuideVersion
    applicant: Applicant
    channel: IntakeChannel
    window_id: WindowId | None
    ticket: str
    presented: tuple[str, ...]
    received_by: ActorId
    clock: Timer


@attrs.frozen(kw_only=True)
class MaterialsNoticeGiven(Event):
    application_id: ApplicationId
    notice: Notice


@attrs.frozen(kw_only=True)
class MaterialsSupplied(Event):
    """Materials handed in during 补正; ``clock`` is set when the last one came in."""

    application_id: ApplicationId
    codes: tuple[str, ...]
    clock: Timer | None = None


@attrs.frozen(kw_only=True)
class ApplicationAccepted(Event):
    application_id: ApplicationId
    by: ActorId
    promised: datetime
    started: tuple[Step, ...]


@attrs.frozen(kw_only=True)
class ApplicationRefused(Event):
    application_id: ApplicationId
    by: ActorId
    reason: str
    legal_basis: str


@attrs.frozen(kw_only=True)
class StepCompleted(Event):
    application_id: ApplicationId
    index: int
    by: ActorId
    note: str
    started: tuple[Step, ...] = ()


@attrs.frozen(kw_only=True)
class SubmittedToAuthority(Event):
    application_id: ApplicationId
    submission: Submission


@attrs.frozen(kw_only=True)
class AuthorityReplied(Event):
    application_id: ApplicationId
    reply: str
    clock: Timer


@attrs.frozen(kw_only=True)
class ApplicationConcluded(Event):
    application_id: ApplicationId
    result: Result


@attrs.frozen(kw_only=True)
class ApplicantTold(Event):
    application_id: ApplicationId
    notice: ApplicantNotice


@attrs.frozen(kw_only=True)
class ApplicationDeadlineBreached(Event):
    """A step's clock (``step`` its index) or the item's (``step`` None) ran out."""

    application_id: ApplicationId
    step: int | None
    breach: Breach


@attrs.frozen(kw_only=True)
class ApplicationEscalated(Event):
    application_id: ApplicationId
    step: int | None
    escalation: Escalation


# --- aggregate -----------------------------------------------------------------------------------


def _codes(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidValue(
            _("The {what} are material codes."), field=what, code="hall_case.invalid", what=_(what)
        )
    return tuple(dict.fromkeys(value))


@attrs.define(kw_only=True)
class Application(Aggregate[ApplicationId]):
    item_id: HallItemId
    guide: GuideVersion
    applicant: Applicant
    channel: IntakeChannel
    window_id: WindowId | None = None
    ticket: str = ""
    received_at: datetime
    received_by: ActorId
    presented: tuple[str, ...] = ()
    supplied: tuple[Supplied, ...] = ()
    notices: tuple[Notice, ...] = ()
    status: ApplicationStatus = ApplicationStatus.RECEIVED
    clock: Timer
    accepted_at: datetime | None = None
    promised: datetime | None = None
    refusal: str = ""
    refusal_basis: str = ""
    steps: tuple[Step, ...] = ()
    submission: Submission | None = None
    result: Result | None = None
    told: tuple[ApplicantNotice, ...] = ()
    breaches: tuple[tuple[int | None, Breach], ...] = ()
    escalations: tuple[tuple[int | None, Escalation], ...] = ()
    updated_at: datetime

    # -- queries ---------------------------------------------------------------------------

    @property
    def kind(self) -> ItemKind:
        return self.guide.kind

    @property
    def is_open(self) -> bool:
        return self.status not in ENDED

    @property
    def missing(self) -> tuple[str, ...]:
        """Materials the notices named that have not been supplied since.

        Each supply answers one notice naming the material, so a material found unusable
        after it was supplied is missing again until it is supplied once more.
        """
        named = Counter(code for notice in self.notices for code in notice.missing)
        supplied = Counter(s.code for s in self.supplied)
        return tuple(code for code in named if named[code] > supplied[code])

    @property
    def clock_runs(self) -> bool:
        return self.clock.is_running

    @property
    def parts_done(self) -> bool:
        return all(step.is_done for step in self.steps)

    def running_clocks(self) -> list[tuple[int | None, Timer]]:
        """The clocks running now: the item's, and each started step's not done yet."""
        clocks: list[tuple[int | None, Timer]] = []
        if self.is_open and self.clock.is_running:
            clocks.append((None, self.clock))
        for step in self.steps:
            if self.is_open and step.timer is not None and not step.is_done:
                clocks.append((step.index, step.timer))
        return clocks

    @property
    def next_due(self) -> datetime | None:
        """The earliest clock that has not escalated yet: what a store indexes for the sweep."""
        escalated = {where for where, _e in self.escalations}
        due = [t.due for where, t in self.running_clocks() if where not in escalated]
        return min(due, default=None)

    def lateness(self) -> dict[DepartmentId, int]:
        """How many of each department's steps ran out of time: its lateness is its own."""
        late: dict[DepartmentId, int] = {}
        for where, _breach in self.breaches:
            if where is not None:
                department = self.steps[where].department_id
                late[department] = late.get(department, 0) + 1
        return late

    # -- intake ----------------------------------------------------------------------------

    @classmethod
    def receive(
        cls,
        application_id: ApplicationId,
        *,
        item_id: HallItemId,
        guide: GuideVersion,
        applicant: Applicant,
        channel: IntakeChannel,
        window_id: WindowId | None,
        ticket: str,
        presented: Sequence[str],
        received_by: ActorId,
        clock: Timer,
        at: datetime,
    ) -> Application:
        channel = IntakeChannel(channel)
        if (channel is IntakeChannel.WINDOW) != (window_id is not None):
            raise InvalidValue(
                _("An application is received at a window exactly when it names one."),
                field="window_id",
                code="hall_case.invalid",
            )
        codes = _codes(tuple(presented), "presented")
        unknown = [c for c in codes if guide.material(c) is None]
        if unknown:
            raise InvalidValue(
                _("The guide of {item} asks for no material {codes}."),
                field="presented",
                code="hall_case.invalid",
                item=item_id,
                codes=", ".join(unknown),
            )
        return cls._create(
            ApplicationReceived(
                at=at,
                application_id=application_id,
                item_id=item_id,
                guide=guide,
                applicant=applicant,
                channel=channel,
                window_id=window_id,
                ticket=ticket,
                presented=codes,
                received_by=received_by,
                clock=clock,
            )
        )

    def lacking(self, defective: Collection[str] = ()) -> tuple[str, ...]:
        """What the guide asks for that is not in: never presented, or presented but unusable."""
        have = (set(self.presented) | {s.code for s in self.supplied}) - set(defective)
        return tuple(m.code for m in self.guide.materials if m.code not in have)

    def give_notice(
        self,
        *,
        defective: Collection[str],
        channel: NoticeChannel,
        by: ActorId,
        at: datetime,
    ) -> Notice:
        """Tell the applicant, at once, everything missing; the clock stops for 补正.

        The first notice lists every material the guide asks for that is lacking.  A later
        one may only name materials supplied during 补正 and found unusable.
        """
        self._status({ApplicationStatus.RECEIVED, ApplicationStatus.SUPPLYING}, _("noticed"))
        defective = set(_codes(tuple(defective), "defective"))
        for code in defective:
            if self.guide.material(code) is None:
                raise InvalidValue(
                    _("The guide asks for no material {material}."),
                    field="defective",
                    code="hall_case.invalid",
                    material=code,
                )
        if self.notices:
            supplied_later = {s.code for s in self.supplied} - set(self.missing)
            should_have = sorted(defective - supplied_later)
            if should_have or not defective:
                raise IllegalTransition(
                    _(
                        "Application {id} had its one-time notice; a later one may only name "
                        "materials supplied since and found unusable, not {codes}."
                    ),
                    field="defective",
                    code="hall_case.illegal_transition",
                    id=self.id,
                    codes=", ".join(should_have) or "-",
                )
            missing = tuple(sorted(defective))
        else:
            missing = self.lacking(defective)
            if not missing:
                raise IllegalTransition(
                    _("Application {id} lacks no material: accept or refuse it."),
                    code="hall_case.illegal_transition",
                    id=self.id,
                )
        notice = Notice(missing, NoticeChannel(channel), by, at)
        if self.clock.is_running:
            self._breach_if_late(None, self.clock, at)
        self._record(MaterialsNoticeGiven(at=at, application_id=self.id, notice=notice))
        return notice

    def supply(self, codes: Sequence[str], *, calendar: WorkingCalendar, at: datetime) -> None:
        """Materials handed in (补正); the clock runs again once nothing is missing."""
        self._status({ApplicationStatus.SUPPLYING}, _("supplied"))
        given = _codes(tuple(codes), "materials")
        wanted = set(self.missing)
        strangers = [c for c in given if c not in wanted]
        if not given or strangers:
            raise InvalidValue(
                _("Application {id} awaits {missing}, not {codes}."),
                field="materials",
                code="hall_case.invalid",
                id=self.id,
                missing=", ".join(self.missing),
                codes=", ".join(strangers) or "-",
            )
        complete = wanted <= set(given)
        clock = self.clock.resumed(calendar, at) if complete else None
        self._record(MaterialsSupplied(at=at, application_id=self.id, codes=given, clock=clock))

    # -- review ----------------------------------------------------------------------------

    def accept(
        self, *, by: ActorId, calendar: WorkingCalendar, at: datetime, deciding: bool = False
    ) -> None:
        """受理, with the promised date; the first steps start (all of them, in parallel).

        An immediate item is accepted only as it is decided (``decide_at_window``).
        """
        self._status({ApplicationStatus.RECEIVED}, _("accepted"))
        if self.kind is ItemKind.IMMEDIATE and not deciding:
            raise IllegalTransition(
                _("Application {id} is an immediate item (即办件): decide it at the window."),
                code="hall_case.illegal_transition",
                id=self.id,
            )
        lacking = self.lacking()
        if lacking:
            raise IllegalTransition(
                _(
                    "Application {id} lacks {codes}: give the one-time notice instead of "
                    "accepting it."
                ),
                code="hall_case.illegal_transition",
                id=self.id,
                codes=", ".join(lacking),
            )
        steps = tuple(
            Step(index, step.name, step.department_id)
            for index, step in enumerate(self.guide.steps)
        )
        first = steps if self.guide.flow is Flow.PARALLEL else steps[:1]
        started = tuple(self._started(step, calendar, at) for step in first)
        self._record(
            ApplicationAccepted(
                at=at,
                application_id=self.id,
                by=by,
                promised=self.clock.due,
                started=(*started, *steps[len(started) :]),
            )
        )

    def refuse(self, *, by: ActorId, reason: str, legal_basis: str, at: datetime) -> None:
        """不予受理, with the reason and the legal basis the applicant is given."""
        self._status({ApplicationStatus.RECEIVED, ApplicationStatus.SUPPLYING}, _("refused"))
        self._record(
            ApplicationRefused(
                at=at,
                application_id=self.id,
                by=by,
                reason=check_text(reason, "reason", 1000),
                legal_basis=check_text(legal_basis, "legal basis", 500),
            )
        )

    # -- the steps -------------------------------------------------------------------------

    def complete_step(
        self, index: int, *, by: ActorId, note: str, calendar: WorkingCalendar, at: datetime
    ) -> Step:
        """The department's staff finish their step; in order, the next one starts."""
        self._status({ApplicationStatus.ACCEPTED}, _("worked on"))
        if not 0 <= index < len(self.steps):
            raise InvalidValue(
                _("Application {id} has no step {n}."),
                field="step",
                code="hall_case.invalid",
                id=self.id,
                n=index,
            )
        step = self.steps[index]
        if step.timer is None or step.is_done:
            raise IllegalTransition(
                _("Step {n} of application {id} is not under way."),
                code="hall_case.illegal_transition",
                n=index,
                id=self.id,
            )
        if note:
            note = check_text(note, "note", 1000)
        self._breach_if_late(index, step.timer, at)
        started: tuple[Step, ...] = ()
        if self.guide.flow is Flow.IN_ORDER and index + 1 < len(self.steps):
            started = (self._started(self.steps[index + 1], calendar, at),)
        self._record(
            StepCompleted(
                at=at, application_id=self.id, index=index, by=by, note=note, started=started
            )
        )
        return self.steps[index]

    def step(self, index: int) -> Step:
        if not 0 <= index < len(self.steps):
            raise InvalidValue(
                _("Application {id} has no step {n}."),
                field="step",
                code="hall_case.invalid",
                id=self.id,
                n=index,
            )
        return self.steps[index]

    def _started(self, step: Step, calendar: WorkingCalendar, at: datetime) -> Step:
        budget = self.guide.steps[step.index].time_limit
        return attrs.evolve(step, timer=Timer.start(DeadlineKind.COMPLETION, budget, calendar, at))

    # -- the higher authority --------------------------------------------------------------

    def submit(self, *, reference: str, pause: bool, at: datetime) -> None:
        """A 上报件, its steps done, goes to the higher authority; the policy says whether
        its clock stops while the authority holds it."""
        if self.kind is not ItemKind.ESCALATED:
            raise IllegalTransition(
                _("Application {id} is not an escalated item (上报件)."),
                code="hall_case.illegal_transition",
                id=self.id,
            )
        self._status({ApplicationStatus.ACCEPTED}, _("submitted"))
        self._require_parts_done()
        if pause:
            self._breach_if_late(None, self.clock, at)
        submission = Submission(
            self.guide.higher_authority, check_text(reference, "reference", 100), at, pause
        )
        self._record(SubmittedToAuthority(at=at, application_id=self.id, submission=submission))

    def record_reply(self, *, reply: str, calendar: WorkingCalendar, at: datetime) -> None:
        self._status({ApplicationStatus.WITH_AUTHORITY}, _("answered from above"))
        assert self.submission is not None
        clock = self.clock.resumed(calendar, at) if self.submission.paused else self.clock
        self._record(
            AuthorityReplied(
                at=at, application_id=self.id, reply=check_text(reply, "reply", 2000), clock=clock
            )
        )

    # -- the result ------------------------------------------------------------------------

    def conclude(
        self,
        *,
        outcome: Decision,
        document_number: str,
        remarks: str,
        by: ActorId,
        at: datetime,
    ) -> None:
        """办结: every part done (and the authority's reply in, for a 上报件)."""
        self._status({ApplicationStatus.ACCEPTED}, _("concluded"))
        if self.kind is ItemKind.ESCALATED and (
            self.submission is None or self.submission.replied_at is None
        ):
            raise IllegalTransition(
                _("Application {id} awaits the higher authority's reply."),
                code="hall_case.illegal_transition",
                id=self.id,
            )
        self._require_parts_done()
        outcome = Decision(outcome)
        if outcome is Decision.APPROVED:
            document_number = check_text(document_number, "document number", 64)
        if remarks:
            remarks = check_text(remarks, "remarks", 1000)
        self._breach_if_late(None, self.clock, at)
        result = Result(outcome, document_number.strip(), remarks, by, at)
        self._record(ApplicationConcluded(at=at, application_id=self.id, result=result))

    def decide_at_window(
        self,
        *,
        outcome: Decision,
        document_number: str,
        remarks: str,
        by: ActorId,
        calendar: WorkingCalendar,
        at: datetime,
    ) -> None:
        """An immediate item (即办件): accepted, its one step done and concluded at once."""
        if self.kind is not ItemKind.IMMEDIATE:
            raise IllegalTransition(
                _("Only an immediate item (即办件) is decided at the window."),
                code="hall_case.illegal_transition",
            )
        self.accept(by=by, calendar=calendar, at=at, deciding=True)
        self.complete_step(0, by=by, note="", calendar=calendar, at=at)
        self.conclude(
            outcome=outcome, document_number=document_number, remarks=remarks, by=by, at=at
        )

    def tell(self, *, about: Told, channel: NoticeChannel, by: ActorId, at: datetime) -> None:
        """Record that the applicant was told, by which channel and when."""
        about = Told(about)
        wanted = {
            Told.ACCEPTED: self.accepted_at is not None,
            Told.REFUSED: self.status is ApplicationStatus.REFUSED,
            Told.SUBMITTED: self.submission is not None,
            Told.RESULT: self.result is not None,
        }
        if not wanted[about]:
            raise IllegalTransition(
                _("Application {id} has nothing to tell about: {about}."),
                field="about",
                code="hall_case.illegal_transition",
                id=self.id,
                about=_(about),
            )
        notice = ApplicantNotice(about, NoticeChannel(channel), by, at)
        self._record(ApplicantTold(at=at, application_id=self.id, notice=notice))

    # -- escalation ------------------------------------------------------------------------

    def escalate(self, *, now: datetime, calendar: WorkingCalendar) -> int:
        """Each clock overdue now, not escalated yet, goes up once: a step to its department's
        head, the item to the hall's management.  How many went up."""
        escalated = {where for where, _e in self.escalations}
        count = 0
        for where, timer in self.running_clocks():
            if where in escalated or not timer.is_overdue(now):
                continue
            self._breach_if_late(where, timer, now)
            role = Role.CENTRE_MANAGER if where is None else Role.DEPARTMENT_HEAD
            step = Escalation(1, role, timer.kind, timer.due, now, None)
            self._record(
                ApplicationEscalated(at=now, application_id=self.id, step=where, escalation=step)
            )
            count += 1
        return count

    # -- rules -----------------------------------------------------------------------------

    def _status(self, allowed: Collection[ApplicationStatus], action: str) -> None:
        if self.status not in allowed:
            raise IllegalTransition(
                _("Application {id} is {status}; it cannot be {action}."),
                code="hall_case.illegal_transition",
                id=self.id,
                status=self.status,
                action=action,
            )

    def _require_parts_done(self) -> None:
        left = [str(step.index) for step in self.steps if not step.is_done]
        if left:
            raise IllegalTransition(
                _("Application {id} has steps not done: {steps}."),
                code="hall_case.illegal_transition",
                id=self.id,
                steps=", ".join(left),
            )

    def _breach_if_late(self, where: int | None, timer: Timer, at: datetime) -> None:
        if at <= timer.due or any(w == where for w, _b in self.breaches):
            return
        breach = Breach(timer.kind, timer.started_at, timer.due, at)
        self._record(
            ApplicationDeadlineBreached(at=at, application_id=self.id, step=where, breach=breach)
        )

    # -- state -----------------------------------------------------------------------------

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case ApplicationReceived():
                return cls(
                    event.application_id,
                    item_id=event.item_id,
                    guide=event.guide,
                    applicant=event.applicant,
                    channel=event.channel,
                    window_id=event.window_id,
                    ticket=event.ticket,
                    received_at=event.at,
                    received_by=event.received_by,
                    presented=event.presented,
                    clock=event.clock,
                    updated_at=event.at,
                )
            case _:
                return super().created(event)

    def _replace_steps(self, steps: Sequence[Step]) -> None:
        by_index = {step.index: step for step in steps}
        self.steps = tuple(by_index.get(step.index, step) for step in self.steps)

    def apply(self, event: Event) -> None:
        self.updated_at = event.at
        match event:
            case MaterialsNoticeGiven():
                self.notices = (*self.notices, event.notice)
                if self.clock.is_running:
                    self.clock = self.clock.paused(event.at)
                self.status = ApplicationStatus.SUPPLYING
            case MaterialsSupplied():
                self.supplied = (*self.supplied, *(Supplied(c, event.at) for c in event.codes))
                if event.clock is not None:
                    self.clock = event.clock
                    self.status = ApplicationStatus.RECEIVED
            case ApplicationAccepted():
                self.status = ApplicationStatus.ACCEPTED
                self.accepted_at, self.promised = event.at, event.promised
                self.steps = event.started
            case ApplicationRefused():
                self.status = ApplicationStatus.REFUSED
                self.refusal, self.refusal_basis = event.reason, event.legal_basis
                self.clock = self.clock.met(event.at)
            case StepCompleted():
                done = attrs.evolve(
                    self.steps[event.index],
                    done_by=event.by,
                    done_at=event.at,
                    note=event.note,
                    timer=self._met(self.steps[event.index].timer, event.at),
                )
                self._replace_steps([done, *event.started])
            case SubmittedToAuthority():
                self.submission = event.submission
                self.status = ApplicationStatus.WITH_AUTHORITY
                if event.submission.paused:
                    self.clock = self.clock.paused(event.at)
            case AuthorityReplied():
                assert self.submission is not None
                self.submission = attrs.evolve(
                    self.submission, reply=event.reply, replied_at=event.at
                )
                self.clock = event.clock
                self.status = ApplicationStatus.ACCEPTED
            case ApplicationConcluded():
                self.result = event.result
                self.clock = self.clock.met(event.at)
                self.status = ApplicationStatus.CONCLUDED
            case ApplicantTold():
                self.told = (*self.told, event.notice)
            case ApplicationDeadlineBreached():
                self.breaches = (*self.breaches, (event.step, event.breach))
            case ApplicationEscalated():
                self.escalations = (*self.escalations, (event.step, event.escalation))
            case _:
                super().apply(event)

    @staticmethod
    def _met(timer: Timer | None, at: datetime) -> Timer | None:
        return None if timer is None else timer.met(at)
