"""Handlers of the service hall: its set-up, its guides, its queue and its applications.

A hall item is described by its published service guide, not by the property catalogue:
no approval chain, no unit, no dispatch to a worker.  Each step of an application is done
by its department's seconded staff; a window's queue is called by the member of staff on
duty there, while it is open.
"""

from __future__ import annotations

from datetime import date, datetime

from servicedesk.app.context import Context
from servicedesk.app.hall.commands import (
    AcceptApplication,
    CallNext,
    CompleteStep,
    ConcludeApplication,
    DecideAtWindow,
    DraftGuide,
    FinishNumber,
    GoOffDuty,
    GoOnDuty,
    NoticeDefective,
    OpenWindow,
    PublishGuide,
    RecallNumber,
    ReceiveApplication,
    RecordAuthorityReply,
    RefuseApplication,
    RegisterDepartment,
    SecondStaff,
    SetWindowHours,
    SetWindowItems,
    SkipNumber,
    SubmitToAuthority,
    SupplyMaterials,
    SweepHallDeadlines,
    TakeNumber,
    TellApplicant,
    TransferNumber,
    WithdrawGuide,
    WithdrawStaff,
)
from servicedesk.app.staff import duty
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.deadlines import DeadlineKind, Timer
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.hall import (
    Department,
    GuideVersion,
    HallItemId,
    ServiceGuide,
    Window,
    WindowId,
)
from servicedesk.domain.hall_cases import Application, ApplicationId
from servicedesk.domain.hall_queue import HallQueue, QueueId
from servicedesk.domain.values import ActorId
from servicedesk.i18n import _

# --- departments and windows ---------------------------------------------------------------------


def register_department(cmd: RegisterDepartment, ctx: Context) -> str:
    department = Department.register(cmd.department_id, name=cmd.name, head=cmd.head, at=ctx.now)
    ctx.uow.hall_departments.add(department)
    return department.id.value


def second_staff(cmd: SecondStaff, ctx: Context) -> str:
    department = ctx.uow.hall_departments.get(cmd.department_id)
    department.second(cmd.staff, approved_by=ctx.actor.id, at=ctx.now)
    return department.id.value


def withdraw_staff(cmd: WithdrawStaff, ctx: Context) -> str:
    department = ctx.uow.hall_departments.get(cmd.department_id)
    department.withdraw(cmd.staff, approved_by=ctx.actor.id, at=ctx.now)
    return department.id.value


def _known_items(ctx: Context, items: frozenset[HallItemId]) -> frozenset[HallItemId]:
    for item_id in sorted(items, key=lambda i: i.value):
        ctx.uow.hall_guides.get(item_id)
    return items


def open_window(cmd: OpenWindow, ctx: Context) -> str:
    if cmd.department_id is not None:
        ctx.uow.hall_departments.get(cmd.department_id)
    window = Window.open(
        cmd.window_id,
        name=cmd.name,
        kind=cmd.kind,
        department_id=cmd.department_id,
        items=_known_items(ctx, cmd.items),
        prefix=cmd.prefix,
        hours=cmd.hours,
        at=ctx.now,
    )
    ctx.uow.hall_windows.add(window)
    return window.id.value


def set_window_items(cmd: SetWindowItems, ctx: Context) -> str:
    window = ctx.uow.hall_windows.get(cmd.window_id)
    window.set_items(_known_items(ctx, cmd.items), at=ctx.now)
    return window.id.value


def set_window_hours(cmd: SetWindowHours, ctx: Context) -> str:
    window = ctx.uow.hall_windows.get(cmd.window_id)
    window.set_hours(cmd.hours, at=ctx.now)
    return window.id.value


def seconded(ctx: Context, staff: ActorId, window: Window) -> bool:
    """Whether ``staff`` may sit at ``window``: seconded by its department, or by any for a
    comprehensive window."""
    if window.department_id is not None:
        departments = [ctx.uow.hall_departments.get(window.department_id)]
    else:
        departments = ctx.uow.hall_departments.list()
    return any(staff in d.staff for d in departments)


def go_on_duty(cmd: GoOnDuty, ctx: Context) -> str:
    window = ctx.uow.hall_windows.get(cmd.window_id)
    window.go_on_duty(ctx.actor.id, seconded=seconded(ctx, ctx.actor.id, window), at=ctx.now)
    duty.check_window_duty(ctx, window, ctx.actor.id)
    return window.id.value


def go_off_duty(cmd: GoOffDuty, ctx: Context) -> str:
    window = ctx.uow.hall_windows.get(cmd.window_id)
    window.go_off_duty(ctx.actor.id, at=ctx.now)
    return window.id.value


# --- service guides ------------------------------------------------------------------------------


def draft_guide(cmd: DraftGuide, ctx: Context) -> str:
    for step in cmd.steps:
        ctx.uow.hall_departments.get(step.department_id)
    version = GuideVersion(
        number=1,
        name=cmd.name,
        kind=cmd.kind,
        legal_basis=cmd.legal_basis,
        conditions=cmd.conditions,
        materials=cmd.materials,
        steps=cmd.steps,
        flow=cmd.flow,
        time_limit=cmd.time_limit,
        fee=cmd.fee,
        higher_authority=cmd.higher_authority.strip(),
        drafted_at=ctx.now,
    )
    guide = ctx.uow.hall_guides.find(cmd.item_id)
    if guide is None:
        ctx.uow.hall_guides.add(ServiceGuide.draft_first(cmd.item_id, version=version))
    else:
        guide.draft(version)
    return cmd.item_id.value


def publish_guide(cmd: PublishGuide, ctx: Context) -> str:
    guide = ctx.uow.hall_guides.get(cmd.item_id)
    allowed = bool(ctx.policies.hall_publishers(guide) & ctx.actor.roles)
    guide.publish(by=ctx.actor.id, allowed=allowed, at=ctx.now)
    return guide.id.value


def withdraw_guide(cmd: WithdrawGuide, ctx: Context) -> str:
    guide = ctx.uow.hall_guides.get(cmd.item_id)
    allowed = bool(ctx.policies.hall_publishers(guide) & ctx.actor.roles)
    guide.withdraw(by=ctx.actor.id, allowed=allowed, at=ctx.now)
    return guide.id.value


# --- the queue -----------------------------------------------------------------------------------


def hall_day(calendar: WorkingCalendar, at: datetime) -> date:
    return at.astimezone(calendar.tz).date()


def day_queue(ctx: Context, day: date) -> HallQueue:
    """The day's queue, held by this unit of work; opened if nobody opened it yet.

    Two first takers opening the same day at once: the second's insert conflicts and the
    desk retries it, when it finds the queue the first opened.
    """
    queue = ctx.uow.hall_queues.locked(QueueId.of(day))
    if queue is None:
        queue = HallQueue.open(day, at=ctx.now)
        ctx.uow.hall_queues.add(queue)
    return queue


def take_number(cmd: TakeNumber, ctx: Context) -> str:
    calendar = ctx.policies.calendar()
    window = None if cmd.window_id is None else ctx.uow.hall_windows.get(cmd.window_id)
    if cmd.item_id is not None:
        ctx.uow.hall_guides.get(cmd.item_id).require_current()
        serving = [w for w in ctx.uow.hall_windows.list() if w.serves(cmd.item_id)]
        if window is not None and window not in serving:
            raise InvalidValue(
                _("Window {window} does not serve item {item}."),
                field="window_id",
                code="hall_window.invalid",
                window=window.id,
                item=cmd.item_id,
            )
        if not serving:
            raise IllegalTransition(
                _("No window serves item {item}."),
                field="item_id",
                code="hall.illegal_transition",
                item=cmd.item_id,
            )
        window = window or serving[0]
    if window is None:
        raise InvalidValue(
            _("A number is taken for an item or for a window."),
            field="item_id",
            code="hall.invalid",
        )
    start = cmd.appointment.start if cmd.appointment else ctx.now
    queue = day_queue(ctx, hall_day(calendar, max(start, ctx.now)))
    ticket = queue.take(
        prefix=window.prefix,
        item_id=cmd.item_id,
        window_id=cmd.window_id,
        appointment=cmd.appointment,
        at=ctx.now,
    )
    return ticket.number


def _window_at_work(ctx: Context, window_id: WindowId) -> tuple[Window, HallQueue]:
    """The window, its staff on duty acting while it is open, and today's queue, held."""
    calendar = ctx.policies.calendar()
    window = ctx.uow.hall_windows.get(window_id)
    window.require_on_duty(ctx.actor.id)
    window.require_open(ctx.now, calendar)
    return window, day_queue(ctx, hall_day(calendar, ctx.now))


def call_next(cmd: CallNext, ctx: Context) -> str | None:
    """The number called, or None when nobody waits for the window."""
    window, queue = _window_at_work(ctx, cmd.window_id)
    ticket = queue.call_next(window.id, serves=window.items, at=ctx.now)
    return None if ticket is None else ticket.number


def recall_number(cmd: RecallNumber, ctx: Context) -> str:
    window, queue = _window_at_work(ctx, cmd.window_id)
    queue.recall(window.id, cmd.number, at=ctx.now)
    return cmd.number


def skip_number(cmd: SkipNumber, ctx: Context) -> str:
    window, queue = _window_at_work(ctx, cmd.window_id)
    return queue.skip(window.id, at=ctx.now).number


def finish_number(cmd: FinishNumber, ctx: Context) -> str:
    window, queue = _window_at_work(ctx, cmd.window_id)
    return queue.finish(window.id, at=ctx.now).number


def transfer_number(cmd: TransferNumber, ctx: Context) -> str:
    window, queue = _window_at_work(ctx, cmd.window_id)
    if cmd.to_window is not None:
        ctx.uow.hall_windows.get(cmd.to_window)
    if cmd.to_item is not None:
        ctx.uow.hall_guides.get(cmd.to_item).require_current()
    ticket = queue.transfer(window.id, to_window=cmd.to_window, to_item=cmd.to_item, at=ctx.now)
    return ticket.number


# --- applications --------------------------------------------------------------------------------


def receive_application(cmd: ReceiveApplication, ctx: Context) -> str:
    guide = ctx.uow.hall_guides.get(cmd.item_id).require_current()
    if cmd.window_id is not None:
        window = ctx.uow.hall_windows.get(cmd.window_id)
        window.require_on_duty(ctx.actor.id)
        if not window.serves(cmd.item_id):
            raise InvalidValue(
                _("Window {window} does not serve item {item}."),
                field="window_id",
                code="hall_window.invalid",
                window=window.id,
                item=cmd.item_id,
            )
    calendar = ctx.policies.calendar()
    application = Application.receive(
        cmd.application_id or ApplicationId(ctx.new_id()),
        item_id=cmd.item_id,
        guide=guide,
        applicant=cmd.applicant,
        channel=cmd.channel,
        window_id=cmd.window_id,
        ticket=cmd.ticket.strip(),
        presented=cmd.presented,
        received_by=ctx.actor.id,
        clock=Timer.start(DeadlineKind.COMPLETION, guide.time_limit, calendar, ctx.now),
        at=ctx.now,
    )
    if application.lacking(cmd.defective):
        application.give_notice(
            defective=cmd.defective, channel=cmd.told_by, by=ctx.actor.id, at=ctx.now
        )
    elif cmd.defective:
        raise InvalidValue(
            _("Name defective materials only among those presented."), code="hall.invalid"
        )
    ctx.uow.hall_applications.add(application)
    return application.id.value


def notice_defective(cmd: NoticeDefective, ctx: Context) -> str:
    application = ctx.uow.hall_applications.get(cmd.application_id)
    application.give_notice(
        defective=cmd.defective, channel=cmd.told_by, by=ctx.actor.id, at=ctx.now
    )
    return application.id.value


def supply_materials(cmd: SupplyMaterials, ctx: Context) -> str:
    application = ctx.uow.hall_applications.get(cmd.application_id)
    application.supply(cmd.materials, calendar=ctx.policies.calendar(), at=ctx.now)
    return application.id.value


def accept_application(cmd: AcceptApplication, ctx: Context) -> str:
    application = ctx.uow.hall_applications.get(cmd.application_id)
    application.accept(by=ctx.actor.id, calendar=ctx.policies.calendar(), at=ctx.now)
    return application.id.value


def refuse_application(cmd: RefuseApplication, ctx: Context) -> str:
    application = ctx.uow.hall_applications.get(cmd.application_id)
    application.refuse(by=ctx.actor.id, reason=cmd.reason, legal_basis=cmd.legal_basis, at=ctx.now)
    return application.id.value


def _staff_of(ctx: Context, application: Application, index: int) -> None:
    """Only the staff of the step's department act on it."""
    department = ctx.uow.hall_departments.get(application.step(index).department_id)
    department.require_staff(ctx.actor.id)


def _lead_staff(ctx: Context, application: Application) -> None:
    """Only the lead department's staff decide and conclude (一窗受理: it leads the item)."""
    ctx.uow.hall_departments.get(application.guide.lead_department).require_staff(ctx.actor.id)


def decide_at_window(cmd: DecideAtWindow, ctx: Context) -> str:
    application = ctx.uow.hall_applications.get(cmd.application_id)
    _lead_staff(ctx, application)
    application.decide_at_window(
        outcome=cmd.outcome,
        document_number=cmd.document_number,
        remarks=cmd.remarks,
        by=ctx.actor.id,
        calendar=ctx.policies.calendar(),
        at=ctx.now,
    )
    return application.id.value


def complete_step(cmd: CompleteStep, ctx: Context) -> str:
    application = ctx.uow.hall_applications.get(cmd.application_id)
    _staff_of(ctx, application, cmd.step)
    application.complete_step(
        cmd.step, by=ctx.actor.id, note=cmd.note, calendar=ctx.policies.calendar(), at=ctx.now
    )
    return application.id.value


def submit_to_authority(cmd: SubmitToAuthority, ctx: Context) -> str:
    application = ctx.uow.hall_applications.get(cmd.application_id)
    pause = ctx.policies.hall_pause_while_held(application)
    application.submit(reference=cmd.reference, pause=pause, at=ctx.now)
    return application.id.value


def record_authority_reply(cmd: RecordAuthorityReply, ctx: Context) -> str:
    application = ctx.uow.hall_applications.get(cmd.application_id)
    application.record_reply(reply=cmd.reply, calendar=ctx.policies.calendar(), at=ctx.now)
    return application.id.value


def conclude_application(cmd: ConcludeApplication, ctx: Context) -> str:
    application = ctx.uow.hall_applications.get(cmd.application_id)
    _lead_staff(ctx, application)
    application.conclude(
        outcome=cmd.outcome,
        document_number=cmd.document_number,
        remarks=cmd.remarks,
        by=ctx.actor.id,
        at=ctx.now,
    )
    return application.id.value


def tell_applicant(cmd: TellApplicant, ctx: Context) -> str:
    application = ctx.uow.hall_applications.get(cmd.application_id)
    application.tell(about=cmd.about, channel=cmd.channel, by=ctx.actor.id, at=ctx.now)
    return application.id.value


def sweep_hall_deadlines(cmd: SweepHallDeadlines, ctx: Context) -> str:
    """How many clocks went up (rule hall.escalation)."""
    calendar = ctx.policies.calendar()
    escalated = 0
    due = list(ctx.uow.hall_applications.list_due_for_escalation(ctx.now))
    for application in due:
        escalated += application.escalate(now=ctx.now, calendar=calendar)
    if ctx.batch.counted:  # one unit of work: the caller's bar is told the whole run at once
        ctx.batch.report(len(due), len(due))
    return str(escalated)
