"""Read models of the money side: ``desk.billing.<query>(...)``.

Like every query they open a unit of work and leave without committing.  The
revenue and cost report puts each item's money side by side per month and
flags the loss-making ones for the manager's review (rule catalogue.loss-review).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, TypeVar

import attrs

from servicedesk.app.billing.lists import (
    ACCOUNTS,
    PAYMENTS,
    RECEIPTS,
    STATEMENTS,
    AccountFilter,
    AccountRow,
    PaymentFilter,
    PaymentRow,
    ReceiptFilter,
    ReceiptRow,
    StatementFilter,
    StatementRow,
    stored_period,
)
from servicedesk.app.billing.ports import OverdueStatementRow
from servicedesk.app.page_queries import DeskQueries
from servicedesk.app.pages import DEFAULT_LIMIT, Condition, Page, Window
from servicedesk.app.records.ports import SettlementVoucher
from servicedesk.app.unit_of_work import UnitOfWork
from servicedesk.app.zone import built_in_zone
from servicedesk.domain.accounts import Account, AccountStatus, EntryKind
from servicedesk.domain.billing import (
    AccountId,
    AgreementId,
    BillingMode,
    ChargeId,
    Period,
    ReceiptBookId,
    SeriesId,
    StatementId,
)
from servicedesk.domain.charges import Charge, ChargeLine, ChargeStatus
from servicedesk.domain.invoices import BookStatus, Invoice, ReceiptBook
from servicedesk.domain.money import DEFAULT_CURRENCY, Money, total
from servicedesk.domain.payments import Receipt
from servicedesk.domain.statements import Statement, StatementLine, StatementStatus
from servicedesk.domain.values import Actor, Identifier, ItemId, Requester, RequestId, mask
from servicedesk.policies.records_defaults import STATEMENT_ADDRESSEE

if TYPE_CHECKING:
    pass


IdT = TypeVar("IdT", bound=Identifier)


@attrs.frozen
class AccountView:
    id: AccountId
    mode: BillingMode
    status: AccountStatus
    currency: str
    balance: Money  # the deposit: the sum of its ledger (zero on account)
    outstanding: Money  # what open statements are still due
    needs_top_up: bool


@attrs.frozen
class ChargeView:
    id: ChargeId
    request_id: RequestId
    item_id: ItemId
    status: ChargeStatus
    estimate: Money | None
    lines: tuple[ChargeLine, ...]
    total: Money
    confirmed_at: datetime | None
    audited: bool
    reverses: ChargeId | None
    statement_id: StatementId | None

    @classmethod
    def of(cls, charge: Charge) -> ChargeView:
        return cls(
            id=charge.id,
            request_id=charge.request_id,
            item_id=charge.item_id,
            status=charge.status,
            estimate=charge.estimate_total,
            lines=charge.lines,
            total=charge.amount,
            confirmed_at=charge.confirmed_at,
            audited=charge.auditor is not None,
            reverses=charge.reverses,
            statement_id=charge.statement_id,
        )


@attrs.frozen
class StatementView:
    id: StatementId
    account_id: AccountId
    period: Period
    lines: tuple[StatementLine, ...]
    total: Money
    paid: Money
    amount_due: Money
    due: datetime
    status: StatementStatus
    overdue: bool
    #: Whom it is addressed to, read from the account (never copied into the statement),
    #: masked unless the caller may read it whole (``billing.statement_addressee``).
    unit: str
    holder: str

    @classmethod
    def of(
        cls, statement: Statement, now: datetime, holder: Requester, *, whole: bool
    ) -> StatementView:
        return cls(
            unit=holder.unit if whole else mask(holder.unit, 2),
            holder=holder.name if whole else mask(holder.name),
            id=statement.id,
            account_id=statement.account_id,
            period=statement.period,
            lines=statement.lines,
            total=statement.total,
            paid=statement.paid,
            amount_due=statement.amount_due,
            due=statement.due,
            status=statement.status,
            overdue=statement.is_overdue(now),
        )


@attrs.frozen(slots=False)  # in a dict: sets its fields at half the cost of slots
class OverdueStatement:
    """A statement past its due date with money still due, as the overdue report lists it:
    ``StatementView``'s figures and addressee without the lines (``billing.statement`` has
    them), so that a report of thousands reads projection columns, not whole statements."""

    id: StatementId
    account_id: AccountId
    period: Period
    total: Money
    paid: Money
    amount_due: Money
    due: datetime
    status: StatementStatus
    overdue: bool
    #: Masked unless the caller may read it whole (``billing.statement_addressee``).
    unit: str
    holder: str

    @classmethod
    def of(cls, row: OverdueStatementRow, zone: tzinfo, *, whole: bool) -> OverdueStatement:
        return cls(
            id=StatementId.stored(row.id),
            account_id=AccountId.stored(row.account_id),
            period=stored_period(row.period),
            total=Money.stored(row.total, row.currency),
            paid=Money.stored(row.paid, row.currency),
            amount_due=Money.stored(row.total - row.paid, row.currency),  # exact: both in fen
            due=row.due.astimezone(zone),
            status=StatementStatus.OPEN,
            overdue=True,
            unit=row.unit if whole else mask(row.unit, 2),
            holder=row.holder if whole else mask(row.holder),
        )


class HistoryKind(StrEnum):
    CHARGE = "charge"
    REVERSAL = "reversal"
    STATEMENT = "statement"
    PAYMENT = "payment"
    DEPOSIT = "deposit"
    DRAW = "draw"
    CREDIT = "credit"
    REFUND = "refund"
    VOID = "void"


@attrs.frozen
class HistoryEntry:
    """One line of a requester's account history; ``amount`` as it moved (signed)."""

    at: datetime
    kind: HistoryKind
    reference: str
    amount: Money


@attrs.frozen
class InvoiceView:
    id: str
    request_id: RequestId
    charge_id: ChargeId
    amount: Money
    deadline: datetime
    number: str | None
    delivered_at: datetime | None
    overdue: bool
    delivered_late: bool

    @classmethod
    def of(cls, invoice: Invoice, now: datetime) -> InvoiceView:
        return cls(
            invoice.id.value,
            invoice.request_id,
            invoice.charge_id,
            invoice.amount,
            invoice.deadline,
            invoice.number,
            invoice.delivered_at,
            invoice.is_overdue(now),
            invoice.delivered_late,
        )


@attrs.frozen
class ItemResult:
    """An item's month: revenue from charges and agreements, cost, and the verdict."""

    item_id: ItemId
    period: Period
    revenue: Money
    cost: Money
    margin: Money
    loss_making: bool


@attrs.frozen
class ReceiptView:
    number: int
    text: str
    amount: Money
    account_id: AccountId
    issued_at: datetime
    voided: bool

    @classmethod
    def of(cls, receipt: Receipt) -> ReceiptView:
        return cls(
            receipt.number,
            receipt.text,
            receipt.amount,
            receipt.account_id,
            receipt.issued_at,
            receipt.voided,
        )


@attrs.frozen
class BookView:
    id: ReceiptBookId
    status: BookStatus
    used: int
    missing: tuple[int, ...]
    unrecorded: tuple[int, ...]

    @classmethod
    def of(cls, book: ReceiptBook) -> BookView:
        return cls(book.id, book.status, len(book.used), book.missing, book.unrecorded)


@attrs.frozen
class VisitDue:
    agreement_id: AgreementId
    account_id: AccountId
    on: date


class BillingQueries(DeskQueries):
    """Accounts, statements, receipts, invoices and the revenue report."""

    # --- paged lists -----------------------------------------------------------------------------

    def accounts_page(
        self,
        filter: AccountFilter | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        sort: str | None = None,
        descending: bool | None = None,
        with_count: bool = False,
        actor: Actor | None = None,
    ) -> Page[AccountRow]:
        """A page of accounts by id (or opening time); unit and holder masked unless the
        caller may read an account in full (``billing.account``)."""
        return self._pager.page(
            "billing.accounts_page",
            ACCOUNTS,
            lambda uow: uow.accounts,
            AccountFilter,
            filter,
            lambda f: f.conditions(),
            lambda who, zone: partial(
                AccountRow.of, zone=zone, revealed=self._pager.reveals(who, "billing.account")
            ),
            actor=actor,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=with_count,
        )

    def _accounts_of(self, unit: str | None) -> tuple[str, ...] | None:
        """The ids of the unit's accounts (a unit holds a few), or None for any unit."""
        if unit is None:
            return None
        window = Window("id", False, 10_000)
        with self.store.reading() as uow:
            rows = uow.accounts.page(ACCOUNTS, [Condition("unit", "eq", unit)], window).rows
        return tuple(row.id for row in rows)

    def statements_page(
        self,
        filter: StatementFilter | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        sort: str | None = None,
        descending: bool | None = None,
        with_count: bool = False,
        now: datetime | None = None,
        actor: Actor | None = None,
    ) -> Page[StatementRow]:
        """A page of statements, newest period first unless sorted otherwise."""
        at = self._now(now)
        return self._pager.page(
            "billing.statements_page",
            STATEMENTS,
            lambda uow: uow.statements,
            StatementFilter,
            filter,
            lambda f: f.conditions(at, self._accounts_of(f.unit)),
            lambda _who, zone: partial(StatementRow.of, now=at, zone=zone),
            actor=actor,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=with_count,
        )

    def payments_page(
        self,
        filter: PaymentFilter | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        sort: str | None = None,
        descending: bool | None = None,
        with_count: bool = False,
        actor: Actor | None = None,
    ) -> Page[PaymentRow]:
        """A page of payments, first taken first unless sorted otherwise."""
        return self._pager.page(
            "billing.payments_page",
            PAYMENTS,
            lambda uow: uow.payments,
            PaymentFilter,
            filter,
            lambda f: f.conditions(),
            lambda _who, zone: partial(PaymentRow.of, zone=zone),
            actor=actor,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=with_count,
        )

    def receipts_page(
        self,
        filter: ReceiptFilter | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        sort: str | None = None,
        descending: bool | None = None,
        with_count: bool = False,
        actor: Actor | None = None,
    ) -> Page[ReceiptRow]:
        """A page of receipts, first issued first (or by ``number`` or ``id``)."""
        return self._pager.page(
            "billing.receipts_page",
            RECEIPTS,
            lambda uow: uow.receipts,
            ReceiptFilter,
            filter,
            lambda f: f.conditions(),
            lambda _who, zone: partial(ReceiptRow.of, zone=zone),
            actor=actor,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=with_count,
        )

    def account(self, account_id: AccountId | str, *, actor: Actor | None = None) -> AccountView:
        self.access.check("billing.account", actor, account_id)
        with self.store.reading() as uow:
            account = uow.accounts.get(AccountId(account_id))
            statements = uow.statements.for_account(account.id)
            return self._account_view(account, statements)

    def _account_view(self, account: Account, statements: list[Statement]) -> AccountView:
        outstanding = total(
            (s.amount_due for s in statements if s.status is StatementStatus.OPEN),
            account.currency,
        )
        top_up = False
        if account.mode is BillingMode.DEPOSIT and account.is_open:
            top_up = account.balance < self.policies.deposit_rule(account).top_up_below
        return AccountView(
            account.id,
            account.mode,
            account.status,
            account.currency,
            account.balance,
            outstanding,
            top_up,
        )

    def accounts_to_top_up(self, *, actor: Actor | None = None) -> list[AccountView]:
        """Open deposit accounts whose balance fell below the policy's top-up level."""
        self.access.check("billing.accounts_to_top_up", actor)
        with self.store.reading() as uow:
            views = [self._account_view(a, []) for a in uow.accounts.list()]
        return [v for v in views if v.needs_top_up]

    def account_history(
        self, account_id: AccountId | str, *, actor: Actor | None = None
    ) -> list[HistoryEntry]:
        """Everything that moved money on the account, oldest first."""
        self.access.check("billing.account_history", actor, account_id)
        with self.store.reading() as uow:
            account = uow.accounts.get(AccountId(account_id))
            entries: list[HistoryEntry] = []
            for charge in uow.charges.for_account(account.id):
                if charge.is_confirmed and charge.confirmed_at is not None:
                    kind = HistoryKind.REVERSAL if charge.reverses else HistoryKind.CHARGE
                    entries.append(
                        HistoryEntry(charge.confirmed_at, kind, charge.id.value, charge.amount)
                    )
            for statement in uow.statements.for_account(account.id):
                entries.append(
                    HistoryEntry(
                        statement.issued_at,
                        HistoryKind.STATEMENT,
                        statement.id.value,
                        statement.total,
                    )
                )
            for payment in uow.payments.for_account(account.id):
                if payment.parts:
                    entries.append(
                        HistoryEntry(
                            payment.at, HistoryKind.PAYMENT, payment.id.value, payment.amount
                        )
                    )
            for entry in account.entries:
                entries.append(
                    HistoryEntry(entry.at, _ENTRY_KINDS[entry.kind], entry.reference, entry.amount)
                )
        return sorted(entries, key=lambda e: e.at)

    def charge(self, charge_id: ChargeId | str, *, actor: Actor | None = None) -> ChargeView:
        self.access.check("billing.charge", actor)
        with self.store.reading() as uow:
            return ChargeView.of(uow.charges.get(ChargeId(charge_id)))

    def charges_of_request(
        self, request_id: RequestId | str, *, actor: Actor | None = None
    ) -> list[ChargeView]:
        self.access.check("billing.charges_of_request", actor, request_id)
        with self.store.reading() as uow:
            rid = RequestId(request_id)
            return [ChargeView.of(c) for c in uow.charges.for_request(rid)]

    def charges_to_audit(self, *, actor: Actor | None = None) -> list[ChargeView]:
        """The assistant's worklist: confirmed charges nobody has audited yet (rule
        billing.assistant-audits).
        """
        self.access.check("billing.charges_to_audit", actor)
        with self.store.reading() as uow:
            return [
                ChargeView.of(c)
                for a in uow.accounts.list()
                for c in uow.charges.for_account(a.id)
                if c.is_confirmed and c.auditor is None and c.reverses is None
            ]

    def waiting_for_audit(self, period: Period | str, *, actor: Actor | None = None) -> int:
        """How many charges of ``period`` its close leaves for a later month, unaudited.

        The charges on account confirmed before the close's cut-off and on no
        statement that the assistant had not audited by then (rule
        billing.audit-before-statement); none when the policy bills without the audit.
        """
        self.access.check("billing.waiting_for_audit", actor)
        month = Period.parse(period)
        if not self.policies.audit_before_settlement(BillingMode.ON_ACCOUNT):
            return 0
        calendar = self.policies.calendar()
        cutoff = min(month.end(calendar.tz), self.policies.statement_day(month, calendar))
        with self.store.reading() as uow:
            return sum(
                len(uow.charges.billable(a.id, cutoff))
                - len(uow.charges.billable(a.id, cutoff, audited=True))
                for a in uow.accounts.list()
                if a.mode is BillingMode.ON_ACCOUNT
            )

    @built_in_zone
    def overdue_statements(
        self, now: datetime | None = None, *, actor: Actor | None = None
    ) -> list[OverdueStatement]:
        """Statements past their due date with money still due, oldest period first, each
        with its figures and addressee (its lines: ``statement``)."""
        reader = self.access.check("billing.overdue_statements", actor)
        at, whole, zone = self._now(now), self._addressed(reader), self._view_zone()
        with self.store.reading() as uow:
            rows = uow.billing_reports.overdue_statement_rows(at)
        return [OverdueStatement.of(row, zone, whole=whole) for row in rows]

    def statement(
        self,
        statement_id: StatementId | str,
        now: datetime | None = None,
        *,
        actor: Actor | None = None,
    ) -> StatementView:
        """A statement with its lines, what is paid and what is still due."""
        reader = self.access.check("billing.statement", actor)
        sid = StatementId(statement_id)
        with self.store.reading() as uow:
            statement = uow.statements.get(sid)
            holder = uow.accounts.get(statement.account_id).requester
            return StatementView.of(
                statement, self._now(now), holder, whole=self._addressed(reader)
            )

    def statements(
        self,
        account_id: AccountId | str,
        now: datetime | None = None,
        *,
        actor: Actor | None = None,
    ) -> list[StatementView]:
        reader = self.access.check("billing.statements", actor, account_id)
        at, whole = self._now(now), self._addressed(reader)
        with self.store.reading() as uow:
            holder = uow.accounts.get(AccountId(account_id)).requester
            found = uow.statements.for_account(AccountId(account_id))
            return [StatementView.of(s, at, holder, whole=whole) for s in found]

    def _addressed(self, reader: Actor) -> bool:
        """Whether ``reader`` sees a statement's unit and holder whole, not masked."""
        return bool(reader.roles & self.policies.permitted_readers(STATEMENT_ADDRESSEE))

    def receipts(self, series: str, *, actor: Actor | None = None) -> list[ReceiptView]:
        """The receipts of one series by number: 1, 2, 3 ... with no gap."""
        self.access.check("billing.receipts", actor)
        with self.store.reading() as uow:
            return [ReceiptView.of(r) for r in uow.receipts.in_series(SeriesId(series))]

    def invoices_of_request(
        self,
        request_id: RequestId | str,
        now: datetime | None = None,
        *,
        actor: Actor | None = None,
    ) -> list[InvoiceView]:
        """The job's invoices, with their numbers (rule billing.invoice-within-24h)."""
        self.access.check("billing.invoices_of_request", actor, request_id)
        at = self._now(now)
        rid = RequestId(request_id)
        with self.store.reading() as uow:
            return [InvoiceView.of(i, at) for i in uow.invoices.for_request(rid)]

    def overdue_invoices(
        self, now: datetime | None = None, *, actor: Actor | None = None
    ) -> list[InvoiceView]:
        self.access.check("billing.overdue_invoices", actor)
        at = self._now(now)
        with self.store.reading() as uow:
            return [InvoiceView.of(i, at) for i in uow.invoices.list_overdue(at)]

    def receipt_books(self, *, actor: Actor | None = None) -> list[BookView]:
        self.access.check("billing.receipt_books", actor)
        with self.store.reading() as uow:
            return [BookView.of(b) for b in uow.receipt_books.list()]

    def visits_due(self, period: Period | str, *, actor: Actor | None = None) -> list[VisitDue]:
        """Visits the agreements schedule in ``period`` (rule billing.agreement-visits)."""
        self.access.check("billing.visits_due", actor)
        month = Period.parse(period)
        with self.store.reading() as uow:
            return [
                VisitDue(a.id, a.account_id, day)
                for a in uow.agreements.list()
                if a.account_id is not None
                for day in a.scheduled_visits(month)
            ]

    def revenue_and_cost(
        self, period: Period | str, currency: str = DEFAULT_CURRENCY, *, actor: Actor | None = None
    ) -> list[ItemResult]:
        """Per item: confirmed charges and agreement fees billed vs costs, in the month."""
        self.access.check("billing.revenue_and_cost", actor)
        month = Period.parse(period)
        tz = self.policies.calendar().tz
        start, end = month.start(tz), month.end(tz)
        with self.store.reading() as uow:
            sums = uow.billing_reports.item_money(month, start, end)
        zero = Money.zero(currency)
        revenue: dict[ItemId, Money] = {}
        cost: dict[ItemId, Money] = {}
        for row in sums:  # another currency than the report's is refused as Money refuses it
            revenue[row.item_id] = revenue.get(row.item_id, zero) + Money(row.revenue, row.currency)
            cost[row.item_id] = cost.get(row.item_id, zero) + Money(row.cost, row.currency)
        results = []
        for item in sorted(revenue.keys() | cost.keys(), key=lambda i: i.value):
            earned, spent = revenue.get(item, zero), cost.get(item, zero)
            margin = earned - spent
            results.append(ItemResult(item, month, earned, spent, margin, margin.is_negative))
        return results

    def loss_making_items(
        self, period: Period | str, *, actor: Actor | None = None
    ) -> list[ItemResult]:
        """The items to review (rule catalogue.loss-review): more users, a higher price, or stop
        them.
        """
        self.access.check("billing.loss_making_items", actor)
        return [r for r in self.revenue_and_cost(period, actor=actor) if r.loss_making]


_ENTRY_KINDS = {
    EntryKind.DEPOSIT: HistoryKind.DEPOSIT,
    EntryKind.DRAW: HistoryKind.DRAW,
    EntryKind.CREDIT: HistoryKind.CREDIT,
    EntryKind.REFUND: HistoryKind.REFUND,
    EntryKind.VOID: HistoryKind.VOID,
}


def settlement_vouchers(uow: UnitOfWork, request_id: RequestId) -> Sequence[SettlementVoucher]:
    """The job's confirmed charges, reversals included, oldest first; estimates are not."""
    vouchers = []
    for charge in uow.charges.for_request(request_id):
        if not charge.is_confirmed:
            continue
        details = {"status": str(charge.status)}
        if charge.account_id is not None:
            details["account"] = charge.account_id.value
        if charge.mode is not None:
            details["billing_mode"] = str(charge.mode)
        if charge.statement_id is not None:
            details["statement"] = charge.statement_id.value
        if charge.auditor is not None:
            details["audited_by"] = charge.auditor.value
        if charge.reverses is not None:
            details["reverses"] = charge.reverses.value
        vouchers.append(
            SettlementVoucher(charge.id.value, charge.amount, charge.confirmed_at, details)
        )
    return vouchers
