"""The service hall's queue from a terminal: numbers taken, called, served, transferred."""

from __future__ import annotations

from typing import Any

import click

from servicedesk.app.hall.commands import (
    CallNext,
    FinishNumber,
    GoOffDuty,
    GoOnDuty,
    RecallNumber,
    SkipNumber,
    TakeNumber,
    TransferNumber,
)
from servicedesk.cli.base import act, actor_of, desk_options, opened, options, show, table
from servicedesk.cli.group import group
from servicedesk.i18n import _

hall = group("hall", "The service hall: its set-up, the queue at its windows and the applications.")


@hall.command("take-number")
@click.option("--item", "item_id", help="The item the applicant comes for.")
@click.option("--window", "window_id", help="The window, if the applicant knows it.")
@desk_options
def hall_take_number(item_id: str | None, window_id: str | None, **kwargs: Any) -> None:
    """Give an applicant a queue number for an item or a window."""
    act(
        kwargs,
        lambda: TakeNumber(item_id=item_id, window_id=window_id),
        _("number {id}: taken"),
    )


def _window_command(name: str, command: type[Any], what: str, help_text: str) -> None:
    """A hall command that takes the window and nothing else."""

    def run(window_id: str, **kwargs: Any) -> None:
        act(kwargs, lambda: command(window_id=window_id), what)

    run.__doc__ = help_text
    hall.command(name)(click.argument("window_id")(desk_options(run)))


_window_command(
    "call-next", CallNext, _("number {id}: called"), "The window calls the next number waiting."
)
_window_command("skip", SkipNumber, _("number {id}: skipped"), "The number called did not come.")
_window_command(
    "finish", FinishNumber, _("number {id}: served"), "The window is done with the number."
)
_window_command("on-duty", GoOnDuty, _("{id}: on duty"), "The actor takes their seat at a window.")
_window_command("off-duty", GoOffDuty, _("{id}: off duty"), "The actor leaves the window.")


@hall.command("recall")
@click.argument("window_id")
@click.argument("number")
@desk_options
def hall_recall(window_id: str, number: str, **kwargs: Any) -> None:
    """Call a skipped number again, at the window."""
    act(
        kwargs,
        lambda: RecallNumber(window_id=window_id, number=number),
        _("number {id}: called again"),
    )


@hall.command("transfer")
@click.argument("window_id")
@click.option("--to-window", help="The window that takes the number over.")
@click.option("--to-item", help="The item the applicant really comes for.")
@desk_options
def hall_transfer(
    window_id: str, to_window: str | None, to_item: str | None, **kwargs: Any
) -> None:
    """Send the number being served to another window or item, keeping its place."""
    act(
        kwargs,
        lambda: TransferNumber(window_id=window_id, to_window=to_window, to_item=to_item),
        _("number {id}: transferred"),
    )


@hall.command("queue")
@desk_options
def hall_queue(**kwargs: Any) -> None:
    """Today's queue: who is waiting, who is served at which window."""
    opts = options(kwargs)
    with opened(opts) as desk:
        queue = desk.hall.queue()
    serving = dict(queue.serving)
    show(
        opts,
        queue,
        lambda: table(
            _("Queue of {day}: {served} served, {skipped} skipped").format(
                day=queue.day, served=queue.served, skipped=queue.skipped
            ),
            [_("number"), _("status"), _("window")],
            [
                (t.number, t.status, t.at_window.value if t.at_window else None)
                for t in queue.tickets
                if t.number in queue.waiting or t.number in serving.values()
            ],
        ),
    )


@hall.command("windows")
@desk_options
def hall_windows(**kwargs: Any) -> None:
    """The windows of the hall: their items, whether open now and who is on duty."""
    opts = options(kwargs)
    with opened(opts) as desk:
        views = desk.hall.windows(actor=actor_of(opts))
    show(
        opts,
        views,
        lambda: table(
            _("Windows"),
            [_("window"), _("name"), _("kind"), _("items"), _("open now"), _("on duty")],
            [
                (
                    v.id.value,
                    v.name,
                    v.kind,
                    ", ".join(i.value for i in v.items),
                    _("yes") if v.open_now else _("no"),
                    v.on_duty.value if v.on_duty else None,
                )
                for v in views
            ],
        ),
    )


@hall.command("guides")
@desk_options
def hall_guides(**kwargs: Any) -> None:
    """The published guides of the hall's items, with their version."""
    opts = options(kwargs)
    with opened(opts) as desk:
        views = desk.hall.guides(actor=actor_of(opts))
    show(
        opts,
        views,
        lambda: table(
            _("Guides"),
            [_("item"), _("version"), _("name"), _("kind")],
            [(v.item_id.value, v.version, v.name, v.kind) for v in views],
        ),
    )
