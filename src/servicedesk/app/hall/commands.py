"""Commands of the service hall: departments and windows, guides, the queue, applications."""

from __future__ import annotations

from typing import Any

import attrs

from servicedesk.app.command import Command
from servicedesk.domain.deadlines import WorkingBudget
from servicedesk.domain.hall import (
    DepartmentId,
    Flow,
    HallItemId,
    Material,
    OpeningHours,
    ProcessStep,
    WindowId,
    WindowKind,
)
from servicedesk.domain.hall_cases import (
    Applicant,
    ApplicationId,
    Decision,
    IntakeChannel,
    NoticeChannel,
    Told,
)
from servicedesk.domain.money import Money
from servicedesk.domain.requests import ItemKind
from servicedesk.domain.values import ActorId, TimeWindow, as_frozenset, as_tuple, choice


def _item_ids(value: Any) -> Any:
    """Item ids given as texts become ids; anything else is left for the door to refuse."""
    items = as_frozenset(value)
    if not isinstance(items, frozenset):
        return items
    return frozenset(HallItemId(i) if isinstance(i, str) else i for i in items)


def _item_kind(value: Any) -> ItemKind:
    """ItemKind is not a ``Choice``: a stranger is refused here with a typed error."""
    return choice(ItemKind, value, "item kind")


# --- departments and windows ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RegisterDepartment(Command):
    department_id: DepartmentId = attrs.field(converter=DepartmentId)
    name: str
    head: ActorId = attrs.field(converter=ActorId)


@attrs.frozen(kw_only=True)
class SecondStaff(Command):
    """The hall's management approves a member of staff seconded by a department."""

    department_id: DepartmentId = attrs.field(converter=DepartmentId)
    staff: ActorId = attrs.field(converter=ActorId)


@attrs.frozen(kw_only=True)
class WithdrawStaff(Command):
    department_id: DepartmentId = attrs.field(converter=DepartmentId)
    staff: ActorId = attrs.field(converter=ActorId)


@attrs.frozen(kw_only=True)
class OpenWindow(Command):
    window_id: WindowId = attrs.field(converter=WindowId)
    name: str
    kind: WindowKind = attrs.field(converter=WindowKind)
    prefix: str
    hours: OpeningHours
    items: frozenset[HallItemId] = attrs.field(factory=frozenset, converter=_item_ids)
    department_id: DepartmentId | None = attrs.field(
        default=None, converter=attrs.converters.optional(DepartmentId)
    )


@attrs.frozen(kw_only=True)
class SetWindowItems(Command):
    window_id: WindowId = attrs.field(converter=WindowId)
    items: frozenset[HallItemId] = attrs.field(converter=_item_ids)


@attrs.frozen(kw_only=True)
class SetWindowHours(Command):
    window_id: WindowId = attrs.field(converter=WindowId)
    hours: OpeningHours


@attrs.frozen(kw_only=True)
class GoOnDuty(Command):
    """The acting member of staff takes the window."""

    window_id: WindowId = attrs.field(converter=WindowId)


@attrs.frozen(kw_only=True)
class GoOffDuty(Command):
    window_id: WindowId = attrs.field(converter=WindowId)


# --- service guides ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DraftGuide(Command):
    """A new version of an item's service guide (the first makes the item)."""

    item_id: HallItemId = attrs.field(converter=HallItemId)
    name: str
    kind: ItemKind = attrs.field(converter=_item_kind)
    legal_basis: tuple[str, ...] = attrs.field(converter=as_tuple)
    steps: tuple[ProcessStep, ...] = attrs.field(converter=as_tuple)
    time_limit: WorkingBudget
    conditions: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    materials: tuple[Material, ...] = attrs.field(default=(), converter=as_tuple)
    flow: Flow = attrs.field(default=Flow.IN_ORDER, converter=Flow)
    fee: Money = attrs.field(factory=Money.zero)
    higher_authority: str = ""


@attrs.frozen(kw_only=True)
class PublishGuide(Command):
    item_id: HallItemId = attrs.field(converter=HallItemId)


@attrs.frozen(kw_only=True)
class WithdrawGuide(Command):
    item_id: HallItemId = attrs.field(converter=HallItemId)


# --- the queue -----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class TakeNumber(Command):
    """A number for an item (any window serving it), or for one window; maybe a slot (预约)."""

    item_id: HallItemId | None = attrs.field(
        default=None, converter=attrs.converters.optional(HallItemId)
    )
    window_id: WindowId | None = attrs.field(
        default=None, converter=attrs.converters.optional(WindowId)
    )
    appointment: TimeWindow | None = None


@attrs.frozen(kw_only=True)
class CallNext(Command):
    """The window is done with its ticket and calls the next: its number, or none."""

    window_id: WindowId = attrs.field(converter=WindowId)


@attrs.frozen(kw_only=True)
class RecallNumber(Command):
    window_id: WindowId = attrs.field(converter=WindowId)
    number: str


@attrs.frozen(kw_only=True)
class SkipNumber(Command):
    window_id: WindowId = attrs.field(converter=WindowId)


@attrs.frozen(kw_only=True)
class FinishNumber(Command):
    window_id: WindowId = attrs.field(converter=WindowId)


@attrs.frozen(kw_only=True)
class TransferNumber(Command):
    window_id: WindowId = attrs.field(converter=WindowId)
    to_window: WindowId | None = attrs.field(
        default=None, converter=attrs.converters.optional(WindowId)
    )
    to_item: HallItemId | None = attrs.field(
        default=None, converter=attrs.converters.optional(HallItemId)
    )


# --- applications --------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ReceiveApplication(Command):
    """Intake: the materials are checked against the guide; a notice if any is lacking."""

    item_id: HallItemId = attrs.field(converter=HallItemId)
    applicant: Applicant
    channel: IntakeChannel = attrs.field(default=IntakeChannel.WINDOW, converter=IntakeChannel)
    window_id: WindowId | None = attrs.field(
        default=None, converter=attrs.converters.optional(WindowId)
    )
    ticket: str = ""
    presented: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    defective: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    told_by: NoticeChannel = attrs.field(default=NoticeChannel.PRINTED, converter=NoticeChannel)
    application_id: ApplicationId | None = attrs.field(
        default=None, converter=attrs.converters.optional(ApplicationId)
    )


@attrs.frozen(kw_only=True)
class NoticeDefective(Command):
    """Materials supplied during 补正 turned out unusable: a notice naming only them."""

    application_id: ApplicationId = attrs.field(converter=ApplicationId)
    defective: tuple[str, ...] = attrs.field(converter=as_tuple)
    told_by: NoticeChannel = attrs.field(default=NoticeChannel.PRINTED, converter=NoticeChannel)


@attrs.frozen(kw_only=True)
class SupplyMaterials(Command):
    application_id: ApplicationId = attrs.field(converter=ApplicationId)
    materials: tuple[str, ...] = attrs.field(converter=as_tuple)


@attrs.frozen(kw_only=True)
class AcceptApplication(Command):
    application_id: ApplicationId = attrs.field(converter=ApplicationId)


@attrs.frozen(kw_only=True)
class RefuseApplication(Command):
    application_id: ApplicationId = attrs.field(converter=ApplicationId)
    reason: str
    legal_basis: str


@attrs.frozen(kw_only=True)
class DecideAtWindow(Command):
    """An immediate item (即办件) accepted and concluded in the same visit."""

    application_id: ApplicationId = attrs.field(converter=ApplicationId)
    outcome: Decision = attrs.field(default=Decision.APPROVED, converter=Decision)
    document_number: str = ""
    remarks: str = ""


@attrs.frozen(kw_only=True)
class CompleteStep(Command):
    application_id: ApplicationId = attrs.field(converter=ApplicationId)
    step: int
    note: str = ""


@attrs.frozen(kw_only=True)
class SubmitToAuthority(Command):
    application_id: ApplicationId = attrs.field(converter=ApplicationId)
    reference: str


@attrs.frozen(kw_only=True)
class RecordAuthorityReply(Command):
    application_id: ApplicationId = attrs.field(converter=ApplicationId)
    reply: str


@attrs.frozen(kw_only=True)
class ConcludeApplication(Command):
    application_id: ApplicationId = attrs.field(converter=ApplicationId)
    outcome: Decision = attrs.field(converter=Decision)
    document_number: str = ""
    remarks: str = ""


@attrs.frozen(kw_only=True)
class TellApplicant(Command):
    application_id: ApplicationId = attrs.field(converter=ApplicationId)
    about: Told = attrs.field(converter=Told)
    channel: NoticeChannel = attrs.field(default=NoticeChannel.SMS, converter=NoticeChannel)


@attrs.frozen(kw_only=True)
class SweepHallDeadlines(Command):
    """Escalate every overdue step and application once (a scheduler runs it)."""
