"""Handlers of the catalogue: proposals, approvals by the chain, suspension, withdrawal."""

from __future__ import annotations

from servicedesk.app.catalogue.commands import (
    ApproveFee,
    ProposeFeeChange,
    ProposeItem,
    RejectFee,
    ResumeItem,
    SuspendItem,
    WithdrawItem,
)
from servicedesk.app.context import Context
from servicedesk.domain.catalogue import ServiceItem, check_fee_kind
from servicedesk.domain.values import ItemId


def propose_item(cmd: ProposeItem, ctx: Context) -> str:
    item_id = cmd.item_id or ItemId(ctx.new_id())
    check_fee_kind(cmd.fee, ctx.policies.fee_kinds())
    draft = ServiceItem(item_id, name=cmd.name, category=cmd.category)
    chain = ctx.policies.approval_chain(draft, "new")
    item = ServiceItem.propose(
        item_id,
        name=cmd.name,
        category=cmd.category,
        fee=cmd.fee,
        chain=chain,
        required_materials=cmd.required_materials,
        at=ctx.now,
        proposed_by=ctx.actor.id,
    )
    ctx.uow.items.add(item)
    return item_id.value


def propose_fee_change(cmd: ProposeFeeChange, ctx: Context) -> str:
    item = ctx.uow.items.get(cmd.item_id)
    check_fee_kind(cmd.fee, ctx.policies.fee_kinds())
    chain = ctx.policies.approval_chain(item, "fee_change")
    if cmd.fee.is_rise_from(item.fee) and ctx.policies.price_rise_as_new(item):
        # a rise needs every approver of a new item as well (rule catalogue.price-rise-approval)
        new = ctx.policies.approval_chain(item, "new")
        chain = (*chain, *(role for role in new if role not in chain))
    item.propose_fee_change(
        cmd.fee, chain=chain, reason=cmd.reason, at=ctx.now, proposed_by=ctx.actor.id
    )
    return item.id.value


def approve_fee(cmd: ApproveFee, ctx: Context) -> str:
    item = ctx.uow.items.get(cmd.item_id)
    item.approve(role=cmd.role, approver=ctx.actor.id, roles_held=ctx.actor.roles, at=ctx.now)
    return item.id.value


def reject_fee(cmd: RejectFee, ctx: Context) -> str:
    item = ctx.uow.items.get(cmd.item_id)
    item.reject(
        role=cmd.role,
        approver=ctx.actor.id,
        roles_held=ctx.actor.roles,
        reason=cmd.reason,
        at=ctx.now,
    )
    return item.id.value


def suspend_item(cmd: SuspendItem, ctx: Context) -> str:
    ctx.uow.items.get(cmd.item_id).suspend(reason=cmd.reason, at=ctx.now)
    return cmd.item_id.value


def resume_item(cmd: ResumeItem, ctx: Context) -> str:
    ctx.uow.items.get(cmd.item_id).resume(at=ctx.now)
    return cmd.item_id.value


def withdraw_item(cmd: WithdrawItem, ctx: Context) -> str:
    item = ctx.uow.items.get(cmd.item_id)
    chain = ctx.policies.approval_chain(item, "withdrawal")
    item.propose_withdrawal(chain=chain, reason=cmd.reason, at=ctx.now, proposed_by=ctx.actor.id)
    return item.id.value
