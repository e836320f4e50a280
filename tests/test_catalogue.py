"""The catalogue: proposal, approval chain in order, publication, fee changes."""

from __future__ import annotations

import pytest

from servicedesk import (
    Actor,
    ActorId,
    ApproveFee,
    Desk,
    FeeStandard,
    Money,
    ProposeFeeChange,
    ProposeItem,
    RegisterRequest,
    RejectFee,
    ResumeItem,
    Role,
    SuspendItem,
    TriageRequest,
    WithdrawItem,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.domain.catalogue import FeeKind, ItemStatus
from servicedesk.domain.errors import (
    ApprovalRefused,
    IllegalTransition,
    InvalidValue,
    NotFound,
    NotOrderable,
    PermissionDenied,
    PolicyError,
)
from servicedesk.policies import hookimpl
from support import BRANCH_MANAGER, CENTRE_MANAGER, CLERK, publish, requester


def propose(desk: Desk) -> str:
    item_id = desk.handle(
        ProposeItem(name="Sofa cleaning", category="cleaning", fee=FeeStandard.fixed(Money.of(80)))
    ).id
    assert item_id is not None
    return item_id


def test_item_is_published_only_after_the_whole_chain(desk: Desk) -> None:
    item_id = propose(desk)
    assert desk.queries.item(item_id).status is ItemStatus.PROPOSED
    assert desk.queries.item(item_id).waiting_for == "centre_manager"
    desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)
    assert desk.queries.item(item_id).status is ItemStatus.PROPOSED
    assert desk.queries.item(item_id).waiting_for == "branch_manager"
    outcome = desk.handle(
        ApproveFee(item_id=item_id, role=Role.BRANCH_MANAGER), actor=BRANCH_MANAGER
    )
    assert [type(e).__name__ for e in outcome.events] == ["FeeApproved", "ItemPublished"]
    view = desk.queries.item(item_id)
    assert view.status is ItemStatus.PUBLISHED
    assert view.fee == FeeStandard.fixed(Money.of("80.00"))


def test_chain_is_walked_in_order_by_the_right_roles(desk: Desk, store: MemoryStore) -> None:
    item_id = propose(desk)
    before = store.snapshot()
    with pytest.raises(ApprovalRefused, match="waits for approval by the centre manager"):
        desk.handle(ApproveFee(item_id=item_id, role=Role.BRANCH_MANAGER), actor=BRANCH_MANAGER)
    head = Actor(ActorId("dh-qin"), "Qin", {Role.DEPARTMENT_HEAD})
    with pytest.raises(ApprovalRefused, match="Only a centre manager"):
        desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER), actor=head)
    assert store.snapshot() == before
    with pytest.raises(PermissionDenied, match="may not give the command ApproveFee"):
        desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER), actor=CLERK)


def test_one_person_cannot_sign_twice(desk: Desk) -> None:
    both = CENTRE_MANAGER.__class__(
        CENTRE_MANAGER.id, "Wang", {Role.CENTRE_MANAGER, Role.BRANCH_MANAGER}
    )
    item_id = propose(desk)
    desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER), actor=both)
    with pytest.raises(ApprovalRefused, match="twice"):
        desk.handle(ApproveFee(item_id=item_id, role=Role.BRANCH_MANAGER), actor=both)


def test_only_a_published_item_can_be_ordered(desk: Desk, store: MemoryStore) -> None:
    item_id = propose(desk)
    request_id = desk.handle(RegisterRequest(requester=requester(), need="sofa")).id
    before = store.snapshot()
    with pytest.raises(NotOrderable, match="only a published item can be ordered"):
        desk.handle(TriageRequest(request_id=request_id, item_id=item_id))
    assert store.snapshot() == before


def test_unknown_item_is_a_typed_error(desk: Desk, store: MemoryStore) -> None:
    request_id = desk.handle(RegisterRequest(requester=requester(), need="sofa")).id
    before = store.snapshot()
    with pytest.raises(NotFound, match="No service item with id nope"):
        desk.handle(TriageRequest(request_id=request_id, item_id="nope"))
    assert store.snapshot() == before


def test_suspended_and_withdrawn_items_cannot_be_ordered(desk: Desk) -> None:
    item_id = publish(desk)
    request_id = desk.handle(RegisterRequest(requester=requester(), need="tap")).id
    desk.handle(SuspendItem(item_id=item_id, reason="worker on leave"))
    with pytest.raises(NotOrderable):
        desk.handle(TriageRequest(request_id=request_id, item_id=item_id))
    desk.handle(ResumeItem(item_id=item_id))
    desk.handle(WithdrawItem(item_id=item_id, reason="loss-making"), actor=CENTRE_MANAGER)
    desk.handle(ApproveFee(item_id=item_id, role=Role.BRANCH_MANAGER), actor=BRANCH_MANAGER)
    with pytest.raises(NotOrderable):
        desk.handle(TriageRequest(request_id=request_id, item_id=item_id))
    with pytest.raises(IllegalTransition):
        desk.handle(ResumeItem(item_id=item_id))


def test_stopping_an_item_waits_for_the_branch_managers_approval(desk: Desk) -> None:
    """Rule catalogue.stop-needs-approval: the centre proposes, the branch manager decides."""
    item_id = publish(desk)
    desk.handle(WithdrawItem(item_id=item_id, reason="loss-making"), actor=CENTRE_MANAGER)
    proposed = desk.queries.item(item_id)
    assert (proposed.status, proposed.withdrawal_pending) == (ItemStatus.PUBLISHED, True)
    assert (proposed.waiting_for, proposed.pending_fee) == (Role.BRANCH_MANAGER, None)
    request_id = desk.handle(RegisterRequest(requester=requester(), need="tap")).id
    desk.handle(TriageRequest(request_id=request_id, item_id=item_id))  # still orderable
    with pytest.raises(IllegalTransition, match="already has a proposal"):
        desk.handle(ProposeFeeChange(item_id=item_id, fee=FeeStandard.free(), reason="x"))
    with pytest.raises(ApprovalRefused):
        desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)
    desk.handle(ApproveFee(item_id=item_id, role=Role.BRANCH_MANAGER), actor=BRANCH_MANAGER)
    withdrawn = desk.queries.item(item_id)
    assert (withdrawn.status, withdrawn.withdrawal_pending) == (ItemStatus.WITHDRAWN, False)


def test_a_rejected_withdrawal_leaves_the_item_published(desk: Desk) -> None:
    item_id = publish(desk)
    desk.handle(WithdrawItem(item_id=item_id, reason="loss-making"), actor=CENTRE_MANAGER)
    desk.handle(
        RejectFee(item_id=item_id, role=Role.BRANCH_MANAGER, reason="keep it"),
        actor=BRANCH_MANAGER,
    )
    kept = desk.queries.item(item_id)
    assert (kept.status, kept.withdrawal_pending) == (ItemStatus.PUBLISHED, False)


def test_a_plugin_cannot_let_the_proposer_withdraw_alone() -> None:
    class StopAtTheDesk:
        @hookimpl
        def servicedesk_approval_chain(self, item: object, change: str) -> list[str]:
            return ["assistant"] if change == "withdrawal" else ["centre_manager"]

    with pytest.raises(PolicyError, match="servicedesk_approval_chain"):
        Desk(MemoryStore(), plugins=[StopAtTheDesk()], entry_points=False)


def test_price_change_follows_the_same_chain(desk: Desk) -> None:
    item_id = publish(desk)
    new_fee = FeeStandard.fixed(Money.of("35.00"))
    desk.handle(ProposeFeeChange(item_id=item_id, fee=new_fee, reason="materials cost more"))
    assert desk.queries.item(item_id).fee == FeeStandard.fixed(Money.of("30.00"))
    with pytest.raises(IllegalTransition, match="already has a proposal"):
        desk.handle(ProposeFeeChange(item_id=item_id, fee=new_fee, reason="again"))
    desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)
    assert desk.queries.item(item_id).fee == FeeStandard.fixed(Money.of("30.00"))
    outcome = desk.handle(
        ApproveFee(item_id=item_id, role=Role.BRANCH_MANAGER), actor=BRANCH_MANAGER
    )
    assert type(outcome.events[-1]).__name__ == "FeeChanged"
    assert desk.queries.item(item_id).fee == new_fee


def test_rejected_proposal(desk: Desk) -> None:
    item_id = propose(desk)
    desk.handle(
        RejectFee(item_id=item_id, role=Role.CENTRE_MANAGER, reason="too dear"),
        actor=CENTRE_MANAGER,
    )
    assert desk.queries.item(item_id).status is ItemStatus.REJECTED
    with pytest.raises(IllegalTransition, match="no fee proposal"):
        desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: FeeStandard(FeeKind.FIXED), "needs a price"),
        (lambda: FeeStandard(FeeKind.QUOTE, Money.of(1)), "has no price"),
        (lambda: FeeStandard.fixed(Money.of("-1")), "must not be negative"),
        (lambda: FeeStandard(FeeKind.PER_UNIT, Money.of(1)), "names its unit"),
        (lambda: Money.of(1.5), "exactly"),
        (lambda: Money.of("1.234"), "at most two decimals"),
        (lambda: Money.of("1", "yuan"), "three-letter"),
    ],
)
def test_bad_fee_standards_are_refused(build: object, message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        build()  # type: ignore[operator]


def test_blank_item_name_is_refused_and_nothing_stored(desk: Desk, store: MemoryStore) -> None:
    before = store.snapshot()
    with pytest.raises(InvalidValue, match="item name must not be empty"):
        desk.handle(ProposeItem(name="  ", category="x", fee=FeeStandard.free()))
    assert store.snapshot() == before


def test_the_proposer_never_approves_his_own_proposal(desk: Desk, store: MemoryStore) -> None:
    """rule catalogue.approval-chain: a manager who proposes leaves the signing to others."""
    item_id = desk.handle(
        ProposeItem(name="Boiler check", category="heating", fee=FeeStandard.free()),
        actor=CENTRE_MANAGER,
    ).id
    before = store.snapshot()
    with pytest.raises(ApprovalRefused, match=r"cm-wang proposed item .*someone else"):
        desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)
    assert store.snapshot() == before
    fee_change = ProposeFeeChange(
        item_id=publish(desk), fee=FeeStandard.fixed(Money.of("9.00")), reason="dearer"
    )
    changed = desk.handle(fee_change, actor=CENTRE_MANAGER).id
    with pytest.raises(ApprovalRefused, match="someone else must approve"):
        desk.handle(ApproveFee(item_id=changed, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)
    other = Actor(ActorId("cm-zhao"), "Zhao", {Role.CENTRE_MANAGER})
    desk.handle(ApproveFee(item_id=changed, role=Role.CENTRE_MANAGER), actor=other)


@pytest.mark.parametrize("chain", [["system"], ["clerk"], ["centre_manager", "requester"]])
def test_a_plugin_naming_the_system_or_a_proposers_desk_as_approvers_stops_the_desk(
    store: MemoryStore, chain: list[str]
) -> None:
    """rule policies.narrow-only: refused when the desk starts, not narrowed later."""

    class SelfApproval:
        @hookimpl
        def servicedesk_approval_chain(self) -> list[str]:
            return chain

    with pytest.raises(PolicyError, match="servicedesk_approval_chain names"):
        Desk(store, plugins=[SelfApproval()], entry_points=False)
