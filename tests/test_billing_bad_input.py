"""Bad input on the money side: a typed error, and nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from servicedesk import convert
from servicedesk.app.billing.commands import (
    AuditCharge,
    CloseAccount,
    CloseMonth,
    ConfirmCharge,
    GiveEstimate,
    OpenAccount,
    PayDeposit,
    RecordCharge,
    RecordPayment,
    RefundDeposit,
    ReverseCharge,
    SignAgreement,
    VoidPayment,
)
from servicedesk.domain.agreements import AgreementTerms
from servicedesk.domain.billing import Period
from servicedesk.domain.charges import LineKind, LineSpec
from servicedesk.domain.errors import (
    IllegalTransition,
    InvalidValue,
    NotFound,
    PermissionDenied,
    PolicyError,
    ServiceDeskError,
)
from servicedesk.domain.money import Money
from servicedesk.domain.statements import Statement
from servicedesk.domain.values import RequesterKind
from servicedesk.policies import hookimpl
from servicedesk.testing import IN_PERSON, BillingScenario, audit_trail_length, store_state
from servicedesk.testing.scenario import TAP_REPAIR, WIRING
from support import DESK_CLERK


def refused(
    s: BillingScenario,
    error: type[ServiceDeskError],
    run: Callable[[], Any],
    match: str | None = None,
) -> ServiceDeskError:
    """Run ``run``; it must raise ``error`` and leave the business records exactly as they were.

    A refusal for want of a role is the one trace a refused command leaves: exactly one
    audit record naming it (docs/records.md); any other refusal leaves the trail alone.
    """
    before = store_state(s.store)
    trail = audit_trail_length(s.store)
    with pytest.raises(error, match=match) as caught:
        run()
    assert store_state(s.store) == before
    if isinstance(caught.value, PermissionDenied):
        assert audit_trail_length(s.store) == trail + 1, "the refusal was not audited once"
        assert s.desk.records.trail(after=trail)[-1].refused == "PermissionDenied"
    else:
        assert audit_trail_length(s.store) == trail
    return caught.value


def material(quantity: object = "1", price: Money | None = None) -> LineSpec:
    return LineSpec(LineKind.MATERIAL, "washer", quantity, price or Money.of("2.00"))  # type: ignore[arg-type]


@pytest.fixture
def s() -> BillingScenario:
    return BillingScenario()


def owner_with_statement(s: BillingScenario) -> tuple[str, str]:
    """An owner with one March statement of 30.00; returns (account, statement id)."""
    account, unit = s.open_account(RequesterKind.OWNER)
    charge = s.desk.handle(RecordCharge(request_id=s.accepted_request(unit))).id
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.desk.handle(AuditCharge(charge_id=charge), actor=s.assistant)
    s.move_to(Period(2026, 4).start(s.now.tzinfo))  # type: ignore[arg-type]
    s.desk.handle(CloseMonth(period="2026-03"))
    return account, f"{account}:2026-03"


def tenant_with_deposit(s: BillingScenario, amount: str = "300.00") -> str:
    account, _unit = s.open_account(RequesterKind.TENANT)
    s.desk.handle(PayDeposit(account_id=account, amount=Money.of(amount)), actor=s.cashier)
    return account


# --- floats, negatives, currencies ---------------------------------------------------------------


@pytest.mark.parametrize("amount", [0.1, 10.0, float("nan")])
def test_a_float_amount_is_refused_when_the_command_is_built(
    s: BillingScenario, amount: float
) -> None:
    account = tenant_with_deposit(s)
    before = store_state(s.store)
    with pytest.raises(InvalidValue, match="exactly"):
        PayDeposit(account_id=account, amount=amount)
    with pytest.raises(InvalidValue):
        RecordPayment(account_id=account, amount=amount)
    with pytest.raises(InvalidValue):
        material(price=Money.of(amount))
    assert store_state(s.store) == before


def test_a_float_in_json_is_refused(s: BillingScenario) -> None:
    account = tenant_with_deposit(s)
    data = {"account_id": account, "amount": {"amount": 0.1, "currency": "CNY"}}
    before = store_state(s.store)
    with pytest.raises(InvalidValue):
        convert.structure(data, PayDeposit)
    assert store_state(s.store) == before
    good = convert.structure(
        {"account_id": account, "amount": {"amount": "0.10", "currency": "CNY"}}, PayDeposit
    )
    assert good.amount == Money.of("0.10")


@pytest.mark.parametrize("quantity", ["-1", "0", -2, Decimal("-0.5"), 1.5, "two"])
def test_a_quantity_must_be_an_exact_number_above_zero(quantity: object) -> None:
    with pytest.raises(InvalidValue):
        material(quantity)


def test_a_negative_quantity_from_json_stores_nothing(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.accepted_request(unit)
    line = {
        "kind": "material",
        "description": "washer",
        "quantity": "-3",
        "unit_price": {"amount": "1.00", "currency": "CNY"},
    }

    def run() -> None:
        s.desk.handle(convert.structure({"request_id": request, "lines": [line]}, RecordCharge))

    refused(s, InvalidValue, run, "more than zero")


def test_a_negative_unit_price_is_refused() -> None:
    with pytest.raises(InvalidValue, match="negative"):
        material(price=Money.of("-2.00"))


def test_a_charge_line_in_another_currency_is_refused(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.accepted_request(unit)
    usd = material(price=Money.of("2.00", "USD"))
    refused(
        s,
        InvalidValue,
        lambda: s.desk.handle(RecordCharge(request_id=request, lines=(usd,))),
        "USD",
    )


def test_a_deposit_in_another_currency_is_refused(s: BillingScenario) -> None:
    account = tenant_with_deposit(s)
    command = PayDeposit(account_id=account, amount=Money.of("100.00", "USD"))
    refused(s, InvalidValue, lambda: s.desk.handle(command, actor=s.cashier), "USD")


def test_a_payment_in_another_currency_is_refused(s: BillingScenario) -> None:
    account, _sid = owner_with_statement(s)
    command = RecordPayment(account_id=account, amount=Money.of("30.00", "USD"))
    refused(s, InvalidValue, lambda: s.desk.handle(command, actor=s.cashier), "USD")


# --- paying what is not due ----------------------------------------------------------------------


def test_paying_a_paid_statement_again_is_refused(s: BillingScenario) -> None:
    account, sid = owner_with_statement(s)
    s.desk.handle(
        RecordPayment(account_id=account, amount="30.00", statement_ids=[sid]), actor=s.cashier
    )
    assert s.desk.billing.statement(sid).status == "paid"
    again = RecordPayment(account_id=account, amount="30.00", statement_ids=[sid])
    refused(s, IllegalTransition, lambda: s.desk.handle(again, actor=s.cashier), "paid")
    anything = RecordPayment(account_id=account, amount="1.00")
    refused(s, IllegalTransition, lambda: s.desk.handle(anything, actor=s.cashier), "Nothing")


def test_paying_more_than_is_due_is_refused(s: BillingScenario) -> None:
    account, _sid = owner_with_statement(s)
    command = RecordPayment(account_id=account, amount="30.01")
    refused(s, InvalidValue, lambda: s.desk.handle(command, actor=s.cashier), "more than")


def test_paying_another_accounts_statement_is_refused(s: BillingScenario) -> None:
    _account, sid = owner_with_statement(s)
    other, _unit = s.open_account()
    command = RecordPayment(account_id=other, amount="1.00", statement_ids=[sid])
    refused(s, InvalidValue, lambda: s.desk.handle(command, actor=s.cashier))


def test_paying_an_unknown_statement_is_refused(s: BillingScenario) -> None:
    account, _sid = owner_with_statement(s)
    command = RecordPayment(account_id=account, amount="1.00", statement_ids=["nope:2026-01"])
    refused(s, NotFound, lambda: s.desk.handle(command, actor=s.cashier))


# --- deposits ------------------------------------------------------------------------------------


def test_refunding_more_than_the_balance_is_refused(s: BillingScenario) -> None:
    account = tenant_with_deposit(s, "300.00")
    command = RefundDeposit(account_id=account, amount="300.01")
    refused(s, IllegalTransition, lambda: s.desk.handle(command, actor=s.cashier), "more")


def test_a_first_deposit_below_the_minimum_is_refused(s: BillingScenario) -> None:
    account, _unit = s.open_account(RequesterKind.TENANT)
    command = PayDeposit(account_id=account, amount="199.99")
    refused(s, InvalidValue, lambda: s.desk.handle(command, actor=s.cashier), "at least")


def test_a_draw_past_the_balance_is_refused_with_a_clear_error(s: BillingScenario) -> None:
    account, unit = s.open_account(RequesterKind.TENANT)
    s.desk.handle(PayDeposit(account_id=account, amount="200.00"), actor=s.cashier)
    request = s.accepted_request(unit, RequesterKind.TENANT)
    big = material("100", Money.of("2.00"))
    charge = s.desk.handle(RecordCharge(request_id=request, lines=(big,))).id
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Li", evidence=IN_PERSON), actor=DESK_CLERK
    )
    error = refused(
        s,
        IllegalTransition,
        lambda: s.desk.handle(AuditCharge(charge_id=charge), actor=s.assistant),
        "top up",
    )
    assert "200.00" in error.message
    assert "230.00" in error.message
    assert "Resident" not in error.message  # no personal data in errors


def test_deposit_commands_on_an_on_account_account_are_refused(s: BillingScenario) -> None:
    account, _unit = s.open_account(RequesterKind.OWNER)
    command = PayDeposit(account_id=account, amount="300.00")
    refused(s, IllegalTransition, lambda: s.desk.handle(command, actor=s.cashier), "deposit")


# --- who may -------------------------------------------------------------------------------------


def test_only_a_cashier_records_a_payment(s: BillingScenario) -> None:
    account, _sid = owner_with_statement(s)
    pay = RecordPayment(account_id=account, amount="30.00")
    for actor in (s.clerk, s.assistant, s.worker_actor, None):
        refused(s, PermissionDenied, lambda a=actor: s.desk.handle(pay, actor=a), "cashier")
    tenant = tenant_with_deposit(s)
    top_up = PayDeposit(account_id=tenant, amount="50.00")
    refused(s, PermissionDenied, lambda: s.desk.handle(top_up, actor=s.clerk))
    refund = RefundDeposit(account_id=tenant, amount="50.00")
    refused(s, PermissionDenied, lambda: s.desk.handle(refund, actor=s.worker_actor))


def test_only_an_assistant_audits_or_reverses(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    charge = s.desk.handle(RecordCharge(request_id=s.accepted_request(unit))).id
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK
    )
    refused(s, PermissionDenied, lambda: s.desk.handle(AuditCharge(charge_id=charge)))
    reverse = ReverseCharge(charge_id=charge, reason="wrong")
    refused(s, PermissionDenied, lambda: s.desk.handle(reverse, actor=s.cashier))


# --- charges -------------------------------------------------------------------------------------


def test_a_confirmed_charge_is_never_edited(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.accepted_request(unit)
    charge = s.desk.handle(RecordCharge(request_id=request)).id
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK
    )
    again = RecordCharge(request_id=request, lines=(material(),))
    refused(s, IllegalTransition, lambda: s.desk.handle(again), "reverse")
    confirm = ConfirmCharge(charge_id=charge, signed_by="Chen", evidence=IN_PERSON)
    refused(s, IllegalTransition, lambda: s.desk.handle(confirm, actor=DESK_CLERK))


def test_a_charge_is_reversed_once(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    charge = s.desk.handle(RecordCharge(request_id=s.accepted_request(unit))).id
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK
    )
    reverse = ReverseCharge(charge_id=charge, reason="wrong")
    reversal = s.desk.handle(reverse, actor=s.assistant).id
    refused(s, IllegalTransition, lambda: s.desk.handle(reverse, actor=s.assistant), "already")
    of_reversal = ReverseCharge(charge_id=reversal, reason="again")
    refused(s, IllegalTransition, lambda: s.desk.handle(of_reversal, actor=s.assistant))


def test_an_extra_fee_cannot_be_typed_onto_a_charge(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.accepted_request(unit)
    extra = LineSpec(LineKind.EXTRA, "valve", "1", Money.of("15.00"))  # type: ignore[arg-type]
    command = RecordCharge(request_id=request, lines=(extra,))
    refused(s, InvalidValue, lambda: s.desk.handle(command), "consent")


def test_an_item_priced_by_work_needs_an_estimate_before_work(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.accepted_request(unit, item=WIRING)
    command = RecordCharge(request_id=request, lines=(material(),))
    refused(s, IllegalTransition, lambda: s.desk.handle(command), "estimate")
    late = GiveEstimate(request_id=request, lines=(material(),))
    refused(s, IllegalTransition, lambda: s.desk.handle(late), "before work")


def test_charging_before_the_work_is_done_is_refused(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.triaged_request(unit)
    refused(s, IllegalTransition, lambda: s.desk.handle(RecordCharge(request_id=request)))


def test_a_requester_without_an_account_cannot_be_charged(s: BillingScenario) -> None:
    request = s.accepted_request("9-909")
    refused(s, NotFound, lambda: s.desk.handle(RecordCharge(request_id=request)), "account")


def test_a_second_open_account_for_the_same_unit_is_refused(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    again = OpenAccount(requester=s.requester(unit))
    refused(s, IllegalTransition, lambda: s.desk.handle(again), "already")


# --- closing -------------------------------------------------------------------------------------


def test_a_month_cannot_be_closed_before_it_ends(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    charge = s.desk.handle(RecordCharge(request_id=s.accepted_request(unit))).id
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.advance(timedelta(days=3))
    refused(s, IllegalTransition, lambda: s.desk.handle(CloseMonth(period="2026-03")), "before")


@pytest.mark.parametrize("period", ["2026-13", "2026-3", "March", 202603])
def test_a_malformed_period_is_refused(period: object) -> None:
    with pytest.raises(InvalidValue):
        CloseMonth(period=period)  # type: ignore[arg-type]


class Greedy:
    """A broken allocation plugin: it books more than was paid."""

    @hookimpl
    def servicedesk_allocate_payment(
        self, amount: Money, statements: list[Statement]
    ) -> list[Money]:
        return [s.amount_due for s in statements]


def test_an_allocation_plugin_that_creates_money_is_refused() -> None:
    s = BillingScenario(plugins=[Greedy()])
    account, _sid = owner_with_statement(s)
    command = RecordPayment(account_id=account, amount="10.00")
    refused(
        s,
        PolicyError,
        lambda: s.desk.handle(command, actor=s.cashier),
        "servicedesk_allocate_payment",
    )


def test_an_owner_with_money_due_cannot_close_the_account(s: BillingScenario) -> None:
    account, _sid = owner_with_statement(s)
    close = CloseAccount(account_id=account)
    refused(s, IllegalTransition, lambda: s.desk.handle(close, actor=s.cashier), "settle")
    s.desk.handle(RecordPayment(account_id=account, amount="30.00"), actor=s.cashier)
    s.desk.handle(close, actor=s.cashier)
    assert s.desk.billing.account(account).status == "closed"


def test_an_account_with_an_agreement_in_force_cannot_close(s: BillingScenario) -> None:
    account, _unit = s.open_account()
    terms = AgreementTerms("Monthly check", monthly_fee=Money.of("10.00"))
    s.desk.handle(
        SignAgreement(account_id=account, item_id=TAP_REPAIR, terms=terms, start="2026-03")
    )
    close = CloseAccount(account_id=account)
    refused(s, IllegalTransition, lambda: s.desk.handle(close, actor=s.cashier), "agreement")


def test_a_closed_accounts_charges_are_not_reversed(s: BillingScenario) -> None:
    account, unit = s.open_account(RequesterKind.TENANT)
    s.desk.handle(PayDeposit(account_id=account, amount="200.00"), actor=s.cashier)
    request = s.accepted_request(unit, RequesterKind.TENANT)
    charge = s.desk.handle(RecordCharge(request_id=request)).id
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Li", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.desk.handle(AuditCharge(charge_id=charge), actor=s.assistant)
    s.desk.handle(CloseAccount(account_id=account), actor=s.cashier)
    reverse = ReverseCharge(charge_id=charge, reason="late complaint")
    refused(s, IllegalTransition, lambda: s.desk.handle(reverse, actor=s.assistant), "closed")
    pay = PayDeposit(account_id=account, amount="200.00")
    refused(s, IllegalTransition, lambda: s.desk.handle(pay, actor=s.cashier), "closed")


def test_a_payment_is_voided_once_and_only_by_a_cashier(s: BillingScenario) -> None:
    account = tenant_with_deposit(s, "300.00")
    payment = s.desk.handle(PayDeposit(account_id=account, amount="50.00"), actor=s.cashier).id
    void = VoidPayment(payment_id=payment, reason="typo")
    refused(s, PermissionDenied, lambda: s.desk.handle(void, actor=s.clerk))
    s.desk.handle(void, actor=s.cashier)
    refused(s, IllegalTransition, lambda: s.desk.handle(void, actor=s.cashier), "already")


def test_a_deposit_payment_already_drawn_on_is_not_voided(s: BillingScenario) -> None:
    account, unit = s.open_account(RequesterKind.TENANT)
    payment = s.desk.handle(PayDeposit(account_id=account, amount="200.00"), actor=s.cashier).id
    charge = s.desk.handle(
        RecordCharge(request_id=s.accepted_request(unit, RequesterKind.TENANT))
    ).id
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Li", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.desk.handle(AuditCharge(charge_id=charge), actor=s.assistant)
    void = VoidPayment(payment_id=payment, reason="typo")
    refused(s, IllegalTransition, lambda: s.desk.handle(void, actor=s.cashier), "drawn on")


def test_an_agreement_cannot_start_in_a_past_month(s: BillingScenario) -> None:
    account, _unit = s.open_account()
    terms = AgreementTerms("Monthly check", monthly_fee=Money.of("10.00"))
    sign = SignAgreement(account_id=account, item_id=TAP_REPAIR, terms=terms, start="2026-02")
    refused(s, InvalidValue, lambda: s.desk.handle(sign), "2026-02")


@pytest.mark.parametrize(
    "terms",
    [
        {"description": "nothing to pay"},
        {"description": "free", "monthly_fee": Money.zero()},
        {"description": "bad day", "visit_fee": Money.of("5.00"), "visit_days": (31,)},
    ],
)
def test_agreement_terms_are_checked(terms: dict[str, Any]) -> None:
    with pytest.raises(InvalidValue):
        AgreementTerms(**terms)
