"""The property centre's rules, one test per clause (docs/rules.md), on the memory store."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicedesk import (
    ApproveFee,
    CallOutcome,
    Desk,
    DispatchDue,
    DispatchRequest,
    FeeStandard,
    ProposeFeeChange,
    RecordCallAhead,
    RegisterRequest,
    Role,
    StartWork,
    TimeWindow,
    TriageRequest,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.app.billing.commands import (
    AuditCharge,
    CloseAccount,
    CloseMonth,
    ConfirmCharge,
    PayDeposit,
    RecordCharge,
    ReverseCharge,
    SignAgreement,
)
from servicedesk.domain.agreements import AgreementTerms
from servicedesk.domain.billing import AccountId, AgreementId, BillingMode, Period
from servicedesk.domain.errors import IllegalTransition, InvalidValue, PolicyError
from servicedesk.domain.money import Money
from servicedesk.domain.values import RequesterKind, RequestId
from servicedesk.domain.visits import OutsideWindow
from servicedesk.policies import hookimpl
from servicedesk.testing import IN_PERSON, BillingScenario, check_books
from servicedesk.testing.scenario import SHANGHAI, TAP_REPAIR
from support import BRANCH_MANAGER, CENTRE_MANAGER, DESK_CLERK, publish


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


class NoAuditFirst:
    """A centre that settles without waiting for the assistant."""

    @hookimpl
    def servicedesk_audit_before_settlement(self, mode: BillingMode) -> bool:
        return False


def confirmed(s: BillingScenario, unit: str, kind: RequesterKind = RequesterKind.OWNER) -> str:
    """A tap repair (30.00) for ``unit``, charged and confirmed now, not audited."""
    request = s.accepted_request(unit, kind)
    charge = s.desk.handle(RecordCharge(request_id=request)).id
    assert charge is not None
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON),
        actor=DESK_CLERK,
    )
    s.advance(timedelta(minutes=10))
    return charge


def audit(s: BillingScenario, charge: str) -> None:
    s.desk.handle(AuditCharge(charge_id=charge), actor=s.assistant)


@pytest.fixture
def s() -> BillingScenario:
    return BillingScenario()


# --- billing.audit-before-statement --------------------------------------------------------------


def test_audit_before_statement_the_month_sums_only_audited_charges(s: BillingScenario) -> None:
    account, unit = s.open_account()
    checked, unchecked = confirmed(s, unit), confirmed(s, unit)
    audit(s, checked)
    s.move_to(at(4, 1, 9))
    assert s.desk.billing.waiting_for_audit("2026-03") == 1
    s.desk.handle(CloseMonth(period="2026-03"))
    march = s.desk.billing.statement(f"{account}:2026-03")
    assert [line.reference for line in march.lines] == [checked]
    assert s.desk.billing.charge(unchecked).statement_id is None
    assert s.desk.billing.waiting_for_audit("2026-03") == 1  # the close reports what it left
    check_books(s.desk)


def test_audit_before_statement_an_unaudited_charge_waits_for_the_next_month(
    s: BillingScenario,
) -> None:
    account, unit = s.open_account()
    late = confirmed(s, unit)
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))  # nothing audited: no statement
    assert s.desk.billing.statements(account) == []
    audit(s, late)  # audited in April
    s.desk.handle(CloseMonth(period="2026-03"))  # a rerun: the audit came after the cut-off
    assert s.desk.billing.statements(account) == []
    s.move_to(at(5, 1, 9))
    assert s.desk.billing.waiting_for_audit("2026-04") == 0
    s.desk.handle(CloseMonth(period="2026-04"))
    april = s.desk.billing.statement(f"{account}:2026-04")
    assert [line.reference for line in april.lines] == [late]
    check_books(s.desk)


def test_audit_before_statement_a_plugin_may_bill_without_the_audit() -> None:
    s = BillingScenario(plugins=[NoAuditFirst()])
    account, unit = s.open_account()
    unchecked = confirmed(s, unit)
    s.move_to(at(4, 1, 9))
    assert s.desk.billing.waiting_for_audit("2026-03") == 0
    s.desk.handle(CloseMonth(period="2026-03"))
    march = s.desk.billing.statement(f"{account}:2026-03")
    assert [line.reference for line in march.lines] == [unchecked]


def test_audit_before_statement_a_reversal_is_audited_when_the_assistant_records_it(
    s: BillingScenario,
) -> None:
    account, unit = s.open_account()
    charge = confirmed(s, unit)
    audit(s, charge)
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    s.move_to(at(4, 3))
    reversal = s.desk.handle(ReverseCharge(charge_id=charge, reason="free"), actor=s.assistant).id
    s.move_to(at(5, 1, 9))
    s.desk.handle(CloseMonth(period="2026-04"))
    april = s.desk.billing.statement(f"{account}:2026-04")
    assert [line.reference for line in april.lines] == [reversal]
    check_books(s.desk)


def test_a_policy_answering_garbage_for_the_audit_step_is_refused() -> None:
    class Garbage:
        @hookimpl
        def servicedesk_audit_before_settlement(self, mode: BillingMode) -> object:
            return "yes"

    s = BillingScenario(plugins=[Garbage()])
    _account, unit = s.open_account()
    confirmed(s, unit)
    s.move_to(at(4, 1, 9))
    with pytest.raises(PolicyError):
        s.desk.handle(CloseMonth(period="2026-03"))


# --- billing.audit-before-deposit-draw -----------------------------------------------------------


def tenant(s: BillingScenario, deposit: str = "200.00") -> tuple[str, str]:
    account, unit = s.open_account(RequesterKind.TENANT)
    s.desk.handle(PayDeposit(account_id=account, amount=deposit), actor=s.cashier)
    return account, unit


def test_audit_before_deposit_draw_a_tenants_charge_is_drawn_at_its_audit(
    s: BillingScenario,
) -> None:
    account, unit = tenant(s)
    charge = confirmed(s, unit, RequesterKind.TENANT)
    assert s.desk.billing.account(account).balance == Money.of("200.00")  # confirmed only
    audit(s, charge)
    assert s.desk.billing.account(account).balance == Money.of("170.00")
    check_books(s.desk)


def test_audit_before_deposit_draw_a_plugin_may_draw_at_confirmation() -> None:
    s = BillingScenario(plugins=[NoAuditFirst()])
    account, unit = tenant(s)
    charge = confirmed(s, unit, RequesterKind.TENANT)
    assert s.desk.billing.account(account).balance == Money.of("170.00")
    audit(s, charge)  # the audit draws nothing more
    assert s.desk.billing.account(account).balance == Money.of("170.00")
    check_books(s.desk)


def test_audit_before_deposit_draw_a_charge_reversed_before_its_audit_is_never_drawn(
    s: BillingScenario,
) -> None:
    account, unit = tenant(s)
    charge = confirmed(s, unit, RequesterKind.TENANT)
    s.desk.handle(ReverseCharge(charge_id=charge, reason="free"), actor=s.assistant)
    assert s.desk.billing.account(account).balance == Money.of("200.00")  # nothing given back
    audit(s, charge)
    assert s.desk.billing.account(account).balance == Money.of("200.00")  # nor drawn
    check_books(s.desk)


def test_audit_before_deposit_draw_a_short_deposit_refuses_the_audit_until_topped_up(
    s: BillingScenario,
) -> None:
    account, unit = tenant(s, "200.00")
    charges = [confirmed(s, unit, RequesterKind.TENANT) for _ in range(7)]  # 7 x 30.00
    for charge in charges[:6]:
        audit(s, charge)
    with pytest.raises(IllegalTransition, match="top up"):
        audit(s, charges[6])
    assert s.desk.billing.account(account).balance == Money.of("20.00")
    with pytest.raises(IllegalTransition, match="not yet drawn"):
        s.desk.handle(CloseAccount(account_id=account), actor=s.cashier)
    s.desk.handle(PayDeposit(account_id=account, amount="10.00"), actor=s.cashier)
    audit(s, charges[6])
    assert s.desk.billing.account(account).balance == Money.of("0.00")
    s.desk.handle(CloseAccount(account_id=account), actor=s.cashier)
    check_books(s.desk)


# --- billing.tenant-agreement-deposit ------------------------------------------------------------


def sign(s: BillingScenario, account: str, fee: str = "50.00", start: str = "2026-03") -> str:
    terms = AgreementTerms("Weekly cleaning", monthly_fee=Money.of(fee))
    command = SignAgreement(account_id=account, item_id=TAP_REPAIR, terms=terms, start=start)
    agreement = s.desk.handle(command).id
    assert agreement is not None
    return agreement


def test_tenant_agreement_deposit_a_tenant_signs_and_the_close_draws_the_fee(
    s: BillingScenario,
) -> None:
    account, _unit = tenant(s, "200.00")
    sign(s, account)
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    s.desk.handle(CloseMonth(period="2026-03"))  # a rerun draws nothing more
    assert s.desk.billing.account(account).balance == Money.of("150.00")
    assert s.desk.billing.statements(account) == []  # a tenant gets no statement
    s.move_to(at(5, 1, 9))
    s.desk.handle(CloseMonth(period="2026-04"))
    assert s.desk.billing.account(account).balance == Money.of("100.00")
    check_books(s.desk)


def test_tenant_agreement_deposit_a_short_deposit_leaves_the_month_for_a_rerun(
    s: BillingScenario,
) -> None:
    account, _unit = tenant(s, "200.00")
    sign(s, account, fee="250.00")
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    assert s.desk.billing.account(account).balance == Money.of("200.00")  # not drawn
    s.desk.handle(PayDeposit(account_id=account, amount="50.00"), actor=s.cashier)
    s.desk.handle(CloseMonth(period="2026-03"))
    assert s.desk.billing.account(account).balance == Money.of("0.00")


def test_tenant_agreement_deposit_an_account_with_an_agreement_in_force_does_not_close(
    s: BillingScenario,
) -> None:
    account, _unit = tenant(s)
    sign(s, account)
    with pytest.raises(IllegalTransition, match="agreements in force"):
        s.desk.handle(CloseAccount(account_id=account), actor=s.cashier)


def test_tenant_agreement_deposit_a_plugin_may_keep_agreements_to_owners() -> None:
    class OwnersOnly:
        @hookimpl
        def servicedesk_agreement_from_deposit(self, account: object) -> bool:
            return False

    s = BillingScenario(plugins=[OwnersOnly()])
    account, _unit = tenant(s)
    with pytest.raises(IllegalTransition, match="deposit may pay"):
        sign(s, account)


@settings(max_examples=40, deadline=None)
@given(
    deposit=st.integers(200, 600),
    fee=st.integers(1, 300),
    closes=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 200)), min_size=1, max_size=8),
)
def test_tenant_agreement_deposit_never_goes_negative_and_each_month_is_drawn_once(
    deposit: int, fee: int, closes: list[tuple[int, int]]
) -> None:
    """Closes of drawn months, reruns and top-ups in any order: the deposit never goes
    below zero, and each month of the agreement is drawn at most once, for its fee."""
    s = BillingScenario()
    account, _unit = tenant(s, f"{deposit}.00")
    agreement = sign(s, account, fee=f"{fee}.00")
    months = [Period(2026, 3 + n) for n in range(4)]
    s.move_to(at(7, 2, 9))
    for month, top_up in closes:
        if top_up:
            s.desk.handle(PayDeposit(account_id=account, amount=f"{top_up}.00"), actor=s.cashier)
        s.desk.handle(CloseMonth(period=str(months[month])))
        view = s.desk.billing.account(account)
        assert not view.balance.is_negative
    with s.store.unit_of_work() as uow:
        drawn = uow.agreements.get(AgreementId(agreement)).drawn
        entries = uow.accounts.get(AccountId(account)).entries
    assert len({d.period for d in drawn}) == len(drawn)
    assert all(d.amount == Money.of(f"{fee}.00") for d in drawn)
    fee_entries = [e for e in entries if e.reference.startswith("agreement:")]
    assert len(fee_entries) == len(drawn)
    check_books(s.desk)


# --- catalogue.price-rise-approval ---------------------------------------------------------------


class CentreDecidesFees:
    """A centre whose manager alone changes fees: the chain of a fee change is one step."""

    @hookimpl
    def servicedesk_approval_chain(self, item: object, change: str) -> tuple[Role, ...] | None:
        return (Role.CENTRE_MANAGER,) if change == "fee_change" else None


def published_desk(*plugins: object) -> Desk:
    desk = Desk(MemoryStore(), plugins=plugins, entry_points=False)
    return desk


def test_price_rise_approval_a_rise_goes_up_the_chain_of_a_new_fee() -> None:
    desk = published_desk(CentreDecidesFees())
    item = publish(desk)
    cut = ProposeFeeChange(item_id=item, fee=FeeStandard.fixed(Money.of("25.00")), reason="cut")
    desk.handle(cut)
    assert desk.queries.item(item).waiting_for == Role.CENTRE_MANAGER
    desk.handle(ApproveFee(item_id=item, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)
    assert desk.queries.item(item).fee == FeeStandard.fixed(Money.of("25.00"))  # one step
    rise = ProposeFeeChange(item_id=item, fee=FeeStandard.fixed(Money.of("40.00")), reason="up")
    desk.handle(rise)
    desk.handle(ApproveFee(item_id=item, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)
    assert desk.queries.item(item).fee == FeeStandard.fixed(Money.of("25.00"))  # not yet
    assert desk.queries.item(item).waiting_for == Role.BRANCH_MANAGER
    desk.handle(ApproveFee(item_id=item, role=Role.BRANCH_MANAGER), actor=BRANCH_MANAGER)
    assert desk.queries.item(item).fee == FeeStandard.fixed(Money.of("40.00"))


def test_price_rise_approval_a_plugin_may_leave_rises_to_the_fee_change_chain() -> None:
    class RisesToo:
        @hookimpl
        def servicedesk_price_rise_as_new(self, item: object) -> bool:
            return False

    desk = published_desk(CentreDecidesFees(), RisesToo())
    item = publish(desk)
    rise = ProposeFeeChange(item_id=item, fee=FeeStandard.fixed(Money.of("40.00")), reason="up")
    desk.handle(rise)
    desk.handle(ApproveFee(item_id=item, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)
    assert desk.queries.item(item).fee == FeeStandard.fixed(Money.of("40.00"))


@pytest.mark.parametrize(
    ("old", "new", "rise"),
    [
        (FeeStandard.fixed(Money.of("30.00")), FeeStandard.fixed(Money.of("30.01")), True),
        (FeeStandard.fixed(Money.of("30.00")), FeeStandard.fixed(Money.of("30.00")), False),
        (FeeStandard.fixed(Money.of("30.00")), FeeStandard.fixed(Money.of("29.99")), False),
        (FeeStandard.free(), FeeStandard.fixed(Money.of("1.00")), True),
        (FeeStandard.fixed(Money.of("30.00")), FeeStandard.free(), False),
        (FeeStandard.fixed(Money.of("30.00")), FeeStandard.per_unit(Money.of("1.00"), "m²"), True),
    ],
)
def test_price_rise_approval_what_counts_as_a_rise(
    old: FeeStandard, new: FeeStandard, rise: bool
) -> None:
    assert new.is_rise_from(old) is rise


# --- requests.expected-window and requests.call-ahead --------------------------------------------


def expecting(s: BillingScenario, start: datetime, end: datetime) -> str:
    """A triaged tap repair whose requester expects the visit in ``[start, end)``."""
    request = s.desk.handle(
        RegisterRequest(
            requester=s.requester("9-901"),
            need="the tap drips",
            expected=TimeWindow(start, end),
        ),
        actor=s.clerk,
    ).id
    assert request is not None
    s.desk.handle(TriageRequest(request_id=request, item_id=TAP_REPAIR), actor=s.clerk)
    return request


class RefuseLateDispatch:
    @hookimpl
    def servicedesk_outside_expected_window(self, request: object) -> OutsideWindow:
        return OutsideWindow.REFUSE


def test_expected_window_a_dispatch_within_the_window_is_plain(s: BillingScenario) -> None:
    request = expecting(s, s.now + timedelta(hours=1), s.now + timedelta(hours=3))
    s.desk.handle(DispatchRequest(request_id=request, worker_id="w-1"), actor=s.clerk)
    with s.store.unit_of_work() as uow:
        order = uow.requests.get(RequestId(request)).work_order
    assert order is not None
    assert not order.outside_window


def test_expected_window_by_default_a_late_dispatch_is_marked_and_warned(
    s: BillingScenario, caplog: pytest.LogCaptureFixture
) -> None:
    request = expecting(s, s.now + timedelta(minutes=10), s.now + timedelta(hours=1))
    s.advance(timedelta(hours=2))
    with caplog.at_level(logging.WARNING, logger="servicedesk"):
        s.desk.handle(DispatchRequest(request_id=request, worker_id="w-1"), actor=s.clerk)
    with s.store.unit_of_work() as uow:
        order = uow.requests.get(RequestId(request)).work_order
    assert order is not None
    assert order.outside_window
    assert any("expected window" in r.getMessage() for r in caplog.records)


def test_expected_window_a_plugin_refuses_a_late_dispatch_until_a_new_window_is_agreed() -> None:
    s = BillingScenario(plugins=[RefuseLateDispatch()])
    request = expecting(s, s.now + timedelta(minutes=10), s.now + timedelta(hours=1))
    s.advance(timedelta(hours=2))
    dispatch = DispatchRequest(request_id=request, worker_id="w-1")
    with pytest.raises(IllegalTransition) as refused:
        s.desk.handle(dispatch, actor=s.clerk)
    assert refused.value.code == "request.outside_window"
    assert s.desk.handle(DispatchDue(), actor=s.clerk).id == "0"  # the batch leaves it too
    new = TimeWindow(s.now + timedelta(hours=1), s.now + timedelta(hours=2))
    call = RecordCallAhead(request_id=request, outcome=CallOutcome.RESCHEDULED, window=new)
    s.desk.handle(call, actor=s.clerk)
    s.desk.handle(dispatch, actor=s.clerk)
    assert s.desk.queries.request(request).status == "dispatched"


def test_call_ahead_records_who_when_and_the_outcome_before_the_work_starts(
    s: BillingScenario,
) -> None:
    request = expecting(s, s.now + timedelta(hours=1), s.now + timedelta(hours=3))
    s.desk.handle(DispatchRequest(request_id=request, worker_id="w-1"), actor=s.clerk)
    s.desk.handle(RecordCallAhead(request_id=request, outcome="not_reached"), actor=s.worker_actor)
    s.advance(timedelta(minutes=5))
    s.desk.handle(RecordCallAhead(request_id=request, outcome="confirmed"), actor=s.clerk)
    with s.store.unit_of_work() as uow:
        calls = uow.requests.get(RequestId(request)).calls
    assert [(c.caller.value, c.outcome) for c in calls] == [
        ("w-1", CallOutcome.NOT_REACHED),
        ("clerk", CallOutcome.CONFIRMED),
    ]
    assert calls[1].at == s.now
    s.desk.handle(StartWork(request_id=request), actor=s.worker_actor)
    late = RecordCallAhead(request_id=request, outcome="confirmed")
    with pytest.raises(IllegalTransition, match="before the work starts"):
        s.desk.handle(late, actor=s.clerk)


@pytest.mark.parametrize(
    ("outcome", "window", "match"),
    [
        ("rescheduled", None, "names the new window"),
        ("confirmed", "later", "names the new window"),
        ("rescheduled", "past", "already past"),
    ],
)
def test_call_ahead_a_rescheduled_call_and_only_it_names_a_window_still_to_come(
    s: BillingScenario, outcome: str, window: str | None, match: str
) -> None:
    request = expecting(s, s.now + timedelta(hours=1), s.now + timedelta(hours=3))
    windows = {
        "later": TimeWindow(s.now + timedelta(hours=4), s.now + timedelta(hours=5)),
        "past": TimeWindow(s.now - timedelta(hours=4), s.now - timedelta(hours=3)),
    }
    call = RecordCallAhead(request_id=request, outcome=outcome, window=windows.get(window or ""))
    with pytest.raises(InvalidValue, match=match):
        s.desk.handle(call, actor=s.clerk)
