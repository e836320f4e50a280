"""Queries of the service hall: what the public reads, and what the hall's staff read.

The public reads the published guides (rule hall.service-guide) and an application's
result by its number (rule hall.results-published): neither holds anything about the
applicant, so neither needs a login.  The staff read the windows, the day's queue and its
waiting times, and an application in full.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import attrs

from servicedesk.app.permissions import Access
from servicedesk.app.unit_of_work import Store
from servicedesk.app.zone import ZonedQueries
from servicedesk.domain.deadlines import Breach, WorkingBudget
from servicedesk.domain.hall import (
    DepartmentId,
    DutySpell,
    Flow,
    GuideVersion,
    HallItemId,
    Material,
    ServiceGuide,
    Window,
    WindowId,
    WindowKind,
)
from servicedesk.domain.hall_cases import (
    Applicant,
    ApplicantNotice,
    Application,
    ApplicationId,
    ApplicationStatus,
    Decision,
    Notice,
    Step,
    Submission,
)
from servicedesk.domain.hall_queue import (
    HallQueue,
    QueueId,
    Ticket,
    TicketStatus,
    WaitingTime,
    waiting_times,
)
from servicedesk.domain.money import Money
from servicedesk.domain.requests import ItemKind
from servicedesk.domain.values import Actor, ActorId, aware
from servicedesk.policies.manager import Policies


@attrs.frozen
class StepView:
    name: str
    department_id: DepartmentId
    department: str
    time_limit: WorkingBudget


@attrs.frozen
class GuideView:
    """An item's service guide as published: everything the public needs, nothing personal."""

    item_id: HallItemId
    version: int
    name: str
    kind: ItemKind
    legal_basis: tuple[str, ...]
    conditions: tuple[str, ...]
    materials: tuple[Material, ...]
    steps: tuple[StepView, ...]
    flow: Flow
    time_limit: WorkingBudget
    fee: Money
    higher_authority: str
    published_at: datetime | None


@attrs.frozen
class WindowView:
    id: WindowId
    name: str
    kind: WindowKind
    department_id: DepartmentId | None
    items: tuple[HallItemId, ...]
    prefix: str
    open_now: bool
    on_duty: ActorId | None
    duty: tuple[DutySpell, ...]


@attrs.frozen
class QueueView:
    """The day's queue as a display shows it: who waits, who is at which window."""

    day: date
    waiting: tuple[str, ...]  # numbers, next first
    serving: tuple[tuple[WindowId, str], ...]
    served: int
    skipped: int
    tickets: tuple[Ticket, ...]


@attrs.frozen
class PublicResult:
    """An application's progress and result, for anyone with its number (no personal data)."""

    application_id: ApplicationId
    item_id: HallItemId
    item: str
    kind: ItemKind
    status: ApplicationStatus
    received_at: datetime
    accepted_at: datetime | None
    promised: datetime | None
    concluded_at: datetime | None
    outcome: Decision | None
    document_number: str
    refusal: str
    refusal_basis: str


@attrs.frozen
class StepProgress:
    step: Step
    due: datetime | None
    late: bool


@attrs.frozen
class ApplicationView:
    """An application in full, for the hall's staff."""

    result: PublicResult
    applicant: Applicant
    guide_version: int
    ticket: str
    presented: tuple[str, ...]
    missing: tuple[str, ...]
    notices: tuple[Notice, ...]
    clock_runs: bool
    due: datetime
    steps: tuple[StepProgress, ...]
    submission: Submission | None
    told: tuple[ApplicantNotice, ...]
    breaches: tuple[Breach, ...]
    lateness: tuple[tuple[DepartmentId, int], ...]


def public_result(application: Application) -> PublicResult:
    result = application.result
    return PublicResult(
        application_id=application.id,
        item_id=application.item_id,
        item=application.guide.name,
        kind=application.kind,
        status=application.status,
        received_at=application.received_at,
        accepted_at=application.accepted_at,
        promised=application.promised,
        concluded_at=result.at if result else None,
        outcome=result.outcome if result else None,
        document_number=result.document_number if result else "",
        refusal=application.refusal,
        refusal_basis=application.refusal_basis,
    )


class HallQueries(ZonedQueries):
    def __init__(
        self, store: Store, policies: Policies, clock: Callable[[], datetime], access: Access
    ) -> None:
        self.store = store
        self.policies = policies
        self.clock = clock
        self.access = access

    # -- for the public --------------------------------------------------------------------

    def guides(self, *, actor: Actor | None = None) -> list[GuideView]:
        """Every published guide, by item id."""
        self.access.check("hall.guides", actor)
        with self.store.reading() as uow:
            guides = uow.hall_guides.list_published()
            names = {d.id: d.name for d in uow.hall_departments.list()}
        return [self._view(g.id, g.require_current(), names) for g in guides]

    def guide(
        self, item_id: HallItemId | str, version: int | None = None, *, actor: Actor | None = None
    ) -> GuideView:
        """The published guide of an item, or one of its versions by number."""
        self.access.check("hall.guide", actor)
        item_id = HallItemId(item_id)
        with self.store.reading() as uow:
            guide: ServiceGuide = uow.hall_guides.get(item_id)
            shown = guide.require_current() if version is None else guide.numbered(version)
            names = {d.id: d.name for d in uow.hall_departments.list()}
        return self._view(item_id, shown, names)

    @staticmethod
    def _view(
        item_id: HallItemId, version: GuideVersion, names: dict[DepartmentId, str]
    ) -> GuideView:
        return GuideView(
            item_id=item_id,
            version=version.number,
            name=version.name,
            kind=version.kind,
            legal_basis=version.legal_basis,
            conditions=version.conditions,
            materials=version.materials,
            steps=tuple(
                StepView(s.name, s.department_id, names.get(s.department_id, ""), s.time_limit)
                for s in version.steps
            ),
            flow=version.flow,
            time_limit=version.time_limit,
            fee=version.fee,
            higher_authority=version.higher_authority,
            published_at=version.published_at,
        )

    def result(
        self, application_id: ApplicationId | str, *, actor: Actor | None = None
    ) -> PublicResult:
        """An application's progress and result by its number (rule hall.results-published)."""
        self.access.check("hall.result", actor, application_id)
        with self.store.reading() as uow:
            application = uow.hall_applications.get(ApplicationId(application_id))
        return public_result(application)

    # -- for the hall ----------------------------------------------------------------------

    def windows(self, *, actor: Actor | None = None) -> list[WindowView]:
        self.access.check("hall.windows", actor)
        now = aware(self.clock(), "clock time")
        calendar = self.policies.calendar()
        with self.store.reading() as uow:
            windows = uow.hall_windows.list()
        return [self._window(w, w.is_open(now, calendar)) for w in windows]

    @staticmethod
    def _window(window: Window, open_now: bool) -> WindowView:
        return WindowView(
            id=window.id,
            name=window.name,
            kind=window.kind,
            department_id=window.department_id,
            items=tuple(sorted(window.items, key=lambda i: i.value)),
            prefix=window.prefix,
            open_now=open_now,
            on_duty=window.on_duty,
            duty=window.duty,
        )

    def queue(self, day: date | None = None, *, actor: Actor | None = None) -> QueueView:
        """The queue of ``day`` (today in the hall's zone by default); empty if none opened."""
        self.access.check("hall.queue", actor)
        calendar = self.policies.calendar()
        day = day or aware(self.clock(), "clock time").astimezone(calendar.tz).date()
        with self.store.reading() as uow:
            queue = uow.hall_queues.find(QueueId.of(day)) or HallQueue(QueueId.of(day), day=day)
        serving = tuple(
            (t.at_window, t.number)
            for t in queue.tickets
            if t.status is TicketStatus.CALLED and t.at_window is not None
        )
        return QueueView(
            day=day,
            waiting=tuple(t.number for t in queue.waiting()),
            serving=tuple(sorted(serving, key=lambda s: s[0].value)),
            served=sum(t.status is TicketStatus.SERVED for t in queue.tickets),
            skipped=sum(t.status is TicketStatus.SKIPPED for t in queue.tickets),
            tickets=queue.tickets,
        )

    def waiting_times(
        self, first: date, last: date | None = None, *, actor: Actor | None = None
    ) -> list[WaitingTime]:
        """How long the tickets waited, per window and hour of the call, over the days given."""
        self.access.check("hall.waiting_times", actor)
        with self.store.reading() as uow:
            queues = uow.hall_queues.between(first, last or first)
        return waiting_times(queues, self.policies.calendar().tz)

    def application(
        self, application_id: ApplicationId | str, *, actor: Actor | None = None
    ) -> ApplicationView:
        self.access.check("hall.application", actor, application_id)
        now = aware(self.clock(), "clock time")
        with self.store.reading() as uow:
            application = uow.hall_applications.get(ApplicationId(application_id))
        return application_view(application, now)

    def open_applications(self, *, actor: Actor | None = None) -> list[ApplicationView]:
        self.access.check("hall.open_applications", actor)
        now = aware(self.clock(), "clock time")
        with self.store.reading() as uow:
            applications = uow.hall_applications.list_open()
        return [application_view(a, now) for a in applications]


def application_view(application: Application, now: datetime) -> ApplicationView:
    late = {where for where, _b in application.breaches}
    steps = tuple(
        StepProgress(
            step,
            step.timer.due if step.timer else None,
            step.index in late
            or (step.timer is not None and not step.is_done and step.timer.is_overdue(now)),
        )
        for step in application.steps
    )
    return ApplicationView(
        result=public_result(application),
        applicant=application.applicant,
        guide_version=application.guide.number,
        ticket=application.ticket,
        presented=application.presented,
        missing=application.missing,
        notices=application.notices,
        clock_runs=application.clock_runs,
        due=application.clock.due,
        steps=steps,
        submission=application.submission,
        told=application.told,
        breaches=tuple(b for _w, b in application.breaches),
        lateness=tuple(sorted(application.lateness().items(), key=lambda kv: kv[0].value)),
    )
