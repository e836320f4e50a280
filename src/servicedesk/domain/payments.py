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

import attrs

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


@attrs.define
class SeriesCounter:
    """The last number taken in one series; numbers go 1, 2, 3 ... with no gap."""

    id: SeriesId
    last: int = 0
    version: int = 0
    events: list[Event] = attrs.field(factory=list, eq=False, repr=False)

    def take(self, *, at: datetime) -> int:
        self._record(NumberTaken(at=at, series=self.id, number=self.last + 1))
        return self.last

    def _record(self, event: Event) -> None:
        self.apply(event)
        self.events.append(event)

    def apply(self, event: Event) -> None:
        match event:
            case NumberTaken():
                self.last = event.number
            case _:
                raise TypeError(f"SeriesCounter cannot apply {type(event).__name__}")


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


@attrs.define
class Payment:
    id: PaymentId
    account_id: AccountId | None = None
    amount: Money | None = None
    purpose: PaymentPurpose = PaymentPurpose.STATEMENTS
    parts: tuple[StatementPart, ...] = ()
    collection: Collection = Collection.ON_THE_SPOT
    stub: Stub | None = None
    cashier: ActorId | None = None
    receipt_id: ReceiptId | None = None
    at: datetime | None = None
    voided: bool = False
    void_reason: str = ""
    version: int = 0
    events: list[Event] = attrs.field(factory=list, eq=False, repr=False)

    def void(self, *, reason: str, cashier: ActorId, at: datetime) -> None:
        """A mistaken payment is voided, never deleted: it and its receipt keep their number."""
        reason = check_text(reason, "reason", 500)
        if self.voided:
            raise IllegalTransition(_("Payment {id} is already voided.").format(id=self.id))
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
            raise InvalidValue(_("A payment must be more than zero."))
        if purpose is PaymentPurpose.STATEMENTS:
            if total((p.amount for p in parts), amount.currency) != amount:
                raise InvalidValue(
                    _("The parts of payment {id} do not add up to {amount}.").format(
                        id=payment_id, amount=amount
                    )
                )
        elif parts:
            raise InvalidValue(_("A deposit payment is not allocated to statements."))
        if (collection is Collection.COLLECTED) != (stub is not None):
            raise InvalidValue(
                _("A collected payment names its receipt book stub; one on the spot does not.")
            )
        payment = cls(payment_id)
        payment._record(
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
        return payment

    def _record(self, event: Event) -> None:
        self.apply(event)
        self.events.append(event)

    def apply(self, event: Event) -> None:
        match event:
            case PaymentRecorded():
                self.account_id, self.amount, self.purpose = (
                    event.account_id,
                    event.amount,
                    event.purpose,
                )
                self.parts, self.collection, self.stub = event.parts, event.collection, event.stub
                self.cashier, self.receipt_id, self.at = event.cashier, event.receipt_id, event.at
            case PaymentVoided():
                self.voided, self.void_reason = True, event.reason
            case _:
                raise TypeError(f"Payment cannot apply {type(event).__name__}")


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


@attrs.define
class Receipt:
    """Proof of one payment (收据), numbered in its series; never deleted."""

    id: ReceiptId
    series: SeriesId | None = None
    number: int = 0
    text: str = ""
    payment_id: PaymentId | None = None
    account_id: AccountId | None = None
    amount: Money | None = None
    issued_at: datetime | None = None
    voided: bool = False
    version: int = 0
    events: list[Event] = attrs.field(factory=list, eq=False, repr=False)

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
            raise InvalidValue(_("Receipt numbers start at 1."))
        rid = receipt_id(series, number)
        receipt = cls(rid)
        receipt._record(
            ReceiptIssued(
                at=at,
                receipt_id=rid,
                series=series,
                number=number,
                text=text,
                payment_id=payment_id,
                account_id=account_id,
                amount=amount,
            )
        )
        return receipt

    def void(self, *, reason: str, at: datetime) -> None:
        """Marked void, kept with its number, so the series stays without a gap."""
        if self.voided:
            raise IllegalTransition(_("Receipt {id} is already void.").format(id=self.id))
        self._record(ReceiptVoided(at=at, receipt_id=self.id, reason=reason))

    def _record(self, event: Event) -> None:
        self.apply(event)
        self.events.append(event)

    def apply(self, event: Event) -> None:
        match event:
            case ReceiptIssued():
                self.series, self.number, self.text = event.series, event.number, event.text
                self.payment_id, self.account_id = event.payment_id, event.account_id
                self.amount, self.issued_at = event.amount, event.at
            case ReceiptVoided():
                self.voided = True
            case _:
                raise TypeError(f"Receipt cannot apply {type(event).__name__}")
