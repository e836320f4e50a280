"""What billing needs of a store."""

from __future__ import annotations

import abc
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

import attrs

from servicedesk.app.pages import Lists
from servicedesk.app.repository import DerivedIdRepository, Repository
from servicedesk.domain.accounts import Account
from servicedesk.domain.agreements import Agreement
from servicedesk.domain.billing import AccountId, Period, SeriesId
from servicedesk.domain.charges import Charge
from servicedesk.domain.costs import Cost
from servicedesk.domain.invoices import Invoice, ReceiptBook
from servicedesk.domain.money import Money
from servicedesk.domain.payments import Payment, Receipt, SeriesCounter
from servicedesk.domain.statements import Statement
from servicedesk.domain.values import ItemId, RequesterKind, RequestId
from servicedesk.i18n import N_


class AccountRepository(Repository[Account], Lists):
    kind, label = N_("account"), N_("account")

    @abc.abstractmethod
    def list(self) -> list[Account]:
        """Every account, by id."""

    @abc.abstractmethod
    def open_for(self, unit: str, kind: RequesterKind) -> Account | None:
        """The open account of a unit's owner, tenant or member of the public.

        A database keeps this unique with a partial unique index on (unit, kind)
        where the account is open.
        """


class ChargeRepository(DerivedIdRepository[Charge]):
    kind, label = N_("charge"), N_("charge")

    @abc.abstractmethod
    def for_request(self, request_id: RequestId) -> list[Charge]:
        """The request's charges, oldest first (estimate, charge, reversals)."""

    @abc.abstractmethod
    def for_account(self, account_id: AccountId) -> list[Charge]:
        """The account's charges, oldest first."""

    @abc.abstractmethod
    def billable(
        self, account_id: AccountId, before: datetime, *, audited: bool = False
    ) -> list[Charge]:
        """Confirmed on-account charges on no statement, confirmed before ``before``.

        With ``audited``, only those also audited before ``before``.
        """

    @abc.abstractmethod
    def confirmed_between(self, start: datetime, end: datetime) -> list[Charge]:
        """Charges confirmed in ``[start, end)``, for the revenue report."""


@attrs.frozen
class MonthClose:
    """A month close as the handler decided it, the policies asked once for all accounts.

    ``charge_description`` is the text of a charge's statement line with ``{id}`` for
    the request, already in the desk's language.
    """

    period: Period
    cutoff: datetime  # charges confirmed before this instant go on the statement
    at: datetime  # when the statements are issued
    due: datetime  # when they are due
    charge_description: str
    #: Only charges audited before the cut-off are billed (rule billing.audit-before-statement).
    audited: bool = False


class StatementRepository(DerivedIdRepository[Statement], Lists):
    kind, label = N_("statement"), N_("statement")

    @abc.abstractmethod
    def for_account(self, account_id: AccountId) -> list[Statement]:
        """The account's statements, oldest period first."""

    def issue_in_bulk(
        self, close: MonthClose, *, after: AccountId | None = None, limit: int | None = None
    ) -> BulkIssue | None:
        """Issue in one go the statements no domain decision is needed for.

        A store that can (the SQL store) bills the plain accounts itself, in a few
        set-based statements of this unit of work, storing exactly what the domain
        would, and returns the accounts left for the handler's per-account close.
        With ``limit`` it takes one batch of the close: the accounts after ``after``
        (by id) up to the one whose charges make about ``limit`` billed.
        ``None``, the reference answer given here, leaves every account to the
        handler: the domain decides everything.
        """
        return None


@attrs.frozen
class BulkIssue:
    """What ``StatementRepository.issue_in_bulk`` did with one batch of the close."""

    #: The batch's accounts that need the domain's close, by id.
    left: list[AccountId]
    #: The batch's last account when accounts after it are left for the next batch.
    last: AccountId | None = None


class AgreementRepository(Repository[Agreement]):
    kind, label = N_("agreement"), N_("service agreement")

    @abc.abstractmethod
    def for_account(self, account_id: AccountId) -> list[Agreement]: ...

    @abc.abstractmethod
    def list(self) -> list[Agreement]: ...


class PaymentRepository(Repository[Payment], Lists):
    kind, label = N_("payment"), N_("payment")

    @abc.abstractmethod
    def for_account(self, account_id: AccountId) -> list[Payment]:
        """The account's payments, oldest first."""


class ReceiptRepository(DerivedIdRepository[Receipt], Lists):
    kind, label = N_("receipt"), N_("receipt")

    @abc.abstractmethod
    def in_series(self, series: SeriesId) -> list[Receipt]:
        """The receipts of one series, by number."""


class CounterRepository(DerivedIdRepository[SeriesCounter]):
    """Gapless number series.

    ``next`` takes the next number inside the caller's transaction: it is saved
    with the payment it numbers, or not at all.  Here a concurrent taker fails
    the version check and the desk retries; a SQL adapter overrides ``next`` to
    lock the counter row with a waiting ``SELECT ... FOR UPDATE`` (never NOWAIT)
    and backs it with a unique (series, number) constraint on the receipts.
    """

    kind, label = N_("counter"), N_("number series")

    def next(self, series: SeriesId, *, at: datetime) -> int:
        counter = self.find(series)
        if counter is None:
            counter = SeriesCounter(series)
            self.add(counter)
        return counter.take(at=at)


class InvoiceRepository(DerivedIdRepository[Invoice]):
    kind, label = N_("invoice"), N_("invoice")

    @abc.abstractmethod
    def list_overdue(self, now: datetime) -> list[Invoice]:
        """Invoices past their deadline and not delivered, oldest deadline first."""

    @abc.abstractmethod
    def for_request(self, request_id: RequestId) -> list[Invoice]: ...


class ReceiptBookRepository(Repository[ReceiptBook]):
    kind, label = N_("receipt_book"), N_("receipt book")

    @abc.abstractmethod
    def list(self) -> list[ReceiptBook]: ...


class CostRepository(Repository[Cost]):
    kind, label = N_("cost"), N_("cost")

    @abc.abstractmethod
    def between(self, start: datetime, end: datetime) -> list[Cost]:
        """Costs recorded in ``[start, end)``."""


@attrs.frozen
class ItemMoney:
    """One item's money of a month in one currency, as the store adds it up."""

    item_id: ItemId
    currency: str
    revenue: Decimal = Decimal("0.00")
    cost: Decimal = Decimal("0.00")


class OverdueStatementRow(NamedTuple):
    """A statement open past its due date, as a store answers it: its figures and its
    account's unit and holder (``[erased]`` once erased), without its lines.

    A named tuple: a store's own row of these columns becomes one without a step of
    Python per row (the report lists thousands)."""

    id: str
    account_id: str
    period: str
    currency: str
    total: Decimal
    paid: Decimal
    due: datetime
    unit: str
    holder: str


class BillingReports(abc.ABC):
    """Money over many accounts, added up by the store (SQL: ``GROUP BY``)."""

    @abc.abstractmethod
    def item_money(self, period: Period, start: datetime, end: datetime) -> list[ItemMoney]:
        """Per item and currency: charges confirmed in ``[start, end)`` and the agreement
        fees billed for ``period`` (revenue), costs recorded in ``[start, end)``; by item id
        then currency.
        """

    @abc.abstractmethod
    def overdue_statement_rows(self, now: datetime) -> list[OverdueStatementRow]:
        """The statements open past their due date at ``now``, oldest period first, then by
        id: their figures and addressees (SQL: one join of statements and accounts on
        projection columns)."""


def agreement_fees(
    agreements: AgreementRepository, statements: StatementRepository, period: Period
) -> list[tuple[ItemId, Money]]:
    """The agreement fees billed for ``period``: each agreement's lines on its statements.

    Agreements are few beside requests and charges, so every store reads them whole.
    """
    fees = []
    for agreement in agreements.list():
        for billed in agreement.billed:
            if billed.period != period:
                continue
            statement = statements.get(billed.statement_id)
            for line in statement.lines:
                if line.reference == agreement.id.value:
                    fees.append((agreement.item_id, line.amount))
        fees.extend((agreement.item_id, d.amount) for d in agreement.drawn if d.period == period)
    return fees
