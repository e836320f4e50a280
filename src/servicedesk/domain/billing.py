"""Values shared by the money side of the desk: ids, billing periods, billing modes.

A period is a calendar month in the organisation's time zone; its bounds are
computed from the zone passed in, never from the machine's clock or zone.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import ClassVar

import attrs

from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.values import Identifier, aware
from servicedesk.i18n import _


@attrs.frozen
class ChargeId(Identifier):
    """Identifies a charge; ``<request>:<n>`` so a request's charges never collide."""


@attrs.frozen
class AccountId(Identifier):
    """Identifies a requester's account (owner on account, tenant with a deposit)."""


@attrs.frozen
class StatementId(Identifier):
    """``<account>:<period>``: one statement per account and month, by construction."""

    longest_given: ClassVar[int] = 64  # derived, and given back whole


@attrs.frozen
class AgreementId(Identifier):
    """Identifies a service agreement (特约服务协议)."""


@attrs.frozen
class PaymentId(Identifier):
    """Identifies one payment taken by a cashier."""


@attrs.frozen
class ReceiptId(Identifier):
    """``<series>:<number>``: a receipt number exists once per series, by construction."""

    longest_given: ClassVar[int] = 64  # derived, and given back whole


@attrs.frozen
class InvoiceId(Identifier):
    """Identifies the invoice of one charge."""


@attrs.frozen
class ReceiptBookId(Identifier):
    """Identifies a book of pre-printed receipt stubs issued to a collector."""


@attrs.frozen
class CostId(Identifier):
    """Identifies a cost the centre paid for a job (materials bought, a contractor)."""


@attrs.frozen
class SeriesId(Identifier):
    """Identifies a gapless number series, e.g. ``receipt:PSC:2026``."""

    longest_given: ClassVar[int] = 64  # derived, and given back whole


class BillingMode(StrEnum):
    """How a requester pays (rule billing.mode-by-requester): chosen per account by policy."""

    ON_ACCOUNT = "on_account"  # 记账月结: owners, one statement a month
    DEPOSIT = "deposit"  # 服务保证金: tenants, drawn down by each charge


_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def _month(_instance: object, _attribute: object, value: int) -> None:
    if not isinstance(value, int) or not 1 <= value <= 12:
        raise InvalidValue(
            _("A month is a number from 1 to 12, not {value!r}."),
            code="billing.invalid",
            value=value,
        )


def _year(_instance: object, _attribute: object, value: int) -> None:
    if not isinstance(value, int) or not 2000 <= value <= 2999:
        raise InvalidValue(
            _("A billing year must be between 2000 and 2999."), code="billing.invalid"
        )


@attrs.frozen(order=True)
class Period:
    """A billing month, e.g. ``Period.parse("2026-03")``."""

    year: int = attrs.field(validator=_year)
    month: int = attrs.field(validator=_month)

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        if isinstance(text, Period):
            return text
        match = _PERIOD.match(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidValue(
                _("A billing period is written YYYY-MM, not {value!r}."),
                code="billing.invalid",
                value=text,
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, at: datetime, tz: tzinfo) -> Period:
        local = aware(at).astimezone(tz)
        return cls(local.year, local.month)

    def start(self, tz: tzinfo) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=tz)

    def end(self, tz: tzinfo) -> datetime:
        """The first instant after the period: the next month's start."""
        return self.next().start(tz)

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
