"""Commands of the catalogue: items proposed, fees approved or rejected, items suspended,
resumed or withdrawn."""

from __future__ import annotations

from typing import ClassVar

import attrs

from servicedesk.app.command import Command
from servicedesk.domain import reserved
from servicedesk.domain.catalogue import FeeStandard
from servicedesk.domain.reserved import ReservedAct
from servicedesk.domain.values import (
    ItemId,
    Role,
    as_tuple,
    choice,
)


def to_role(value: Role | str) -> Role:
    return choice(Role, value, "role")


@attrs.frozen(kw_only=True)
class ProposeItem(Command):
    name: str
    category: str
    fee: FeeStandard
    required_materials: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    item_id: ItemId | None = attrs.field(default=None, converter=attrs.converters.optional(ItemId))


@attrs.frozen(kw_only=True)
class ProposeFeeChange(Command):
    item_id: ItemId = attrs.field(converter=ItemId)
    fee: FeeStandard
    reason: str


@attrs.frozen(kw_only=True)
class ApproveFee(Command):
    """The acting manager signs the pending proposal in the given role."""

    reserved: ClassVar[ReservedAct | None] = reserved.APPROVE
    item_id: ItemId = attrs.field(converter=ItemId)
    role: Role = attrs.field(converter=to_role)


@attrs.frozen(kw_only=True)
class RejectFee(Command):
    reserved: ClassVar[ReservedAct | None] = reserved.APPROVE
    item_id: ItemId = attrs.field(converter=ItemId)
    role: Role = attrs.field(converter=to_role)
    reason: str


@attrs.frozen(kw_only=True)
class SuspendItem(Command):
    item_id: ItemId = attrs.field(converter=ItemId)
    reason: str


@attrs.frozen(kw_only=True)
class ResumeItem(Command):
    item_id: ItemId = attrs.field(converter=ItemId)


@attrs.frozen(kw_only=True)
class WithdrawItem(Command):
    item_id: ItemId = attrs.field(converter=ItemId)
    reason: str
