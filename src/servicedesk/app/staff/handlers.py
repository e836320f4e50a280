"""Handlers of staff files: qualifications, training, the duty roster, item requirements.

A member of staff's file is opened by the first record made for him; its id is the id he
works and acts under (``StaffId``).  The dates a record is checked against (a certificate
not yet expired, a course already taken) are today's in the organisation's zone.
"""

from __future__ import annotations

from datetime import date

from servicedesk.app.context import Context
from servicedesk.app.staff.commands import (
    CancelShift,
    RecordQualification,
    RecordTraining,
    RosterShift,
    SetItemRequirement,
)
from servicedesk.domain.staff import (
    ItemRequirement,
    Qualification,
    Shift,
    ShiftId,
    StaffFile,
    StaffId,
    Training,
)


def _today(ctx: Context) -> date:
    return ctx.now.astimezone(ctx.policies.calendar().tz).date()


def _file(ctx: Context, staff_id: StaffId) -> StaffFile:
    """The member of staff's file, opened now if he has none yet."""
    file = ctx.uow.staff_files.find(staff_id)
    if file is None:
        file = StaffFile.open(staff_id, at=ctx.now)
        ctx.uow.staff_files.add(file)
    return file


def record_qualification(cmd: RecordQualification, ctx: Context) -> str:
    qualification = Qualification(cmd.kind, cmd.number, cmd.valid_until)
    _file(ctx, cmd.staff_id).record_qualification(qualification, today=_today(ctx), at=ctx.now)
    return cmd.staff_id.value


def record_training(cmd: RecordTraining, ctx: Context) -> str:
    training = Training(cmd.course, cmd.on, cmd.passed)
    _file(ctx, cmd.staff_id).record_training(training, today=_today(ctx), at=ctx.now)
    return cmd.staff_id.value


def roster_shift(cmd: RosterShift, ctx: Context) -> str:
    """Returns the shift's id."""
    if cmd.window_id is not None:
        ctx.uow.hall_windows.get(cmd.window_id)
    shift = Shift(cmd.shift_id or ShiftId(ctx.new_id()), cmd.start, cmd.end, cmd.window_id)
    _file(ctx, cmd.staff_id).roster(shift, at=ctx.now)
    return shift.id.value


def cancel_shift(cmd: CancelShift, ctx: Context) -> str:
    ctx.uow.staff_files.get(cmd.staff_id).cancel(cmd.shift_id, at=ctx.now)
    return cmd.shift_id.value


def set_item_requirement(cmd: SetItemRequirement, ctx: Context) -> str:
    item = ctx.uow.items.get(cmd.item_id)
    requirement = ctx.uow.item_requirements.find(item.id)
    if requirement is None:
        ctx.uow.item_requirements.add(
            ItemRequirement.set_for(item.id, cmd.qualifications, at=ctx.now)
        )
    else:
        requirement.change(cmd.qualifications, at=ctx.now)
    return item.id.value
