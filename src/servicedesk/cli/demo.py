"""``servicedesk demo``: a day at a property service centre and its month-end, printed.

Everything printed is read by a person, so every text passes through
``servicedesk.i18n._``, and requesters' names and phones are masked, as in any
export of the desk.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from servicedesk import Desk, Status
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.requests.queries import RequestView
from servicedesk.cli.base import catalogue_table, heading_table
from servicedesk.cli.community_demo import print_community_day
from servicedesk.cli.group import DeskCommand
from servicedesk.cli.hall_demo import print_hall_day
from servicedesk.cli.month_end import print_month_end
from servicedesk.demo.community_day import run_community_day
from servicedesk.demo.day import DAY, TIME_ZONE, WEEKDAYS, Day, label, local, run_day
from servicedesk.demo.hall_day import run_hall_day
from servicedesk.demo.month_end import run_month_end
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.requests import Milestone
from servicedesk.domain.values import mask, mask_phone
from servicedesk.i18n import _

#: The tables are laid out for this width; a narrower terminal wraps them.
MIN_WIDTH = 110


def who(view: RequestView) -> str:
    """The requester, masked: enough for a colleague to recognise, not to leak."""
    requester = view.requester
    return f"{mask(requester.name)} {mask_phone(requester.contact.phone)}"


def _opening_table(day: Day) -> Table:
    """Before opening: the catalogue's approvals and the workers, one row per record."""
    requests = set(day.request_ids)
    done: dict[str, list[str]] = {}
    for step in day.log:
        if step.record and step.record not in requests and step.line is not None:
            done.setdefault(step.record, []).append(step.line)
    table = heading_table(_("Before opening, 08:00-08:45"), _("record"), _("what happened"))
    for record, what in done.items():
        table.add_row(record, "; ".join(what))
    return table


def _steps_table(day: Day) -> Table:
    table = heading_table(_("The day, step by step"), _("time"), _("record"), _("what happened"))
    requests = set(day.request_ids)
    for step in day.log:
        if (step.record in requests or not step.record) and step.line is not None:
            table.add_row(f"{step.at.astimezone(TIME_ZONE):%H:%M}", step.record, step.line)
    return table


def _catalogue_table(day: Day) -> Table:
    return catalogue_table(
        _("Catalogue (approved by the centre manager, then the branch manager)"),
        day.desk.queries.catalogue(),
    )


def _by_status_table(views: Iterable[RequestView]) -> Table:
    groups: dict[Status, list[str]] = {}
    for view in views:
        groups.setdefault(view.status, []).append(view.id.value)
    table = heading_table(_("Requests by status"), _("status"), _("count"), _("requests"))
    for status in Status:
        if status in groups:
            ids = groups[status]
            table.add_row(label(status), str(len(ids)), ", ".join(ids))
    return table


def _requests_table(views: Iterable[RequestView]) -> Table:
    table = heading_table(
        _("Requests"),
        _("request"),
        _("channel"),
        _("requester"),
        _("item"),
        _("price"),
        _("extra fees"),
        _("status"),
    )
    for view in views:
        table.add_row(
            view.id.value,
            label(view.channel),
            who(view),
            _("{item} ({urgency})").format(item=view.item_id, urgency=label(view.urgency))
            if view.item_id
            else "-",
            str(view.price) if view.price else (_("estimate first") if view.item_id else "-"),
            str(view.extra_fees) if not view.extra_fees.is_zero else "",
            label(view.status),
        )
    return table


def _handover_table(day: Day) -> Table:
    handover = day.desk.queries.shift_handover()
    table = heading_table(
        _("Shift handover at {at}: {n} open requests").format(
            at=local(handover.at), n=handover.count
        ),
        _("request"),
        _("status"),
        _("need"),
        _("worker"),
        _("deadline"),
    )
    for view in handover.open:
        table.add_row(
            view.id.value,
            label(view.status),
            view.need,
            view.worker_id.value if view.worker_id else "-",
            local(view.deadline.due) if view.deadline else "-",
        )
    return table


def _overdue_table(day: Day) -> Table:
    table = heading_table(
        _("Overdue requests"), _("request"), _("deadline"), _("promised"), _("worker"), _("status")
    )
    for view in day.desk.queries.overdue_requests():
        assert view.deadline is not None
        table.add_row(
            view.id.value,
            local(view.deadline.due),
            _("someone on site")
            if view.deadline.milestone is Milestone.STARTED
            else _("the job done"),
            view.worker_id.value if view.worker_id else "-",
            label(view.status),
        )
    return table


def _service_hall_lines(day: Day) -> list[str]:
    view = day.hall.queries.request(day.hall_request)
    assert view.deadline is not None
    return [
        _("A service hall on the same core (ServiceHall plugin):"),
        _("  {item} ({kind} item, {fee}) registered {at}").format(
            item=view.item_id,
            kind=label(view.item_kind or "-"),
            fee=_("free") if view.price is not None and view.price.is_zero else str(view.price),
            at=local(view.registered_at),
        ),
        _("  promised done within {n} working days: by {due}").format(
            n=day.hall_working_days, due=local(view.deadline.due)
        ),
        _("  (1-5 May are the Labour Day holiday; Saturday 9 May is a make-up working day)"),
    ]


@click.command(cls=DeskCommand)
@click.option(
    "--db",
    help="SQLite file (or database URL) to build the centre in; default: a temporary file.",
)
@click.option("--hall", is_flag=True, help="Run a day at an administrative service hall instead.")
@click.option(
    "--community",
    is_flag=True,
    help="Run a day at a community convenience-service centre instead.",
)
def demo(db: str | None, hall: bool, community: bool) -> None:
    """Run a day at a property service centre and its month-end, and print what they left."""
    with tempfile.TemporaryDirectory(prefix="servicedesk-demo-") as scratch:
        target = db or str(Path(scratch) / "demo.db")
        store = SqlStore(target, migrate=True)
        try:
            desk = Desk(store, entry_points=False)
            if desk.queries.catalogue() or desk.hall.guides():
                raise InvalidValue(
                    _("{db} already holds a centre; the demo builds a new one."),
                    code="cli.invalid",
                    db=target,
                )
            if hall and community:
                raise InvalidValue(_("Choose one demo: --hall or --community."), code="cli.invalid")
            if hall:
                _print_hall_demo(store, kept=db)
            elif community:
                _print_community_demo(store, kept=db)
            else:
                _print_demo(store, kept=db)
        finally:
            store.close()


def _console() -> Console:
    # No markup: a requester's need may contain [brackets] that rich would eat.
    console = Console(highlight=False, markup=False)
    console.width = max(console.width, MIN_WIDTH)
    return console


def _print_kept(console: Console, kept: str | None) -> None:
    console.print(
        _("The day's records are in the SQLite file {db}.").format(db=kept)
        if kept
        else _("The day's records were in a temporary SQLite file; keep them with --db FILE.")
    )


def _print_hall_demo(store: SqlStore, kept: str | None) -> None:
    console = _console()
    print_hall_day(console, run_hall_day(store))
    _print_kept(console, kept)


def _print_community_demo(store: SqlStore, kept: str | None) -> None:
    console = _console()
    print_community_day(console, run_community_day(store))
    _print_kept(console, kept)


def _print_demo(store: SqlStore, kept: str | None) -> None:
    console = _console()
    day = run_day(store)
    views = [day.desk.queries.request(request_id) for request_id in day.request_ids]
    console.print(
        _("A day at a property service centre: {day}, {tz}, the eve of Labour Day").format(
            day=f"{_(WEEKDAYS[DAY.weekday()])} {DAY:%Y-%m-%d}", tz=TIME_ZONE.key
        ),
        style="bold",
    )
    console.print(_opening_table(day))
    console.print(_catalogue_table(day))
    console.print(_steps_table(day))
    console.print(_requests_table(views))
    console.print(_by_status_table(views))
    console.print(_handover_table(day))
    console.print(_overdue_table(day))
    for line in _service_hall_lines(day):
        console.print(line)
    console.print(_("Requesters' names and phones are masked. Run it again: the clock is fixed."))
    _print_kept(console, kept)
    print_month_end(console, run_month_end(day))
