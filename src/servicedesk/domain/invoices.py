"""Invoices and receipt books: the paper side of taking money.

An invoice (发票) is issued and delivered within the deadline the policy sets
(24 hours by default), and its number is kept with the job (rule billing.invoice-within-24h).
A receipt book (收款票据) is stock of pre-printed stubs issued to a collector;
each collected payment uses one stub, and when the book comes back its stubs
are reconciled against the payments recorded (rule billing.receipt-books): a stub written
but never paid to the cashier shows up as a discrepancy.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.billing import ChargeId, InvoiceId, PaymentId, ReceiptBookId
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money
from servicedesk.domain.values import ActorId, RequestId, check_text
from servicedesk.i18n import _

# --- invoices ------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class InvoiceRequested(Event):
    invoice_id: InvoiceId
    charge_id: ChargeId
    request_id: RequestId
    amount: Money
    deadline: datetime


@attrs.frozen(kw_only=True)
class InvoiceIssued(Event):
    invoice_id: InvoiceId
    number: str


@attrs.frozen(kw_only=True)
class InvoiceDelivered(Event):
    invoice_id: InvoiceId


@attrs.define(kw_only=True)
class Invoice(Aggregate[InvoiceId]):
    """``number`` and ``issued_at`` are ``None`` until issued, ``delivered_at`` until delivered."""

    charge_id: ChargeId
    request_id: RequestId
    amount: Money
    requested_at: datetime
    deadline: datetime
    number: str | None = None
    issued_at: datetime | None = None
    delivered_at: datetime | None = None

    def is_overdue(self, now: datetime) -> bool:
        """Past its deadline and still not delivered: someone must take it round now."""
        return self.delivered_at is None and now > self.deadline

    @property
    def delivered_late(self) -> bool:
        return self.delivered_at is not None and self.delivered_at > self.deadline

    @classmethod
    def request(
        cls,
        invoice_id: InvoiceId,
        *,
        charge_id: ChargeId,
        request_id: RequestId,
        amount: Money,
        deadline: datetime,
        at: datetime,
    ) -> Invoice:
        if deadline <= at:
            raise InvalidValue(
                _("An invoice deadline must be after it is asked for."), code="invoice.invalid"
            )
        if amount.is_negative or amount.is_zero:
            raise InvalidValue(_("An invoice is for an amount above zero."), code="invoice.invalid")
        return cls._create(
            InvoiceRequested(
                at=at,
                invoice_id=invoice_id,
                charge_id=charge_id,
                request_id=request_id,
                amount=amount,
                deadline=deadline,
            )
        )

    def issue(self, number: str, *, at: datetime) -> None:
        number = check_text(number, "invoice number", 64)
        if self.number is not None:
            raise IllegalTransition(
                _("Invoice {id} is already issued as number {number}."),
                code="invoice.illegal_transition",
                id=self.id,
                number=self.number,
            )
        self._record(InvoiceIssued(at=at, invoice_id=self.id, number=number))

    def deliver(self, *, at: datetime) -> None:
        if self.number is None:
            raise IllegalTransition(
                _("Invoice {id} has no number yet; issue it first."),
                code="invoice.illegal_transition",
                id=self.id,
            )
        if self.delivered_at is not None:
            raise IllegalTransition(
                _("Invoice {id} is already delivered."),
                code="invoice.illegal_transition",
                id=self.id,
            )
        self._record(InvoiceDelivered(at=at, invoice_id=self.id))

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case InvoiceRequested():
                return cls(
                    event.invoice_id,
                    charge_id=event.charge_id,
                    request_id=event.request_id,
                    amount=event.amount,
                    requested_at=event.at,
                    deadline=event.deadline,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case InvoiceIssued():
                self.number, self.issued_at = event.number, event.at
            case InvoiceDelivered():
                self.delivered_at = event.at
            case _:
                super().apply(event)


# --- receipt books -------------------------------------------------------------------------------


class BookStatus(StrEnum):
    ISSUED = "issued"  # with the collector
    RECONCILED = "reconciled"  # stubs back, every one matched
    DISCREPANT = "discrepant"  # stubs back, some did not match: look into it


@attrs.frozen
class UsedStub:
    number: int
    payment_id: PaymentId
    amount: Money


@attrs.frozen(kw_only=True)
class ReceiptBookIssued(Event):
    book_id: ReceiptBookId
    collector: ActorId
    first: int
    last: int


@attrs.frozen(kw_only=True)
class StubUsed(Event):
    book_id: ReceiptBookId
    stub: UsedStub


@attrs.frozen(kw_only=True)
class StubsReturned(Event):
    book_id: ReceiptBookId
    returned: tuple[int, ...]
    missing: tuple[int, ...]  # payments recorded on a stub that did not come back
    unrecorded: tuple[int, ...]  # stubs written with no payment recorded for them


@attrs.define(kw_only=True)
class ReceiptBook(Aggregate[ReceiptBookId]):
    collector: ActorId
    first: int
    last: int
    used: tuple[UsedStub, ...] = ()
    status: BookStatus = BookStatus.ISSUED
    returned: tuple[int, ...] = ()
    missing: tuple[int, ...] = ()
    unrecorded: tuple[int, ...] = ()

    @classmethod
    def issue(
        cls, book_id: ReceiptBookId, *, collector: ActorId, first: int, last: int, at: datetime
    ) -> ReceiptBook:
        if not (isinstance(first, int) and isinstance(last, int)) or not 1 <= first <= last:
            raise InvalidValue(
                _("A receipt book runs from a first to a last stub number."), code="invoice.invalid"
            )
        return cls._create(
            ReceiptBookIssued(at=at, book_id=book_id, collector=collector, first=first, last=last)
        )

    def use(self, number: int, *, payment_id: PaymentId, amount: Money, at: datetime) -> None:
        """A payment the collector took on stub ``number``, recorded by the cashier."""
        if self.status is not BookStatus.ISSUED:
            raise IllegalTransition(
                _("Receipt book {id} has been returned."),
                code="invoice.illegal_transition",
                id=self.id,
            )
        if not self.first <= number <= self.last:
            raise InvalidValue(
                _("Stub {n} is not in receipt book {id} ({first}-{last})."),
                code="invoice.invalid",
                n=number,
                id=self.id,
                first=self.first,
                last=self.last,
            )
        if any(s.number == number for s in self.used):
            raise IllegalTransition(
                _("Stub {n} of receipt book {id} is already used."),
                code="invoice.illegal_transition",
                n=number,
                id=self.id,
            )
        self._record(StubUsed(at=at, book_id=self.id, stub=UsedStub(number, payment_id, amount)))

    def return_stubs(self, written: tuple[int, ...], *, at: datetime) -> None:
        """The collector hands back the written stubs; the rest of the book is blank."""
        if self.status is not BookStatus.ISSUED:
            raise IllegalTransition(
                _("Receipt book {id} is already returned."),
                code="invoice.illegal_transition",
                id=self.id,
            )
        for number in written:
            if not self.first <= number <= self.last:
                raise InvalidValue(
                    _("Stub {n} is not in receipt book {id}."),
                    code="invoice.invalid",
                    n=number,
                    id=self.id,
                )
        handed = set(written)
        recorded = {s.number for s in self.used}
        self._record(
            StubsReturned(
                at=at,
                book_id=self.id,
                returned=tuple(sorted(handed)),
                missing=tuple(sorted(recorded - handed)),
                unrecorded=tuple(sorted(handed - recorded)),
            )
        )

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case ReceiptBookIssued():
                return cls(
                    event.book_id, collector=event.collector, first=event.first, last=event.last
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case StubUsed():
                self.used = (*self.used, event.stub)
            case StubsReturned():
                self.returned, self.missing = event.returned, event.missing
                self.unrecorded = event.unrecorded
                clean = not event.missing and not event.unrecorded
                self.status = BookStatus.RECONCILED if clean else BookStatus.DISCREPANT
            case _:
                super().apply(event)
