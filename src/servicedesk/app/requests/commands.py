"""Commands: what a caller asks the desk to do, as plain frozen values.

A UI builds them from a form or from JSON (``convert.structure(data, cls)``);
``Desk.handle`` carries them out in one transaction.  Ids are typed: a plain
string given for one is converted, so ``TriageRequest("r-1", "i-1")`` works.
Values are checked when the command is built, before anything is touched.
"""

from __future__ import annotations

import attrs

from servicedesk.domain.catalogue import FeeStandard
from servicedesk.domain.money import Money, to_decimal
from servicedesk.domain.privacy import personal
from servicedesk.domain.requests import Channel, ConsentKind, Urgency
from servicedesk.domain.values import (
    ItemId,
    Requester,
    RequestId,
    Role,
    TimeWindow,
    WorkerId,
    choice,
)
from servicedesk.domain.workers import WorkerKind


def to_item_id(value: ItemId | str) -> ItemId:
    return value if isinstance(value, ItemId) else ItemId(value)


def to_request_id(value: RequestId | str) -> RequestId:
    return value if isinstance(value, RequestId) else RequestId(value)


def to_worker_id(value: WorkerId | str) -> WorkerId:
    return value if isinstance(value, WorkerId) else WorkerId(value)


def to_optional_item_id(value: ItemId | str | None) -> ItemId | None:
    return None if value is None else to_item_id(value)


def to_optional_request_id(value: RequestId | str | None) -> RequestId | None:
    return None if value is None else to_request_id(value)


def to_optional_worker_id(value: WorkerId | str | None) -> WorkerId | None:
    return None if value is None else to_worker_id(value)


def to_role(value: Role | str) -> Role:
    return choice(Role, value, "role")


def to_channel(value: Channel | str) -> Channel:
    return choice(Channel, value, "channel")


def to_urgency(value: Urgency | str) -> Urgency:
    return choice(Urgency, value, "urgency")


def to_consent_kind(value: ConsentKind | str) -> ConsentKind:
    return choice(ConsentKind, value, "kind of consent")


def to_worker_kind(value: WorkerKind | str) -> WorkerKind:
    return choice(WorkerKind, value, "kind of worker")


def _quantity(value: object) -> str:
    return str(to_decimal(value, "quantity"))


@attrs.frozen(kw_only=True)
class Command:
    """Base of every command."""


# --- catalogue -----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ProposeItem(Command):
    name: str
    category: str
    fee: FeeStandard
    required_materials: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    item_id: ItemId | None = attrs.field(default=None, converter=to_optional_item_id)


@attrs.frozen(kw_only=True)
class ProposeFeeChange(Command):
    item_id: ItemId = attrs.field(converter=to_item_id)
    fee: FeeStandard
    reason: str


@attrs.frozen(kw_only=True)
class ApproveFee(Command):
    """The acting manager signs the pending proposal in the given role."""

    item_id: ItemId = attrs.field(converter=to_item_id)
    role: Role = attrs.field(converter=to_role)


@attrs.frozen(kw_only=True)
class RejectFee(Command):
    item_id: ItemId = attrs.field(converter=to_item_id)
    role: Role = attrs.field(converter=to_role)
    reason: str


@attrs.frozen(kw_only=True)
class SuspendItem(Command):
    item_id: ItemId = attrs.field(converter=to_item_id)
    reason: str


@attrs.frozen(kw_only=True)
class ResumeItem(Command):
    item_id: ItemId = attrs.field(converter=to_item_id)


@attrs.frozen(kw_only=True)
class WithdrawItem(Command):
    item_id: ItemId = attrs.field(converter=to_item_id)
    reason: str


# --- workers -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RegisterWorker(Command):
    name: str
    skills: frozenset[str] = attrs.field(converter=frozenset)
    kind: WorkerKind = attrs.field(default=WorkerKind.STAFF, converter=to_worker_kind)
    worker_id: WorkerId | None = attrs.field(default=None, converter=to_optional_worker_id)


@attrs.frozen(kw_only=True)
class SetWorkerAvailability(Command):
    worker_id: WorkerId = attrs.field(converter=to_worker_id)
    available: bool


# --- requests ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RegisterRequest(Command):
    requester: Requester
    need: str
    channel: Channel = attrs.field(default=Channel.FRONT_DESK, converter=to_channel)
    expected: TimeWindow | None = None
    request_id: RequestId | None = attrs.field(default=None, converter=to_optional_request_id)


@attrs.frozen(kw_only=True)
class TriageRequest(Command):
    """Accept in scope: the item, how urgent, how many units."""

    request_id: RequestId = attrs.field(converter=to_request_id)
    item_id: ItemId = attrs.field(converter=to_item_id)
    urgency: Urgency = attrs.field(default=Urgency.ORDINARY, converter=to_urgency)
    quantity: str = attrs.field(default="1", converter=_quantity)


@attrs.frozen(kw_only=True)
class DeclineRequest(Command):
    request_id: RequestId = attrs.field(converter=to_request_id)
    reason: str


@attrs.frozen(kw_only=True)
class DispatchRequest(Command):
    """Dispatch to the named worker, or to the one the dispatch policy chooses."""

    request_id: RequestId = attrs.field(converter=to_request_id)
    worker_id: WorkerId | None = attrs.field(default=None, converter=to_optional_worker_id)


@attrs.frozen(kw_only=True)
class DispatchDue(Command):
    """Dispatch every triaged request whose batch time has come (run it hourly)."""


@attrs.frozen(kw_only=True)
class StartWork(Command):
    request_id: RequestId = attrs.field(converter=to_request_id)


@attrs.frozen(kw_only=True)
class RecordConsent(Command):
    request_id: RequestId = attrs.field(converter=to_request_id)
    consent_id: str
    kind: ConsentKind = attrs.field(converter=to_consent_kind)
    description: str
    amount: Money | None = None


@attrs.frozen(kw_only=True)
class ChangeScope(Command):
    request_id: RequestId = attrs.field(converter=to_request_id)
    consent_id: str
    description: str


@attrs.frozen(kw_only=True)
class AddExtraFee(Command):
    request_id: RequestId = attrs.field(converter=to_request_id)
    consent_id: str
    amount: Money
    description: str


@attrs.frozen(kw_only=True)
class CompleteWork(Command):
    request_id: RequestId = attrs.field(converter=to_request_id)
    notes: str = ""


@attrs.frozen(kw_only=True)
class AcceptWork(Command):
    request_id: RequestId = attrs.field(converter=to_request_id)
    signed_by: str = personal()  # the requester's signature: personal data


@attrs.frozen(kw_only=True)
class RejectWork(Command):
    request_id: RequestId = attrs.field(converter=to_request_id)
    reason: str


@attrs.frozen(kw_only=True)
class CloseRequest(Command):
    request_id: RequestId = attrs.field(converter=to_request_id)


@attrs.frozen(kw_only=True)
class CancelRequest(Command):
    request_id: RequestId = attrs.field(converter=to_request_id)
    reason: str


def all_command_types() -> dict[str, type[Command]]:
    return {cls.__name__: cls for cls in Command.__subclasses__()}
