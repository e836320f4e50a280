"""A Hypothesis state machine that keeps the books against a simple model.

``BillingMachine`` drives a ``BillingScenario`` through ``Desk.handle`` with
charges, confirmations (deposit draws), reversals, deposits, refunds,
payments, clock moves and month closes, and after every step checks the
store against a model kept with plain ``Decimal`` sums:

* no money is created or lost (deposits, statements and payments reconcile);
* a deposit never goes below the limit its policy allows;
* each confirmed charge is billed exactly once, in the month the model says;
* statement totals are the sum of their lines (``check_books``);
* receipt numbers run 1..n without a gap;
* a refused command stores nothing, and closing a closed month changes nothing.

Subclass it with your plugins to check them the same way::

    class MyBooks(BillingMachine):
        plugins = (MyRounding(), MyDepositRule())

    TestMyBooks = MyBooks.TestCase
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from servicedesk.app.billing.commands import (
    AuditCharge,
    CloseMonth,
    ConfirmCharge,
    PayDeposit,
    RecordCharge,
    RecordPayment,
    RefundDeposit,
    ReverseCharge,
    VoidPayment,
)
from servicedesk.app.command import Command
from servicedesk.domain.billing import AccountId, BillingMode, ChargeId, Period, StatementId
from servicedesk.domain.charges import LineKind, LineSpec
from servicedesk.domain.errors import (
    IllegalTransition,
    InvalidValue,
    PermissionDenied,
    ServiceDeskError,
)
from servicedesk.domain.money import Money
from servicedesk.domain.statements import StatementLineKind, StatementStatus, statement_id
from servicedesk.domain.values import Actor, RequesterKind
from servicedesk.testing import strategies as sds
from servicedesk.testing.books import check_books
from servicedesk.testing.scenario import IN_PERSON, BillingScenario, audit_trail_length, store_state

FIRST_PERIOD = Period(2026, 3)
TAP_PRICE = Money.of("30.00")


@attrs.define
class ModelAccount:
    id: str
    unit: str
    kind: RequesterKind
    mode: BillingMode
    balance: Decimal = Decimal(0)
    paid_in: bool = False


@attrs.define
class ModelCharge:
    id: str
    account: ModelAccount
    amount: Decimal
    at: datetime | None = None  # confirmed at
    statement: str | None = None
    reversed: bool = False
    is_reversal: bool = False


class BillingMachine(RuleBasedStateMachine):
    """Charges, deposits, payments and month closes, checked against a model."""

    plugins: ClassVar[tuple[object, ...]] = ()
    max_accounts: ClassVar[int] = 4

    def __init__(self) -> None:
        super().__init__()
        self.s = BillingScenario(self.plugins)
        self.accounts: list[ModelAccount] = []
        self.recorded: list[ModelCharge] = []
        self.confirmed: list[ModelCharge] = []
        #: Confirmed tenants' charges whose audit the deposit refused so far.
        self.waiting: list[ModelCharge] = []
        self.statements: dict[str, set[str]] = {}
        self.receipts = 0
        self.paid_to_statements = Decimal(0)
        self.payments: list[tuple[str, ModelAccount, Decimal]] = []

    # -- helpers -------------------------------------------------------------------

    @property
    def policies(self) -> Any:
        return self.s.desk.policies

    def _handle(self, command: Command, actor: Actor) -> str | None:
        return self.s.desk.handle(command, actor=actor).id

    def _refused(
        self, error: type[ServiceDeskError], run: Callable[[], object]
    ) -> ServiceDeskError:
        before = store_state(self.s.store)
        trail = audit_trail_length(self.s.store)
        try:
            run()
        except error as refusal:
            assert store_state(self.s.store) == before, "a refused command stored something"
            # a refusal for want of a role is audited, once; other refusals leave no trace
            audited = 1 if isinstance(refusal, PermissionDenied) else 0
            assert audit_trail_length(self.s.store) == trail + audited, "refusal audited wrongly"
            return refusal
        raise AssertionError(f"expected {error.__name__}, the command went through")

    def _rule(self, account: ModelAccount) -> Any:
        with self.s.store.unit_of_work() as uow:
            return self.policies.deposit_rule(uow.accounts.get(AccountId(account.id)))

    def _of(self, mode: BillingMode) -> list[ModelAccount]:
        return [a for a in self.accounts if a.mode is mode]

    # -- rules -----------------------------------------------------------------------

    @initialize()
    def an_owner_and_a_tenant(self) -> None:
        """Start with one account of each kind, so that every step has money to move."""
        self.open_account(tenant=False)
        self.open_account(tenant=True)

    @precondition(lambda self: len(self.accounts) < self.max_accounts)
    @rule(tenant=st.booleans())
    def open_account(self, tenant: bool) -> None:
        kind = RequesterKind.TENANT if tenant else RequesterKind.OWNER
        account, unit = self.s.open_account(kind)
        mode = self.policies.billing_mode(self.s.requester(unit, kind))
        self.accounts.append(ModelAccount(account, unit, kind, mode))

    @precondition(lambda self: self.accounts)
    @rule(data=st.data(), lines=sds.charge_lines(max_lines=3, max_price="300.00"))
    def record_charge(self, data: st.DataObject, lines: tuple[LineSpec, ...]) -> None:
        account = data.draw(st.sampled_from(self.accounts))
        request = self.s.accepted_request(account.unit, account.kind)
        charge = self._handle(RecordCharge(request_id=request, lines=lines), self.s.clerk)
        assert charge is not None
        rounding = self.policies.rounding()
        expected = sum(
            (line.unit_price.times(line.quantity, rounding).amount for line in lines), Decimal(0)
        )
        if not any(line.kind is LineKind.SERVICE for line in lines):
            expected += TAP_PRICE.amount
        stored = self.s.desk.billing.charge(charge).total
        assert stored.amount == expected, f"charge total {stored} is not {expected}"
        self.recorded.append(ModelCharge(charge, account, expected))
        if data.draw(st.booleans(), label="confirm at once"):
            self._confirm(self.recorded[-1])

    @precondition(lambda self: self.recorded)
    @rule(data=st.data())
    def confirm_charge(self, data: st.DataObject) -> None:
        self._confirm(data.draw(st.sampled_from(self.recorded)))

    def _confirm(self, charge: ModelCharge) -> None:
        """The requester confirms, then the assistant audits at once (the deposit is drawn)."""
        command = ConfirmCharge(charge_id=charge.id, signed_by="Resident", evidence=IN_PERSON)
        self._handle(command, self.s.clerk)
        charge.at = self.s.now
        self.recorded.remove(charge)
        self._audit(charge)

    def _audit(self, charge: ModelCharge) -> None:
        """A tenant's charge past what the deposit allows waits, confirmed, for a top-up."""
        command = AuditCharge(charge_id=charge.id)
        account = charge.account
        if account.mode is BillingMode.DEPOSIT:
            limit = self._rule(account).limit.amount
            if account.balance - charge.amount < -limit:
                self._refused(IllegalTransition, lambda: self._handle(command, self.s.assistant))
                if charge not in self.waiting:
                    self.waiting.append(charge)
                return
            account.balance -= charge.amount
        self._handle(command, self.s.assistant)
        if charge in self.waiting:
            self.waiting.remove(charge)
        self.confirmed.append(charge)

    @precondition(lambda self: self.waiting)
    @rule(data=st.data())
    def audit_waiting_charge(self, data: st.DataObject) -> None:
        self._audit(data.draw(st.sampled_from(self.waiting)))

    @precondition(lambda self: any(not c.reversed and not c.is_reversal for c in self.confirmed))
    @rule(data=st.data())
    def reverse_charge(self, data: st.DataObject) -> None:
        charge = data.draw(
            st.sampled_from([c for c in self.confirmed if not c.reversed and not c.is_reversal])
        )
        reversal = self._handle(
            ReverseCharge(charge_id=charge.id, reason="priced wrong"), self.s.assistant
        )
        assert reversal is not None
        charge.reversed = True
        if charge.account.mode is BillingMode.DEPOSIT:
            charge.account.balance += charge.amount
        self.confirmed.append(
            ModelCharge(reversal, charge.account, -charge.amount, self.s.now, is_reversal=True)
        )

    @precondition(lambda self: self._of(BillingMode.DEPOSIT))
    @rule(data=st.data(), amount=sds.positive_money("600.00"))
    def pay_deposit(self, data: st.DataObject, amount: Money) -> None:
        account = data.draw(st.sampled_from(self._of(BillingMode.DEPOSIT)))
        command = PayDeposit(account_id=account.id, amount=amount)
        if self._by_a_clerk(data, command):
            return
        if not account.paid_in and amount < self._rule(account).minimum:
            self._refused(InvalidValue, lambda: self._handle(command, self.s.cashier))
            return
        payment = self._handle(command, self.s.cashier)
        assert payment is not None
        account.balance += amount.amount
        account.paid_in = True
        self.receipts += 1
        self.payments.append((payment, account, amount.amount))

    @precondition(lambda self: self._of(BillingMode.DEPOSIT))
    @rule(data=st.data(), amount=sds.positive_money("600.00"))
    def refund(self, data: st.DataObject, amount: Money) -> None:
        account = data.draw(st.sampled_from(self._of(BillingMode.DEPOSIT)))
        command = RefundDeposit(account_id=account.id, amount=amount)
        if amount.amount > account.balance:
            self._refused(IllegalTransition, lambda: self._handle(command, self.s.cashier))
            return
        self._handle(command, self.s.cashier)
        account.balance -= amount.amount

    @precondition(lambda self: self._of(BillingMode.ON_ACCOUNT))
    @rule(data=st.data(), amount=sds.positive_money("400.00"))
    def pay_statements(self, data: st.DataObject, amount: Money) -> None:
        account = data.draw(st.sampled_from(self._of(BillingMode.ON_ACCOUNT)))
        command = RecordPayment(account_id=account.id, amount=amount)
        if self._by_a_clerk(data, command):
            return
        due = sum(
            (
                v.amount_due.amount
                for v in self.s.desk.billing.statements(account.id)
                if v.status is StatementStatus.OPEN
            ),
            Decimal(0),
        )
        if due == 0:
            self._refused(IllegalTransition, lambda: self._handle(command, self.s.cashier))
            return
        if amount.amount > due:
            self._refused(InvalidValue, lambda: self._handle(command, self.s.cashier))
            return
        payment = self._handle(command, self.s.cashier)
        assert payment is not None
        self.paid_to_statements += amount.amount
        self.receipts += 1
        self.payments.append((payment, account, amount.amount))

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def void_payment(self, data: st.DataObject) -> None:
        """A mistaken payment is voided: its money goes back, its receipt keeps its number."""
        payment, account, amount = data.draw(st.sampled_from(self.payments))
        command = VoidPayment(payment_id=payment, reason="wrong account")
        if account.mode is BillingMode.DEPOSIT and amount > account.balance:
            self._refused(IllegalTransition, lambda: self._handle(command, self.s.cashier))
            return
        self._handle(command, self.s.cashier)
        self.payments.remove((payment, account, amount))
        if account.mode is BillingMode.DEPOSIT:
            account.balance -= amount
        else:
            self.paid_to_statements -= amount

    def _by_a_clerk(self, data: st.DataObject, command: Command) -> bool:
        """Sometimes a clerk tries to take the money: refused, nothing stored (rule
        billing.cashier-only).
        """
        if data.draw(st.sampled_from([False, False, False, True]), label="by a clerk"):
            self._refused(PermissionDenied, lambda: self._handle(command, self.s.clerk))
            return True
        return False

    @rule(hours=st.integers(1, 24 * 25))
    def advance_clock(self, hours: int) -> None:
        self.s.advance(timedelta(hours=hours))

    @rule(hours=st.integers(0, 72), close=st.sampled_from([True, True, False]))
    def month_end(self, hours: int, close: bool) -> None:
        """Move to the start of next month (plus a little), maybe closing the month just ended.

        Not closing at once leaves room for charges confirmed after the month ended but
        before its close: they belong to the next month.
        """
        tz = self.policies.calendar().tz
        self.s.move_to(Period.of(self.s.now, tz).end(tz) + timedelta(hours=hours))
        if close:
            self.close_last_month()

    def close_last_month(self) -> None:
        tz = self.policies.calendar().tz
        period = Period.of(self.s.now, tz)
        previous = period.previous()
        if previous < FIRST_PERIOD:
            return
        end = previous.end(tz)
        self._handle(CloseMonth(period=previous), self.s.clerk)
        for account in self._of(BillingMode.ON_ACCOUNT):
            key = statement_id(AccountId(account.id), previous).value
            if key in self.statements:
                continue
            due = [
                c
                for c in self.confirmed
                if c.account is account and c.statement is None and c.at is not None and c.at < end
            ]
            if due:
                self.statements[key] = {c.id for c in due}
                for charge in due:
                    charge.statement = key

    @precondition(lambda self: self.statements)
    @rule(data=st.data())
    def close_a_closed_month_again(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.statements)))
        period = Period.parse(key.rsplit(":", 1)[1])
        before = store_state(self.s.store)
        self._handle(CloseMonth(period=period), self.s.clerk)
        assert store_state(self.s.store) == before, "closing a closed month changed the store"

    # -- invariants -------------------------------------------------------------------

    @invariant()
    def books_balance(self) -> None:
        check_books(self.s.desk)

    @invariant()
    def deposits_match_the_model(self) -> None:
        for account in self._of(BillingMode.DEPOSIT):
            view = self.s.desk.billing.account(account.id)
            assert view.balance.amount == account.balance, (
                f"deposit {account.id}: store {view.balance}, model {account.balance}"
            )
            assert view.balance.amount >= -self._rule(account).limit.amount

    @invariant()
    def each_confirmed_charge_billed_once_where_the_model_says(self) -> None:
        with self.s.store.unit_of_work() as uow:
            for charge in self.confirmed:
                stored = uow.charges.get(ChargeId(charge.id))
                assert (stored.statement_id and stored.statement_id.value) == charge.statement, (
                    f"charge {charge.id}: billed on {stored.statement_id}, model {charge.statement}"
                )
            for key, ids in self.statements.items():
                statement = uow.statements.get(StatementId(key))
                refs = {
                    line.reference
                    for line in statement.lines
                    if line.kind is StatementLineKind.CHARGE
                }
                assert refs == ids, f"statement {key} bills {refs}, model {ids}"
            stored_keys = {
                s.id.value
                for a in self._of(BillingMode.ON_ACCOUNT)
                for s in uow.statements.for_account(AccountId(a.id))
            }
            assert stored_keys == set(self.statements), "statements differ from the model"

    @invariant()
    def statement_money_is_conserved(self) -> None:
        billed = sum((c.amount for c in self.confirmed if c.statement), Decimal(0))
        outstanding = Decimal(0)
        for account in self._of(BillingMode.ON_ACCOUNT):
            for view in self.s.desk.billing.statements(account.id):
                if view.status is not StatementStatus.CARRIED:
                    outstanding += view.amount_due.amount
        assert outstanding + self.paid_to_statements == billed, (
            f"billed {billed}, paid {self.paid_to_statements}, still due {outstanding}"
        )

    def teardown(self) -> None:
        """Whatever the run did, the trail, its events and every stored record agree."""
        verdict = self.s.desk.records.verify()
        assert verdict.ok, verdict

    @invariant()
    def one_receipt_per_payment(self) -> None:
        with self.s.store.unit_of_work() as uow:
            payments = [p for a in self.accounts for p in uow.payments.for_account(AccountId(a.id))]
            receipts = {p.receipt_id for p in payments}
        assert len(payments) == len(receipts) == self.receipts, (
            f"{len(payments)} payments, {len(receipts)} receipts, model {self.receipts}"
        )
