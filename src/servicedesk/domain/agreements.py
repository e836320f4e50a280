"""Service agreements (特约服务协议): recurring service billed by its own terms.

An agreement belongs to an on-account requester, or to a tenant whose deposit
pays its fees month by month (rule billing.tenant-agreement-deposit).  Its terms say a monthly
fee, a fee per visit, or both, and on which days of the month a visit is
scheduled (rule billing.agreement-visits, rule billing.agreement-terms).  The monthly statement run
bills each month of an
agreement once: the agreement remembers which months it was billed for, and
refuses a second bill for the same month.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.billing import AccountId, AgreementId, Period, StatementId
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money, Rounding
from servicedesk.domain.values import ItemId, check_text
from servicedesk.i18n import _

#: A whole number of visits times a price in fen is exact; the rounding never applies.
_NO_ROUNDING = Rounding.HALF_UP


@attrs.frozen
class AgreementTerms:
    description: str
    monthly_fee: Money | None = None
    visit_fee: Money | None = None
    visit_days: tuple[int, ...] = ()  # days of the month a visit is scheduled (1-28)

    def __attrs_post_init__(self) -> None:
        check_text(self.description, "agreement description", 200)
        if self.monthly_fee is None and self.visit_fee is None:
            raise InvalidValue(
                _("An agreement charges a monthly fee, a fee per visit, or both."),
                code="agreement.invalid",
            )
        for fee in (self.monthly_fee, self.visit_fee):
            if fee is not None and (not isinstance(fee, Money) or fee.is_negative or fee.is_zero):
                raise InvalidValue(
                    _("An agreement's fees are Money above zero."), code="agreement.invalid"
                )
        if any(not isinstance(d, int) or not 1 <= d <= 28 for d in self.visit_days):
            raise InvalidValue(
                _("Visits are scheduled on days 1 to 28 of the month."), code="agreement.invalid"
            )


@attrs.frozen
class Billed:
    period: Period
    statement_id: StatementId


@attrs.frozen
class Drawn:
    """A month of a tenant's agreement, drawn from the deposit (rule
    billing.tenant-agreement-deposit)."""

    period: Period
    amount: Money


@attrs.frozen(kw_only=True)
class AgreementSigned(Event):
    agreement_id: AgreementId
    account_id: AccountId
    item_id: ItemId
    terms: AgreementTerms
    start: Period


@attrs.frozen(kw_only=True)
class AgreementVisitRecorded(Event):
    agreement_id: AgreementId


@attrs.frozen(kw_only=True)
class AgreementBilled(Event):
    agreement_id: AgreementId
    billed: Billed


@attrs.frozen(kw_only=True)
class AgreementDrawn(Event):
    agreement_id: AgreementId
    drawn: Drawn


@attrs.frozen(kw_only=True)
class AgreementEnded(Event):
    agreement_id: AgreementId
    last: Period


@attrs.define(kw_only=True)
class Agreement(Aggregate[AgreementId]):
    """``last`` is the last month in force, ``None`` until the agreement is ended."""

    account_id: AccountId
    item_id: ItemId
    terms: AgreementTerms
    start: Period
    last: Period | None = None
    visits: tuple[datetime, ...] = ()
    billed: tuple[Billed, ...] = ()
    drawn: tuple[Drawn, ...] = ()

    def is_active(self, period: Period) -> bool:
        return self.start <= period and (self.last is None or period <= self.last)

    def is_billed(self, period: Period) -> bool:
        """Billed on a statement, or drawn from a deposit, for ``period``."""
        return any(b.period == period for b in self.billed) or any(
            d.period == period for d in self.drawn
        )

    def scheduled_visits(self, period: Period) -> list[date]:
        if not self.is_active(period):
            return []
        return [date(period.year, period.month, d) for d in sorted(set(self.terms.visit_days))]

    def fees_for(self, period: Period, tz: tzinfo) -> list[tuple[str, Money]]:
        """What the month owes: (description, amount); nothing if billed or not active."""
        if not self.is_active(period) or self.is_billed(period):
            return []
        fees: list[tuple[str, Money]] = []
        if self.terms.monthly_fee is not None:
            fees.append(
                (
                    _("{what}: monthly fee").format(what=self.terms.description),
                    self.terms.monthly_fee,
                )
            )
        if self.terms.visit_fee is not None:
            visits = [v for v in self.visits if Period.of(v, tz) == period]
            if visits:
                fees.append(
                    (
                        _("{what}: {n} visits").format(what=self.terms.description, n=len(visits)),
                        self.terms.visit_fee.times(len(visits), _NO_ROUNDING),
                    )
                )
        return fees

    @classmethod
    def sign(
        cls,
        agreement_id: AgreementId,
        *,
        account_id: AccountId,
        item_id: ItemId,
        terms: AgreementTerms,
        start: Period,
        at: datetime,
    ) -> Agreement:
        return cls._create(
            AgreementSigned(
                at=at,
                agreement_id=agreement_id,
                account_id=account_id,
                item_id=item_id,
                terms=terms,
                start=start,
            )
        )

    def record_visit(self, *, at: datetime, tz: tzinfo) -> None:
        if not self.is_active(Period.of(at, tz)):
            raise IllegalTransition(
                _("Agreement {id} is not in force this month."),
                code="agreement.illegal_transition",
                id=self.id,
            )
        self._record(AgreementVisitRecorded(at=at, agreement_id=self.id))

    def bill(self, period: Period, statement_id: StatementId, *, at: datetime) -> None:
        if self.is_billed(period):
            raise IllegalTransition(
                _("Agreement {id} is already billed for {period}."),
                code="agreement.illegal_transition",
                id=self.id,
                period=period,
            )
        self._record(
            AgreementBilled(at=at, agreement_id=self.id, billed=Billed(period, statement_id))
        )

    def draw(self, period: Period, amount: Money, *, at: datetime) -> None:
        """The month's fees taken from the tenant's deposit; a month is drawn once."""
        if self.is_billed(period):
            raise IllegalTransition(
                _("Agreement {id} is already billed for {period}."),
                code="agreement.illegal_transition",
                id=self.id,
                period=period,
            )
        self._record(AgreementDrawn(at=at, agreement_id=self.id, drawn=Drawn(period, amount)))

    def end(self, last: Period, *, at: datetime) -> None:
        if self.last is not None:
            raise IllegalTransition(
                _("Agreement {id} has already ended."),
                code="agreement.illegal_transition",
                id=self.id,
            )
        months = [b.period for b in self.billed] + [d.period for d in self.drawn]
        if last < self.start or any(month > last for month in months):
            raise InvalidValue(
                _("Agreement {id} cannot end before {start} or before a billed month."),
                code="agreement.invalid",
                id=self.id,
                start=self.start,
            )
        self._record(AgreementEnded(at=at, agreement_id=self.id, last=last))

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case AgreementSigned():
                return cls(
                    event.agreement_id,
                    account_id=event.account_id,
                    item_id=event.item_id,
                    terms=event.terms,
                    start=event.start,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case AgreementVisitRecorded():
                self.visits = (*self.visits, event.at)
            case AgreementBilled():
                self.billed = (*self.billed, event.billed)
            case AgreementDrawn():
                self.drawn = (*self.drawn, event.drawn)
            case AgreementEnded():
                self.last = event.last
            case _:
                super().apply(event)
