"""Staff files: each member of staff's qualifications, training and shifts (rule
staff.qualifications, rule staff.training, rule staff.duty-roster).

A ``StaffFile`` is kept per member of staff, under the id he acts and works under: a
worker's file has his ``WorkerId``'s value, a hall clerk's his ``ActorId``'s, so that
dispatch and the hall's windows find it without a second table of people.  It holds

- the **qualifications** he holds (certificate kind, number, valid until): one per kind,
  the latest recorded (a renewal replaces the old certificate);
- his **training** records (course, date, passed or not): pre-duty training and
  continuing training are both records, none is ever removed;
- his **shifts**: when he is on duty, and at which hall window if at one.  His own shifts
  never overlap, a shift is at most a day long, and a shift that has begun is history:
  it cannot be cancelled;
- the dispatches he took **off shift**, where a policy allows them (``WorkedOffShift``).

An ``ItemRequirement`` names the qualifications the catalogue's item needs of whoever is
sent to do it (rule staff.item-requirements).  What the duty rules make of all this, and
when they apply, is ``servicedesk.app.staff.duty``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, Final, Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.hall import WindowId
from servicedesk.domain.privacy import personal
from servicedesk.domain.values import Identifier, ItemId, RequestId, aware, check_text
from servicedesk.i18n import N_, _

#: A shift longer than this is a typing slip (a week typed for a day).
LONGEST_SHIFT: Final = timedelta(hours=24)
#: The kinds of qualification one item or window may require.
MOST_REQUIRED: Final = 20


@attrs.frozen
class StaffId(Identifier):
    """A member of staff, by the id he works (``WorkerId``) and acts (``ActorId``) under."""


@attrs.frozen
class ShiftId(Identifier):
    """One shift of a staff file."""


def _kind(value: object) -> str:
    return check_text(value, N_("qualification kind"), 50)


def _number(value: object) -> str:
    return check_text(value, N_("certificate number"), 50)


def _course(value: object) -> str:
    return check_text(value, N_("course"), 100)


def _date(value: object, what: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidValue(_("The {what} must be a date."), code="staff.invalid", what=_(what))
    return value


def _valid_until(_instance: object, _attribute: object, value: date | None) -> None:
    if value is not None:
        _date(value, N_("valid-until date"))


def _training_day(_instance: object, _attribute: object, value: date) -> None:
    _date(value, N_("training date"))


def _bool(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidValue(
            _("The {what} must be true or false."), code="staff.invalid", what=attribute.name
        )


@attrs.frozen
class Qualification:
    """A certificate held (电工证, 上岗证...): its kind, its number, and until when it is valid.

    ``valid_until`` is the last day it is valid on; ``None``: it does not expire.
    """

    kind: str = attrs.field(converter=_kind)
    number: str = personal(converter=_number)
    valid_until: date | None = attrs.field(default=None, validator=_valid_until)

    def valid_on(self, day: date) -> bool:
        return self.valid_until is None or day <= self.valid_until


@attrs.frozen
class Training:
    """One course taken: pre-duty training (岗前培训) or continuing training, passed or not."""

    course: str = attrs.field(converter=_course)
    on: date = attrs.field(validator=_training_day)
    passed: bool = attrs.field(validator=_bool)


def _aware_start(_instance: object, _attribute: object, value: Any) -> None:
    aware(value, "shift start")


def _aware_end(_instance: object, _attribute: object, value: Any) -> None:
    aware(value, "shift end")


@attrs.frozen
class Shift:
    """On duty from ``start`` to ``end`` (end excluded); at a hall window, if one is named."""

    id: ShiftId
    start: datetime = attrs.field(validator=_aware_start)
    end: datetime = attrs.field(validator=_aware_end)
    window_id: WindowId | None = None

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidValue(_("A shift must end after it starts."), code="staff.invalid")
        if self.end - self.start > LONGEST_SHIFT:
            raise InvalidValue(
                _("A shift lasts at most {hours} hours."),
                code="staff.invalid",
                hours=int(LONGEST_SHIFT.total_seconds() // 3600),
            )

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@attrs.frozen(kw_only=True)
class StaffRules:
    """The organisation's duty rules (``servicedesk_staff_rules``, rule staff.off-shift-dispatch,
    rule staff.training, rule staff.expiry-notice).

    ``off_shift_dispatch``: a manual dispatch to someone off shift is allowed (and recorded
    as ``WorkedOffShift``) instead of refused; ``training_before_duty``: a member of staff
    goes on duty only with a passed training record; ``expiry_notice``: how long before a
    qualification expires it shows in the report.
    """

    off_shift_dispatch: bool = attrs.field(default=False, validator=_bool)
    training_before_duty: bool = attrs.field(default=True, validator=_bool)
    expiry_notice: timedelta = timedelta(days=30)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.expiry_notice, timedelta) or self.expiry_notice < timedelta(0):
            raise InvalidValue(
                _("The expiry notice is a period of zero or more days."), code="staff.invalid"
            )


def required_kinds(values: Iterable[object]) -> frozenset[str]:
    """Qualification kinds as an item or a window requires them: checked, at most a few."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidValue(_("Required qualifications are a list of kinds."), code="staff.invalid")
    kinds = frozenset(_kind(v) for v in values)
    if len(kinds) > MOST_REQUIRED:
        raise InvalidValue(
            _("At most {n} kinds of qualification may be required."),
            code="staff.invalid",
            n=MOST_REQUIRED,
        )
    return kinds


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StaffFileOpened(Event):
    staff_id: StaffId


@attrs.frozen(kw_only=True)
class QualificationRecorded(Event):
    staff_id: StaffId
    qualification: Qualification


@attrs.frozen(kw_only=True)
class TrainingRecorded(Event):
    staff_id: StaffId
    training: Training


@attrs.frozen(kw_only=True)
class ShiftRostered(Event):
    staff_id: StaffId
    shift: Shift


@attrs.frozen(kw_only=True)
class ShiftCancelled(Event):
    staff_id: StaffId
    shift_id: ShiftId


@attrs.frozen(kw_only=True)
class WorkedOffShift(Event):
    """A work order given to him off shift, as the organisation's policy allows."""

    staff_id: StaffId
    request_id: RequestId


@attrs.frozen(kw_only=True)
class ItemRequirementSet(Event):
    item_id: ItemId
    qualifications: frozenset[str]


# --- the staff file ------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class StaffFile(Aggregate[StaffId]):
    """One member of staff's qualifications, training, shifts and off-shift work."""

    qualifications: tuple[Qualification, ...] = ()
    training: tuple[Training, ...] = ()
    shifts: tuple[Shift, ...] = ()
    off_shift_work: tuple[RequestId, ...] = ()

    @classmethod
    def open(cls, staff_id: StaffId, *, at: datetime) -> StaffFile:
        return cls._create(StaffFileOpened(at=at, staff_id=staff_id))

    # -- qualifications and training ------------------------------------------------------------

    def record_qualification(
        self, qualification: Qualification, *, today: date, at: datetime
    ) -> None:
        """Record a certificate; one of the same kind held already is replaced (a renewal)."""
        if qualification.valid_until is not None and qualification.valid_until < today:
            raise InvalidValue(
                _("The certificate expired on {day}; record a valid one."),
                code="staff.invalid",
                field="valid_until",
                day=qualification.valid_until.isoformat(),
            )
        if qualification in self.qualifications:
            raise IllegalTransition(
                _("{id} holds this {kind} certificate already."),
                code="staff.illegal_transition",
                id=self.id,
                kind=qualification.kind,
            )
        self._record(QualificationRecorded(at=at, staff_id=self.id, qualification=qualification))

    def qualification(self, kind: str) -> Qualification | None:
        return next((q for q in self.qualifications if q.kind == kind), None)

    def holds(self, kind: str, on: date) -> bool:
        """Whether he holds a certificate of ``kind`` valid on ``on``."""
        held = self.qualification(kind)
        return held is not None and held.valid_on(on)

    def lacks(self, kinds: Iterable[str], on: date) -> list[str]:
        """Of ``kinds``, those he holds no valid certificate of on ``on``, sorted."""
        return sorted(k for k in kinds if not self.holds(k, on))

    def record_training(self, training: Training, *, today: date, at: datetime) -> None:
        if training.on > today:
            raise InvalidValue(
                _("Training is recorded once it took place, not before."),
                code="staff.invalid",
                field="on",
            )
        if any(t.course == training.course and t.on == training.on for t in self.training):
            raise IllegalTransition(
                _("{id}'s training in {course} on {day} is recorded already."),
                code="staff.illegal_transition",
                id=self.id,
                course=training.course,
                day=training.on.isoformat(),
            )
        self._record(TrainingRecorded(at=at, staff_id=self.id, training=training))

    @property
    def trained(self) -> bool:
        """Whether he passed any training (the pre-duty training, rule staff.training)."""
        return any(t.passed for t in self.training)

    # -- shifts ---------------------------------------------------------------------------------

    def roster(self, shift: Shift, *, at: datetime) -> None:
        """Put him on ``shift``; his own shifts never overlap."""
        if any(s.id == shift.id for s in self.shifts):
            raise IllegalTransition(
                _("Shift {shift} is rostered already."),
                code="staff.illegal_transition",
                shift=shift.id,
            )
        clash = next((s for s in self.shifts if s.overlaps(shift.start, shift.end)), None)
        if clash is not None:
            raise IllegalTransition(
                _(
                    "{id} is rostered from {start} to {end} already; shifts of one person never "
                    "overlap."
                ),
                code="staff.illegal_transition",
                id=self.id,
                start=clash.start,
                end=clash.end,
            )
        self._record(ShiftRostered(at=at, staff_id=self.id, shift=shift))

    def shift(self, shift_id: ShiftId) -> Shift | None:
        return next((s for s in self.shifts if s.id == shift_id), None)

    def cancel(self, shift_id: ShiftId, *, at: datetime) -> None:
        """Take a shift off the roster, before it begins; one begun is history."""
        shift = self.shift(shift_id)
        if shift is None:
            raise IllegalTransition(
                _("{id} has no shift {shift}."),
                code="staff.illegal_transition",
                id=self.id,
                shift=shift_id,
            )
        if shift.start <= at:
            raise IllegalTransition(
                _("Shift {shift} has begun; a shift is cancelled before it starts."),
                code="staff.illegal_transition",
                shift=shift_id,
            )
        self._record(ShiftCancelled(at=at, staff_id=self.id, shift_id=shift_id))

    def on_shift(self, at: datetime, window_id: WindowId | None = None) -> Shift | None:
        """His shift covering ``at`` (at ``window_id``, when one is named), if any."""
        for shift in self.shifts:
            if shift.covers(at) and (window_id is None or shift.window_id == window_id):
                return shift
        return None

    @property
    def rostered(self) -> bool:
        return bool(self.shifts)

    def record_off_shift(self, request_id: RequestId, *, at: datetime) -> None:
        self._record(WorkedOffShift(at=at, staff_id=self.id, request_id=request_id))

    # -- replay ---------------------------------------------------------------------------------

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case StaffFileOpened():
                return cls(event.staff_id)
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case QualificationRecorded():
                kind = event.qualification.kind
                kept = tuple(q for q in self.qualifications if q.kind != kind)
                self.qualifications = tuple(
                    sorted((*kept, event.qualification), key=lambda q: q.kind)
                )
            case TrainingRecorded():
                self.training = (*self.training, event.training)
            case ShiftRostered():
                self.shifts = tuple(
                    sorted((*self.shifts, event.shift), key=lambda s: (s.start, s.id.value))
                )
            case ShiftCancelled():
                self.shifts = tuple(s for s in self.shifts if s.id != event.shift_id)
            case WorkedOffShift():
                self.off_shift_work = (*self.off_shift_work, event.request_id)
            case _:
                super().apply(event)


# --- what an item requires -----------------------------------------------------------------------


@attrs.define(kw_only=True)
class ItemRequirement(Aggregate[ItemId]):
    """The qualifications whoever does the catalogue's item must hold (rule
    staff.item-requirements); none: anyone with the skill may do it."""

    qualifications: frozenset[str] = frozenset()

    @classmethod
    def set_for(cls, item_id: ItemId, kinds: frozenset[str], *, at: datetime) -> ItemRequirement:
        return cls._create(ItemRequirementSet(at=at, item_id=item_id, qualifications=kinds))

    def change(self, kinds: frozenset[str], *, at: datetime) -> None:
        if kinds == self.qualifications:
            raise IllegalTransition(
                _("Item {id} requires these qualifications already."),
                code="staff.illegal_transition",
                id=self.id,
            )
        self._record(ItemRequirementSet(at=at, item_id=self.id, qualifications=kinds))

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case ItemRequirementSet():
                return cls(event.item_id, qualifications=event.qualifications)
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case ItemRequirementSet():
                self.qualifications = event.qualifications
            case _:
                super().apply(event)
