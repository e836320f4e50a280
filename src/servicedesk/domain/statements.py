"""Monthly statements of on-account requesters (记账月结, rule billing.monthly-statement).

A statement is issued once, with all its lines, and never gets another line:
its id is ``<account>:<period>``, so closing the same month again finds it
instead of making a second one, and a charge confirmed later goes to a later
month.  Its total is the sum of its lines; payments allocated to it are
recorded on it and never exceed what it is due.  A negative statement (a
reversal larger than the month's charges) is a credit carried into the next
statement, so no fen is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.agreements import Agreement
from servicedesk.domain.billing import AccountId, PaymentId, Period, StatementId
from servicedesk.domain.charges import Charge
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money, total
from servicedesk.i18n import _


def statement_id(account_id: AccountId, period: Period) -> StatementId:
    """The one id a statement of ``account_id`` for ``period`` can have."""
    return StatementId(f"{account_id}:{period}")


class StatementLineKind(StrEnum):
    CHARGE = "charge"
    AGREEMENT = "agreement"
    CREDIT = "credit"  # a credit carried from an earlier statement


@attrs.frozen
class StatementLine:
    kind: StatementLineKind
    reference: str  # the charge, agreement or earlier statement
    description: str
    amount: Money
    item_id: str | None = None


class StatementStatus(StrEnum):
    OPEN = "open"  # something is due
    PAID = "paid"  # nothing is due
    CREDIT = "credit"  # negative: carried into the next statement
    CARRIED = "carried"  # the credit was carried


@attrs.frozen
class Allocation:
    payment_id: PaymentId
    amount: Money


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StatementIssued(Event):
    statement_id: StatementId
    account_id: AccountId
    period: Period
    currency: str
    lines: tuple[StatementLine, ...]
    total: Money
    due: datetime


@attrs.frozen(kw_only=True)
class StatementPaymentAllocated(Event):
    statement_id: StatementId
    allocation: Allocation


@attrs.frozen(kw_only=True)
class StatementPaymentVoided(Event):
    """A voided payment's part is taken off again: the amount is due once more."""

    statement_id: StatementId
    payment_id: PaymentId


@attrs.frozen(kw_only=True)
class StatementCreditCarried(Event):
    statement_id: StatementId
    to: StatementId


# --- aggregate -----------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class Statement(Aggregate[StatementId]):
    """``carried_to`` is the statement a credit was carried into, if it was."""

    account_id: AccountId
    period: Period
    currency: str
    lines: tuple[StatementLine, ...]
    total: Money
    due: datetime
    issued_at: datetime
    allocations: tuple[Allocation, ...] = ()
    carried_to: StatementId | None = None

    @property
    def paid(self) -> Money:
        return total((a.amount for a in self.allocations), self.currency)

    @property
    def amount_due(self) -> Money:
        return self.total - self.paid

    @property
    def status(self) -> StatementStatus:
        due = self.amount_due
        if due.is_negative:
            return StatementStatus.CARRIED if self.carried_to else StatementStatus.CREDIT
        return StatementStatus.PAID if due.is_zero else StatementStatus.OPEN

    def is_overdue(self, now: datetime) -> bool:
        return self.status is StatementStatus.OPEN and now > self.due

    @classmethod
    def issue(
        cls,
        account_id: AccountId,
        period: Period,
        *,
        currency: str,
        lines: tuple[StatementLine, ...],
        due: datetime,
        at: datetime,
    ) -> Statement:
        if not lines:
            raise InvalidValue(_("A statement needs at least one line."), code="statement.invalid")
        for line in lines:
            if line.amount.currency != currency:
                raise InvalidValue(
                    _("Statement line {ref} is in {got}, not {want}."),
                    code="statement.invalid",
                    ref=line.reference,
                    got=line.amount.currency,
                    want=currency,
                )
        if due <= at:
            raise InvalidValue(
                _("A statement's due date must be after it is issued."), code="statement.invalid"
            )
        return cls._create(
            StatementIssued(
                at=at,
                statement_id=statement_id(account_id, period),
                account_id=account_id,
                period=period,
                currency=currency,
                lines=lines,
                total=total((line.amount for line in lines), currency),
                due=due,
            )
        )

    def allocate(self, amount: Money, *, payment_id: PaymentId, at: datetime) -> None:
        """Record part of a payment on this statement; never more than is due."""
        if self.status is not StatementStatus.OPEN:
            raise IllegalTransition(
                _("Statement {id} is {status}; nothing is due on it."),
                code="statement.illegal_transition",
                id=self.id,
                status=self.status,
            )
        if amount.currency != self.currency:
            raise InvalidValue(
                _("Statement {id} is in {want}, not {got}."),
                code="statement.invalid",
                id=self.id,
                want=self.currency,
                got=amount.currency,
            )
        if amount.is_negative or amount.is_zero or amount > self.amount_due:
            raise InvalidValue(
                _("Statement {id} is due {due}; {amount} cannot be allocated to it."),
                code="statement.invalid",
                id=self.id,
                due=self.amount_due,
                amount=amount,
            )
        self._record(
            StatementPaymentAllocated(
                at=at, statement_id=self.id, allocation=Allocation(payment_id, amount)
            )
        )

    def void_payment(self, payment_id: PaymentId, *, at: datetime) -> Money:
        """Take a voided payment's part off this statement; returns the part."""
        part = self.paid_by(payment_id)
        if part.is_zero:
            raise IllegalTransition(
                _("Payment {pid} paid nothing on statement {id}."),
                code="payment.illegal_transition",
                pid=payment_id,
                id=self.id,
            )
        self._record(StatementPaymentVoided(at=at, statement_id=self.id, payment_id=payment_id))
        return part

    def paid_by(self, payment_id: PaymentId) -> Money:
        return total(
            (a.amount for a in self.allocations if a.payment_id == payment_id), self.currency
        )

    def carry_credit(self, to: StatementId, *, at: datetime) -> StatementLine:
        """Move this statement's credit into the statement ``to``; returns the line for it."""
        if self.status is not StatementStatus.CREDIT:
            raise IllegalTransition(
                _("Statement {id} has no credit to carry."),
                code="statement.illegal_transition",
                id=self.id,
            )
        line = StatementLine(
            StatementLineKind.CREDIT,
            self.id.value,
            _("Credit from statement {id}").format(id=self.id),
            self.amount_due,
        )
        self._record(StatementCreditCarried(at=at, statement_id=self.id, to=to))
        return line

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case StatementIssued():
                return cls(
                    event.statement_id,
                    account_id=event.account_id,
                    period=event.period,
                    currency=event.currency,
                    lines=event.lines,
                    total=event.total,
                    due=event.due,
                    issued_at=event.at,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case StatementPaymentAllocated():
                self.allocations = (*self.allocations, event.allocation)
            case StatementPaymentVoided():
                self.allocations = tuple(
                    a for a in self.allocations if a.payment_id != event.payment_id
                )
            case StatementCreditCarried():
                self.carried_to = event.to
            case _:
                super().apply(event)


def statements_to_pay(
    account_id: AccountId, amount: Money, statements: Sequence[Statement], *, chosen: bool
) -> list[Statement]:
    """The statements a payment of ``amount`` pays, checked: all of the account, all open.

    ``statements`` are the ones the cashier named (``chosen``) or else every
    statement of the account; the payment may not exceed what they leave due,
    so that nobody is ever asked for more than the statements say.
    """
    if chosen:
        for statement in statements:
            if statement.account_id != account_id:
                raise InvalidValue(
                    _("Statement {sid} is not of account {id}."),
                    code="statement.invalid",
                    sid=statement.id,
                    id=account_id,
                )
            if statement.status is not StatementStatus.OPEN:
                raise IllegalTransition(
                    _("Statement {sid} is {status}; nothing is due on it."),
                    code="statement.illegal_transition",
                    sid=statement.id,
                    status=statement.status,
                )
        payable = list(statements)
    else:
        payable = [s for s in statements if s.status is StatementStatus.OPEN]
    if not payable:
        raise IllegalTransition(
            _("Nothing is due on account {id}."), code="statement.illegal_transition", id=account_id
        )
    due = total((s.amount_due for s in payable), amount.currency)
    if amount > due:
        raise InvalidValue(
            _("{amount} is more than the {due} due; take only what is due."),
            code="statement.invalid",
            amount=amount,
            due=due,
        )
    return payable


def closing_lines(
    charges: Sequence[Charge],
    agreement_fees: Sequence[tuple[Agreement, Sequence[tuple[str, Money]]]],
    charge_description: str,
) -> list[StatementLine]:
    """The lines of a month's statement: each charge, then each agreement's fees, in order.

    ``charge_description`` is a charge line's text, with ``{id}`` for its request.
    """
    lines = [
        StatementLine(
            StatementLineKind.CHARGE,
            charge.id.value,
            charge_description.format(id=charge.request_id),
            charge.amount,
            str(charge.item_id),
        )
        for charge in charges
    ]
    for agreement, fees in agreement_fees:
        lines.extend(
            StatementLine(
                StatementLineKind.AGREEMENT,
                agreement.id.value,
                description,
                amount,
                str(agreement.item_id),
            )
            for description, amount in fees
        )
    return lines
