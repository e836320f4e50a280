"""``servicedesk demo --hall``: a day at an administrative service hall, printed.

Every text passes through ``servicedesk.i18n._``; applicants' names and phones are
masked, and the public lookup shows what anyone with an application's number reads.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from servicedesk.cli.base import heading_table
from servicedesk.demo.day import label, local
from servicedesk.demo.hall_day import APPLICATIONS, HALL_DAY, TRANSFER, HallDay
from servicedesk.demo.steps import Done
from servicedesk.domain.values import mask, mask_phone
from servicedesk.i18n import _


def _opening_table(setup: list[Done]) -> Table:
    """Before opening: one row per record, what the hall's management did with it."""
    done: dict[str, list[str]] = {}
    for step in setup:
        if step.line is not None:
            done.setdefault(step.record, []).append(step.line)
    table = heading_table(_("Before opening, 08:30-08:55"), _("record"), _("what happened"))
    for record, what in done.items():
        table.add_row(record, "; ".join(what))
    return table


def _steps_table(log: list[Done]) -> Table:
    table = heading_table(
        _("The hall's day, step by step"), _("time"), _("record"), _("what happened")
    )
    for step in log:
        if step.line is not None:
            table.add_row(f"{step.at:%H:%M}", step.record, step.line)
    return table


def _queue_table(day: HallDay) -> Table:
    queue = day.desk.hall.queue(HALL_DAY)
    table = heading_table(
        _("The queue: {served} served, {waiting} waiting").format(
            served=queue.served, waiting=len(queue.waiting)
        ),
        _("number"),
        _("item"),
        _("window"),
        _("taken"),
        _("called"),
        _("waited"),
        _("status"),
    )
    names = {g.item_id: g.name for g in day.desk.hall.guides()}
    for ticket in queue.tickets:
        calls = ", ".join(f"{v.called_at:%H:%M}" for v in ticket.visits)
        waited = ticket.visits[0].waited if ticket.visits else None
        table.add_row(
            ticket.number,
            names[ticket.item_id] if ticket.item_id else "-",
            ticket.at_window.value if ticket.at_window else "-",
            f"{ticket.taken_at:%H:%M}",
            calls or "-",
            _("{n} min").format(n=int(waited.total_seconds() // 60)) if waited else "-",
            label(ticket.status),
        )
    return table


def _applications_table(day: HallDay) -> Table:
    table = heading_table(
        _("Applications, as the hall's staff read them"),
        _("application"),
        _("applicant"),
        _("item"),
        _("kind"),
        _("one-time notice"),
        _("status"),
    )
    for number in APPLICATIONS:
        view = day.desk.hall.application(number)
        materials = {m.code: m.name for m in day.desk.hall.guide(view.result.item_id).materials}
        notice = (
            _("missing {materials}, told {channel}").format(
                materials=", ".join(materials[code] for code in view.notices[0].missing),
                channel=label(view.notices[0].channel),
            )
            if view.notices
            else "-"
        )
        table.add_row(
            number,
            f"{mask(view.applicant.name)} {mask_phone(view.applicant.contact.phone)}",
            view.result.item,
            label(view.result.kind),
            notice,
            label(view.result.status),
        )
    return table


def _joint_table(day: HallDay) -> Table:
    view = day.desk.hall.application(TRANSFER)
    guide = day.desk.hall.guide(view.result.item_id)
    table = heading_table(
        _("The joint item {number}: done when every department's part is").format(number=TRANSFER),
        _("part"),
        _("department"),
        _("due"),
        _("done"),
    )
    for progress, published in zip(view.steps, guide.steps, strict=True):
        step = progress.step
        table.add_row(
            step.name,
            published.department,
            local(progress.due) if progress.due else "-",
            local(step.done_at) if step.done_at else "-",
        )
    return table


def _lookup_table(day: HallDay) -> Table:
    table = heading_table(
        _("Public result lookup by application number (no personal data)"),
        _("application"),
        _("item"),
        _("status"),
        _("promised"),
        _("outcome"),
        _("document"),
        _("refusal"),
    )
    for number in APPLICATIONS:
        result = day.desk.hall.result(number)
        table.add_row(
            number,
            result.item,
            label(result.status),
            local(result.promised) if result.promised else "-",
            label(result.outcome) if result.outcome else "-",
            result.document_number or "-",
            result.refusal or "-",
        )
    return table


def print_hall_day(console: Console, day: HallDay) -> None:
    """The hall's day as tables, in the order it happened."""
    console.print(
        _("A day at a service hall: {day}, three windows, three departments").format(
            day=local(day.setup[0].at).rsplit(" ", 1)[0]
        ),
        style="bold",
    )
    for table in (
        _opening_table(day.setup),
        _steps_table(day.log),
        _queue_table(day),
        _applications_table(day),
        _joint_table(day),
        _lookup_table(day),
    ):
        console.print(table)
    console.print(_("Applicants' names and phones are masked; the lookup holds none of them."))
