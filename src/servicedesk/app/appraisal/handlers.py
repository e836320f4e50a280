"""Staff appraisal (考核评价): drawing from the records, notes, signature, rectification.

``DrawAppraisal`` freezes the period's figures and the policy's result in the appraisal,
once the period is over; ``SignAppraisal`` is a manager's act, never the appraised person's
(rule staff.appraisal-signed), and opens what a failing result leads to by policy: a
rectification with its owner and a deadline in working time, or the return of seconded hall
staff failing again to their home department, withdrawn from the hall in the same
transaction (rule staff.appraisal-outcomes).
"""

from __future__ import annotations

from servicedesk.app.appraisal.commands import (
    CloseRectification,
    DrawAppraisal,
    RecordDisciplineNote,
    SignAppraisal,
)
from servicedesk.app.appraisal.figures import figures_of, home_department
from servicedesk.app.context import Context
from servicedesk.domain.appraisal import (
    Appraisal,
    AppraisalId,
    Consequence,
    DisciplineNote,
    DisciplineNoteId,
)
from servicedesk.domain.errors import IllegalTransition, InvalidValue, PermissionDenied
from servicedesk.domain.values import ActorId
from servicedesk.i18n import _, label


def draw_appraisal(cmd: DrawAppraisal, ctx: Context) -> str:
    period, policies = cmd.period, ctx.policies
    wanted = policies.appraisal_period()
    if period.kind is not wanted:
        raise InvalidValue(
            _("Staff are appraised by {kind} here; {period} is not one."),
            code="appraisal.invalid",
            field="period",
            kind=label(wanted),
            period=str(period),
        )
    if cmd.staff == ctx.actor.id:
        raise PermissionDenied(
            _("Nobody draws his own appraisal."), code="appraisal.forbidden", field="staff"
        )
    if period.bounds(policies.calendar().tz)[1] > ctx.now:
        raise IllegalTransition(
            _("The period {period} is not over yet; its appraisal is drawn after it."),
            code="appraisal.illegal_transition",
            period=str(period),
        )
    appraisal_id = AppraisalId.of(cmd.staff, period)
    if ctx.uow.appraisals.find(appraisal_id) is not None:
        raise IllegalTransition(
            _("The appraisal of {staff} for {period} is already drawn."),
            code="appraisal.illegal_transition",
            staff=cmd.staff,
            period=str(period),
        )
    figures = figures_of(ctx.uow, policies, ctx.wiring.rating_figures, cmd.staff, period)
    scale = policies.appraisal_scale()
    appraisal = Appraisal.draw(
        staff=cmd.staff,
        period=period,
        department_id=home_department(ctx.uow, cmd.staff),
        figures=figures,
        result=policies.appraisal_result(figures, scale),
        scale=scale,
        by=ctx.actor.id,
        at=ctx.now,
    )
    ctx.uow.appraisals.add(appraisal)
    return appraisal.id.value


def record_discipline_note(cmd: RecordDisciplineNote, ctx: Context) -> str:
    note = DisciplineNote.enter(
        DisciplineNoteId(ctx.new_id()), staff=cmd.staff, by=ctx.actor.id, note=cmd.note, at=ctx.now
    )
    ctx.uow.discipline_notes.add(note)
    return note.id.value


def sign_appraisal(cmd: SignAppraisal, ctx: Context) -> str:
    appraisal = ctx.uow.appraisals.get(cmd.appraisal_id)
    consequence, owner, due = Consequence.NONE, None, None
    if appraisal.failing and not appraisal.is_signed and ctx.actor.id != appraisal.staff:
        earlier = [
            a for a in ctx.uow.appraisals.of_staff(appraisal.staff) if a.period < appraisal.period
        ]
        previous = max(earlier, key=lambda a: a.period) if earlier else None
        if previous is not None and previous.period.length != appraisal.period.length:
            previous = None
        consequence = ctx.policies.appraisal_consequence(appraisal, previous)
        if consequence is Consequence.RECTIFY:
            owner = cmd.owner or _answerable(ctx, appraisal)
            budget = ctx.policies.rectification_time(appraisal)
            due = budget.due(ctx.policies.calendar(), ctx.now)
    appraisal.sign(
        by=ctx.actor.id,
        at=ctx.now,
        consequence=consequence,
        owner=owner,
        due=due,
        remarks=cmd.remarks,
    )
    if appraisal.returned_to is not None:
        department = ctx.uow.hall_departments.get(appraisal.returned_to)
        if appraisal.staff in department.staff:
            department.withdraw(appraisal.staff, approved_by=ctx.actor.id, at=ctx.now)
    return appraisal.id.value


def _answerable(ctx: Context, appraisal: Appraisal) -> ActorId:
    """Who answers for a rectification: the head of the department that seconded the person
    (its department is told to rectify), else the person."""
    if appraisal.department_id is None:
        return appraisal.staff
    return ctx.uow.hall_departments.get(appraisal.department_id).head


def close_rectification(cmd: CloseRectification, ctx: Context) -> str:
    appraisal = ctx.uow.appraisals.get(cmd.appraisal_id)
    appraisal.close_rectification(by=ctx.actor.id, outcome=cmd.outcome, at=ctx.now)
    return appraisal.id.value
