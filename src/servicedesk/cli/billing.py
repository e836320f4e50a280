"""Money from a terminal: accounts, charges, payments, the month close and statements.

Only a cashier takes money, so ``deposit`` and ``payment record`` act with the
cashier role added to the named actor: ``--actor`` is still required, and the
desk records who it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from servicedesk import Money, Requester, RequesterKind, Role
from servicedesk.app.billing.commands import (
    AuditCharge,
    CloseAccount,
    CloseMonth,
    ConfirmCharge,
    DeliverInvoice,
    EndAgreement,
    GiveEstimate,
    IssueInvoice,
    IssueReceiptBook,
    OpenAccount,
    PayDeposit,
    RecordAgreementVisit,
    RecordCharge,
    RecordCost,
    RecordPayment,
    RefundDeposit,
    RequestInvoice,
    ReturnStubs,
    ReverseCharge,
    SignAgreement,
    VoidPayment,
)
from servicedesk.app.billing.lists import (
    AccountFilter,
    AccountRow,
    PaymentFilter,
    PaymentRow,
    ReceiptFilter,
    ReceiptRow,
    StatementFilter,
    StatementRow,
)
from servicedesk.app.billing.queries import ChargeView, OverdueStatement, StatementView
from servicedesk.app.desk import Desk, Outcome
from servicedesk.cli.base import (
    AMOUNT,
    BILLING,
    Checked,
    EnumParam,
    F,
    Options,
    R,
    act,
    actor_of,
    csv_bytes,
    desk_options,
    evidence_of,
    evidence_options,
    opened,
    options,
    page_options,
    read,
    require,
    show,
    show_page,
    table,
    to_json,
    working,
    xlsx_bytes,
)
from servicedesk.cli.group import group
from servicedesk.domain.accounts import AccountStatus
from servicedesk.domain.agreements import AgreementTerms
from servicedesk.domain.billing import AccountId, Period, SeriesId
from servicedesk.domain.charges import LineKind, LineSpec
from servicedesk.domain.money import in_words
from servicedesk.domain.payments import ReceiptIssued
from servicedesk.domain.statements import StatementStatus
from servicedesk.domain.values import Actor, Contact
from servicedesk.i18n import N_, _

PERIOD = Checked(Period.parse, "yyyy-mm")
HOLDS = N_("billing records")


def billing_read(opts: Options, query: Callable[[Desk, Actor], R]) -> R:
    """Answer a billing query on a store that holds billing records."""
    return read(opts, BILLING, HOLDS, query)


def billing_act(kwargs: dict[str, Any], make: Callable[[], Any], what: str) -> None:
    """Run a billing command on a store that holds billing records."""
    act(kwargs, make, what, requires=BILLING, holds=HOLDS)


def cashier_act(
    kwargs: dict[str, Any],
    make: Callable[[], Any],
    what: str,
    then: Callable[[Options, Outcome], None] | None = None,
) -> None:
    """Run a command that moves money: never by "the system", always by a named cashier."""
    if not kwargs.get("actor"):
        raise click.UsageError(_("Money is taken by a cashier: name them with --actor."))
    act(kwargs, make, what, Role.CASHIER, requires=BILLING, holds=HOLDS, then=then)


account = group("account", "Requesters' accounts and deposits.")


@account.command("open")
@click.argument("account_id")
@click.option("--name", required=True)
@click.option("--unit", required=True)
@click.option("--phone", required=True)
@click.option("--kind", type=EnumParam(RequesterKind, "kind of requester"), default="owner")
@desk_options
def account_open(
    account_id: str, name: str, unit: str, phone: str, kind: RequesterKind, **kwargs: Any
) -> None:
    """Open the account a requester is billed on (owners on account, tenants by deposit)."""
    billing_act(
        kwargs,
        lambda: OpenAccount(
            account_id=account_id, requester=Requester(name, unit, Contact(phone), kind)
        ),
        _("{id}: opened"),
    )


@account.command("deposit")
@click.argument("account_id")
@click.argument("amount", type=AMOUNT)
@desk_options
def account_deposit(account_id: str, amount: Money, **kwargs: Any) -> None:
    """A cashier takes money into a tenant's deposit."""
    cashier_act(
        kwargs,
        lambda: PayDeposit(account_id=account_id, amount=amount),
        _("{id}: deposit taken"),
        then=print_receipt,
    )


@account.command("show")
@click.argument("account_id")
@desk_options
def account_show(account_id: str, **kwargs: Any) -> None:
    """An account's balance and what is outstanding."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, *BILLING, what=HOLDS)
        view = desk.billing.account(account_id)
    show(
        opts,
        view,
        lambda: table(
            _("Account {id}").format(id=account_id),
            [_("mode"), _("status"), _("deposit"), _("outstanding"), _("top up")],
            [(view.mode, view.status, view.balance, view.outstanding, view.needs_top_up)],
        ),
    )


charge = group("charge", "What a job costs, confirmed by the requester.")


def _lines(kind: LineKind, given: tuple[tuple[str, str, str], ...]) -> list[LineSpec]:
    return [LineSpec(kind, what, quantity, Money.of(price)) for what, quantity, price in given]


def line_option(name: str, help_text: str) -> Callable[[F], F]:
    """A repeatable ``--<name> DESCRIPTION QUANTITY PRICE`` option, one charge line each."""
    return click.option(
        f"--{name}",
        f"{name}s",
        multiple=True,
        nargs=3,
        metavar="DESCRIPTION QUANTITY PRICE",
        help=help_text,
    )


@charge.command("estimate")
@click.argument("request_id")
@line_option("labour", "A labour line; repeat for several.")
@line_option("material", "A material line; repeat for several.")
@desk_options
def charge_estimate(
    request_id: str,
    labours: tuple[tuple[str, str, str], ...],
    materials: tuple[tuple[str, str, str], ...],
    **kwargs: Any,
) -> None:
    """Give the requester an estimate before work starts (labour-and-materials items)."""
    billing_act(
        kwargs,
        lambda: GiveEstimate(
            request_id=request_id,
            lines=_lines(LineKind.SERVICE, labours) + _lines(LineKind.MATERIAL, materials),
        ),
        _("{id}: estimate given"),
    )


@charge.command("record")
@click.argument("request_id")
@line_option("labour", "A labour line (labour-and-materials items); repeat for several.")
@line_option("material", "A material line; repeat for several.")
@desk_options
def charge_record(
    request_id: str,
    labours: tuple[tuple[str, str, str], ...],
    materials: tuple[tuple[str, str, str], ...],
    **kwargs: Any,
) -> None:
    """Record the charge of a job done: the triage price (or the labour) plus materials."""
    billing_act(
        kwargs,
        lambda: RecordCharge(
            request_id=request_id,
            lines=_lines(LineKind.SERVICE, labours) + _lines(LineKind.MATERIAL, materials),
        ),
        _("{id}: charge recorded"),
    )


@charge.command("audit")
@click.argument("charge_id")
@desk_options
def charge_audit(charge_id: str, **kwargs: Any) -> None:
    """The assistant audits a confirmed charge."""
    billing_act(kwargs, lambda: AuditCharge(charge_id=charge_id), _("{id}: audited"))


@charge.command("reverse")
@click.argument("charge_id")
@click.option("--reason", required=True, help="Why the charge is reversed.")
@desk_options
def charge_reverse(charge_id: str, reason: str, **kwargs: Any) -> None:
    """Correct a confirmed charge by a reversing entry (it is never edited)."""
    billing_act(
        kwargs,
        lambda: ReverseCharge(charge_id=charge_id, reason=reason),
        _("{id}: reversal recorded"),
    )


@charge.command("confirm")
@click.argument("charge_id")
@click.option("--signed-by", required=True)
@evidence_options
@desk_options
def charge_confirm(charge_id: str, signed_by: str, **kwargs: Any) -> None:
    """The requester confirms the charge (a deposit is drawn at once)."""
    evidence = evidence_of(kwargs)
    billing_act(
        kwargs,
        lambda: ConfirmCharge(charge_id=charge_id, signed_by=signed_by, evidence=evidence),
        _("{id}: confirmed"),
    )


@charge.command("cost")
@click.argument("request_id")
@click.argument("amount", type=AMOUNT)
@click.option("--description", required=True, help="What the cost was, e.g. a contractor's bill.")
@click.option("--id", "cost_id", help="The cost's id (generated if omitted).")
@desk_options
def charge_cost(
    request_id: str, amount: Money, description: str, cost_id: str | None, **kwargs: Any
) -> None:
    """Record what a job cost the centre, for the revenue-and-cost report."""
    billing_act(
        kwargs,
        lambda: RecordCost(
            request_id=request_id, amount=amount, description=description, cost_id=cost_id
        ),
        _("{id}: cost recorded"),
    )


payment = group("payment", "Payments taken by a cashier, with numbered receipts.")


@payment.command("record")
@click.argument("account_id")
@click.argument("amount", type=AMOUNT)
@desk_options
def payment_record(account_id: str, amount: Money, **kwargs: Any) -> None:
    """A cashier takes a payment of the account's open statements."""
    cashier_act(
        kwargs,
        lambda: RecordPayment(account_id=account_id, amount=amount),
        _("{id}: payment recorded"),
        then=print_receipt,
    )


@payment.command("void")
@click.argument("payment_id")
@click.option("--reason", required=True, help="Why the payment is voided.")
@desk_options
def payment_void(payment_id: str, reason: str, **kwargs: Any) -> None:
    """Void a mistaken payment: it and its receipt keep their number."""
    cashier_act(
        kwargs, lambda: VoidPayment(payment_id=payment_id, reason=reason), _("{id}: payment voided")
    )


@account.command("refund")
@click.argument("account_id")
@click.argument("amount", type=AMOUNT)
@desk_options
def account_refund(account_id: str, amount: Money, **kwargs: Any) -> None:
    """A cashier pays back what is left of a tenant's deposit."""
    cashier_act(
        kwargs,
        lambda: RefundDeposit(account_id=account_id, amount=amount),
        _("{id}: deposit refunded"),
    )


@account.command("close")
@click.argument("account_id")
@desk_options
def account_close(account_id: str, **kwargs: Any) -> None:
    """Close a settled account (a cashier: its balance must be zero)."""
    cashier_act(kwargs, lambda: CloseAccount(account_id=account_id), _("{id}: account closed"))


def receipt_text(issued: ReceiptIssued) -> str:
    """A receipt as it is printed: its number, the account, the amount in figures and in words.

    (rule billing.amount-in-words)
    """
    return "\n".join(
        [
            _("Receipt No. {number}").format(number=issued.text),
            _("Date: {at:%Y-%m-%d %H:%M %z}").format(at=issued.at),
            _("Account: {account}").format(account=issued.account_id),
            _("Amount: {amount}").format(amount=issued.amount),
            _("Amount in words: {words}").format(words=in_words(issued.amount)),
        ]
    )


def print_receipt(opts: Options, outcome: Outcome) -> None:
    """The receipt of a payment just recorded: for a person to print, or as JSON."""
    receipts = [event for event in outcome.events if isinstance(event, ReceiptIssued)]
    if opts.json:
        document: dict[str, object] = {"id": outcome.id, "events": len(outcome.events)}
        for event in receipts[:1]:
            document |= {
                "receipt": event.text,
                "amount": event.amount,
                "amount_in_words": in_words(event.amount),
            }
        click.echo(to_json(document))
        return
    for event in receipts:
        click.echo(receipt_text(event))


agreement = group("agreement", "Paid service agreements: a monthly fee, visits, or both.")


@agreement.command("sign")
@click.argument("account_id")
@click.argument("item_id")
@click.option("--description", required=True, help="What the agreement covers.")
@click.option("--monthly-fee", type=AMOUNT)
@click.option("--visit-fee", type=AMOUNT)
@click.option(
    "--visit-day", "visit_days", type=int, multiple=True, help="A day of the month (1-28)."
)
@click.option("--start", type=PERIOD, required=True, help="The first month billed.")
@click.option("--id", "agreement_id", help="The agreement's id (generated if omitted).")
@desk_options
def agreement_sign(
    account_id: str,
    item_id: str,
    description: str,
    monthly_fee: Money | None,
    visit_fee: Money | None,
    visit_days: tuple[int, ...],
    start: Period,
    agreement_id: str | None,
    **kwargs: Any,
) -> None:
    """Sign an agreement with a requester for an item of the catalogue."""
    billing_act(
        kwargs,
        lambda: SignAgreement(
            account_id=account_id,
            item_id=item_id,
            terms=AgreementTerms(description, monthly_fee, visit_fee, visit_days),
            start=start,
            agreement_id=agreement_id,
        ),
        _("{id}: agreement signed"),
    )


@agreement.command("visit")
@click.argument("agreement_id")
@desk_options
def agreement_visit(agreement_id: str, **kwargs: Any) -> None:
    """Record a visit made under an agreement (charged at the month close)."""
    billing_act(
        kwargs,
        lambda: RecordAgreementVisit(agreement_id=agreement_id),
        _("{id}: visit recorded"),
    )


@agreement.command("end")
@click.argument("agreement_id")
@click.option("--last", type=PERIOD, required=True, help="The last month billed.")
@desk_options
def agreement_end(agreement_id: str, last: Period, **kwargs: Any) -> None:
    """End an agreement after its last billed month."""
    billing_act(
        kwargs,
        lambda: EndAgreement(agreement_id=agreement_id, last=last),
        _("{id}: agreement ended"),
    )


invoice = group("invoice", "Invoices asked for by requesters, issued and delivered.")


@invoice.command("request")
@click.argument("charge_id")
@desk_options
def invoice_request(charge_id: str, **kwargs: Any) -> None:
    """The requester asks for an invoice of a confirmed charge."""
    billing_act(kwargs, lambda: RequestInvoice(charge_id=charge_id), _("{id}: invoice requested"))


@invoice.command("issue")
@click.argument("invoice_id")
@click.option("--number", required=True, help="The number printed on the invoice.")
@desk_options
def invoice_issue(invoice_id: str, number: str, **kwargs: Any) -> None:
    """Issue a requested invoice under its printed number."""
    billing_act(
        kwargs,
        lambda: IssueInvoice(invoice_id=invoice_id, number=number),
        _("{id}: invoice issued"),
    )


@invoice.command("deliver")
@click.argument("invoice_id")
@desk_options
def invoice_deliver(invoice_id: str, **kwargs: Any) -> None:
    """The issued invoice is handed to the requester."""
    billing_act(kwargs, lambda: DeliverInvoice(invoice_id=invoice_id), _("{id}: invoice delivered"))


receipt_book = group("receipt-book", "Books of numbered paper receipts for collectors.")


@receipt_book.command("issue")
@click.argument("book_id")
@click.option("--collector", required=True, help="Who takes the book out.")
@click.option("--first", type=int, required=True, help="The first stub number.")
@click.option("--last", type=int, required=True, help="The last stub number.")
@desk_options
def receipt_book_issue(book_id: str, collector: str, first: int, last: int, **kwargs: Any) -> None:
    """Hand a book of receipts to a collector."""
    billing_act(
        kwargs,
        lambda: IssueReceiptBook(book_id=book_id, collector=collector, first=first, last=last),
        _("{id}: receipt book issued"),
    )


@receipt_book.command("return")
@click.argument("book_id")
@click.option("--written", type=int, multiple=True, help="A stub written; repeat for several.")
@desk_options
def receipt_book_return(book_id: str, written: tuple[int, ...], **kwargs: Any) -> None:
    """The collector returns the stubs of the receipts written."""
    billing_act(
        kwargs,
        lambda: ReturnStubs(book_id=book_id, written=written),
        _("{id}: stubs returned"),
    )


month = group("month", "The month close.")


@month.command("close")
@click.argument("period", type=PERIOD)
@desk_options
def month_close(period: Period, **kwargs: Any) -> None:
    """Issue the month's statements; running it again changes nothing."""
    act(
        kwargs,
        lambda: CloseMonth(period=period),
        _("{id}: month closed"),
        requires=BILLING,
        holds=HOLDS,
        busy=_("Closing {period}").format(period=period),
    )


statement = group("statement", "Statements: print or export them.")

COLUMNS = (
    N_("statement"),
    N_("account"),
    N_("unit"),
    N_("holder"),
    N_("period"),
    N_("total"),
    N_("paid"),
    N_("due"),
    N_("due by"),
    N_("status"),
)


def _rows(views: Sequence[StatementView | OverdueStatement]) -> list[tuple[object, ...]]:
    return [
        (
            v.id.value,
            v.account_id.value,
            v.unit,
            v.holder,
            str(v.period),
            v.total,
            v.paid,
            v.amount_due,
            v.due.date().isoformat(),
            v.status,
        )
        for v in views
    ]


def statements_of(opts: Options, period: Period, account_id: str | None) -> list[StatementView]:
    """The period's statements, addressed (unit and holder) as ``--actor`` may read them."""
    actor = actor_of(opts)
    with opened(opts) as desk:
        require(desk, *BILLING, what=HOLDS)
        if account_id is None:
            with desk.store.unit_of_work() as uow:
                accounts = [a.id.value for a in uow.accounts.list()]
        else:
            accounts = [account_id]
        views: list[StatementView] = []
        with working(_("Reading statements")) as tell:
            for number, account_ref in enumerate(accounts, 1):
                found = desk.billing.statements(account_ref, actor=actor)
                views += [v for v in found if v.period == period]
                if tell is not None:
                    tell(number, len(accounts))
        return views


@statement.command("list")
@click.argument("period", type=PERIOD)
@click.option("--account", "account_id", help="Only this account's.")
@desk_options
def statement_list(period: Period, account_id: str | None, **kwargs: Any) -> None:
    """The statements of a month."""
    opts = options(kwargs)
    views = statements_of(opts, period, account_id)
    show(
        opts,
        views,
        lambda: table(
            _("Statements of {period}").format(period=period),
            [_(c) for c in COLUMNS],
            _rows(views),
        ),
    )


@statement.command("show")
@click.argument("statement_id")
@desk_options
def statement_show(statement_id: str, **kwargs: Any) -> None:
    """One statement: to whom it is addressed, its lines, what is paid and what is due."""
    opts = options(kwargs)
    actor = actor_of(opts)
    with opened(opts) as desk:
        require(desk, *BILLING, what=HOLDS)
        view = desk.billing.statement(statement_id, actor=actor)

    def render() -> Any:
        lines = table(
            _("Statement {id}: {unit} {holder}, {period}").format(
                id=view.id.value, unit=view.unit, holder=view.holder, period=view.period
            ),
            [_("line"), _("reference"), _("description"), _("amount")],
            [(line.kind, line.reference, line.description, line.amount) for line in view.lines],
        )
        lines.caption = _("total {total}, paid {paid}, due {due} by {by}").format(
            total=view.total, paid=view.paid, due=view.amount_due, by=view.due.date().isoformat()
        )
        return lines

    show(opts, view, render)


@statement.command("export")
@click.argument("period", type=PERIOD)
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="Default: stdout.")
@desk_options
def statement_export(period: Period, fmt: str, output: Path | None, **kwargs: Any) -> None:
    """Export a month's statements with their lines, as CSV (UTF-8 with BOM), JSON or xlsx."""
    opts = options(kwargs)
    views = statements_of(opts, period, None)
    if fmt == "json":
        data = (to_json(views) + "\n").encode("utf-8")
    else:
        columns = [c.replace(" ", "_") for c in COLUMNS] + [
            "line_kind",
            "line_reference",
            "line_description",
            "line_amount",
        ]
        rows = [
            (*row, line.kind, line.reference, line.description, line.amount.amount)
            for view, row in zip(views, _rows(views), strict=True)
            for line in view.lines
        ]
        data = (
            csv_bytes(columns, rows)
            if fmt == "csv"
            else xlsx_bytes(_("Statements of {period}").format(period=period), columns, rows)
        )
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stdout as they are
    else:
        try:
            output.write_bytes(data)
        except OSError as error:
            raise click.FileError(str(output), hint=error.strerror) from None
        click.echo(
            _("{n} statements written to {path}").format(n=len(views), path=output), err=True
        )


def _when(at: datetime | None) -> str | None:
    return at.isoformat(timespec="minutes") if at else None


@account.command("page")
@click.option("--unit", help="The unit as registered.")
@click.option("--kind", type=EnumParam(RequesterKind, "kind of requester"))
@click.option("--status", type=EnumParam(AccountStatus, "status"))
@click.option("--sort", type=click.Choice(["id", "opened_at"]), help="The field to sort on.")
@click.option("--descending", is_flag=True, default=None, help="Newest or highest first.")
@page_options
@desk_options
def account_page(
    unit: str | None,
    kind: RequesterKind | None,
    status: AccountStatus | None,
    sort: str | None,
    descending: bool | None,
    limit: int,
    cursor: str | None,
    count: bool,
    **kwargs: Any,
) -> None:
    """A page of accounts by id, of a unit, kind and status if asked."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, *BILLING, what=HOLDS)
        page = desk.billing.accounts_page(
            AccountFilter(unit=unit, kind=kind, status=status),
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=count,
            actor=actor_of(opts),
        )
    rows: tuple[AccountRow, ...] = page.items
    show_page(
        opts,
        page,
        lambda: table(
            _("Accounts"),
            [_("account"), _("unit"), _("holder"), _("kind"), _("status"), _("balance")],
            [(r.id.value, r.unit, r.holder, r.kind, r.status, r.balance) for r in rows],
        ),
    )


@statement.command("page")
@click.option("--period", type=PERIOD, help="Only this month's (yyyy-mm).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=EnumParam(StatementStatus, "status"),
    help="Repeat for several.",
)
@click.option("--account", "account_id", help="Only this account's.")
@click.option("--overdue", is_flag=True, help="Only statements past their due date.")
@click.option("--sort", type=click.Choice(["period", "id"]), help="The field to sort on.")
@click.option("--descending", is_flag=True, default=None, help="Newest or highest first.")
@page_options
@desk_options
def statement_page(
    period: Period | None,
    statuses: tuple[StatementStatus, ...],
    account_id: str | None,
    overdue: bool,
    sort: str | None,
    descending: bool | None,
    limit: int,
    cursor: str | None,
    count: bool,
    **kwargs: Any,
) -> None:
    """A page of statements of every month, by month unless sorted otherwise."""
    opts = options(kwargs)
    wanted = StatementFilter(
        period=period,
        status=frozenset(statuses),
        account_id=AccountId(account_id) if account_id else None,
        overdue=overdue,
    )
    with opened(opts) as desk:
        require(desk, *BILLING, what=HOLDS)
        page = desk.billing.statements_page(
            wanted,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=count,
            actor=actor_of(opts),
        )
    rows: tuple[StatementRow, ...] = page.items
    show_page(
        opts,
        page,
        lambda: table(
            _("Statements"),
            [_("statement"), _("account"), _("period"), _("status"), _("total"), _("due")],
            [
                (r.id.value, r.account_id.value, r.period, r.status, r.total, _when(r.due))
                for r in rows
            ],
        ),
    )


@payment.command("page")
@click.option("--account", "account_id", help="Only this account's.")
@click.option("--voided/--not-voided", default=None, help="Only voided payments, or none.")
@click.option("--sort", type=click.Choice(["paid_at", "id"]), help="The field to sort on.")
@click.option("--descending", is_flag=True, default=None, help="Newest or highest first.")
@page_options
@desk_options
def payment_page(
    account_id: str | None,
    voided: bool | None,
    sort: str | None,
    descending: bool | None,
    limit: int,
    cursor: str | None,
    count: bool,
    **kwargs: Any,
) -> None:
    """A page of payments, oldest first unless sorted otherwise."""
    opts = options(kwargs)
    wanted = PaymentFilter(account_id=AccountId(account_id) if account_id else None, voided=voided)
    with opened(opts) as desk:
        require(desk, *BILLING, what=HOLDS)
        page = desk.billing.payments_page(
            wanted,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=count,
            actor=actor_of(opts),
        )
    rows: tuple[PaymentRow, ...] = page.items
    show_page(
        opts,
        page,
        lambda: table(
            _("Payments"),
            [_("payment"), _("account"), _("paid at"), _("amount"), _("receipt"), _("voided")],
            [
                (
                    r.id.value,
                    r.account_id.value,
                    _when(r.at),
                    r.amount,
                    r.receipt_id.value,
                    _("yes") if r.voided else _("no"),
                )
                for r in rows
            ],
        ),
    )


@payment.command("receipts")
@click.option("--series", help="Only receipts of this series.")
@click.option(
    "--sort", type=click.Choice(["issued_at", "number", "id"]), help="The field to sort on."
)
@click.option("--descending", is_flag=True, default=None, help="Newest or highest first.")
@page_options
@desk_options
def payment_receipts(
    series: str | None,
    sort: str | None,
    descending: bool | None,
    limit: int,
    cursor: str | None,
    count: bool,
    **kwargs: Any,
) -> None:
    """A page of the receipts issued, oldest first unless sorted otherwise."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, *BILLING, what=HOLDS)
        page = desk.billing.receipts_page(
            ReceiptFilter(series=SeriesId(series) if series else None),
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=count,
            actor=actor_of(opts),
        )
    rows: tuple[ReceiptRow, ...] = page.items
    show_page(
        opts,
        page,
        lambda: table(
            _("Receipts"),
            [_("receipt"), _("series"), _("number"), _("account"), _("amount"), _("voided")],
            [
                (
                    r.id.value,
                    r.series.value,
                    r.number,
                    r.account_id.value,
                    r.amount,
                    _("yes") if r.voided else _("no"),
                )
                for r in rows
            ],
        ),
    )


@account.command("top-up")
@desk_options
def account_top_up(**kwargs: Any) -> None:
    """The tenants' accounts whose deposit is below what the rule asks."""
    opts = options(kwargs)
    views = billing_read(opts, lambda desk, who: desk.billing.accounts_to_top_up(actor=who))
    show(
        opts,
        views,
        lambda: table(
            _("Accounts to top up"),
            [_("account"), _("status"), _("deposit"), _("outstanding")],
            [(v.id.value, v.status, v.balance, v.outstanding) for v in views],
        ),
    )


def charges_table(title: str, views: list[ChargeView]) -> Any:
    return table(
        title,
        [_("charge"), _("request"), _("item"), _("status"), _("total"), _("audited")],
        [
            (
                v.id.value,
                v.request_id.value,
                v.item_id.value,
                v.status,
                v.total,
                _("yes") if v.audited else _("no"),
            )
            for v in views
        ],
    )


@charge.command("show")
@click.argument("charge_id")
@desk_options
def charge_show(charge_id: str, **kwargs: Any) -> None:
    """One charge with its total, its status and whether it is audited."""
    opts = options(kwargs)
    view = billing_read(opts, lambda desk, who: desk.billing.charge(charge_id, actor=who))
    show(opts, view, lambda: charges_table(_("Charge {id}").format(id=charge_id), [view]))


@charge.command("to-audit")
@desk_options
def charge_to_audit(**kwargs: Any) -> None:
    """The confirmed charges the assistant has not audited yet."""
    opts = options(kwargs)
    views = billing_read(opts, lambda desk, who: desk.billing.charges_to_audit(actor=who))
    show(opts, views, lambda: charges_table(_("Charges to audit"), views))


@month.command("waiting")
@click.argument("period", type=PERIOD)
@desk_options
def month_waiting(period: Period, **kwargs: Any) -> None:
    """How many charges the month's close leaves for later, not audited by its cut-off."""
    opts = options(kwargs)
    waiting = billing_read(
        opts, lambda desk, who: desk.billing.waiting_for_audit(period, actor=who)
    )
    show(
        opts,
        waiting,
        lambda: _("{period}: {n} charges wait for the assistant's audit").format(
            period=period, n=waiting
        ),
    )


@receipt_book.command("list")
@desk_options
def receipt_book_list(**kwargs: Any) -> None:
    """The receipt books: how many receipts are used, and which stubs are missing."""
    opts = options(kwargs)
    views = billing_read(opts, lambda desk, who: desk.billing.receipt_books(actor=who))
    show(
        opts,
        views,
        lambda: table(
            _("Receipt books"),
            [_("book"), _("status"), _("used"), _("missing"), _("unrecorded")],
            [
                (
                    v.id.value,
                    v.status,
                    v.used,
                    ", ".join(map(str, v.missing)) or None,
                    ", ".join(map(str, v.unrecorded)) or None,
                )
                for v in views
            ],
        ),
    )
