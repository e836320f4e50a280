"""The demo's month-end, printed: statements, deposits, overdue work, escalations, callbacks."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from servicedesk.cli.reports import percent
from servicedesk.demo.day import label, local
from servicedesk.demo.month_end import MonthEnd
from servicedesk.i18n import _


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    return table


def print_month_end(console: Console, month: MonthEnd) -> None:
    statements = _table(
        _("April statements, the month closed {at}").format(at=local(month.closed_at)),
        _("statement"),
        _("total"),
        _("paid"),
        _("due"),
        _("due by"),
        _("status"),
    )
    for s in month.statements:
        statements.add_row(
            s.id.value, str(s.total), str(s.paid), str(s.amount_due), local(s.due), label(s.status)
        )
    console.print(statements)

    deposits = _table(
        _("Tenants' deposits, drawn by each charge"),
        _("account"),
        _("balance"),
        _("top up?"),
    )
    for a in month.deposits:
        deposits.add_row(a.id.value, str(a.balance), _("yes") if a.needs_top_up else _("no"))
    console.print(deposits)

    overdue = _table(
        _("Overdue after the holiday"), _("request"), _("deadline"), _("worker"), _("status")
    )
    for r in month.overdue:
        assert r.deadline is not None
        overdue.add_row(
            r.id.value,
            local(r.deadline.due),
            r.worker_id.value if r.worker_id else "-",
            label(r.status),
        )
    console.print(overdue)

    complaints = _table(
        _("Escalation sweep: {n} cases went one step up; the complaints").format(n=month.escalated),
        _("complaint"),
        _("about"),
        _("category"),
        _("acknowledge by"),
        _("escalated to"),
    )
    for c in month.complaints:
        complaints.add_row(
            c.id.value,
            c.request_id.value if c.request_id else "-",
            _(c.category),
            local(c.acknowledge_due),
            ", ".join(label(e.role) for e in c.escalations) or "-",
        )
    console.print(complaints)

    callbacks = _table(
        _("April's callbacks, planned and made"),
        _("request"),
        _("item"),
        _("status"),
        _("score"),
        _("next try"),
    )
    for cb in sorted(month.callbacks, key=lambda cb: cb.request_id.value):
        callbacks.add_row(
            cb.request_id.value,
            cb.item_id.value,
            label(cb.status),
            str(cb.satisfaction) if cb.satisfaction is not None else "-",
            local(cb.next_attempt_at) if cb.next_attempt_at else "-",
        )
    console.print(callbacks)

    quality = _table(
        _("Quality of April"),
        _("item"),
        _("jobs"),
        _("on time"),
        _("first-time fix"),
        _("satisfied / reached"),
        _("satisfaction rate"),
    )
    rows = [(_("all items"), month.quality.total)] + [
        (item.value, row)
        for item, row in sorted(month.quality.by_item.items(), key=lambda p: p[0].value)
    ]
    for name, row in rows:
        quality.add_row(
            name,
            str(row.jobs),
            percent(row.on_time_rate),
            percent(row.first_time_fix_rate),
            f"{row.satisfied} / {row.callbacks_reached}",
            percent(row.satisfaction_rate),
        )
    console.print(quality)
