"""Exact money: ``Decimal`` amounts in fen, a currency, explicit rounding.

Floats are refused at the door: a float cannot hold 0.10 exactly, and one
cent of drift per statement is how peers lost their users' trust.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import StrEnum

import attrs

from servicedesk.domain.errors import InvalidValue
from servicedesk.i18n import _

FEN = Decimal("0.01")
DEFAULT_CURRENCY = "CNY"


class Rounding(StrEnum):
    """How an amount with more than two decimals is brought to the fen."""

    HALF_UP = decimal.ROUND_HALF_UP
    HALF_EVEN = decimal.ROUND_HALF_EVEN
    DOWN = decimal.ROUND_DOWN
    UP = decimal.ROUND_UP


def to_decimal(value: object, what: str = "amount") -> Decimal:
    """Accept ``Decimal``, ``int`` or a decimal string; refuse floats and junk."""
    if isinstance(value, (bool, float)):
        raise InvalidValue(
            _(
                "The {what} must be given exactly (a decimal string or Decimal), not {value!r}."
            ).format(what=_(what), value=value)
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except decimal.InvalidOperation:
            raise InvalidValue(
                _("The {what} {value!r} is not a number.").format(what=_(what), value=value)
            ) from None
    else:
        raise InvalidValue(
            _("The {what} must be a number, not {value!r}.").format(what=_(what), value=value)
        )
    if not result.is_finite():
        raise InvalidValue(_("The {what} must be a finite number.").format(what=_(what)))
    return result


#: No amount reaches it: every sum of amounts stays exact and fits a 64-bit count of fen.
BEYOND_ANY_AMOUNT = Decimal("1E15")


def _exact_amount(value: object) -> Decimal:
    amount = to_decimal(value)
    if abs(amount) >= BEYOND_ANY_AMOUNT:
        raise InvalidValue(
            _("An amount of money must be less than {limit}.").format(
                limit=f"{BEYOND_ANY_AMOUNT:,.0f}"
            )
        )
    if amount != amount.quantize(FEN, rounding=decimal.ROUND_DOWN):
        raise InvalidValue(
            _("An amount of money has at most two decimals (fen), not {value}.").format(
                value=amount
            )
        )
    return amount.quantize(FEN)


def _currency(value: str) -> str:
    if not (isinstance(value, str) and len(value) == 3 and value.isalpha() and value.isupper()):
        raise InvalidValue(
            _("A currency is a three-letter ISO code such as CNY, not {value!r}.").format(
                value=value
            )
        )
    return value


@attrs.frozen(order=False)
class Money:
    """An exact amount, always held to the fen, in one currency."""

    amount: Decimal = attrs.field(converter=_exact_amount)
    currency: str = attrs.field(default=DEFAULT_CURRENCY, converter=_currency)

    @classmethod
    def of(cls, value: object, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(value, currency)

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(Decimal("0.00"), currency)

    @classmethod
    def rounded(cls, value: object, rounding: Rounding, currency: str = DEFAULT_CURRENCY) -> Money:
        """Bring any exact decimal to the fen with the policy's rounding."""
        return cls(to_decimal(value).quantize(FEN, rounding=str(rounding)), currency)

    @property
    def fen(self) -> int:
        return int(self.amount * 100)

    @classmethod
    def from_fen(cls, fen: int, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(Decimal(fen) / 100, currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise InvalidValue(_("Only money can be added to money."))
        if other.currency != self.currency:
            raise InvalidValue(
                _("Cannot combine {a} with {b}: the currencies differ.").format(
                    a=self.currency, b=other.currency
                )
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def times(self, quantity: object, rounding: Rounding) -> Money:
        """Price times a quantity, rounded once, at the end, by the policy."""
        return Money.rounded(
            self.amount * to_decimal(quantity, "quantity"), rounding, self.currency
        )

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def __str__(self) -> str:
        return f"{self.amount:,.2f} {self.currency}"


def total(amounts: Iterable[Money], currency: str = DEFAULT_CURRENCY) -> Money:
    """Sum of money; the empty sum is zero in ``currency``."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


def allocate(whole: Money, weights: Sequence[object]) -> list[Money]:
    """Split ``whole`` in proportion to ``weights`` by largest remainder.

    The parts always add up to the whole, to the fen: no split rounds away a
    cent.  Ties in the remainders go to the earlier weight, so the split is
    reproducible.
    """
    exact = [to_decimal(w, "weight") for w in weights]
    if not exact:
        raise InvalidValue(_("Nothing to allocate the amount to."))
    if any(w < 0 for w in exact):
        raise InvalidValue(_("Allocation weights must not be negative."))
    weight_sum = sum(exact, Decimal(0))
    if weight_sum == 0:
        raise InvalidValue(_("Allocation weights must not all be zero."))
    sign = -1 if whole.amount < 0 else 1
    whole_fen = abs(whole.fen)
    shares = [Decimal(whole_fen) * w / weight_sum for w in exact]
    floors = [int(s) for s in shares]
    left = whole_fen - sum(floors)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [Money.from_fen(sign * f, whole.currency) for f in floors]
