"""Paged lists of accounts, statements, payments and receipts (``desk.billing.*_page``).

Answered from indexed projection columns (the functions below are their
projections), as small rows; an account's unit and holder are masked unless the
caller may read the account in full (``billing.account``).
"""

from __future__ import annotations

import functools
from datetime import datetime, tzinfo
from typing import Any

import attrs

from servicedesk.app.pages import Condition, Listing, members
from servicedesk.domain.accounts import AccountStatus
from servicedesk.domain.billing import (
    AccountId,
    PaymentId,
    Period,
    ReceiptId,
    SeriesId,
    StatementId,
)
from servicedesk.domain.money import Money
from servicedesk.domain.payments import PaymentPurpose
from servicedesk.domain.statements import Statement, StatementStatus
from servicedesk.domain.values import RequesterKind, mask

#: A period per distinct text: a page's rows share a few, and parsing costs more than a row.
stored_period = functools.lru_cache(maxsize=1024)(Period.parse)


def _money(row: Any, field: str) -> Money:
    return Money.stored(getattr(row, field), row.currency)


def open_due(statement: Statement) -> datetime | None:
    """When an open statement falls due; None once nothing is due on it."""
    return statement.due if statement.status is StatementStatus.OPEN else None


ACCOUNTS = Listing(
    name="accounts",
    kind="account",
    fields={
        "kind": lambda a: a.kind.value,
        "unit": lambda a: a.unit,
        "holder": lambda a: a.requester.name,
        "status": lambda a: a.status.value,
        "balance": lambda a: a.balance.amount,
        "currency": lambda a: a.currency,
        "opened_at": lambda a: a.opened_at,
    },
    sortable={"id": str, "opened_at": datetime},
    default_sort="id",
)


@attrs.frozen(kw_only=True)
class AccountFilter:
    """``unit``: as registered; ``kind``: owner, tenant...; ``balance_below``: a deposit
    balance less than this amount; ``status``: open or closed."""

    unit: str | None = None
    kind: RequesterKind | None = None
    balance_below: Money | None = None
    status: AccountStatus | None = None

    def conditions(self) -> list[Condition]:
        found: list[Condition] = []
        if self.unit is not None:
            found.append(Condition("unit", "eq", self.unit))
        if self.kind is not None:
            found.append(Condition("kind", "eq", self.kind.value))
        if self.balance_below is not None:
            found.append(Condition("balance", "lt", self.balance_below.amount))
        if self.status is not None:
            found.append(Condition("status", "eq", self.status.value))
        return found


@attrs.frozen(slots=False)  # in a dict: sets its fields at half the cost of slots
class AccountRow:
    id: AccountId
    unit: str
    holder: str
    kind: RequesterKind
    status: AccountStatus
    balance: Money
    opened_at: datetime

    @classmethod
    def of(cls, row: Any, zone: tzinfo, *, revealed: bool) -> AccountRow:
        return cls(
            id=AccountId.stored(row.id),
            unit=row.unit if revealed else mask(row.unit, 2),
            holder=row.holder if revealed else mask(row.holder),
            kind=members(RequesterKind)[row.kind],
            status=members(AccountStatus)[row.status],
            balance=_money(row, "balance"),
            opened_at=row.opened_at.astimezone(zone),
        )


# --- statements ----------------------------------------------------------------------------------

STATEMENTS = Listing(
    name="statements",
    kind="statement",
    fields={
        "account_id": lambda s: s.account_id.value,
        "period": lambda s: str(s.period),
        "status": lambda s: s.status.value,
        "total": lambda s: s.total.amount,
        "currency": lambda s: s.currency,
        "due": lambda s: s.due,
        "open_due": open_due,
        "paid": lambda s: s.paid.amount,
    },
    sortable={"period": str, "id": str},
    default_sort="period",
    default_descending=True,
)


@attrs.frozen(kw_only=True)
class StatementFilter:
    """``period``; ``status``: any of these; ``unit``: the statements of the unit's accounts;
    ``overdue``: open statements past their due date at the query's time."""

    period: Period | None = None
    status: frozenset[StatementStatus] = frozenset()
    unit: str | None = None
    account_id: AccountId | None = None
    overdue: bool = False

    def conditions(self, now: datetime, accounts: tuple[str, ...] | None) -> list[Condition]:
        found: list[Condition] = []
        if self.period is not None:
            found.append(Condition("period", "eq", str(self.period)))
        if self.status:
            found.append(Condition("status", "in", tuple(sorted(s.value for s in self.status))))
        if accounts is not None:
            found.append(Condition("account_id", "in", accounts))
        if self.account_id is not None:
            found.append(Condition("account_id", "eq", self.account_id.value))
        if self.overdue:
            found.append(Condition("open_due", "lt", now))
        return found


@attrs.frozen(slots=False)  # in a dict: sets its fields at half the cost of slots
class StatementRow:
    id: StatementId
    account_id: AccountId
    period: Period
    status: StatementStatus
    total: Money
    paid: Money
    due: datetime
    overdue: bool

    @classmethod
    def of(cls, row: Any, now: datetime, zone: tzinfo) -> StatementRow:
        open_until = row.open_due
        return cls(
            id=StatementId.stored(row.id),
            account_id=AccountId.stored(row.account_id),
            period=stored_period(row.period),
            status=members(StatementStatus)[row.status],
            total=_money(row, "total"),
            paid=_money(row, "paid"),
            due=row.due.astimezone(zone),
            overdue=open_until is not None and open_until < now,
        )


# --- payments and receipts -----------------------------------------------------------------------

PAYMENTS = Listing(
    name="payments",
    kind="payment",
    fields={
        "account_id": lambda p: p.account_id.value,
        "paid_at": lambda p: p.at,
        "amount": lambda p: p.amount.amount,
        "currency": lambda p: p.amount.currency,
        "purpose": lambda p: p.purpose.value,
        "receipt_id": lambda p: p.receipt_id.value,
        "voided": lambda p: p.voided,
    },
    sortable={"paid_at": datetime, "id": str},
    default_sort="paid_at",
)


@attrs.frozen(kw_only=True)
class PaymentFilter:
    """``paid_from`` / ``paid_before``: ``[from, before)``; ``account_id``; ``voided``."""

    account_id: AccountId | None = None
    paid_from: datetime | None = None
    paid_before: datetime | None = None
    voided: bool | None = None

    def conditions(self) -> list[Condition]:
        found: list[Condition] = []
        if self.account_id is not None:
            found.append(Condition("account_id", "eq", self.account_id.value))
        if self.paid_from is not None:
            found.append(Condition("paid_at", "ge", self.paid_from))
        if self.paid_before is not None:
            found.append(Condition("paid_at", "lt", self.paid_before))
        if self.voided is not None:
            found.append(Condition("voided", "eq", self.voided))
        return found


@attrs.frozen(slots=False)  # in a dict: sets its fields at half the cost of slots
class PaymentRow:
    id: PaymentId
    account_id: AccountId
    at: datetime
    amount: Money
    purpose: PaymentPurpose
    receipt_id: ReceiptId
    voided: bool

    @classmethod
    def of(cls, row: Any, zone: tzinfo) -> PaymentRow:
        return cls(
            id=PaymentId.stored(row.id),
            account_id=AccountId.stored(row.account_id),
            at=row.paid_at.astimezone(zone),
            amount=_money(row, "amount"),
            purpose=members(PaymentPurpose)[row.purpose],
            receipt_id=ReceiptId.stored(row.receipt_id),
            voided=bool(row.voided),
        )


RECEIPTS = Listing(
    name="receipts",
    kind="receipt",
    fields={
        "series": lambda r: r.series.value,
        "number": lambda r: r.number,
        "account_id": lambda r: r.account_id.value,
        "amount": lambda r: r.amount.amount,
        "currency": lambda r: r.amount.currency,
        "issued_at": lambda r: r.issued_at,
        "voided": lambda r: r.voided,
    },
    sortable={"issued_at": datetime, "number": int, "id": str},
    default_sort="issued_at",
)


@attrs.frozen(kw_only=True)
class ReceiptFilter:
    """``series``; ``issued_from`` / ``issued_before``: ``[from, before)``."""

    series: SeriesId | None = None
    issued_from: datetime | None = None
    issued_before: datetime | None = None

    def conditions(self) -> list[Condition]:
        found: list[Condition] = []
        if self.series is not None:
            found.append(Condition("series", "eq", self.series.value))
        if self.issued_from is not None:
            found.append(Condition("issued_at", "ge", self.issued_from))
        if self.issued_before is not None:
            found.append(Condition("issued_at", "lt", self.issued_before))
        return found


@attrs.frozen(slots=False)  # in a dict: sets its fields at half the cost of slots
class ReceiptRow:
    id: ReceiptId
    series: SeriesId
    number: int
    account_id: AccountId
    amount: Money
    issued_at: datetime
    voided: bool

    @classmethod
    def of(cls, row: Any, zone: tzinfo) -> ReceiptRow:
        return cls(
            id=ReceiptId.stored(row.id),
            series=SeriesId.stored(row.series),
            number=int(row.number),
            account_id=AccountId.stored(row.account_id),
            amount=_money(row, "amount"),
            issued_at=row.issued_at.astimezone(zone),
            voided=bool(row.voided),
        )
