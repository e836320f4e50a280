"""Money from a terminal: accounts, charges, payments, the month close and statements.

Only a cashier takes money, so ``deposit`` and ``payment record`` act with the
cashier role added to the named actor: ``--actor`` is still required, and the
desk records who it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from servicedesk import Money, Requester, RequesterKind, Role
from servicedesk.app.billing.commands import (
    CloseMonth,
    ConfirmCharge,
    OpenAccount,
    PayDeposit,
    RecordCharge,
    RecordPayment,
)
from servicedesk.app.billing.queries import StatementView
from servicedesk.cli.base import (
    AMOUNT,
    BILLING,
    Checked,
    EnumParam,
    Options,
    act,
    csv_text,
    desk_options,
    evidence_of,
    evidence_options,
    group,
    opened,
    options,
    require,
    show,
    table,
    to_json,
)
from servicedesk.domain.billing import Period
from servicedesk.domain.charges import LineKind, LineSpec
from servicedesk.domain.values import Contact
from servicedesk.i18n import _

PERIOD = Checked(Period.parse, "yyyy-mm")
HOLDS = "billing records"


def _cashier(kwargs: dict[str, Any]) -> None:
    """Money is never taken by "the system": the cashier is named."""
    if not kwargs.get("actor"):
        raise click.UsageError(_("Money is taken by a cashier: name them with --actor."))


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
    act(
        kwargs,
        lambda: OpenAccount(
            account_id=account_id, requester=Requester(name, unit, Contact(phone), kind)
        ),
        _("{id}: opened"),
        requires=BILLING,
        holds=HOLDS,
    )


@account.command("deposit")
@click.argument("account_id")
@click.argument("amount", type=AMOUNT)
@desk_options
def account_deposit(account_id: str, amount: Money, **kwargs: Any) -> None:
    """A cashier takes money into a tenant's deposit."""
    _cashier(kwargs)
    act(
        kwargs,
        lambda: PayDeposit(account_id=account_id, amount=amount),
        _("{id}: deposit taken"),
        Role.CASHIER,
        requires=BILLING,
        holds=HOLDS,
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


@charge.command("record")
@click.argument("request_id")
@click.option(
    "--material",
    "materials",
    multiple=True,
    nargs=3,
    metavar="DESCRIPTION QUANTITY PRICE",
    help="A material line; repeat for several.",
)
@desk_options
def charge_record(
    request_id: str, materials: tuple[tuple[str, str, str], ...], **kwargs: Any
) -> None:
    """Record the charge of an accepted job: the triage price plus materials."""
    act(
        kwargs,
        lambda: RecordCharge(
            request_id=request_id,
            lines=[
                LineSpec(LineKind.MATERIAL, what, quantity, Money.of(price))
                for what, quantity, price in materials
            ],
        ),
        _("{id}: charge recorded"),
        requires=BILLING,
        holds=HOLDS,
    )


@charge.command("confirm")
@click.argument("charge_id")
@click.option("--signed-by", required=True)
@evidence_options
@desk_options
def charge_confirm(charge_id: str, signed_by: str, **kwargs: Any) -> None:
    """The requester confirms the charge (a deposit is drawn at once)."""
    evidence = evidence_of(kwargs)
    act(
        kwargs,
        lambda: ConfirmCharge(charge_id=charge_id, signed_by=signed_by, evidence=evidence),
        _("{id}: confirmed"),
        requires=BILLING,
        holds=HOLDS,
    )


payment = group("payment", "Payments taken by a cashier, with numbered receipts.")


@payment.command("record")
@click.argument("account_id")
@click.argument("amount", type=AMOUNT)
@desk_options
def payment_record(account_id: str, amount: Money, **kwargs: Any) -> None:
    """A cashier takes a payment of the account's open statements."""
    _cashier(kwargs)
    act(
        kwargs,
        lambda: RecordPayment(account_id=account_id, amount=amount),
        _("{id}: payment recorded"),
        Role.CASHIER,
        requires=BILLING,
        holds=HOLDS,
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

COLUMNS = ("statement", "account", "period", "total", "paid", "due", "due by", "status")


def _rows(views: list[StatementView]) -> list[tuple[object, ...]]:
    return [
        (
            v.id.value,
            v.account_id.value,
            str(v.period),
            v.total.amount,
            v.paid.amount,
            v.amount_due.amount,
            v.due.date().isoformat(),
            v.status,
        )
        for v in views
    ]


def statements_of(opts: Options, period: Period, account_id: str | None) -> list[StatementView]:
    with opened(opts) as desk:
        require(desk, *BILLING, what=HOLDS)
        if account_id is None:
            with desk.store.unit_of_work() as uow:
                accounts = [a.id.value for a in uow.accounts.list()]
        else:
            accounts = [account_id]
        return [
            view
            for account_ref in accounts
            for view in desk.billing.statements(account_ref)
            if view.period == period
        ]


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


@statement.command("export")
@click.argument("period", type=PERIOD)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="Default: stdout.")
@desk_options
def statement_export(period: Period, fmt: str, output: Path | None, **kwargs: Any) -> None:
    """Export a month's statements with their lines, as CSV or JSON."""
    opts = options(kwargs)
    views = statements_of(opts, period, None)
    if fmt == "json":
        text = to_json(views) + "\n"
    else:
        rows = [
            (*row, line.kind, line.reference, line.description, line.amount.amount)
            for view, row in zip(views, _rows(views), strict=True)
            for line in view.lines
        ]
        text = csv_text(
            [c.replace(" ", "_") for c in COLUMNS]
            + ["line_kind", "line_reference", "line_description", "line_amount"],
            rows,
        )
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise click.FileError(str(output), hint=error.strerror) from None
        click.echo(
            _("{n} statements written to {path}").format(n=len(views), path=output), err=True
        )


def revenue(opts: Options, period: Period) -> None:
    with opened(opts) as desk:
        require(desk, *BILLING, what=HOLDS)
        results = desk.billing.revenue_and_cost(period)
    show(
        opts,
        results,
        lambda: table(
            _("Revenue and cost per item, {period}").format(period=period),
            [_("item"), _("revenue"), _("cost"), _("margin"), _("loss-making")],
            [(r.item_id.value, r.revenue, r.cost, r.margin, r.loss_making) for r in results],
        ),
    )
