"""The manager's further reports: the loss-making items, the quality trend, a worker's review.

The commands join ``servicedesk report``; ``servicedesk.cli.main`` names this module as
where that group lives.
"""

from __future__ import annotations

from typing import Any

import click

from servicedesk.app.callbacks.queries import QualityRow
from servicedesk.cli.base import (
    CASES,
    actor_of,
    desk_options,
    opened,
    options,
    require,
    show,
    table,
    working,
)
from servicedesk.cli.billing import PERIOD, billing_read
from servicedesk.cli.billing_queries import results_table
from servicedesk.cli.complaints import MONTH, case_read
from servicedesk.cli.reports import percent, report
from servicedesk.domain.billing import Period
from servicedesk.domain.callbacks import Month
from servicedesk.i18n import N_, _

__all__ = ["report"]

QUALITY_COLUMNS = (
    N_("jobs"),
    N_("on time"),
    N_("first-time fix"),
    N_("complaints"),
    N_("satisfied"),
)


def _figures(row: QualityRow) -> tuple[object, ...]:
    return (
        row.jobs,
        percent(row.on_time_rate),
        percent(row.first_time_fix_rate),
        percent(row.complaint_rate),
        percent(row.satisfaction_rate),
    )


@report.command("loss-making")
@click.argument("period", type=PERIOD)
@desk_options
def report_loss_making(period: Period, **kwargs: Any) -> None:
    """The items whose costs exceeded their revenue in a month: to review or stop."""
    opts = options(kwargs)
    results = billing_read(
        opts, lambda desk, who: desk.billing.loss_making_items(period, actor=who)
    )
    show(
        opts,
        results,
        lambda: results_table(_("Loss-making items, {period}").format(period=period), results),
    )


@report.command("trend")
@click.argument("first", type=MONTH)
@click.argument("last", type=MONTH)
@desk_options
def report_trend(first: Month, last: Month, **kwargs: Any) -> None:
    """The quality of every item together, month by month from FIRST to LAST."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, *CASES, what="complaints and callbacks")
        with working(_("Reading the months")):
            months = desk.quality.trend(first, last, actor=actor_of(opts))
    show(
        opts,
        [{"month": str(month), "figures": row} for month, row in months],
        lambda: table(
            _("Quality from {first} to {last}").format(first=first, last=last),
            [_("month"), *(_(c) for c in QUALITY_COLUMNS)],
            [(str(month), *_figures(row)) for month, row in months],
        ),
    )


@report.command("review")
@click.argument("worker_id")
@click.argument("month", type=MONTH)
@desk_options
def report_review(worker_id: str, month: Month, **kwargs: Any) -> None:
    """A worker's month for the appraisal: jobs, complaints and the requesters' scores."""
    opts = options(kwargs)
    review = case_read(
        opts, lambda desk, who: desk.quality.review_input(worker_id, month, actor=who)
    )

    def render() -> Any:
        shown = table(
            _("Review of {worker}, {month}").format(worker=review.worker_id, month=month),
            [_(c) for c in QUALITY_COLUMNS],
            [_figures(review.figures)],
        )
        shown.caption = _("complaints: {complaints}; scores: {scores}").format(
            complaints=", ".join(c.value for c in review.complaints) or "-",
            scores=", ".join(map(str, review.scores)) or "-",
        )
        return shown

    show(opts, review, render)
