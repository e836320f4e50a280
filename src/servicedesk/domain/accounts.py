"""Accounts: who pays, how (billing mode), and a tenant's service deposit ledger.

The deposit is a ledger inside the account: payments in, draws for confirmed
charges, credits for reversed charges, refunds out.  The balance is never
stored on its own; it is the sum of the entries, so it cannot drift from them
(prepaid balances, rule billing.tenant-deposit, rule billing.deposit-is-its-ledger).  A draw is
refused when it would
take the balance below the limit the policy allows (zero by default).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.billing import AccountId, BillingMode, ChargeId, PaymentId
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money, total
from servicedesk.domain.values import Requester, RequesterKind
from servicedesk.i18n import _


class EntryKind(StrEnum):
    DEPOSIT = "deposit"  # paid in at the cashier (first payment or a top-up)
    DRAW = "draw"  # a confirmed charge drawn from the deposit
    CREDIT = "credit"  # a reversed charge given back
    REFUND = "refund"  # paid back to the tenant
    VOID = "void"  # a deposit payment taken in by mistake, voided


@attrs.frozen
class LedgerEntry:
    """One movement of the deposit; ``amount`` is signed (draws and refunds negative)."""

    kind: EntryKind
    amount: Money
    reference: str  # the payment, charge or refund it comes from
    at: datetime


@attrs.frozen
class DepositRule:
    """The deposit policy of an account (rule billing.tenant-deposit)."""

    minimum: Money  # the first payment in must be at least this
    top_up_below: Money  # below this balance the tenant is asked to top up
    limit: Money  # how far below zero a draw may take the balance (zero: not at all)

    def __attrs_post_init__(self) -> None:
        for value in (self.minimum, self.top_up_below, self.limit):
            if not isinstance(value, Money) or value.is_negative:
                raise InvalidValue(
                    _("A deposit rule's amounts are Money, not negative."), code="account.invalid"
                )


class AccountStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AccountOpened(Event):
    account_id: AccountId
    requester: Requester
    mode: BillingMode
    currency: str


@attrs.frozen(kw_only=True)
class LedgerEntryRecorded(Event):
    account_id: AccountId
    entry: LedgerEntry


@attrs.frozen(kw_only=True)
class AccountClosed(Event):
    account_id: AccountId


# --- aggregate -----------------------------------------------------------------------------------


@attrs.frozen
class Outstanding:
    """What is still open on an account billed monthly, which keeps it from closing."""

    open_statements: int = 0
    unbilled_charges: int = 0
    agreements_in_force: int = 0
    #: Charges recorded for finished work that the requester has not confirmed yet.
    unconfirmed_charges: int = 0
    #: A tenant's confirmed charges not drawn from the deposit yet (waiting for the audit).
    undrawn_charges: int = 0

    def __bool__(self) -> bool:
        return bool(
            self.open_statements
            or self.unbilled_charges
            or self.agreements_in_force
            or self.unconfirmed_charges
            or self.undrawn_charges
        )


@attrs.define(kw_only=True)
class Account(Aggregate[AccountId]):
    requester: Requester
    mode: BillingMode
    currency: str
    status: AccountStatus = AccountStatus.OPEN
    entries: tuple[LedgerEntry, ...] = ()
    opened_at: datetime

    # -- queries ---------------------------------------------------------------

    @property
    def balance(self) -> Money:
        """The deposit balance: the sum of the ledger, nothing else."""
        return total((e.amount for e in self.entries), self.currency)

    @property
    def unit(self) -> str:
        return self.requester.unit

    @property
    def kind(self) -> RequesterKind:
        return self.requester.kind

    @property
    def is_open(self) -> bool:
        return self.status is AccountStatus.OPEN

    def drawn_for(self, charge_id: ChargeId) -> bool:
        return any(e.reference == charge_id.value for e in self.entries)

    # -- commands --------------------------------------------------------------

    @classmethod
    def open(
        cls,
        account_id: AccountId,
        *,
        requester: Requester,
        mode: BillingMode,
        currency: str,
        at: datetime,
    ) -> Account:
        return cls._create(
            AccountOpened(
                at=at,
                account_id=account_id,
                requester=requester,
                mode=BillingMode(mode),
                currency=Money.zero(currency).currency,
            )
        )

    def pay_in(
        self, amount: Money, *, payment_id: PaymentId, rule: DepositRule, at: datetime
    ) -> None:
        """Money paid in at the cashier: the first deposit or a top-up."""
        self._deposit_account(_("take a deposit"))
        self._positive(amount)
        if not any(e.kind is EntryKind.DEPOSIT for e in self.entries) and amount < rule.minimum:
            raise InvalidValue(
                _("The first deposit of account {id} must be at least {minimum}."),
                code="account.invalid",
                id=self.id,
                minimum=rule.minimum,
            )
        self._entry(EntryKind.DEPOSIT, amount, payment_id.value, at)

    def draw(self, amount: Money, *, charge_id: ChargeId, rule: DepositRule, at: datetime) -> None:
        """Draw a confirmed charge from the deposit; refused past the allowed limit."""
        self._deposit_account(_("draw a charge"))
        if self.drawn_for(charge_id):
            raise IllegalTransition(
                _("Charge {charge} is already drawn from account {id}."),
                code="charge.illegal_transition",
                charge=charge_id,
                id=self.id,
            )
        self._draw(amount, charge_id.value, rule, at)

    def can_draw(self, amount: Money, rule: DepositRule) -> bool:
        """Whether the deposit can take ``amount`` within the limit the policy allows."""
        return self.balance - amount >= -rule.limit

    def draw_fee(self, amount: Money, *, reference: str, rule: DepositRule, at: datetime) -> None:
        """Draw an agreement's fee for a month from the deposit (rule
        billing.tenant-agreement-deposit); refused past the allowed limit."""
        self._deposit_account(_("draw a charge"))
        if any(e.reference == reference for e in self.entries):
            raise IllegalTransition(
                _("{reference} is already drawn from account {id}."),
                code="account.illegal_transition",
                reference=reference,
                id=self.id,
            )
        self._draw(amount, reference, rule, at)

    def _draw(self, amount: Money, reference: str, rule: DepositRule, at: datetime) -> None:
        self._same_currency(amount)
        if amount.is_negative:
            raise InvalidValue(_("A draw must not be negative."), code="account.invalid")
        after = self.balance - amount
        if after < -rule.limit:
            raise IllegalTransition(
                _(
                    "The deposit of account {id} holds {balance}; drawing {amount} would take "
                    "it below the allowed {limit}. Ask the tenant to top up first."
                ),
                code="account.illegal_transition",
                id=self.id,
                balance=self.balance,
                amount=amount,
                limit=-rule.limit,
            )
        self._entry(EntryKind.DRAW, -amount, reference, at)

    def credit(self, amount: Money, *, charge_id: ChargeId, at: datetime) -> None:
        """Give back a reversed charge: ``amount`` is what the reversal took off (positive)."""
        self._deposit_account(_("credit a reversed charge"))
        self._positive(amount)
        self._entry(EntryKind.CREDIT, amount, charge_id.value, at)

    def refund(self, amount: Money, *, reference: str, at: datetime) -> None:
        """Pay part or all of the deposit back; never more than the balance."""
        self._deposit_account(_("refund the deposit"))
        self._positive(amount)
        if amount > self.balance:
            raise IllegalTransition(
                _("Account {id} holds {balance}; a refund of {amount} is more than that."),
                code="account.illegal_transition",
                id=self.id,
                balance=self.balance,
                amount=amount,
            )
        self._entry(EntryKind.REFUND, -amount, reference, at)

    def void_deposit(self, amount: Money, *, payment_id: PaymentId, at: datetime) -> None:
        """Take back a deposit payment that was voided; only what is still there."""
        self._deposit_account(_("void a deposit payment"))
        self._positive(amount)
        if amount > self.balance:
            raise IllegalTransition(
                _(
                    "Account {id} holds {balance}; the voided payment of {amount} has already "
                    "been drawn on. Refund or charge it instead."
                ),
                code="account.illegal_transition",
                id=self.id,
                balance=self.balance,
                amount=amount,
            )
        self._entry(EntryKind.VOID, -amount, payment_id.value, at)

    def close_out(self, outstanding: Outstanding, *, refund_reference: str, at: datetime) -> None:
        """The requester leaves: a deposit's rest is paid back, then the account closes.

        An account billed monthly closes only when nothing is left on it: no
        statement to pay, no confirmed charge still to bill, no agreement in
        force (``outstanding``, gathered from the other records of the account).
        No account closes with a charge still to confirm: the money for work done
        could never be collected afterwards.
        """
        if outstanding.unconfirmed_charges:
            raise IllegalTransition(
                _(
                    "Account {id} has {n} charges the requester has not confirmed yet; "
                    "settle them (the requester confirms them) before closing it."
                ),
                code="account.illegal_transition",
                id=self.id,
                n=outstanding.unconfirmed_charges,
            )
        if self.mode is BillingMode.DEPOSIT and outstanding.agreements_in_force:
            raise IllegalTransition(
                _("Account {id} has {n} agreements in force; end them before closing it."),
                code="account.illegal_transition",
                id=self.id,
                n=outstanding.agreements_in_force,
            )
        if outstanding.undrawn_charges:
            raise IllegalTransition(
                _(
                    "Account {id} has {n} confirmed charges not yet drawn from the deposit; "
                    "the assistant audits them (and they are drawn) before it is closed."
                ),
                code="account.illegal_transition",
                id=self.id,
                n=outstanding.undrawn_charges,
            )
        if self.mode is BillingMode.DEPOSIT:
            if self.is_open and self.balance > Money.zero(self.currency):
                self.refund(self.balance, reference=refund_reference, at=at)
        elif outstanding:
            raise IllegalTransition(
                _(
                    "Account {id} has statements to pay, charges to bill or agreements in "
                    "force; settle and end them before closing it."
                ),
                code="account.illegal_transition",
                id=self.id,
            )
        self.close(at=at)

    def check_amount(self, amount: Money) -> None:
        """Refuse an amount in another currency than the account's."""
        self._same_currency(amount)

    def close(self, *, at: datetime) -> None:
        """The requester leaves; a deposit must be refunded to zero first."""
        if not self.is_open:
            raise IllegalTransition(
                _("Account {id} is already closed."), code="account.illegal_transition", id=self.id
            )
        if self.mode is BillingMode.DEPOSIT and not self.balance.is_zero:
            raise IllegalTransition(
                _("Account {id} still holds {balance}; settle it to zero first."),
                code="account.illegal_transition",
                id=self.id,
                balance=self.balance,
            )
        self._record(AccountClosed(at=at, account_id=self.id))

    # -- rules -------------------------------------------------------------------

    def _deposit_account(self, action: str) -> None:
        if not self.is_open:
            raise IllegalTransition(
                _("Account {id} is closed; it cannot {action}."),
                code="account.illegal_transition",
                id=self.id,
                action=action,
            )
        if self.mode is not BillingMode.DEPOSIT:
            raise IllegalTransition(
                _("Account {id} is billed {mode}; only a deposit account can {action}."),
                code="account.illegal_transition",
                id=self.id,
                mode=self.mode,
                action=action,
            )

    def _same_currency(self, amount: Money) -> None:
        if not isinstance(amount, Money) or amount.currency != self.currency:
            raise InvalidValue(
                _("Account {id} is kept in {want}; {got} was given."),
                code="account.invalid",
                id=self.id,
                want=self.currency,
                got=getattr(amount, "currency", amount),
            )

    def _positive(self, amount: Money) -> None:
        self._same_currency(amount)
        if amount.is_negative or amount.is_zero:
            raise InvalidValue(_("The amount must be more than zero."), code="account.invalid")

    def _entry(self, kind: EntryKind, amount: Money, reference: str, at: datetime) -> None:
        entry = LedgerEntry(kind, amount, reference, at)
        self._record(LedgerEntryRecorded(at=at, account_id=self.id, entry=entry))

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case AccountOpened():
                return cls(
                    event.account_id,
                    requester=event.requester,
                    mode=event.mode,
                    currency=event.currency,
                    opened_at=event.at,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case LedgerEntryRecorded():
                self.entries = (*self.entries, event.entry)
            case AccountClosed():
                self.status = AccountStatus.CLOSED
            case _:
                super().apply(event)
