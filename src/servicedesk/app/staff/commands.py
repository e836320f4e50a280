"""Commands of staff files: qualifications, training, the duty roster, what an item requires."""

from __future__ import annotations

from datetime import date, datetime

import attrs

from servicedesk.app.command import Command
from servicedesk.domain.hall import WindowId
from servicedesk.domain.staff import ShiftId, StaffId, required_kinds
from servicedesk.domain.values import ItemId


@attrs.frozen(kw_only=True)
class RecordQualification(Command):
    """A certificate a member of staff holds; one of the same kind is replaced (a renewal)."""

    staff_id: StaffId = attrs.field(converter=StaffId)
    kind: str
    number: str
    valid_until: date | None = None


@attrs.frozen(kw_only=True)
class RecordTraining(Command):
    """A course a member of staff took (pre-duty or continuing training), passed or not."""

    staff_id: StaffId = attrs.field(converter=StaffId)
    course: str
    on: date
    passed: bool


@attrs.frozen(kw_only=True)
class RosterShift(Command):
    """Put a member of staff on duty from ``start`` to ``end``, at a hall window if named."""

    staff_id: StaffId = attrs.field(converter=StaffId)
    start: datetime
    end: datetime
    window_id: WindowId | None = attrs.field(
        default=None, converter=attrs.converters.optional(WindowId)
    )
    shift_id: ShiftId | None = attrs.field(
        default=None, converter=attrs.converters.optional(ShiftId)
    )


@attrs.frozen(kw_only=True)
class CancelShift(Command):
    staff_id: StaffId = attrs.field(converter=StaffId)
    shift_id: ShiftId = attrs.field(converter=ShiftId)


@attrs.frozen(kw_only=True)
class SetItemRequirement(Command):
    """The qualifications whoever is sent to do the item must hold; none clears them."""

    item_id: ItemId = attrs.field(converter=ItemId)
    qualifications: frozenset[str] = attrs.field(converter=required_kinds)
