"""Reports: open and overdue requests, the shift handover, quality, revenue per item."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import click

from servicedesk.cli.base import (
    CASES,
    desk_options,
    opened,
    options,
    require,
    show,
    table,
)
from servicedesk.cli.billing import PERIOD, billing_read
from servicedesk.cli.billing_queries import results_table
from servicedesk.cli.complaints import MONTH
from servicedesk.cli.group import group
from servicedesk.cli.requests import requests_table
from servicedesk.domain.billing import Period
from servicedesk.domain.callbacks import Month
from servicedesk.i18n import _

report = group("report", "What the desk shows a manager.")


@report.command("open")
@desk_options
def report_open(**kwargs: Any) -> None:
    """Every open request."""
    opts = options(kwargs)
    with opened(opts) as desk:
        views = desk.queries.open_requests()
    show(opts, views, lambda: requests_table(_("Open requests"), views))


@report.command("overdue")
@desk_options
def report_overdue(**kwargs: Any) -> None:
    """The requests past their deadline."""
    opts = options(kwargs)
    with opened(opts) as desk:
        views = desk.queries.overdue_requests()
    show(opts, views, lambda: requests_table(_("Overdue requests"), views))


@report.command("handover")
@desk_options
def report_handover(**kwargs: Any) -> None:
    """What the next shift takes over."""
    opts = options(kwargs)
    with opened(opts) as desk:
        handover = desk.queries.shift_handover()
    title = _("Shift handover at {at:%Y-%m-%d %H:%M}: {n} open requests").format(
        at=handover.at, n=handover.count
    )
    show(opts, handover, lambda: requests_table(title, list(handover.open)))


def percent(value: Decimal | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


@report.command("quality")
@click.argument("month", type=MONTH)
@desk_options
def report_quality(month: Month, **kwargs: Any) -> None:
    """A month's on-time, first-time-fix, complaint and satisfaction rates, per item."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, *CASES, what="complaints and callbacks")
        quality = desk.quality.report(month)
    rows = [(_("all items"), quality.total)] + [
        (item.value, row) for item, row in sorted(quality.by_item.items(), key=lambda p: p[0].value)
    ]
    show(
        opts,
        quality,
        lambda: table(
            _("Quality of {month}").format(month=month),
            [
                _("item"),
                _("jobs"),
                _("on time"),
                _("first-time fix"),
                _("complaints"),
                _("satisfied"),
            ],
            [
                (
                    name,
                    r.jobs,
                    percent(r.on_time_rate),
                    percent(r.first_time_fix_rate),
                    percent(r.complaint_rate),
                    percent(r.satisfaction_rate),
                )
                for name, r in rows
            ],
        ),
    )


@report.command("revenue")
@click.argument("period", type=PERIOD)
@desk_options
def report_revenue(period: Period, **kwargs: Any) -> None:
    """Revenue and cost per item in a month."""
    opts = options(kwargs)
    results = billing_read(opts, lambda desk, who: desk.billing.revenue_and_cost(period, actor=who))
    show(
        opts,
        results,
        lambda: results_table(
            _("Revenue and cost per item, {period}").format(period=period), results
        ),
    )


# --- staff files: the command lives with the roster's (``servicedesk.cli.staff``) -----------------

from servicedesk.cli.staff import report_expiring  # noqa: E402 - it joins the group above

report.add_command(report_expiring)
