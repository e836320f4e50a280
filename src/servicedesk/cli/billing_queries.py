"""What the money records answer from a terminal: an account's history and statements, a job's
charges and invoices, what is overdue, a receipt series, the visits due, the loss-making items.

The commands join the groups of ``servicedesk.cli.billing``; ``servicedesk.cli.main`` names
this module as where those groups live, so that they are all there when a group is used.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from servicedesk.app.billing.queries import InvoiceView, ItemResult, ReceiptView
from servicedesk.cli.base import (
    BILLING,
    actor_of,
    desk_options,
    opened,
    options,
    require,
    show,
    table,
    working,
)
from servicedesk.cli.billing import (
    COLUMNS,
    HOLDS,
    PERIOD,
    _rows,
    account,
    agreement,
    billing_read,
    charge,
    charges_table,
    invoice,
    payment,
    statement,
)
from servicedesk.domain.billing import Period
from servicedesk.i18n import _

__all__ = ["account", "agreement", "charge", "invoice", "payment", "statement"]


def _at(moment: datetime | None) -> str | None:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else None


@account.command("history")
@click.argument("account_id")
@desk_options
def account_history(account_id: str, **kwargs: Any) -> None:
    """Everything that moved money on an account, oldest first."""
    opts = options(kwargs)
    entries = billing_read(
        opts, lambda desk, who: desk.billing.account_history(account_id, actor=who)
    )
    show(
        opts,
        entries,
        lambda: table(
            _("History of account {id}").format(id=account_id),
            [_("at"), _("entry"), _("reference"), _("amount")],
            [(_at(e.at), e.kind, e.reference, e.amount) for e in entries],
        ),
    )


@account.command("statements")
@click.argument("account_id")
@desk_options
def account_statements(account_id: str, **kwargs: Any) -> None:
    """An account's statements of every month, addressed as the actor may read them."""
    opts = options(kwargs)
    views = billing_read(opts, lambda desk, who: desk.billing.statements(account_id, actor=who))
    show(
        opts,
        views,
        lambda: table(
            _("Statements of account {id}").format(id=account_id),
            [_(c) for c in COLUMNS],
            _rows(views),
        ),
    )


@charge.command("of-request")
@click.argument("request_id")
@desk_options
def charge_of_request(request_id: str, **kwargs: Any) -> None:
    """A job's charges: estimates, the charge and its reversals."""
    opts = options(kwargs)
    views = billing_read(
        opts, lambda desk, who: desk.billing.charges_of_request(request_id, actor=who)
    )
    show(opts, views, lambda: charges_table(_("Charges of {id}").format(id=request_id), views))


def invoices_table(title: str, views: list[InvoiceView]) -> Any:
    return table(
        title,
        [
            _("invoice"),
            _("request"),
            _("charge"),
            _("amount"),
            _("number"),
            _("deadline"),
            _("delivered"),
        ],
        [
            (
                v.id,
                v.request_id.value,
                v.charge_id.value,
                v.amount,
                v.number,
                f"{v.deadline:%Y-%m-%d %H:%M}" + (" !" if v.overdue or v.delivered_late else ""),
                _at(v.delivered_at),
            )
            for v in views
        ],
    )


@invoice.command("of-request")
@click.argument("request_id")
@desk_options
def invoice_of_request(request_id: str, **kwargs: Any) -> None:
    """A job's invoices with their numbers; "!" marks one late."""
    opts = options(kwargs)
    views = billing_read(
        opts, lambda desk, who: desk.billing.invoices_of_request(request_id, actor=who)
    )
    show(opts, views, lambda: invoices_table(_("Invoices of {id}").format(id=request_id), views))


@invoice.command("overdue")
@desk_options
def invoice_overdue(**kwargs: Any) -> None:
    """The invoices asked for and not delivered by their deadline."""
    opts = options(kwargs)
    views = billing_read(opts, lambda desk, who: desk.billing.overdue_invoices(actor=who))
    show(opts, views, lambda: invoices_table(_("Overdue invoices"), views))


@statement.command("overdue")
@desk_options
def statement_overdue(**kwargs: Any) -> None:
    """The statements past their due date with money still due, oldest month first."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, *BILLING, what=HOLDS)
        with working(_("Reading statements")):
            views = desk.billing.overdue_statements(actor=actor_of(opts))
    show(
        opts,
        views,
        lambda: table(_("Overdue statements"), [_(c) for c in COLUMNS], _rows(views)),
    )


def receipts_table(title: str, views: list[ReceiptView]) -> Any:
    return table(
        title,
        [_("number"), _("receipt"), _("account"), _("issued at"), _("amount"), _("voided")],
        [
            (
                v.number,
                v.text,
                v.account_id.value,
                _at(v.issued_at),
                v.amount,
                _("yes") if v.voided else _("no"),
            )
            for v in views
        ],
    )


@payment.command("series")
@click.argument("series")
@desk_options
def payment_series(series: str, **kwargs: Any) -> None:
    """The receipts of one series by number, 1, 2, 3 ... with no gap (voided ones kept)."""
    opts = options(kwargs)
    views = billing_read(opts, lambda desk, who: desk.billing.receipts(series, actor=who))
    show(opts, views, lambda: receipts_table(_("Receipts of series {id}").format(id=series), views))


@agreement.command("visits-due")
@click.argument("period", type=PERIOD)
@desk_options
def agreement_visits_due(period: Period, **kwargs: Any) -> None:
    """The visits the agreements schedule in a month, by day."""
    opts = options(kwargs)
    visits = billing_read(opts, lambda desk, who: desk.billing.visits_due(period, actor=who))
    show(
        opts,
        visits,
        lambda: table(
            _("Visits due in {period}").format(period=period),
            [_("day"), _("agreement"), _("account")],
            [
                (v.on.isoformat(), v.agreement_id.value, v.account_id.value)
                for v in sorted(visits, key=lambda v: (v.on, v.agreement_id.value))
            ],
        ),
    )


def results_table(title: str, results: list[ItemResult]) -> Any:
    """Revenue, cost and margin per item; "yes" where the item loses money."""
    return table(
        title,
        [_("item"), _("revenue"), _("cost"), _("margin"), _("loss-making")],
        [
            (r.item_id.value, r.revenue, r.cost, r.margin, _("yes") if r.loss_making else _("no"))
            for r in results
        ],
    )
