"""The billing rules that live in the aggregates: which statements a payment pays, when an
account may close, the lines of a month's statement."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from servicedesk import (
    AccountId,
    BillingMode,
    Contact,
    IllegalTransition,
    InvalidValue,
    Money,
    PaymentId,
    Period,
    Requester,
)
from servicedesk.domain.accounts import Account, Outstanding
from servicedesk.domain.statements import (
    Statement,
    StatementLine,
    StatementLineKind,
    statements_to_pay,
)

AT = datetime(2026, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def statement(account: str, period: str, amount: str) -> Statement:
    line = StatementLine(StatementLineKind.CHARGE, "c-1", "Request r-1", Money.of(amount))
    return Statement.issue(
        AccountId(account),
        Period.parse(period),
        currency="CNY",
        lines=(line,),
        due=AT + timedelta(days=10),
        at=AT,
    )


def account(mode: BillingMode) -> Account:
    owner = Requester("Chen", "3-502", Contact("13800138000"))
    return Account.open(AccountId("a-1"), requester=owner, mode=mode, currency="CNY", at=AT)


def test_a_payment_pays_the_open_statements_and_never_more_than_they_leave_due() -> None:
    april, march = statement("a-1", "2026-04", "30.00"), statement("a-1", "2026-03", "20.00")
    march.allocate(Money.of("20.00"), payment_id=PaymentId("p-0"), at=AT)
    assert statements_to_pay(AccountId("a-1"), Money.of("30.00"), [april, march], chosen=False) == [
        april
    ]
    with pytest.raises(InvalidValue, match=r"more than the 30\.00"):
        statements_to_pay(AccountId("a-1"), Money.of("30.01"), [april, march], chosen=False)
    with pytest.raises(IllegalTransition, match="Nothing is due"):
        statements_to_pay(AccountId("a-1"), Money.of("1.00"), [march], chosen=False)


def test_a_named_statement_must_be_the_accounts_and_open() -> None:
    paid = statement("a-1", "2026-03", "20.00")
    paid.allocate(Money.of("20.00"), payment_id=PaymentId("p-0"), at=AT)
    with pytest.raises(InvalidValue, match=r"is not of account a-1"):
        statements_to_pay(
            AccountId("a-1"), Money.of("1.00"), [statement("a-2", "2026-04", "5.00")], chosen=True
        )
    with pytest.raises(IllegalTransition, match="nothing is due on it"):
        statements_to_pay(AccountId("a-1"), Money.of("1.00"), [paid], chosen=True)


def test_an_account_billed_monthly_closes_only_with_nothing_outstanding() -> None:
    for outstanding in (
        Outstanding(open_statements=1),
        Outstanding(unbilled_charges=1),
        Outstanding(agreements_in_force=1),
    ):
        with pytest.raises(IllegalTransition, match="settle and end them"):
            account(BillingMode.ON_ACCOUNT).close_out(outstanding, refund_reference="r", at=AT)
    settled = account(BillingMode.ON_ACCOUNT)
    settled.close_out(Outstanding(), refund_reference="r", at=AT)
    assert not settled.is_open


def test_no_account_closes_with_a_charge_the_requester_has_not_confirmed() -> None:
    for mode in (BillingMode.ON_ACCOUNT, BillingMode.DEPOSIT):
        with pytest.raises(IllegalTransition, match="not confirmed yet"):
            account(mode).close_out(Outstanding(unconfirmed_charges=1), refund_reference="r", at=AT)
