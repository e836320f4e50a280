"""``servicedesk demo --community``: a day at a community convenience-service centre, printed.

Every text passes through ``servicedesk.i18n._``; residents' names and phones are masked,
and the enquiries' table shows who was asked first and who owns each now.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from servicedesk.cli.base import catalogue_table, heading_table
from servicedesk.demo.community_day import (
    COMMUNITY_DAY,
    ENQUIRIES,
    REQUEST,
    CommunityDay,
    opening_hours,
)
from servicedesk.demo.day import TIME_ZONE, WEEKDAYS, label, local
from servicedesk.domain.values import mask, mask_phone
from servicedesk.i18n import _


def _opening_table(day: CommunityDay) -> Table:
    """Before opening: one row per record, what was done with it (or refused)."""
    done: dict[str, list[str]] = {}
    for step in day.setup:
        if step.line is not None:
            done.setdefault(step.record, []).append(step.line)
    for refusal in day.refused:
        done.setdefault(refusal.record, []).append(refusal.line)
    table = heading_table(_("Before opening, 08:00-08:25"), _("record"), _("what happened"))
    for record, what in done.items():
        table.add_row(record, "; ".join(what))
    return table


def _catalogue_table(day: CommunityDay) -> Table:
    return catalogue_table(_("The centre's services: every one free"), day.desk.queries.catalogue())


def _steps_table(day: CommunityDay) -> Table:
    table = heading_table(
        _("The centre's day, step by step"), _("time"), _("record"), _("what happened")
    )
    for step in day.log:
        if step.line is not None:
            table.add_row(f"{step.at.astimezone(TIME_ZONE):%H:%M}", step.record, step.line)
    return table


def _enquiries_table(day: CommunityDay) -> Table:
    table = heading_table(
        _("Enquiries at closing time: the first asked owns each until handed on"),
        _("enquiry"),
        _("kind"),
        _("asker"),
        _("first asked"),
        _("owner"),
        _("status"),
        _("answer due"),
        _("overdue"),
    )
    for enquiry_id in ENQUIRIES:
        view = day.desk.enquiries.enquiry(enquiry_id, day.closing)
        asker = mask(view.asker_name)
        if view.contact is not None:
            asker = f"{asker} {mask_phone(view.contact.phone)}"
        table.add_row(
            enquiry_id,
            label(view.kind),
            asker,
            view.taken_by.value,
            view.owner.value,
            label(view.status),
            local(view.due),
            _("yes") if view.overdue else _("no"),
        )
    return table


def _request_lines(day: CommunityDay) -> list[str]:
    view = day.desk.queries.request(REQUEST)
    assert view.deadline is not None
    return [
        _("The request {id} that enquiry E-03 became: {fee}, someone there by {due}").format(
            id=REQUEST,
            fee=_("free") if view.price is not None and view.price.is_zero else str(view.price),
            due=local(view.deadline.due),
        )
    ]


def print_community_day(console: Console, day: CommunityDay) -> None:
    """The centre's day as tables, in the order it happened."""
    console.print(
        _("A day at a community service centre: {day}, open {hours}").format(
            day=f"{_(WEEKDAYS[COMMUNITY_DAY.weekday()])} {COMMUNITY_DAY:%Y-%m-%d}",
            hours=opening_hours(),
        ),
        style="bold",
    )
    for table in (
        _opening_table(day),
        _catalogue_table(day),
        _steps_table(day),
        _enquiries_table(day),
    ):
        console.print(table)
    for line in _request_lines(day):
        console.print(line)
    console.print(
        _(
            "Deadlines count only the centre's opening hours: "
            "a consultation taken at 11:50 is due the next morning."
        )
    )
    console.print(_("Residents' names and phones are masked. Run it again: the clock is fixed."))
