"""Payments, receipts and the gapless number series they are numbered from.

Only a cashier takes money (rule billing.cashier-only: no private settlement between staff
and requesters).  A payment either pays statements (its allocations add up to
it exactly) or pays into a deposit.  Each payment gets a receipt whose number
is the next of its series, taken in the same transaction as the payment: a
payment that fails takes no number, and two payments never share one
(receipt numbers, rule billing.gapless-receipts).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.billing import (
    AccountId,
    PaymentId,
    ReceiptBookId,
    ReceiptId,
    SeriesId,
    StatementId,
)
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money, total
from servicedesk.domain.values import ActorId, Choice, check_text
from servicedesk.i18n import _


class PaymentPurpose(StrEnum):
    STATEMENTS = "statements"  # pays open statements of an on-account requester
    DEPOSIT = "deposit"  # pays into a tenant's service deposit


class Collection(Choice):
    """Paid at the cashier on the spot, or collected later by a collector (rule
    billing.paid-or-collected).
    """

    ON_THE_SPOT = "on_the_spot"
    COLLECTED = "collected"


@attrs.frozen
class StatementPart:
    statement_id: StatementId
    amount: Money


@attrs.frozen
class Stub:
    """The pre-printed receipt stub a collector wrote for a collected payment."""

    book_id: ReceiptBookId
    number: int


# --- number series -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class NumberTaken(Event):
    series: SeriesId
    number: int


@attrs.define(kw_only=True)
class SeriesCounter(Aggregate[SeriesId]):
    """The last number taken in one series; numbers go 1, 2, 3 ... with no gap.

    A series needs no event to exist: ``SeriesCounter(series)`` is at zero, and its
    history starts with the first number taken.
    """

    last: int = 0

    def take(self, *, at: datetime) -> int:
        self._record(NumberTaken(at=at, series=self.id, number=self.last + 1))
        return self.last

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case NumberTaken():
                counter = cls(event.series)
                counter.apply(event)
                return counter
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case NumberTaken():
                self.last = event.number
            case _:
                super().apply(event)


# --- payments ------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PaymentRecorded(Event):
    payment_id: PaymentId
    account_id: AccountId
    amount: Money
    purpose: PaymentPurpose
    parts: tuple[StatementPart, ...]
    collection: Collection
    stub: Stub | None
    cashier: ActorId
    receipt_id: ReceiptId


@attrs.frozen(kw_only=True)
class PaymentVoided(Event):
    payment_id: PaymentId
    reason: str
    cashier: ActorId


@attrs.define(kw_only=True)
class Payment(Aggregate[PaymentId]):
    """``stub`` is the receipt book stub of a collected payment, ``None`` on the spot."""

    account_id: AccountId
    amount: Money
    purpose: PaymentPurpose
    parts: tuple[StatementPart, ...]
    collection: Collection
    stub: Stub | None = None
    cashier: ActorId
    receipt_id: ReceiptId
    at: datetime
    voided: bool = False
    void_reason: str = ""

    def void(self, *, reason: str, cashier: ActorId, at: datetime) -> None:
        """A mistaken payment is voided, never deleted: it and its receipt keep their number."""
        reason = check_text(reason, "reason", 500)
        if self.voided:
            raise IllegalTransition(
                _("Payment {id} is already voided."), code="payment.illegal_transition", id=self.id
            )
        self._record(PaymentVoided(at=at, payment_id=self.id, reason=reason, cashier=cashier))

    @classmethod
    def record(
        cls,
        payment_id: PaymentId,
        *,
        account_id: AccountId,
        amount: Money,
        purpose: PaymentPurpose,
        parts: tuple[StatementPart, ...],
        collection: Collection,
        stub: Stub | None,
        cashier: ActorId,
        receipt_id: ReceiptId,
        at: datetime,
    ) -> Payment:
        if not isinstance(amount, Money) or amount.is_negative or amount.is_zero:
            raise InvalidValue(_("A payment must be more than zero."), code="payment.invalid")
        if purpose is PaymentPurpose.STATEMENTS:
            if total((p.amount for p in parts), amount.currency) != amount:
                raise InvalidValue(
                    _("The parts of payment {id} do not add up to {amount}."),
                    code="payment.invalid",
                    id=payment_id,
                    amount=amount,
                )
        elif parts:
            raise InvalidValue(
                _("A deposit payment is not allocated to statements."), code="payment.invalid"
            )
        if (collection is Collection.COLLECTED) != (stub is not None):
            raise InvalidValue(
                _("A collected payment names its receipt book stub; one on the spot does not."),
                code="payment.invalid",
            )
        return cls._create(
            PaymentRecorded(
                at=at,
                payment_id=payment_id,
                account_id=account_id,
                amount=amount,
                purpose=PaymentPurpose(purpose),
                parts=parts,
                collection=Collection(collection),
                stub=stub,
                cashier=cashier,
                receipt_id=receipt_id,
            )
        )

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case PaymentRecorded():
                return cls(
                    event.payment_id,
                    account_id=event.account_id,
                    amount=event.amount,
                    purpose=event.purpose,
                    parts=event.parts,
                    collection=event.collection,
                    stub=event.stub,
                    cashier=event.cashier,
                    receipt_id=event.receipt_id,
                    at=event.at,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case PaymentVoided():
                self.voided, self.void_reason = True, event.reason
            case _:
                super().apply(event)


# --- receipts ------------------------------------------------------------------------------------


def receipt_id(series: SeriesId, number: int) -> ReceiptId:
    """The one id receipt ``number`` of ``series`` can have: a second one cannot be stored."""
    return ReceiptId(f"{series}:{number}")


@attrs.frozen(kw_only=True)
class ReceiptIssued(Event):
    receipt_id: ReceiptId
    series: SeriesId
    number: int
    text: str
    payment_id: PaymentId
    account_id: AccountId
    amount: Money


@attrs.frozen(kw_only=True)
class ReceiptVoided(Event):
    receipt_id: ReceiptId
    reason: str


@attrs.define(kw_only=True)
class Receipt(Aggregate[ReceiptId]):
    """Proof of one payment (收据), numbered in its series; never deleted."""

    series: SeriesId
    number: int
    text: str
    payment_id: PaymentId
    account_id: AccountId
    amount: Money
    issued_at: datetime
    voided: bool = False

    @classmethod
    def issue(
        cls,
        *,
        series: SeriesId,
        number: int,
        text: str,
        payment_id: PaymentId,
        account_id: AccountId,
        amount: Money,
        at: datetime,
    ) -> Receipt:
        check_text(text, "receipt number", 64)
        if number < 1:
            raise InvalidValue(_("Receipt numbers start at 1."), code="payment.invalid")
        return cls._create(
            ReceiptIssued(
                at=at,
                receipt_id=receipt_id(series, number),
                series=series,
                number=number,
                text=text,
                payment_id=payment_id,
                account_id=account_id,
                amount=amount,
            )
        )

    def void(self, *, reason: str, at: datetime) -> None:
        """Marked void, kept with its number, so the series stays without a gap."""
        if self.voided:
            raise IllegalTransition(
                _("Receipt {id} is already void."), code="receipt.illegal_transition", id=self.id
            )
        self._record(ReceiptVoided(at=at, receipt_id=self.id, reason=reason))

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case ReceiptIssued():
                return cls(
                    event.receipt_id,
                    series=event.series,
                    number=event.number,
                    text=event.text,
                    payment_id=event.payment_id,
                    account_id=event.account_id,
                    amount=event.amount,
                    issued_at=event.at,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case ReceiptVoided():
                self.voided = True
            case _:
                super().apply(event)
