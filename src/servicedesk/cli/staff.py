"""Staff files and the duty roster from a terminal.

The ``roster`` group is this module's; ``worker qualify|train|file``,
``catalogue require`` and ``report expiring-qualifications`` are added to their groups
by the modules of those groups.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import click

from servicedesk.app.staff.commands import (
    CancelShift,
    RecordQualification,
    RecordTraining,
    RosterShift,
    SetItemRequirement,
)
from servicedesk.app.staff.queries import RosterEntry
from servicedesk.cli.base import (
    Checked,
    act,
    actor_of,
    desk_options,
    opened,
    options,
    parse_now,
    show,
    table,
)
from servicedesk.cli.group import DeskCommand, group
from servicedesk.domain.errors import InvalidValue
from servicedesk.i18n import _


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(
            _("{text!r} is not an ISO date (2026-03-02)."), code="cli.invalid", text=text
        ) from None


def parse_time(text: str) -> datetime:
    return parse_now(text)


DAY = Checked(parse_day, "date")
TIME = Checked(parse_time, "iso-time")


# --- worker qualify | train | file ---------------------------------------------------------------


@click.command("qualify", cls=DeskCommand)
@click.argument("staff_id")
@click.option("--kind", required=True, help="The certificate's kind, e.g. electrician.")
@click.option("--number", required=True, help="The certificate's number.")
@click.option("--valid-until", type=DAY, help="Its last valid day; none: it does not expire.")
@desk_options
def worker_qualify(
    staff_id: str, kind: str, number: str, valid_until: date | None, **kwargs: Any
) -> None:
    """Record a certificate a member of staff holds (a renewal replaces one of its kind)."""
    act(
        kwargs,
        lambda: RecordQualification(
            staff_id=staff_id, kind=kind, number=number, valid_until=valid_until
        ),
        _("{id}: qualification recorded"),
    )


@click.command("train", cls=DeskCommand)
@click.argument("staff_id")
@click.option("--course", required=True)
@click.option("--on", "on", type=DAY, required=True, help="The day the course took place.")
@click.option("--passed/--failed", required=True)
@desk_options
def worker_train(staff_id: str, course: str, on: date, passed: bool, **kwargs: Any) -> None:
    """Record a course a member of staff took, passed or failed."""
    act(
        kwargs,
        lambda: RecordTraining(staff_id=staff_id, course=course, on=on, passed=passed),
        _("{id}: training recorded"),
    )


@click.command("file", cls=DeskCommand)
@click.argument("staff_id")
@desk_options
def worker_file(staff_id: str, **kwargs: Any) -> None:
    """A member of staff's qualifications, training and shifts."""
    opts = options(kwargs)
    with opened(opts) as desk:
        file = desk.staff.staff_file(staff_id, actor=actor_of(opts))
    rows: list[tuple[str, str, str]] = [
        (_("qualification"), q.kind, _("until {day}").format(day=q.valid_until or "-"))
        for q in file.qualifications
    ]
    rows += [
        (_("training"), t.course, f"{t.on} " + (_("passed") if t.passed else _("failed")))
        for t in file.training
    ]
    rows += [
        (_("shift"), s.window_id.value if s.window_id else "", f"{s.start:%Y-%m-%d %H:%M}")
        for s in file.shifts
    ]
    show(
        opts,
        file,
        lambda: table(
            _("Staff file of {id}").format(id=staff_id), [_("record"), _("what"), _("when")], rows
        ),
    )


# --- catalogue require ---------------------------------------------------------------------------


@click.command("require", cls=DeskCommand)
@click.argument("item_id")
@click.option(
    "--qualification",
    "qualifications",
    multiple=True,
    help="A kind the item requires; repeat for several, none to clear.",
)
@desk_options
def catalogue_require(item_id: str, qualifications: tuple[str, ...], **kwargs: Any) -> None:
    """Say which qualifications whoever does the item must hold."""
    act(
        kwargs,
        lambda: SetItemRequirement(item_id=item_id, qualifications=frozenset(qualifications)),
        _("{id}: requirement set"),
    )


# --- report expiring-qualifications --------------------------------------------------------------


@click.command("expiring-qualifications", cls=DeskCommand)
@click.option("--within", type=int, help="Days of notice; the policy's by default.")
@desk_options
def report_expiring(within: int | None, **kwargs: Any) -> None:
    """Certificates expiring soon, or expired, soonest first."""
    opts = options(kwargs)
    notice = None if within is None else timedelta(days=within)
    with opened(opts) as desk:
        found = desk.staff.expiring_qualifications(notice, actor=actor_of(opts))
    show(
        opts,
        found,
        lambda: table(
            _("Expiring qualifications"),
            [_("staff"), _("qualification"), _("valid until"), _("days left")],
            [(e.staff_id.value, e.kind, e.valid_until, e.days_left) for e in found],
        ),
    )


# --- roster --------------------------------------------------------------------------------------

roster = group("roster", "The duty roster: who is on shift when, and at which window.")


def roster_table(title: str, entries: list[RosterEntry]) -> Any:
    return table(
        title,
        [_("staff"), _("shift"), _("from"), _("to"), _("window")],
        [
            (
                e.staff_id.value,
                e.shift.id.value,
                f"{e.shift.start:%Y-%m-%d %H:%M}",
                f"{e.shift.end:%Y-%m-%d %H:%M}",
                e.shift.window_id.value if e.shift.window_id else "",
            )
            for e in entries
        ],
    )


@roster.command("shift")
@click.argument("staff_id")
@click.option("--start", type=TIME, required=True, help="ISO time with its zone.")
@click.option("--end", type=TIME, required=True, help="ISO time with its zone.")
@click.option("--window", "window_id", help="The hall window, if the shift is at one.")
@click.option("--id", "shift_id", help="The shift's id; drawn if not given.")
@desk_options
def roster_shift(
    staff_id: str,
    start: datetime,
    end: datetime,
    window_id: str | None,
    shift_id: str | None,
    **kwargs: Any,
) -> None:
    """Put a member of staff on a shift."""
    act(
        kwargs,
        lambda: RosterShift(
            staff_id=staff_id, start=start, end=end, window_id=window_id, shift_id=shift_id
        ),
        _("{id}: rostered"),
    )


@roster.command("cancel")
@click.argument("staff_id")
@click.argument("shift_id")
@desk_options
def roster_cancel(staff_id: str, shift_id: str, **kwargs: Any) -> None:
    """Take a shift that has not begun off the roster."""
    act(
        kwargs,
        lambda: CancelShift(staff_id=staff_id, shift_id=shift_id),
        _("{id}: cancelled"),
    )


@roster.command("list")
@click.argument("first", type=DAY)
@click.argument("last", type=DAY, required=False)
@click.option("--window", "window_id", help="Only the shifts at this window.")
@desk_options
def roster_list(first: date, last: date | None, window_id: str | None, **kwargs: Any) -> None:
    """The shifts of a day, or of the days from FIRST to LAST."""
    opts = options(kwargs)
    with opened(opts) as desk:
        entries = desk.staff.roster(first, last, window_id=window_id, actor=actor_of(opts))
    show(opts, entries, lambda: roster_table(_("Roster"), entries))


@roster.command("handover")
@desk_options
def roster_handover(**kwargs: Any) -> None:
    """Who is on shift now, and whose shifts begin next."""
    opts = options(kwargs)
    with opened(opts) as desk:
        change = desk.staff.handover(opts.now, actor=actor_of(opts))
    entries = [*change.on_shift, *change.coming]
    show(opts, change, lambda: roster_table(_("On shift, then coming"), entries))
