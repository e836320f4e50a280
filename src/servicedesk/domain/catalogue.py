"""The catalogue: service items, their fee standards and the approval chain.

An item or a new price reaches the public only after every approver of the
chain has signed, in order (then branch manager, rule catalogue.approval-chain).
Which roles form the chain is a policy; that the chain is walked in order,
once each, is enforced here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum
from typing import Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.errors import (
    ApprovalRefused,
    IllegalTransition,
    InvalidValue,
    NotOrderable,
)
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money
from servicedesk.domain.values import ActorId, Choice, ItemId, Role, check_text
from servicedesk.i18n import _, label


class FeeKind(Choice):
    """How an item is priced (收费标准)."""

    FREE = "free"
    FIXED = "fixed"
    PER_UNIT = "per_unit"
    LABOUR_AND_MATERIALS = "labour_and_materials"
    QUOTE = "quote"


@attrs.frozen
class FeeStandard:
    """The price rule of an item.

    ``price`` is the fixed fee, the price of one unit, or the labour fee of a
    labour + materials item; a quote has none until the estimate.
    """

    kind: FeeKind
    price: Money | None = None
    unit: str | None = None

    def __attrs_post_init__(self) -> None:
        needs_price = self.kind in (FeeKind.FIXED, FeeKind.PER_UNIT, FeeKind.LABOUR_AND_MATERIALS)
        if needs_price and self.price is None:
            raise InvalidValue(
                _("A {kind} fee standard needs a price."), code="catalogue.invalid", kind=self.kind
            )
        if self.kind in (FeeKind.FREE, FeeKind.QUOTE) and self.price is not None:
            raise InvalidValue(
                _("A {kind} fee standard has no price."), code="catalogue.invalid", kind=self.kind
            )
        if self.price is not None and self.price.is_negative:
            raise InvalidValue(_("A price must not be negative."), code="catalogue.invalid")
        if self.kind is FeeKind.PER_UNIT and not self.unit:
            raise InvalidValue(
                _("A per-unit fee standard names its unit (m², hour, piece)."),
                code="catalogue.invalid",
            )

    @property
    def needs_estimate(self) -> bool:
        """Where the price depends on materials or work, an estimate comes first (rule
        catalogue.estimate-first).
        """
        return self.kind in (FeeKind.LABOUR_AND_MATERIALS, FeeKind.QUOTE)

    def is_rise_from(self, old: FeeStandard | None) -> bool:
        """Whether this fee costs the requester more than ``old`` (rule
        catalogue.price-rise-approval).

        A cut is a free fee, or the same kind and unit at a price no higher; any other
        change (a new kind, a new unit, a price where there was none) counts as a rise.
        """
        if self.kind is FeeKind.FREE:
            return False
        if old is None or old.kind is not self.kind or old.unit != self.unit:
            return True
        if self.price is None or old.price is None:
            return False  # two quotes: no price either side
        if self.price.currency != old.price.currency:
            return True
        return self.price > old.price

    @classmethod
    def free(cls) -> FeeStandard:
        return cls(FeeKind.FREE)

    @classmethod
    def fixed(cls, price: Money) -> FeeStandard:
        return cls(FeeKind.FIXED, price)

    @classmethod
    def per_unit(cls, price: Money, unit: str) -> FeeStandard:
        return cls(FeeKind.PER_UNIT, price, unit)

    @classmethod
    def labour_and_materials(cls, labour: Money) -> FeeStandard:
        return cls(FeeKind.LABOUR_AND_MATERIALS, labour)

    @classmethod
    def quote(cls) -> FeeStandard:
        return cls(FeeKind.QUOTE)


class ItemStatus(StrEnum):
    PROPOSED = "proposed"
    PUBLISHED = "published"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


@attrs.frozen
class Approval:
    role: Role
    approver: ActorId
    at: datetime


@attrs.frozen
class FeeProposal:
    """A fee waiting for its approvals; ``chain`` is fixed when proposed."""

    fee: FeeStandard
    chain: tuple[Role, ...]
    approvals: tuple[Approval, ...] = ()
    reason: str = ""
    #: Who proposed it: never one of its approvers (rule catalogue.approval-chain).
    proposed_by: ActorId | None = None
    #: Stopping the item rather than pricing it (rule catalogue.stop-needs-approval).
    withdrawal: bool = False

    @property
    def next_role(self) -> Role | None:
        done = len(self.approvals)
        return self.chain[done] if done < len(self.chain) else None

    def signed(self, approval: Approval) -> FeeProposal:
        return attrs.evolve(self, approvals=(*self.approvals, approval))


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ItemProposed(Event):
    item_id: ItemId
    name: str
    category: str
    fee: FeeStandard
    chain: tuple[Role, ...]
    required_materials: tuple[str, ...] = ()
    proposed_by: ActorId | None = None


@attrs.frozen(kw_only=True)
class FeeChangeProposed(Event):
    item_id: ItemId
    fee: FeeStandard
    chain: tuple[Role, ...]
    reason: str
    proposed_by: ActorId | None = None


@attrs.frozen(kw_only=True)
class WithdrawalProposed(Event):
    """Stopping the item is proposed; it stays as it is until the chain has signed."""

    item_id: ItemId
    chain: tuple[Role, ...]
    reason: str
    proposed_by: ActorId | None = None


@attrs.frozen(kw_only=True)
class FeeApproved(Event):
    """One approver of the chain signed."""

    item_id: ItemId
    role: Role
    approver: ActorId


@attrs.frozen(kw_only=True)
class ItemPublished(Event):
    item_id: ItemId
    fee: FeeStandard


@attrs.frozen(kw_only=True)
class FeeChanged(Event):
    item_id: ItemId
    old_fee: FeeStandard
    new_fee: FeeStandard


@attrs.frozen(kw_only=True)
class FeeProposalRejected(Event):
    item_id: ItemId
    role: Role
    approver: ActorId
    reason: str


@attrs.frozen(kw_only=True)
class ItemSuspended(Event):
    item_id: ItemId
    reason: str


@attrs.frozen(kw_only=True)
class ItemResumed(Event):
    item_id: ItemId


@attrs.frozen(kw_only=True)
class ItemWithdrawn(Event):
    item_id: ItemId
    reason: str


# --- aggregate -----------------------------------------------------------------------------------


def _chain(chain: tuple[Role, ...]) -> tuple[Role, ...]:
    if not chain:
        raise InvalidValue(
            _("An approval chain needs at least one approver."), code="catalogue.invalid"
        )
    if len(set(chain)) != len(chain):
        raise InvalidValue(_("An approval chain names each role once."), code="catalogue.invalid")
    return tuple(chain)


@attrs.define(kw_only=True)
class ServiceItem(Aggregate[ItemId]):
    """A catalogue entry.  Its events are the only way its state changes.

    ``fee`` is the published fee, ``None`` until the item is first published;
    ``pending`` is the proposal waiting for its approvals, if any.
    """

    name: str
    category: str
    status: ItemStatus = ItemStatus.PROPOSED
    fee: FeeStandard | None = None
    pending: FeeProposal | None = None
    required_materials: tuple[str, ...] = ()

    # -- commands --------------------------------------------------------------

    @classmethod
    def propose(
        cls,
        item_id: ItemId,
        *,
        name: str,
        category: str,
        fee: FeeStandard,
        chain: tuple[Role, ...],
        at: datetime,
        required_materials: tuple[str, ...] = (),
        proposed_by: ActorId | None = None,
    ) -> ServiceItem:
        check_text(name, "item name", 100)
        check_text(category, "category", 50)
        for material in required_materials:
            check_text(material, "required material", 200)
        return cls._create(
            ItemProposed(
                at=at,
                item_id=item_id,
                name=name.strip(),
                category=category.strip(),
                fee=fee,
                chain=_chain(chain),
                required_materials=tuple(required_materials),
                proposed_by=proposed_by,
            )
        )

    def propose_fee_change(
        self,
        fee: FeeStandard,
        *,
        chain: tuple[Role, ...],
        reason: str,
        at: datetime,
        proposed_by: ActorId | None = None,
    ) -> None:
        """A price change follows the same chain as a new item."""
        check_text(reason, "reason", 500)
        if self.status not in (ItemStatus.PUBLISHED, ItemStatus.SUSPENDED):
            raise IllegalTransition(
                _("Item {id} is {status}; only a published or suspended item can change its fee."),
                code="catalogue.illegal_transition",
                id=self.id,
                status=self.status,
            )
        self._nothing_pending()
        if fee == self.fee:
            raise InvalidValue(
                _("The proposed fee is the same as the current one."), code="catalogue.invalid"
            )
        self._record(
            FeeChangeProposed(
                at=at,
                item_id=self.id,
                fee=fee,
                chain=_chain(chain),
                reason=reason,
                proposed_by=proposed_by,
            )
        )

    def approve(
        self, *, role: Role, approver: ActorId, roles_held: frozenset[Role], at: datetime
    ) -> None:
        """Sign the pending proposal as ``role``; the last signature publishes it."""
        proposal = self._pending_or_raise()
        expected = proposal.next_role
        if role not in roles_held:
            raise ApprovalRefused(
                _("Only a {role} can give this approval."),
                code="catalogue.approval_refused",
                role=role,
            )
        if role != expected:
            raise ApprovalRefused(
                _("Item {id} waits for approval by the {expected}, not the {role}."),
                code="catalogue.approval_refused",
                id=self.id,
                expected="-" if expected is None else _(expected),
                role=role,
            )
        if any(a.approver == approver for a in proposal.approvals):
            raise ApprovalRefused(
                _("The same person cannot approve item {id} twice."),
                code="catalogue.approval_refused",
                id=self.id,
            )
        if approver == proposal.proposed_by:
            raise ApprovalRefused(
                _("{actor} proposed item {id}'s fee; someone else must approve it."),
                code="catalogue.approval_refused",
                actor=approver,
                id=self.id,
            )
        signed = proposal.signed(Approval(role, approver, at))
        self._record(FeeApproved(at=at, item_id=self.id, role=role, approver=approver))
        if signed.next_role is None:
            if signed.withdrawal:
                self._record(ItemWithdrawn(at=at, item_id=self.id, reason=signed.reason))
            elif self.fee is None:  # never published: the last signature publishes it
                self._record(ItemPublished(at=at, item_id=self.id, fee=signed.fee))
            else:
                self._record(
                    FeeChanged(at=at, item_id=self.id, old_fee=self.fee, new_fee=signed.fee)
                )

    def reject(
        self,
        *,
        role: Role,
        approver: ActorId,
        roles_held: frozenset[Role],
        reason: str,
        at: datetime,
    ) -> None:
        proposal = self._pending_or_raise()
        check_text(reason, "reason", 500)
        if role not in roles_held or role not in proposal.chain:
            raise ApprovalRefused(
                _("Only an approver of the chain can reject item {id}'s proposal."),
                code="catalogue.approval_refused",
                id=self.id,
            )
        self._record(
            FeeProposalRejected(at=at, item_id=self.id, role=role, approver=approver, reason=reason)
        )

    def suspend(self, *, reason: str, at: datetime) -> None:
        check_text(reason, "reason", 500)
        self._require(ItemStatus.PUBLISHED, _("suspended"))
        self._record(ItemSuspended(at=at, item_id=self.id, reason=reason))

    def resume(self, *, at: datetime) -> None:
        self._require(ItemStatus.SUSPENDED, _("resumed"))
        self._record(ItemResumed(at=at, item_id=self.id))

    def propose_withdrawal(
        self,
        *,
        chain: tuple[Role, ...],
        reason: str,
        at: datetime,
        proposed_by: ActorId | None = None,
    ) -> None:
        """Stopping an item is decided up the chain (rule catalogue.stop-needs-approval)."""
        check_text(reason, "reason", 500)
        if self.status not in (ItemStatus.PUBLISHED, ItemStatus.SUSPENDED):
            raise IllegalTransition(
                _("Item {id} is {status}; it cannot be withdrawn."),
                code="catalogue.illegal_transition",
                id=self.id,
                status=self.status,
            )
        self._nothing_pending()
        self._record(
            WithdrawalProposed(
                at=at,
                item_id=self.id,
                chain=_chain(chain),
                reason=reason,
                proposed_by=proposed_by,
            )
        )

    def ensure_orderable(self) -> FeeStandard:
        """Only a published item can be ordered (rule catalogue.published-only)."""
        if self.status is not ItemStatus.PUBLISHED or self.fee is None:
            raise NotOrderable(
                _("Item {id} is {status}; only a published item can be ordered."),
                code="catalogue.not_orderable",
                id=self.id,
                status=self.status,
            )
        return self.fee

    # -- state -------------------------------------------------------------------

    def _nothing_pending(self) -> None:
        if self.pending is not None:
            raise IllegalTransition(
                _("Item {id} already has a proposal waiting for approval."),
                code="catalogue.illegal_transition",
                id=self.id,
            )

    def _pending_or_raise(self) -> FeeProposal:
        if self.pending is None:
            raise IllegalTransition(
                _("Item {id} has no fee proposal waiting for approval."),
                code="catalogue.illegal_transition",
                id=self.id,
            )
        return self.pending

    def _require(self, status: ItemStatus, action: str) -> None:
        if self.status is not status:
            raise IllegalTransition(
                _("Item {id} is {status}; it cannot be {action}."),
                code="catalogue.illegal_transition",
                id=self.id,
                status=self.status,
                action=action,
            )

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case ItemProposed():
                return cls(
                    event.item_id,
                    name=event.name,
                    category=event.category,
                    pending=FeeProposal(event.fee, event.chain, proposed_by=event.proposed_by),
                    required_materials=event.required_materials,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        """Change state by one event; used both by commands and by replay."""
        match event:
            case FeeChangeProposed():
                self.pending = FeeProposal(
                    event.fee, event.chain, reason=event.reason, proposed_by=event.proposed_by
                )
            case WithdrawalProposed():
                assert self.fee is not None  # only a published or suspended item is withdrawn
                self.pending = FeeProposal(
                    self.fee,
                    event.chain,
                    reason=event.reason,
                    proposed_by=event.proposed_by,
                    withdrawal=True,
                )
            case FeeApproved():
                approval = Approval(event.role, event.approver, event.at)
                self.pending = self._pending_or_raise().signed(approval)
            case ItemPublished():
                self.fee, self.pending, self.status = event.fee, None, ItemStatus.PUBLISHED
            case FeeChanged():
                self.fee, self.pending = event.new_fee, None
            case FeeProposalRejected():
                self.pending = None
                if self.status is ItemStatus.PROPOSED:
                    self.status = ItemStatus.REJECTED
            case ItemSuspended():
                self.status = ItemStatus.SUSPENDED
            case ItemResumed():
                self.status = ItemStatus.PUBLISHED
            case ItemWithdrawn():
                self.status, self.pending = ItemStatus.WITHDRAWN, None
            case _:
                super().apply(event)


def check_fee_kind(fee: FeeStandard, kinds: Collection[FeeKind]) -> None:
    """Refuse a fee standard of a kind the organisation does not price its items by (a
    community centre's free services, rule catalogue.free-services)."""
    if fee.kind not in kinds:
        raise InvalidValue(
            _("This centre's items cannot have a {kind} fee standard; use one of: {known}."),
            code="catalogue.invalid",
            field="fee",
            kind=fee.kind,
            known=", ".join(label(k) for k in sorted(kinds)),
        )
