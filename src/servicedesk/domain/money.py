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
from servicedesk.i18n import _, money_text

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
            _("The {what} must be given exactly (a decimal string or Decimal), not {value!r}."),
            code="money.invalid",
            what=_(what),
            value=value,
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
                _("The {what} {value!r} is not a number."),
                code="money.invalid",
                what=_(what),
                value=value,
            ) from None
    else:
        raise InvalidValue(
            _("The {what} must be a number, not {value!r}."),
            code="money.invalid",
            what=_(what),
            value=value,
        )
    if not result.is_finite():
        raise InvalidValue(
            _("The {what} must be a finite number."), code="money.invalid", what=_(what)
        )
    return result


#: No amount reaches it: every sum of amounts stays exact and fits a 64-bit count of fen.
BEYOND_ANY_AMOUNT = Decimal("1E15")


def _exact_amount(value: object) -> Decimal:
    amount = to_decimal(value)
    if abs(amount) >= BEYOND_ANY_AMOUNT:
        raise InvalidValue(
            _("An amount of money must be less than {limit}."),
            code="money.invalid",
            limit=f"{BEYOND_ANY_AMOUNT:,.0f}",
        )
    if amount != amount.quantize(FEN, rounding=decimal.ROUND_DOWN):
        raise InvalidValue(
            _("An amount of money has at most two decimals (fen), not {value}."),
            code="money.invalid",
            value=amount,
        )
    return amount.quantize(FEN)


def _currency(value: str) -> str:
    if not (isinstance(value, str) and len(value) == 3 and value.isalpha() and value.isupper()):
        raise InvalidValue(
            _("A currency is a three-letter ISO code such as CNY, not {value!r}."),
            code="money.invalid",
            value=value,
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
    def stored(cls, amount: Decimal, currency: str) -> Money:
        """An amount a store read back (exact fen, checked when written): not checked again,
        since a page of rows makes hundreds and the checks cost more than the rest of a row."""
        made = object.__new__(cls)
        object.__setattr__(made, "amount", amount)
        object.__setattr__(made, "currency", currency)
        return made

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
            raise InvalidValue(_("Only money can be added to money."), code="money.invalid")
        if other.currency != self.currency:
            raise InvalidValue(
                _("Cannot combine {a} with {b}: the currencies differ."),
                code="money.currency_mismatch",
                a=self.currency,
                b=other.currency,
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
        return money_text(self.amount, self.currency)


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
        raise InvalidValue(_("Nothing to allocate the amount to."), code="money.invalid")
    if any(w < 0 for w in exact):
        raise InvalidValue(_("Allocation weights must not be negative."), code="money.invalid")
    weight_sum = sum(exact, Decimal(0))
    if weight_sum == 0:
        raise InvalidValue(_("Allocation weights must not all be zero."), code="money.invalid")
    sign = -1 if whole.amount < 0 else 1
    whole_fen = abs(whole.fen)
    shares = [Decimal(whole_fen) * w / weight_sum for w in exact]
    floors = [int(s) for s in shares]
    left = whole_fen - sum(floors)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [Money.from_fen(sign * f, whole.currency) for f in floors]


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _group_in_words(number: int) -> str:
    """A number below 10000 in capitals, zeros between digits said once, trailing ones not."""
    words, zero = "", False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words += "零"
            zero = False
        words += _DIGITS[digit] + _PLACES[place]
    return words


def in_words(money: Money) -> str:
    """The amount in capital Chinese numerals, as receipts print it (大写金额).

    (rule billing.amount-in-words) 零 stands once for a run of zeros between
    digits (also across 万 and 亿), never at the end of the yuan; 整 closes an
    amount without fen; 角 is written out or skipped, so ``1005.00`` is
    壹仟零伍元整, ``10.00`` 壹拾元整, ``0.05`` 伍分, ``12.05`` 壹拾贰元零伍分.
    """
    fen = abs(money.fen)
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    if yuan >= 10**16:
        raise InvalidValue(
            _("An amount in words must be less than {limit}."), code="money.invalid", limit=10**16
        )
    groups: list[int] = []
    rest = yuan
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    words, skipped = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            skipped = bool(words)
            continue
        if words and (group < 1000 or skipped):
            words += "零"
        words += _group_in_words(group) + _GROUPS[index]
        skipped = False
    if words:
        words += "元"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif cents and words:
        words += "零"
    if cents:
        words += _DIGITS[cents] + "分"
    if not words:
        words = "零元"
    if not cents:
        words += "整"
    return ("负" if money.fen < 0 else "") + words
