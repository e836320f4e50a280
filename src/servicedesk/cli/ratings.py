"""Public ratings (好差评) from a terminal: a rating recorded, its follow-up closed, the figures."""

from __future__ import annotations

from typing import Any

import click

from servicedesk.app.ratings.commands import CloseFollowUp, GiveRating, TellRater
from servicedesk.app.ratings.queries import RatingFigures, RatingView
from servicedesk.cli.base import (
    EnumParam,
    act,
    actor_of,
    desk_options,
    evidence_of,
    evidence_options,
    opened,
    options,
    require,
    show,
    table,
)
from servicedesk.cli.complaints import MONTH
from servicedesk.cli.group import group
from servicedesk.cli.reports import percent
from servicedesk.domain.callbacks import Month
from servicedesk.domain.ratings import LEVEL_LABELS, RatingChannel, RatingLevel, ToldBy
from servicedesk.i18n import N_, _

rating = group("rating", "Public ratings of a service, and the follow-up of a bad one.")
follow_up = group("follow-up", "The follow-up (整改) of a bad rating.")
rating.add_command(follow_up)

LEVEL = EnumParam(RatingLevel, "rating level")
CHANNEL = EnumParam(RatingChannel, "rating channel")
TOLD = EnumParam(ToldBy, "way the rater was told")
HOLDS = N_("ratings")


@rating.command("give")
@click.option("--request", "request_id", help="The job rated (a service request).")
@click.option("--application", "application_id", help="The hall application rated.")
@click.option("--visit", "visit_id", help="The window visit rated: day:number, 2026-05-11:A003.")
@click.option("--level", type=LEVEL, required=True, help="very_satisfied ... very_dissatisfied.")
@click.option("--channel", type=CHANNEL, default="in_person", show_default=True)
@evidence_options
@desk_options
def rating_give(
    request_id: str | None,
    application_id: str | None,
    visit_id: str | None,
    level: RatingLevel,
    channel: RatingChannel,
    **kwargs: Any,
) -> None:
    """Record the requester's rating of one service, with how he gave it (--given)."""
    evidence = evidence_of(kwargs)
    act(
        kwargs,
        lambda: GiveRating(
            request_id=request_id,
            application_id=application_id,
            visit_id=visit_id,
            level=level,
            channel=channel,
            evidence=evidence,
        ),
        _("rating {id}: given"),
        requires=("ratings",),
        holds=HOLDS,
    )


@follow_up.command("close")
@click.argument("rating_id")
@click.option("--outcome", required=True, help="What was done about it (整改结果).")
@desk_options
def rating_follow_up_close(rating_id: str, outcome: str, **kwargs: Any) -> None:
    """Record the outcome of a bad rating's follow-up (its owner, or a manager)."""
    act(
        kwargs,
        lambda: CloseFollowUp(rating_id=rating_id, outcome=outcome),
        _("rating {id}: follow-up closed"),
        requires=("ratings",),
        holds=HOLDS,
    )


@rating.command("tell")
@click.argument("rating_id")
@click.option("--channel", type=TOLD, default="phone", show_default=True)
@desk_options
def rating_tell(rating_id: str, channel: ToldBy, **kwargs: Any) -> None:
    """The rater was told the follow-up's outcome."""
    act(
        kwargs,
        lambda: TellRater(rating_id=rating_id, channel=channel),
        _("rating {id}: rater told"),
        requires=("ratings",),
        holds=HOLDS,
    )


def _label(level: RatingLevel) -> str:
    return _(LEVEL_LABELS[level])


def _follow_up_row(view: RatingView) -> tuple[object, ...]:
    f = view.follow_up
    return (
        view.id.value,
        _label(view.level),
        view.service.staff_id,
        f.owner.value if f else None,
        f"{f.due:%Y-%m-%d %H:%M}" if f else None,
        (_("closed") if not f.is_open else _("overdue") if view.overdue else _("open"))
        if f
        else None,
    )


@rating.command("show")
@click.argument("rating_id")
@desk_options
def rating_show(rating_id: str, **kwargs: Any) -> None:
    """One rating: what it rates, its level and its follow-up."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, "ratings", what=HOLDS)
        view = desk.ratings.rating(rating_id, actor=actor_of(opts))
    show(
        opts,
        view,
        lambda: table(
            _("Rating {id} of {month}").format(id=view.id, month=view.month),
            [_("rating"), _("level"), _("staff"), _("owner"), _("follow-up due"), _("follow-up")],
            [_follow_up_row(view)],
        ),
    )


@rating.command("overdue")
@desk_options
def rating_overdue(**kwargs: Any) -> None:
    """Bad ratings whose follow-up is past its deadline, the longest due first."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, "ratings", what=HOLDS)
        views = desk.ratings.overdue_follow_ups(now=opts.now, actor=actor_of(opts))
    show(
        opts,
        views,
        lambda: table(
            _("Follow-ups overdue"),
            [_("rating"), _("level"), _("staff"), _("owner"), _("follow-up due"), _("follow-up")],
            [_follow_up_row(v) for v in views],
        ),
    )


def _figures_row(name: str, figures: RatingFigures) -> tuple[object, ...]:
    return (
        name,
        *(figures.counts[level] for level in figures.counts),
        figures.total,
        percent(figures.satisfaction_rate),
    )


@rating.command("report")
@click.argument("month", type=MONTH)
@desk_options
def rating_report(month: Month, **kwargs: Any) -> None:
    """A month's ratings per item, window, department and member of staff."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, "ratings", what=HOLDS)
        report = desk.ratings.report(month, actor=actor_of(opts))
    levels = list(report.total.counts)
    rows = [_figures_row(_("all"), report.total)]
    for what, by in (
        (_("item"), report.by_item),
        (_("window"), report.by_window),
        (_("department"), report.by_department),
        (_("staff"), report.by_staff),
    ):
        rows += [_figures_row(f"{what} {key}", figures) for key, figures in by.items()]
    show(
        opts,
        report,
        lambda: table(
            _("Ratings of {month}").format(month=month),
            ["", *(_label(level) for level in levels), _("total"), _("satisfaction rate")],
            rows,
        ),
    )


@rating.command("staff")
@click.argument("staff_id")
@click.argument("month", type=MONTH)
@desk_options
def rating_staff(staff_id: str, month: Month, **kwargs: Any) -> None:
    """One member of staff's ratings of a month, as an appraisal reads them."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, "ratings", what=HOLDS)
        figures = desk.ratings.staff(staff_id, month, actor=actor_of(opts))
    show(
        opts,
        figures,
        lambda: table(
            _("Ratings of {staff} in {month}").format(staff=staff_id, month=month),
            [_("level"), _("ratings")],
            [
                *((_label(level), n) for level, n in figures.counts.items()),
                (_("total"), figures.total),
                (_("satisfaction rate"), percent(figures.satisfaction_rate)),
            ],
        ),
    )
