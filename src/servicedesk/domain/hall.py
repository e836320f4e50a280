"""A service hall (行政服务大厅): its departments, windows and published service guides.

Departments second staff to the hall, and a change of who is seconded is given by the hall's
management (rule staff.seconded-staff).  Windows are comprehensive (综合, any item of the
hall) or specialised (专项, one department's items); each serves the items set for it, keeps
its own opening hours on the hall's working days, and has at most one member of staff on
duty, who must be seconded to the hall (rule hall.windows).

Every item has a service guide (办事指南, rule hall.service-guide): name, kind, legal basis,
conditions, materials (each original or copy, and how many), the process as steps each
with its responsible department and time limit (rule hall.process-chart), the total time
limit and the fee.  A guide is versioned: a draft becomes the published version the public
reads, and an application keeps the version it was received under.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.calendar import WorkingBlock, WorkingCalendar
from servicedesk.domain.deadlines import WorkingBudget
from servicedesk.domain.errors import IllegalTransition, InvalidValue, PermissionDenied
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money
from servicedesk.domain.requests import ItemKind
from servicedesk.domain.values import (
    ActorId,
    Choice,
    Identifier,
    as_frozenset,
    as_tuple,
    check_text,
)
from servicedesk.i18n import _


@attrs.frozen
class DepartmentId(Identifier):
    """Identifies a department that seconds staff to the hall (进驻部门)."""


@attrs.frozen
class WindowId(Identifier):
    """Identifies a window (窗口) of the hall."""


@attrs.frozen
class HallItemId(Identifier):
    """Identifies an item of the hall, which its service guide describes."""


def _texts(value: object, what: str, max_length: int = 500) -> tuple[str, ...]:
    if not isinstance(value, tuple):
        raise InvalidValue(
            _("The {what} must be a list of texts."), code="hall.invalid", what=_(what)
        )
    return tuple(check_text(v, what, max_length) for v in value)


# --- departments ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DepartmentRegistered(Event):
    department_id: DepartmentId
    name: str
    head: ActorId


@attrs.frozen(kw_only=True)
class StaffSeconded(Event):
    department_id: DepartmentId
    staff: ActorId
    approved_by: ActorId


@attrs.frozen(kw_only=True)
class StaffWithdrawn(Event):
    department_id: DepartmentId
    staff: ActorId
    approved_by: ActorId


@attrs.define(kw_only=True)
class Department(Aggregate[DepartmentId]):
    """A department present in the hall, its head, and the staff it seconded."""

    name: str
    head: ActorId
    staff: frozenset[ActorId] = frozenset()
    registered_at: datetime

    @classmethod
    def register(
        cls, department_id: DepartmentId, *, name: str, head: ActorId, at: datetime
    ) -> Department:
        return cls._create(
            DepartmentRegistered(
                at=at,
                department_id=department_id,
                name=check_text(name, "department name", 100),
                head=head,
            )
        )

    def second(self, staff: ActorId, *, approved_by: ActorId, at: datetime) -> None:
        """A member of staff joins the hall for this department (rule staff.seconded-staff)."""
        if staff in self.staff:
            raise IllegalTransition(
                _("{staff} is already seconded by department {id}."),
                code="hall.illegal_transition",
                staff=staff,
                id=self.id,
            )
        self._record(
            StaffSeconded(at=at, department_id=self.id, staff=staff, approved_by=approved_by)
        )

    def withdraw(self, staff: ActorId, *, approved_by: ActorId, at: datetime) -> None:
        if staff not in self.staff:
            raise IllegalTransition(
                _("{staff} is not seconded by department {id}."),
                code="hall.illegal_transition",
                staff=staff,
                id=self.id,
            )
        self._record(
            StaffWithdrawn(at=at, department_id=self.id, staff=staff, approved_by=approved_by)
        )

    def require_staff(self, actor: ActorId) -> None:
        """Only the department's seconded staff (or its head) do its steps."""
        if actor not in self.staff and actor != self.head:
            raise PermissionDenied(
                _("{actor} is not staff of department {id}."),
                code="hall.forbidden",
                actor=actor,
                id=self.id,
            )

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case DepartmentRegistered():
                return cls(
                    event.department_id, name=event.name, head=event.head, registered_at=event.at
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case StaffSeconded():
                self.staff = self.staff | {event.staff}
            case StaffWithdrawn():
                self.staff = self.staff - {event.staff}
            case _:
                super().apply(event)


# --- windows -------------------------------------------------------------------------------------


class WindowKind(Choice):
    """A comprehensive window takes any item of the hall; a specialised one its department's."""

    COMPREHENSIVE = "comprehensive"  # 综合窗口
    SPECIALISED = "specialised"  # 专项窗口


ALL_WEEKDAYS: Final = frozenset(range(7))


def _weekdays(value: object) -> frozenset[int]:
    days = as_frozenset(value)
    if not isinstance(days, frozenset) or not days or not days <= ALL_WEEKDAYS:
        raise InvalidValue(
            _("Opening days are weekdays, 0 (Monday) to 6 (Sunday)."), code="hall.invalid"
        )
    return days


@attrs.frozen
class OpeningHours:
    """When a window is open: its blocks, on the hall calendar's working days of ``weekdays``.

    The hall's calendar says which dates are working days (public holidays and make-up
    days included); ``weekdays`` may narrow that for a window open on some days only.
    """

    blocks: tuple[WorkingBlock, ...] = attrs.field(converter=as_tuple)
    weekdays: frozenset[int] = attrs.field(default=ALL_WEEKDAYS, converter=as_frozenset)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.blocks, tuple) or not self.blocks:
            raise InvalidValue(
                _("A window's opening hours need at least one block."), code="hall.invalid"
            )
        for block in self.blocks:
            if not isinstance(block, WorkingBlock):
                raise InvalidValue(
                    _("A window's opening hours are working blocks."), code="hall.invalid"
                )
        for earlier, later in zip(self.blocks, self.blocks[1:], strict=False):
            if later.start < earlier.end:
                raise InvalidValue(
                    _("A window's opening blocks must be in order, not overlap."),
                    code="hall.invalid",
                )
        _weekdays(self.weekdays)

    def is_open(self, at: datetime, calendar: WorkingCalendar) -> bool:
        local = at.astimezone(calendar.tz)
        if local.weekday() not in self.weekdays or not calendar.is_working_day(local.date()):
            return False
        moment = local.time().replace(tzinfo=None)
        return any(block.start <= moment < block.end for block in self.blocks)


@attrs.frozen
class DutySpell:
    """A member of staff on duty at a window, from ``start`` to ``end`` (open while on)."""

    staff: ActorId
    start: datetime
    end: datetime | None = None


@attrs.frozen(kw_only=True)
class WindowOpened(Event):
    window_id: WindowId
    name: str
    kind: WindowKind
    department_id: DepartmentId | None
    items: frozenset[HallItemId]
    prefix: str
    hours: OpeningHours


@attrs.frozen(kw_only=True)
class WindowItemsSet(Event):
    window_id: WindowId
    items: frozenset[HallItemId]


@attrs.frozen(kw_only=True)
class WindowHoursSet(Event):
    window_id: WindowId
    hours: OpeningHours


@attrs.frozen(kw_only=True)
class WentOnDuty(Event):
    window_id: WindowId
    staff: ActorId


@attrs.frozen(kw_only=True)
class WentOffDuty(Event):
    window_id: WindowId
    staff: ActorId


def check_prefix(prefix: object) -> str:
    """A ticket prefix: one to three capital letters, printed before the number (A001)."""
    if not isinstance(prefix, str) or not (
        1 <= len(prefix) <= 3 and prefix.isascii() and prefix.isalpha() and prefix.isupper()
    ):
        raise InvalidValue(
            _("A ticket prefix is one to three capital letters, e.g. A."), code="hall.invalid"
        )
    return prefix


@attrs.define(kw_only=True)
class Window(Aggregate[WindowId]):
    """A window: what it serves, when it is open, who is on duty (rule hall.windows)."""

    name: str
    kind: WindowKind
    department_id: DepartmentId | None = None
    items: frozenset[HallItemId] = frozenset()
    prefix: str
    hours: OpeningHours
    on_duty: ActorId | None = None
    duty: tuple[DutySpell, ...] = ()

    @classmethod
    def open(
        cls,
        window_id: WindowId,
        *,
        name: str,
        kind: WindowKind,
        department_id: DepartmentId | None,
        items: Collection[HallItemId],
        prefix: str,
        hours: OpeningHours,
        at: datetime,
    ) -> Window:
        kind = WindowKind(kind)
        if (kind is WindowKind.SPECIALISED) != (department_id is not None):
            raise InvalidValue(
                _("A specialised window belongs to one department; a comprehensive one to none."),
                field="department_id",
                code="hall.invalid",
            )
        return cls._create(
            WindowOpened(
                at=at,
                window_id=window_id,
                name=check_text(name, "window name", 100),
                kind=kind,
                department_id=department_id,
                items=frozenset(items),
                prefix=check_prefix(prefix),
                hours=hours,
            )
        )

    def serves(self, item_id: HallItemId) -> bool:
        return item_id in self.items

    def is_open(self, at: datetime, calendar: WorkingCalendar) -> bool:
        return self.hours.is_open(at, calendar)

    def set_items(self, items: Collection[HallItemId], *, at: datetime) -> None:
        self._record(WindowItemsSet(at=at, window_id=self.id, items=frozenset(items)))

    def set_hours(self, hours: OpeningHours, *, at: datetime) -> None:
        self._record(WindowHoursSet(at=at, window_id=self.id, hours=hours))

    def go_on_duty(self, staff: ActorId, *, seconded: bool, at: datetime) -> None:
        """``staff`` takes the window; only seconded staff, one at a time."""
        if not seconded:
            raise PermissionDenied(
                _("{staff} is not seconded to the hall for window {id}."),
                code="hall.forbidden",
                staff=staff,
                id=self.id,
            )
        if self.on_duty is not None:
            raise IllegalTransition(
                _("{staff} is on duty at window {id} already."),
                code="hall.illegal_transition",
                staff=self.on_duty,
                id=self.id,
            )
        self._record(WentOnDuty(at=at, window_id=self.id, staff=staff))

    def go_off_duty(self, staff: ActorId, *, at: datetime) -> None:
        self.require_on_duty(staff)
        self._record(WentOffDuty(at=at, window_id=self.id, staff=staff))

    def require_on_duty(self, staff: ActorId) -> None:
        if self.on_duty != staff:
            raise PermissionDenied(
                _("{staff} is not on duty at window {id}."),
                code="hall.forbidden",
                staff=staff,
                id=self.id,
            )

    def require_open(self, at: datetime, calendar: WorkingCalendar) -> None:
        if not self.is_open(at, calendar):
            raise IllegalTransition(
                _("Window {id} is closed at {at}."),
                code="hall_window.illegal_transition",
                id=self.id,
                at=at.astimezone(calendar.tz).isoformat(timespec="minutes"),
            )

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case WindowOpened():
                return cls(
                    event.window_id,
                    name=event.name,
                    kind=event.kind,
                    department_id=event.department_id,
                    items=event.items,
                    prefix=event.prefix,
                    hours=event.hours,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case WindowItemsSet():
                self.items = event.items
            case WindowHoursSet():
                self.hours = event.hours
            case WentOnDuty():
                self.on_duty = event.staff
                self.duty = (*self.duty, DutySpell(event.staff, event.at))
            case WentOffDuty():
                self.on_duty = None
                *earlier, last = self.duty
                self.duty = (*earlier, attrs.evolve(last, end=event.at))
            case _:
                super().apply(event)


# --- service guides ------------------------------------------------------------------------------


class MaterialForm(Choice):
    """What the applicant brings of a document."""

    ORIGINAL = "original"  # 原件
    COPY = "copy"  # 复印件
    ORIGINAL_AND_COPY = "original_and_copy"  # 原件及复印件


def _positive_count(_instance: object, _attribute: object, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 99:
        raise InvalidValue(
            _("A material's count is a whole number from 1 to 99."),
            field="count",
            code="hall.invalid",
        )


def _material_code(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not value or len(value) > 32 or not value.isidentifier():
        raise InvalidValue(
            _("A material's code is a short name of letters, digits and _ (e.g. id_card)."),
            field="code",
            code="hall.invalid",
        )


@attrs.frozen
class Material:
    """One required material (申请材料): its code, name, original or copy, and how many."""

    code: str = attrs.field(validator=_material_code)
    name: str
    form: MaterialForm = attrs.field(default=MaterialForm.ORIGINAL, converter=MaterialForm)
    count: int = attrs.field(default=1, validator=_positive_count)

    def __attrs_post_init__(self) -> None:
        check_text(self.name, "material name", 200)


@attrs.frozen
class ProcessStep:
    """One step of an item's process (办理环节): who is responsible, and in what time."""

    name: str
    department_id: DepartmentId
    time_limit: WorkingBudget

    def __attrs_post_init__(self) -> None:
        check_text(self.name, "step name", 100)
        if not isinstance(self.time_limit, WorkingBudget):
            raise InvalidValue(
                _("A step's time limit is a working budget."),
                field="time_limit",
                code="hall.invalid",
            )


class Flow(Choice):
    """How the steps of an item follow each other."""

    IN_ORDER = "in_order"  # each step when the one before is done
    PARALLEL = "parallel"  # every step at once: a joint item's departments side by side


class GuideStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


@attrs.frozen(kw_only=True)
class GuideVersion:
    """One version of an item's service guide, as drafted and, once published, as shown."""

    number: int
    name: str
    kind: ItemKind
    legal_basis: tuple[str, ...]
    conditions: tuple[str, ...]
    materials: tuple[Material, ...]
    steps: tuple[ProcessStep, ...]
    flow: Flow
    time_limit: WorkingBudget
    fee: Money
    higher_authority: str = ""
    drafted_at: datetime
    published_at: datetime | None = None

    @property
    def departments(self) -> tuple[DepartmentId, ...]:
        """The departments of the steps, each once, in the order of the steps."""
        return tuple(dict.fromkeys(step.department_id for step in self.steps))

    @property
    def lead_department(self) -> DepartmentId:
        """The department of the first step: the one that receives (一窗受理) and leads."""
        return self.steps[0].department_id

    def material(self, code: str) -> Material | None:
        return next((m for m in self.materials if m.code == code), None)


def _longest_path(steps: tuple[ProcessStep, ...], flow: Flow) -> WorkingBudget | None:
    """The time the steps need at most, when it can be told without a calendar."""
    budgets = [s.time_limit for s in steps]
    if all(b.days == 0 for b in budgets):
        times = [b.time for b in budgets]
        return WorkingBudget(time=sum(times, timedelta()) if flow is Flow.IN_ORDER else max(times))
    if all(b.days > 0 for b in budgets):
        days = [b.days for b in budgets]
        return WorkingBudget(days=sum(days) if flow is Flow.IN_ORDER else max(days))
    return None


def check_guide(version: GuideVersion) -> GuideVersion:
    """The rules a guide's content keeps, whatever the kind (rule hall.process-chart)."""
    check_text(version.name, "item name", 100)
    _texts(version.legal_basis, "legal basis", 500)
    _texts(version.conditions, "condition", 500)
    if not version.legal_basis:
        raise InvalidValue(
            _("A service guide names its legal basis."), field="legal_basis", code="hall.invalid"
        )
    if not version.steps:
        raise InvalidValue(
            _("A service guide has at least one step."), field="steps", code="hall.invalid"
        )
    codes = [m.code for m in version.materials]
    if len(codes) != len(set(codes)):
        raise InvalidValue(
            _("Each material of a guide has its own code."), field="materials", code="hall.invalid"
        )
    if version.fee.is_negative:
        raise InvalidValue(_("A fee cannot be negative."), field="fee", code="hall.invalid")
    kind = version.kind
    if kind is ItemKind.JOINT and len(version.departments) < 2:
        raise InvalidValue(
            _("A joint item (联办件) has steps of two departments or more."),
            field="steps",
            code="hall.invalid",
        )
    if kind is not ItemKind.JOINT and version.flow is Flow.PARALLEL:
        raise InvalidValue(
            _("Only a joint item's steps run in parallel."), field="flow", code="hall.invalid"
        )
    if (kind is ItemKind.ESCALATED) != bool(version.higher_authority.strip()):
        raise InvalidValue(
            _("An escalated item (上报件), and only one, names its higher authority."),
            field="higher_authority",
            code="hall.invalid",
        )
    if kind is ItemKind.IMMEDIATE and (version.time_limit.days or len(version.steps) != 1):
        raise InvalidValue(
            _("An immediate item (即办件) is one step at the window, in working hours."),
            field="time_limit",
            code="hall.invalid",
        )
    longest = _longest_path(version.steps, version.flow)
    total = version.time_limit
    if longest is not None and (
        (total.days and longest.days > total.days) or (total.time and longest.time > total.time)
    ):
        raise InvalidValue(
            _("The steps need more time than the item's total time limit."),
            field="time_limit",
            code="hall.invalid",
        )
    return version


@attrs.frozen(kw_only=True)
class GuideDrafted(Event):
    item_id: HallItemId
    version: GuideVersion


@attrs.frozen(kw_only=True)
class GuidePublished(Event):
    item_id: HallItemId
    number: int
    by: ActorId


@attrs.frozen(kw_only=True)
class GuideWithdrawn(Event):
    item_id: HallItemId
    by: ActorId


@attrs.define(kw_only=True)
class ServiceGuide(Aggregate[HallItemId]):
    """Every version of an item's guide; ``published`` names the one the public reads."""

    versions: tuple[GuideVersion, ...]
    published: int | None = None
    status: GuideStatus = GuideStatus.DRAFT

    @classmethod
    def draft_first(cls, item_id: HallItemId, *, version: GuideVersion) -> ServiceGuide:
        return cls._create(
            GuideDrafted(at=version.drafted_at, item_id=item_id, version=_numbered(version, 1))
        )

    def draft(self, version: GuideVersion) -> None:
        """A new version, drafted; the published one stays shown until this is published."""
        if self.versions[-1].published_at is None:
            raise IllegalTransition(
                _("Guide {id} has an unpublished draft already; publish or redraft it."),
                code="hall.illegal_transition",
                id=self.id,
            )
        number = self.versions[-1].number + 1
        self._record(
            GuideDrafted(at=version.drafted_at, item_id=self.id, version=_numbered(version, number))
        )

    def publish(self, *, by: ActorId, allowed: bool, at: datetime) -> None:
        """Publish the latest draft (rule hall.service-guide); who may is the hall's policy."""
        self._allowed(by, allowed)
        latest = self.versions[-1]
        if latest.published_at is not None:
            raise IllegalTransition(
                _("Guide {id} has no draft to publish."), code="hall.illegal_transition", id=self.id
            )
        self._record(GuidePublished(at=at, item_id=self.id, number=latest.number, by=by))

    def withdraw(self, *, by: ActorId, allowed: bool, at: datetime) -> None:
        """The item is no longer offered; whoever may publish its guide may withdraw it."""
        self._allowed(by, allowed)
        if self.status is not GuideStatus.PUBLISHED:
            raise IllegalTransition(
                _("Guide {id} is not published."), code="hall.illegal_transition", id=self.id
            )
        self._record(GuideWithdrawn(at=at, item_id=self.id, by=by))

    def _allowed(self, by: ActorId, allowed: bool) -> None:
        if not allowed:
            raise PermissionDenied(
                _("The hall's policy does not let {actor} publish guide {id}."),
                code="hall.forbidden",
                actor=by,
                id=self.id,
            )

    @property
    def current(self) -> GuideVersion | None:
        """The version published now, or None."""
        if self.status is not GuideStatus.PUBLISHED or self.published is None:
            return None
        return self.numbered(self.published)

    def numbered(self, number: int) -> GuideVersion:
        for version in self.versions:
            if version.number == number:
                return version
        raise InvalidValue(
            _("Guide {id} has no version {n}."), code="hall.invalid", id=self.id, n=number
        )

    def require_current(self) -> GuideVersion:
        current = self.current
        if current is None:
            raise IllegalTransition(
                _("Item {id} has no published service guide."),
                code="hall.illegal_transition",
                id=self.id,
            )
        return current

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case GuideDrafted():
                return cls(event.item_id, versions=(event.version,))
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case GuideDrafted():
                self.versions = (*self.versions, event.version)
            case GuidePublished():
                self.versions = tuple(
                    attrs.evolve(v, published_at=event.at) if v.number == event.number else v
                    for v in self.versions
                )
                self.published = event.number
                self.status = GuideStatus.PUBLISHED
            case GuideWithdrawn():
                self.status = GuideStatus.WITHDRAWN
            case _:
                super().apply(event)


def _numbered(version: GuideVersion, number: int) -> GuideVersion:
    return check_guide(attrs.evolve(version, number=number, published_at=None))
