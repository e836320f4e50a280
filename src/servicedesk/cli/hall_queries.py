"""What the service hall answers from a terminal: a guide, an application and its public
result, the open applications, and how long the queue waited.

The commands join ``servicedesk hall``; the groups ``hall guide`` and ``hall application``
start here with ``show``, and ``servicedesk.cli.hall_setup`` and ``servicedesk.cli.hall_cases``
add their commands.  Applicants' names and phones are masked in the tables.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import click

from servicedesk.app.hall.queries import ApplicationView, PublicResult
from servicedesk.cli.base import Checked, actor_of, desk_options, opened, options, show, table
from servicedesk.cli.group import group
from servicedesk.cli.hall import hall
from servicedesk.domain.deadlines import WorkingBudget
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.values import mask, mask_phone
from servicedesk.i18n import N_, _, label

__all__ = ["application_group", "guide_group", "hall"]

#: ``hall guide show`` here; drafting and publishing join it from ``servicedesk.cli.hall_setup``.
guide_group = group("guide", "An item's service guide: drafted, published, withdrawn, shown.")
#: ``hall application show`` here; the case work joins it from ``servicedesk.cli.hall_cases``.
application_group = group(
    "application", "An application from intake to the applicant told of its result."
)
hall.add_command(guide_group)
hall.add_command(application_group)


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(
            _("{text!r} is not a date (yyyy-mm-dd)."), code="cli.invalid", text=text
        ) from None


DAY = Checked(parse_day, "yyyy-mm-dd")


def _at(moment: datetime | None) -> str | None:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else None


def budget_text(budget: WorkingBudget) -> str:
    if budget.days:
        return _("{n} working day(s)").format(n=budget.days)
    return _("{n} working hour(s)").format(n=f"{budget.time / timedelta(hours=1):g}")


def minutes(length: timedelta) -> str:
    return _("{n} min").format(n=int(length.total_seconds() // 60))


@guide_group.command("show")
@click.argument("item_id")
@click.option("--version", type=click.IntRange(1), help="A version by number (default: in force).")
@desk_options
def hall_guide(item_id: str, version: int | None, **kwargs: Any) -> None:
    """An item's guide: its basis, conditions, materials, steps, time limit and fee."""
    opts = options(kwargs)
    with opened(opts) as desk:
        view = desk.hall.guide(item_id, version, actor=actor_of(opts))
    rows: list[tuple[object, ...]] = [
        (_("item"), f"{view.item_id.value} {view.name} (v{view.version})"),
        (_("kind"), view.kind),
        (_("time limit"), budget_text(view.time_limit)),
        (_("fee"), view.fee),
        *((_("legal basis"), basis) for basis in view.legal_basis),
        *((_("condition"), condition) for condition in view.conditions),
        *(
            (_("material"), f"{m.code} {m.name}, {label(m.form)} x{m.count}")
            for m in view.materials
        ),
        *(
            (
                _("step"),
                f"{s.name}: {s.department or s.department_id.value}, {budget_text(s.time_limit)}",
            )
            for s in view.steps
        ),
    ]
    show(
        opts,
        view,
        lambda: table(_("Guide of {id}").format(id=item_id), [_("what"), _("guide")], rows),
    )


def result_row(result: PublicResult) -> tuple[object, ...]:
    return (
        result.application_id.value,
        result.item,
        result.status,
        _at(result.promised),
        result.outcome,
        result.document_number or None,
        result.refusal or None,
    )


RESULT_COLUMNS = (
    N_("application"),
    N_("item"),
    N_("status"),
    N_("promised"),
    N_("outcome"),
    N_("document"),
    N_("refusal"),
)


@hall.command("result")
@click.argument("application_id")
@desk_options
def hall_result(application_id: str, **kwargs: Any) -> None:
    """An application's progress and result by its number, as anyone may look it up."""
    opts = options(kwargs)
    with opened(opts) as desk:
        result = desk.hall.result(application_id, actor=actor_of(opts))
    show(
        opts,
        result,
        lambda: table(
            _("Result of {id}").format(id=application_id),
            [_(c) for c in RESULT_COLUMNS],
            [result_row(result)],
        ),
    )


def _applicant(view: ApplicationView) -> str:
    return f"{mask(view.applicant.name)} {mask_phone(view.applicant.contact.phone)}"


def applications_table(title: str, views: list[ApplicationView]) -> Any:
    return table(
        title,
        [
            _("application"),
            _("applicant"),
            _("item"),
            _("status"),
            _("ticket"),
            _("missing"),
            _("due"),
        ],
        [
            (
                v.result.application_id.value,
                _applicant(v),
                v.result.item,
                v.result.status,
                v.ticket or None,
                ", ".join(v.missing) or None,
                f"{v.due:%Y-%m-%d %H:%M}" + (" !" if v.breaches else "") if v.clock_runs else None,
            )
            for v in views
        ],
    )


@application_group.command("show")
@click.argument("application_id")
@desk_options
def hall_application(application_id: str, **kwargs: Any) -> None:
    """One application as the hall's staff read it: materials, steps, deadlines."""
    opts = options(kwargs)
    with opened(opts) as desk:
        view = desk.hall.application(application_id, actor=actor_of(opts))

    def render() -> Any:
        shown = applications_table(_("Application {id}").format(id=application_id), [view])
        steps = "; ".join(
            f"{p.step.name} {_at(p.step.done_at) or _at(p.due) or '-'}" + (" !" if p.late else "")
            for p in view.steps
        )
        shown.caption = _("steps: {steps}").format(steps=steps or "-")
        return shown

    show(opts, view, render)


@hall.command("applications")
@desk_options
def hall_applications(**kwargs: Any) -> None:
    """The applications still open, with what they lack and when they are due."""
    opts = options(kwargs)
    with opened(opts) as desk:
        views = desk.hall.open_applications(actor=actor_of(opts))
    show(opts, views, lambda: applications_table(_("Open applications"), views))


@hall.command("waiting-times")
@click.argument("first", type=DAY)
@click.argument("last", type=DAY, required=False)
@desk_options
def hall_waiting_times(first: date, last: date | None, **kwargs: Any) -> None:
    """How long numbers waited before their call, per window and hour, from FIRST to LAST."""
    opts = options(kwargs)
    with opened(opts) as desk:
        waits = desk.hall.waiting_times(first, last, actor=actor_of(opts))
    show(
        opts,
        waits,
        lambda: table(
            _("Waiting times from {first} to {last}").format(first=first, last=last or first),
            [_("window"), _("hour"), _("calls"), _("average"), _("longest")],
            [
                (
                    w.window_id.value,
                    f"{w.hour:02d}:00",
                    w.calls,
                    minutes(w.average),
                    minutes(w.longest),
                )
                for w in waits
            ],
        ),
    )
