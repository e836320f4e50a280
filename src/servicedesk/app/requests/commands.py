"""Commands: what a caller asks the desk to do, as plain frozen values.

A UI builds them from a form or from JSON (``convert.structure(data, cls)``);
``Desk.handle`` carries them out in one transaction.  Ids are typed: a plain
string given for one is converted, so ``TriageRequest("r-1", "i-1")`` works.
Values are checked when the command is built, before anything is touched.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from servicedesk.app.command import Command
from servicedesk.domain import reserved
from servicedesk.domain.money import Money, to_decimal
from servicedesk.domain.privacy import personal
from servicedesk.domain.requests import Channel, ConsentKind, Urgency
from servicedesk.domain.reserved import ReservedAct
from servicedesk.domain.values import (
    ItemId,
    Requester,
    RequesterEvidence,
    RequestId,
    TimeWindow,
    WorkerId,
    as_frozenset,
    choice,
)
from servicedesk.domain.workers import WorkerKind


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


# --- catalogue -----------------------------------------------------------------------------------


# --- workers -------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RegisterWorker(Command):
    name: str
    skills: frozenset[str] = attrs.field(converter=as_frozenset)
    kind: WorkerKind = attrs.field(default=WorkerKind.STAFF, converter=to_worker_kind)
    worker_id: WorkerId | None = attrs.field(
        default=None, converter=attrs.converters.optional(WorkerId)
    )


@attrs.frozen(kw_only=True)
class SetWorkerAvailability(Command):
    """A worker or contractor sets his own availability; the desk sets anyone's."""

    on_work_order: ClassVar[bool] = True
    worker_id: WorkerId = attrs.field(converter=WorkerId)
    available: bool


# --- requests ------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RegisterRequest(Command):
    requester: Requester
    need: str = personal()
    channel: Channel = attrs.field(default=Channel.FRONT_DESK, converter=to_channel)
    expected: TimeWindow | None = None
    request_id: RequestId | None = attrs.field(
        default=None, converter=attrs.converters.optional(RequestId)
    )


@attrs.frozen(kw_only=True)
class TriageRequest(Command):
    """Accept in scope: the item, how urgent, how many units."""

    request_id: RequestId = attrs.field(converter=RequestId)
    item_id: ItemId = attrs.field(converter=ItemId)
    urgency: Urgency = attrs.field(default=Urgency.ORDINARY, converter=to_urgency)
    quantity: str = attrs.field(default="1", converter=_quantity)


@attrs.frozen(kw_only=True)
class DeclineRequest(Command):
    request_id: RequestId = attrs.field(converter=RequestId)
    reason: str = personal()


@attrs.frozen(kw_only=True)
class DispatchRequest(Command):
    """Dispatch to the named worker, or to the one the dispatch policy chooses."""

    request_id: RequestId = attrs.field(converter=RequestId)
    worker_id: WorkerId | None = attrs.field(
        default=None, converter=attrs.converters.optional(WorkerId)
    )


@attrs.frozen(kw_only=True)
class DispatchDue(Command):
    """Dispatch every triaged request whose batch time has come (run it hourly)."""


@attrs.frozen(kw_only=True)
class StartWork(Command):
    on_work_order: ClassVar[bool] = True
    request_id: RequestId = attrs.field(converter=RequestId)


@attrs.frozen(kw_only=True)
class RecordConsent(Command):
    """The requester's yes to a change of scope or an extra fee (rule
    requests.requesters-own-acts)."""

    reserved: ClassVar[ReservedAct | None] = reserved.REQUESTERS_WORD
    request_id: RequestId = attrs.field(converter=RequestId)
    consent_id: str
    kind: ConsentKind = attrs.field(converter=to_consent_kind)
    description: str
    amount: Money | None = None
    #: How the requester gave it and who witnessed it, when staff record it for him.
    evidence: RequesterEvidence | None = None


@attrs.frozen(kw_only=True)
class ChangeScope(Command):
    on_work_order: ClassVar[bool] = True
    request_id: RequestId = attrs.field(converter=RequestId)
    consent_id: str
    description: str


@attrs.frozen(kw_only=True)
class AddExtraFee(Command):
    on_work_order: ClassVar[bool] = True
    request_id: RequestId = attrs.field(converter=RequestId)
    consent_id: str
    amount: Money
    description: str


@attrs.frozen(kw_only=True)
class CompleteWork(Command):
    on_work_order: ClassVar[bool] = True
    request_id: RequestId = attrs.field(converter=RequestId)
    notes: str = personal(default="")


@attrs.frozen(kw_only=True)
class AcceptWork(Command):
    """The requester accepts the work and signs (rule requests.requesters-own-acts)."""

    reserved: ClassVar[ReservedAct | None] = reserved.REQUESTERS_WORD
    request_id: RequestId = attrs.field(converter=RequestId)
    signed_by: str = personal()  # the requester's signature: personal data
    #: How the requester gave it and who witnessed it, when staff record it for him.
    evidence: RequesterEvidence | None = None


@attrs.frozen(kw_only=True)
class RejectWork(Command):
    """The requester is not satisfied: the job goes back for rework."""

    reserved: ClassVar[ReservedAct | None] = reserved.REQUESTERS_WORD
    request_id: RequestId = attrs.field(converter=RequestId)
    reason: str = personal()
    #: How the requester gave it and who witnessed it, when staff record it for him.
    evidence: RequesterEvidence | None = None


@attrs.frozen(kw_only=True)
class CloseRequest(Command):
    request_id: RequestId = attrs.field(converter=RequestId)


@attrs.frozen(kw_only=True)
class CancelRequest(Command):
    request_id: RequestId = attrs.field(converter=RequestId)
    reason: str = personal()
