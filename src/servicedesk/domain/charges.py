"""Charges: what one request costs the requester (rule billing.charge-lines, rule
billing.requester-confirms).

A charge is recorded line by line (service fee, materials, consented extra
fees), each line priced once with the policy's rounding, and its total is the
sum of its lines to the fen.  The requester confirms it; the assistant audits
it.  A confirmed charge is never edited again: a mistake is corrected by a
separate reversing charge that references it, so every statement and deposit
draw that used the original still adds up.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar, Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.billing import AccountId, BillingMode, ChargeId, StatementId
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money, Rounding, to_decimal, total
from servicedesk.domain.privacy import personal
from servicedesk.domain.values import ActorId, Choice, ItemId, RequestId, check_text
from servicedesk.i18n import _


class LineKind(Choice):
    SERVICE = "service"  # 服务费
    MATERIAL = "material"  # 材料费
    EXTRA = "extra"  # an extra fee the requester consented to (rule requests.extra-fee-consent)
    AGREEMENT = "agreement"  # a fee due under a service agreement


def positive_quantity(value: object) -> Decimal:
    """A quantity is an exact number above zero; a float or a negative count is refused."""
    quantity = to_decimal(value, "quantity")
    if quantity <= 0:
        raise InvalidValue(
            _("A quantity must be more than zero, not {value}."),
            code="charge.invalid",
            value=quantity,
        )
    return quantity


@attrs.frozen
class LineSpec:
    """A line as the clerk writes it, before pricing: what, how many, at what unit price."""

    kind: LineKind = attrs.field(converter=LineKind)
    description: str
    quantity: Decimal = attrs.field(converter=positive_quantity)
    unit_price: Money

    def __attrs_post_init__(self) -> None:
        check_text(self.description, "line description", 200)
        if not isinstance(self.unit_price, Money):
            raise InvalidValue(_("A unit price must be Money."), code="charge.invalid")
        if self.unit_price.is_negative:
            raise InvalidValue(_("A unit price must not be negative."), code="charge.invalid")

    def priced(self, rounding: Rounding) -> ChargeLine:
        amount = self.unit_price.times(self.quantity, rounding)
        return ChargeLine(self.kind, self.description, self.quantity, self.unit_price, amount)


@attrs.frozen
class ChargeLine:
    """A priced line; ``amount`` is negative only on a reversing charge."""

    kind: LineKind
    description: str
    quantity: Decimal
    unit_price: Money
    amount: Money

    def reversed(self) -> ChargeLine:
        return attrs.evolve(self, quantity=-self.quantity, amount=-self.amount)


class ChargeStatus(StrEnum):
    ESTIMATED = "estimated"  # an estimate given before work; no lines yet
    RECORDED = "recorded"  # lines recorded, waiting for the requester's confirmation
    CONFIRMED = "confirmed"  # confirmed by the requester: frozen for ever


def lines_total(lines: tuple[ChargeLine, ...], currency: str) -> Money:
    return total((line.amount for line in lines), currency)


def _one_currency(lines: tuple[ChargeLine, ...], currency: str) -> None:
    for line in lines:
        if line.unit_price.currency != currency:
            raise InvalidValue(
                _("The line {what!r} is priced in {got}; this account is billed in {want}."),
                code="charge.invalid",
                what=line.description,
                got=line.unit_price.currency,
                want=currency,
            )


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ChargeEstimated(Event):
    charge_id: ChargeId
    request_id: RequestId
    account_id: AccountId
    item_id: ItemId
    currency: str
    estimate: tuple[ChargeLine, ...]
    estimate_total: Money


@attrs.frozen(kw_only=True)
class ChargeRecorded(Event):
    """Lines recorded (or re-recorded before confirmation); the total is their sum."""

    charge_id: ChargeId
    request_id: RequestId
    account_id: AccountId
    item_id: ItemId
    currency: str
    lines: tuple[ChargeLine, ...]
    total: Money


@attrs.frozen(kw_only=True)
class ChargeConfirmed(Event):
    charge_id: ChargeId
    signed_by: str = personal()
    mode: BillingMode


@attrs.frozen(kw_only=True)
class ChargeAudited(Event):
    charge_id: ChargeId
    auditor: ActorId


@attrs.frozen(kw_only=True)
class ChargeReversalRecorded(Event):
    """A reversing charge: the negated lines of ``reverses``, confirmed at once."""

    charge_id: ChargeId
    reverses: ChargeId
    request_id: RequestId
    account_id: AccountId
    item_id: ItemId
    currency: str
    lines: tuple[ChargeLine, ...]
    total: Money
    mode: BillingMode
    reason: str
    recorded_by: ActorId


@attrs.frozen(kw_only=True)
class ChargeBilled(Event):
    """The charge went into a statement; it can go into no other.

    Read, never written: the statement's ``StatementIssued`` names its charges and
    the charge's ``statement_id`` is the link; stores migrated from the layout with a
    link per charge keep these events, so their histories replay and their audit
    records verify.
    """

    charge_id: ChargeId
    statement_id: StatementId


# --- aggregate -----------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class Charge(Aggregate[ChargeId]):
    """``total`` is ``None`` while only estimated; ``mode`` is ``None`` until confirmed.

    ``statement_id`` is a link the statement that bills the charge sets (``linked``):
    its ``StatementIssued`` names the charge, so the charge records no event of its own.
    """

    linked: ClassVar[tuple[str, ...]] = ("statement_id",)

    request_id: RequestId
    account_id: AccountId
    item_id: ItemId
    currency: str
    status: ChargeStatus = ChargeStatus.ESTIMATED
    estimate: tuple[ChargeLine, ...] = ()
    estimate_total: Money | None = None
    lines: tuple[ChargeLine, ...] = ()
    total: Money | None = None
    mode: BillingMode | None = None
    signed_by: str = personal(default="")
    confirmed_at: datetime | None = None
    auditor: ActorId | None = None
    #: When the charge was audited; a reversal, recorded by the assistant, is audited when
    #: recorded.
    audited_at: datetime | None = None
    reverses: ChargeId | None = None
    reason: str = ""
    statement_id: StatementId | None = None

    # -- queries ---------------------------------------------------------------

    @property
    def is_confirmed(self) -> bool:
        return self.status is ChargeStatus.CONFIRMED

    @property
    def amount(self) -> Money:
        """The confirmed or recorded total; zero while only estimated."""
        return self.total if self.total is not None else Money.zero(self.currency)

    def is_billable(self, before: datetime, *, audited: bool = False) -> bool:
        """Confirmed, on account, not yet on any statement, dated before ``before``.

        With ``audited``, also audited before ``before`` (rule
        billing.audit-before-statement): a charge the assistant has not checked by the
        cut-off waits for a later month.
        """
        return (
            self.is_confirmed
            and self.mode is BillingMode.ON_ACCOUNT
            and self.statement_id is None
            and self.confirmed_at is not None
            and self.confirmed_at < before
            and (not audited or (self.audited_at is not None and self.audited_at < before))
        )

    # -- commands --------------------------------------------------------------

    @classmethod
    def give_estimate(
        cls,
        charge_id: ChargeId,
        *,
        request_id: RequestId,
        account_id: AccountId,
        item_id: ItemId,
        currency: str,
        lines: tuple[LineSpec, ...],
        rounding: Rounding,
        at: datetime,
    ) -> Charge:
        """An estimate before work, where the price depends on materials or work (rule
        catalogue.estimate-first).
        """
        priced = _price(lines, rounding, currency, allow_extra=False)
        return cls._create(
            ChargeEstimated(
                at=at,
                charge_id=charge_id,
                request_id=request_id,
                account_id=account_id,
                item_id=item_id,
                currency=currency,
                estimate=priced,
                estimate_total=lines_total(priced, currency),
            )
        )

    @classmethod
    def open(
        cls,
        charge_id: ChargeId,
        *,
        request_id: RequestId,
        account_id: AccountId,
        item_id: ItemId,
        currency: str,
    ) -> Charge:
        """A charge with nothing recorded yet, for ``record`` to fill in."""
        return cls(
            charge_id,
            request_id=request_id,
            account_id=account_id,
            item_id=item_id,
            currency=currency,
            status=ChargeStatus.RECORDED,
        )

    def record(
        self,
        lines: tuple[LineSpec, ...],
        *,
        extras: tuple[ChargeLine, ...],
        rounding: Rounding,
        needs_estimate: bool,
        at: datetime,
    ) -> None:
        """Record the lines; ``extras`` are the consented extra fees of the request."""
        if self.is_confirmed:
            raise IllegalTransition(
                _(
                    "Charge {id} is confirmed; correct it with a reversing entry, never by "
                    "editing it."
                ),
                code="charge.illegal_transition",
                id=self.id,
            )
        if needs_estimate and self.estimate_total is None:
            raise IllegalTransition(
                _(
                    "The fee of this item depends on materials or work: give the requester "
                    "an estimate before work starts (charge {id})."
                ),
                code="charge.illegal_transition",
                id=self.id,
            )
        priced = _price(lines, rounding, self.currency, allow_extra=False) + extras
        if not priced:
            raise InvalidValue(_("A charge needs at least one line."), code="charge.invalid")
        _one_currency(priced, self.currency)
        self._record(
            ChargeRecorded(
                at=at,
                charge_id=self.id,
                request_id=self.request_id,
                account_id=self.account_id,
                item_id=self.item_id,
                currency=self.currency,
                lines=priced,
                total=lines_total(priced, self.currency),
            )
        )

    def confirm(self, *, signed_by: str, mode: BillingMode, at: datetime) -> None:
        """The requester confirms the charge (rule billing.requester-confirms); from now on it is
        frozen.
        """
        signed_by = check_text(signed_by, "signature", 100)
        if self.status is not ChargeStatus.RECORDED or not self.lines:
            raise IllegalTransition(
                _("Charge {id} is {status}; only a recorded charge can be confirmed."),
                code="charge.illegal_transition",
                id=self.id,
                status=self.status,
            )
        self._record(
            ChargeConfirmed(at=at, charge_id=self.id, signed_by=signed_by, mode=BillingMode(mode))
        )

    def audit(self, *, auditor: ActorId, at: datetime) -> None:
        """The assistant checks the confirmed charge (rule billing.assistant-audits)."""
        if not self.is_confirmed:
            raise IllegalTransition(
                _("Charge {id} is {status}; only a confirmed charge is audited."),
                code="charge.illegal_transition",
                id=self.id,
                status=self.status,
            )
        if self.auditor is not None:
            raise IllegalTransition(
                _("Charge {id} is already audited."), code="charge.illegal_transition", id=self.id
            )
        self._record(ChargeAudited(at=at, charge_id=self.id, auditor=auditor))

    def reversal(
        self, reversal_id: ChargeId, *, reason: str, recorded_by: ActorId, at: datetime
    ) -> Charge:
        """A new charge that cancels this one; this one is left exactly as it was."""
        reason = check_text(reason, "reason", 500)
        mode = self.mode  # set by the confirmation
        if not self.is_confirmed or mode is None:
            raise IllegalTransition(
                _("Charge {id} is {status}; it is not confirmed, so re-record it instead."),
                code="charge.illegal_transition",
                id=self.id,
                status=self.status,
            )
        if self.reverses is not None:
            raise IllegalTransition(
                _("Charge {id} is itself a reversal; record a new charge instead."),
                code="charge.illegal_transition",
                id=self.id,
            )
        lines = tuple(line.reversed() for line in self.lines)
        return Charge._create(
            ChargeReversalRecorded(
                at=at,
                charge_id=reversal_id,
                reverses=self.id,
                request_id=self.request_id,
                account_id=self.account_id,
                item_id=self.item_id,
                currency=self.currency,
                lines=lines,
                total=lines_total(lines, self.currency),
                mode=mode,
                reason=reason,
                recorded_by=recorded_by,
            )
        )

    def bill(self, statement_id: StatementId) -> None:
        """Check the charge may go into the statement, and link it (saved with the statement)."""
        if self.statement_id is not None:
            raise IllegalTransition(
                _("Charge {id} is already billed on statement {statement}."),
                code="charge.illegal_transition",
                id=self.id,
                statement=self.statement_id,
            )
        if not self.is_confirmed or self.mode is not BillingMode.ON_ACCOUNT:
            raise IllegalTransition(
                _("Charge {id} is not a confirmed charge on account."),
                code="charge.illegal_transition",
                id=self.id,
            )
        self.statement_id = statement_id

    # -- state -------------------------------------------------------------------

    @classmethod
    def created(cls, event: Event) -> Self:
        """An estimate, lines recorded with no estimate before them, or a reversal.

        Each names the request, the account, the item and the currency; the rest of
        what it says is applied as ``apply`` applies it.
        """
        match event:
            case ChargeEstimated() | ChargeRecorded() | ChargeReversalRecorded():
                charge = cls(
                    event.charge_id,
                    request_id=event.request_id,
                    account_id=event.account_id,
                    item_id=event.item_id,
                    currency=event.currency,
                )
                charge.apply(event)
                return charge
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case ChargeEstimated():
                self.estimate, self.estimate_total = event.estimate, event.estimate_total
                self.status = ChargeStatus.ESTIMATED
            case ChargeRecorded():
                self.lines, self.total = event.lines, event.total
                self.status = ChargeStatus.RECORDED
            case ChargeConfirmed():
                self.status, self.signed_by = ChargeStatus.CONFIRMED, event.signed_by
                self.mode, self.confirmed_at = event.mode, event.at
            case ChargeAudited():
                self.auditor, self.audited_at = event.auditor, event.at
            case ChargeReversalRecorded():
                self.lines, self.total = event.lines, event.total
                self.reverses, self.reason = event.reverses, event.reason
                self.mode, self.confirmed_at = event.mode, event.at
                self.status, self.signed_by = ChargeStatus.CONFIRMED, ""
                self.audited_at = event.at
            case ChargeBilled():
                self.statement_id = event.statement_id
            case _:
                super().apply(event)


def _price(
    lines: tuple[LineSpec, ...], rounding: Rounding, currency: str, *, allow_extra: bool
) -> tuple[ChargeLine, ...]:
    priced = []
    for spec in lines:
        if not isinstance(spec, LineSpec):
            raise InvalidValue(_("A charge line must be a LineSpec."), code="charge.invalid")
        if spec.kind in (LineKind.EXTRA, LineKind.AGREEMENT) and not allow_extra:
            raise InvalidValue(
                _(
                    "An extra fee comes only from the requester's recorded consent on the "
                    "request; it cannot be typed onto a charge."
                ),
                code="charge.invalid",
            )
        priced.append(spec.priced(rounding))
    result = tuple(priced)
    _one_currency(result, currency)
    return result
