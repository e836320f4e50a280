"""Commands of the money side: charges, accounts, statements, payments, paperwork.

Like every command they are frozen values checked when built: an amount given
as a float, a negative quantity or a malformed period fails here, before any
record is touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import attrs

from servicedesk.app.command import Command
from servicedesk.domain import reserved
from servicedesk.domain.agreements import AgreementTerms
from servicedesk.domain.billing import (
    AccountId,
    AgreementId,
    ChargeId,
    CostId,
    InvoiceId,
    PaymentId,
    Period,
    ReceiptBookId,
    StatementId,
)
from servicedesk.domain.charges import LineSpec
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.money import Money
from servicedesk.domain.payments import Collection
from servicedesk.domain.privacy import personal
from servicedesk.domain.reserved import ReservedAct
from servicedesk.domain.values import (
    ActorId,
    ItemId,
    Requester,
    RequesterEvidence,
    RequestId,
    as_tuple,
)
from servicedesk.i18n import _


def to_money(value: object) -> Money:
    """Money as given, or a decimal string / ``Decimal`` / ``int``; a float is refused."""
    return value if isinstance(value, Money) else Money.of(value)


def to_period(value: Period | str) -> Period:
    return Period.parse(value)


def to_statement_ids(values: Iterable[StatementId | str]) -> tuple[StatementId, ...]:
    if isinstance(values, str):
        raise InvalidValue(_("Statement ids come as a list, not one text."), code="billing.invalid")
    items = as_tuple(values)
    return tuple(StatementId(v) for v in items) if isinstance(items, tuple) else items


def _whole(_instance: object, attribute: attrs.Attribute[int], value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise InvalidValue(
            _("The {what} must be a whole number."), code="billing.invalid", what=attribute.name
        )


# --- accounts and deposits -----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class OpenAccount(Command):
    """Open the account a requester is billed on; the billing mode comes from policy."""

    requester: Requester
    account_id: AccountId | None = attrs.field(
        default=None, converter=attrs.converters.optional(AccountId)
    )


@attrs.frozen(kw_only=True)
class PayDeposit(Command):
    """A cashier takes money into a tenant's deposit (first payment or top-up)."""

    reserved: ClassVar[ReservedAct | None] = reserved.TAKE_MONEY
    account_id: AccountId = attrs.field(converter=AccountId)
    amount: Money = attrs.field(converter=to_money)
    collection: Collection = attrs.field(default=Collection.ON_THE_SPOT, converter=Collection)
    book_id: ReceiptBookId | None = attrs.field(
        default=None, converter=attrs.converters.optional(ReceiptBookId)
    )
    stub: int | None = attrs.field(default=None, validator=_whole)


@attrs.frozen(kw_only=True)
class RefundDeposit(Command):
    """A cashier pays part of a deposit back; never more than its balance."""

    reserved: ClassVar[ReservedAct | None] = reserved.PAY_BACK_MONEY
    account_id: AccountId = attrs.field(converter=AccountId)
    amount: Money = attrs.field(converter=to_money)


@attrs.frozen(kw_only=True)
class CloseAccount(Command):
    """The requester leaves: a deposit's remainder is refunded, the account closed."""

    reserved: ClassVar[ReservedAct | None] = reserved.CLOSE_ACCOUNT
    account_id: AccountId = attrs.field(converter=AccountId)


# --- charges -------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class GiveEstimate(Command):
    """The estimate given before work where the fee standard needs one (rule
    catalogue.estimate-first).
    """

    on_work_order: ClassVar[bool] = True
    request_id: RequestId = attrs.field(converter=RequestId)
    lines: tuple[LineSpec, ...] = attrs.field(converter=as_tuple)


@attrs.frozen(kw_only=True)
class RecordCharge(Command):
    """Record what the job costs; without a service line, the price set at triage is used.

    The request's consented extra fees are added as lines by themselves.
    """

    on_work_order: ClassVar[bool] = True
    request_id: RequestId = attrs.field(converter=RequestId)
    lines: tuple[LineSpec, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True)
class ConfirmCharge(Command):
    """The requester confirms the charge; a deposit account is drawn at once.

    The requester's own act (rule requests.requesters-own-acts): given by the
    requester, or recorded by desk staff with ``evidence``.
    """

    reserved: ClassVar[ReservedAct | None] = reserved.REQUESTERS_WORD
    charge_id: ChargeId = attrs.field(converter=ChargeId)
    signed_by: str = personal()
    #: How the requester gave it and who witnessed it, when staff record it for him.
    evidence: RequesterEvidence | None = None


@attrs.frozen(kw_only=True)
class AuditCharge(Command):
    """The assistant audits a confirmed charge (assistant role)."""

    reserved: ClassVar[ReservedAct | None] = reserved.AUDIT_CHARGE
    charge_id: ChargeId = attrs.field(converter=ChargeId)


@attrs.frozen(kw_only=True)
class ReverseCharge(Command):
    """Cancel a confirmed charge by a reversing charge (assistant role)."""

    reserved: ClassVar[ReservedAct | None] = reserved.REVERSE_CHARGE
    charge_id: ChargeId = attrs.field(converter=ChargeId)
    reason: str


@attrs.frozen(kw_only=True)
class RecordCost(Command):
    """What the centre paid for a job, for the revenue and cost report."""

    request_id: RequestId = attrs.field(converter=RequestId)
    amount: Money = attrs.field(converter=to_money)
    description: str
    cost_id: CostId | None = attrs.field(default=None, converter=attrs.converters.optional(CostId))


# --- statements, agreements, payments ------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CloseMonth(Command):
    """Issue the month's statements; running it again changes nothing."""

    period: Period = attrs.field(converter=to_period)


@attrs.frozen(kw_only=True)
class SignAgreement(Command):
    account_id: AccountId = attrs.field(converter=AccountId)
    item_id: ItemId = attrs.field(converter=ItemId)
    terms: AgreementTerms
    start: Period = attrs.field(converter=to_period)
    agreement_id: AgreementId | None = attrs.field(
        default=None, converter=attrs.converters.optional(AgreementId)
    )


@attrs.frozen(kw_only=True)
class RecordAgreementVisit(Command):
    agreement_id: AgreementId = attrs.field(converter=AgreementId)


@attrs.frozen(kw_only=True)
class EndAgreement(Command):
    agreement_id: AgreementId = attrs.field(converter=AgreementId)
    last: Period = attrs.field(converter=to_period)


@attrs.frozen(kw_only=True)
class RecordPayment(Command):
    """A cashier takes a payment of statements: the named ones, or all that are open."""

    reserved: ClassVar[ReservedAct | None] = reserved.TAKE_MONEY
    account_id: AccountId = attrs.field(converter=AccountId)
    amount: Money = attrs.field(converter=to_money)
    statement_ids: tuple[StatementId, ...] = attrs.field(default=(), converter=to_statement_ids)
    collection: Collection = attrs.field(default=Collection.ON_THE_SPOT, converter=Collection)
    book_id: ReceiptBookId | None = attrs.field(
        default=None, converter=attrs.converters.optional(ReceiptBookId)
    )
    stub: int | None = attrs.field(default=None, validator=_whole)


@attrs.frozen(kw_only=True)
class VoidPayment(Command):
    """A cashier voids a mistaken payment; it and its receipt keep their numbers."""

    reserved: ClassVar[ReservedAct | None] = reserved.VOID_PAYMENT
    payment_id: PaymentId = attrs.field(converter=PaymentId)
    reason: str


# --- invoices and receipt books ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RequestInvoice(Command):
    charge_id: ChargeId = attrs.field(converter=ChargeId)


@attrs.frozen(kw_only=True)
class IssueInvoice(Command):
    reserved: ClassVar[ReservedAct | None] = reserved.ISSUE_INVOICE
    invoice_id: InvoiceId = attrs.field(converter=InvoiceId)
    number: str


@attrs.frozen(kw_only=True)
class DeliverInvoice(Command):
    invoice_id: InvoiceId = attrs.field(converter=InvoiceId)


@attrs.frozen(kw_only=True)
class IssueReceiptBook(Command):
    reserved: ClassVar[ReservedAct | None] = reserved.ISSUE_RECEIPT_BOOK
    book_id: ReceiptBookId = attrs.field(converter=ReceiptBookId)
    collector: ActorId = attrs.field(converter=ActorId)
    first: int = attrs.field(validator=_whole)
    last: int = attrs.field(validator=_whole)


@attrs.frozen(kw_only=True)
class ReturnStubs(Command):
    """The collector hands the book back with the stubs written; the cashier reconciles."""

    reserved: ClassVar[ReservedAct | None] = reserved.RETURN_RECEIPT_BOOK
    book_id: ReceiptBookId = attrs.field(converter=ReceiptBookId)
    written: tuple[int, ...] = attrs.field(converter=as_tuple)
