"""Records from a terminal: the retention purge, holds, erasure, lost and found, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from servicedesk.app.bootstrap import RECORD_SOURCES
from servicedesk.app.records.commands import (
    ClaimFoundItem,
    EraseRequester,
    GiveFoundItemToFinder,
    LogFoundItem,
    PlaceHold,
    PurgeExpired,
    ReleaseHold,
)
from servicedesk.cli.base import (
    act,
    actor_of,
    build,
    desk_options,
    done,
    opened,
    options,
    show,
    table,
    working,
)
from servicedesk.cli.group import fail, group
from servicedesk.domain.lost_found import Finder
from servicedesk.domain.values import Contact
from servicedesk.i18n import _, label

records = group("records", "Records: retention and the purge of expired personal data.")


@records.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be anonymised; change nothing.")
@click.option(
    "--batch",
    type=click.IntRange(1, 10_000),
    default=500,
    show_default=True,
    help="Records anonymised per transaction.",
)
@desk_options
def records_purge(dry_run: bool, batch: int, **kwargs: Any) -> None:
    """Anonymise personal data whose retention period ended (amounts and links stay)."""
    opts = options(kwargs)
    actor = actor_of(opts)
    with opened(opts) as desk:
        if dry_run:
            plan = desk.records.purge_plan(limit=10_000)
            show(
                opts,
                plan,
                lambda: table(
                    _("Would be anonymised: {n} records").format(n=len(plan)),
                    [_("record"), _("kind"), _("closed"), _("expired")],
                    [
                        (
                            v.record_id,
                            v.kind,
                            f"{v.closed_at:%Y-%m-%d}" if v.closed_at else "-",
                            f"{v.expires_at:%Y-%m-%d}" if v.expires_at else "-",
                        )
                        for v in plan
                    ],
                ),
            )
            return
        command = build(lambda: PurgeExpired(limit=batch))
        anonymised = 0
        with working(_("Purging expired records")) as tell:
            while True:  # one transaction per batch: an interrupted purge loses nothing
                so_far = None if tell is None else _after(anonymised, tell)
                count = int(desk.handle(command, actor=actor, progress=so_far).id or 0)
                anonymised += count
                if count < batch:
                    break
    done(opts, _("{n} records anonymised"), None, n=anonymised)


def _after(before: int, tell: Callable[[int, int], None]) -> Callable[[int, int], None]:
    """The bar of the whole purge told one command's progress, after ``before`` records."""
    return lambda done, total: tell(before + done, before + total)


KIND = click.Choice(sorted(RECORD_SOURCES))


@records.command("hold")
@click.argument("record_id")
@click.option("--hold-id", required=True, help="The hold's number, e.g. the dispute's file.")
@click.option("--reason", required=True)
@click.option("--kind", type=KIND, default="request", show_default=True)
@desk_options
def records_hold(record_id: str, hold_id: str, reason: str, kind: str, **kwargs: Any) -> None:
    """Keep a record from the purge (a dispute, an inquiry) until the hold is released."""
    act(
        kwargs,
        lambda: PlaceHold(record_id=record_id, hold_id=hold_id, reason=reason, kind=kind),
        _("{id}: hold placed"),
    )


@records.command("release")
@click.argument("record_id")
@click.option("--hold-id", required=True)
@click.option("--kind", type=KIND, default="request", show_default=True)
@desk_options
def records_release(record_id: str, hold_id: str, kind: str, **kwargs: Any) -> None:
    """Release a hold; the record is purged when its retention ends."""
    act(
        kwargs,
        lambda: ReleaseHold(record_id=record_id, hold_id=hold_id, kind=kind),
        _("{id}: hold released"),
    )


@records.command("erase")
@click.option("--phone", required=True, help="The requester's phone number.")
@desk_options
def records_erase(phone: str, **kwargs: Any) -> None:
    """Erase a requester's personal data on their request, where no rule keeps it."""
    act(kwargs, lambda: EraseRequester(phone=phone), _("{id}: erased"))


found = group("found", "Lost and found: items handed in, kept, claimed.")


@found.command("log")
@click.option("--id", "item_id", help="The item's id (generated if omitted).")
@click.option("--description", required=True)
@click.option("--place", required=True, help="Where it was found.")
@click.option("--valuable", is_flag=True, help="Cash, documents, jewellery: kept in the safe.")
@click.option("--finder-name", required=True)
@click.option("--finder-phone", help="How to reach the finder, if they left a number.")
@desk_options
def found_log(
    item_id: str | None,
    description: str,
    place: str,
    valuable: bool,
    finder_name: str,
    finder_phone: str | None,
    **kwargs: Any,
) -> None:
    """Log an item handed in, with who found it."""
    act(
        kwargs,
        lambda: LogFoundItem(
            item_id=item_id,
            description=description,
            place=place,
            valuable=valuable,
            finder=Finder(finder_name, None if finder_phone is None else Contact(finder_phone)),
        ),
        _("{id}: logged"),
    )


@found.command("claim")
@click.argument("item_id")
@click.option("--claimant-name", required=True)
@click.option("--document", required=True, help="The identity document shown, e.g. ID card.")
@click.option("--document-number", required=True)
@click.option("--claimant-phone")
@desk_options
def found_claim(
    item_id: str,
    claimant_name: str,
    document: str,
    document_number: str,
    claimant_phone: str | None,
    **kwargs: Any,
) -> None:
    """Give a kept item back to its owner, who shows an identity document."""
    act(
        kwargs,
        lambda: ClaimFoundItem(
            item_id=item_id,
            claimant_name=claimant_name,
            document=document,
            document_number=document_number,
            claimant_phone=claimant_phone,
        ),
        _("{id}: claimed"),
    )


@found.command("give-to-finder")
@click.argument("item_id")
@desk_options
def found_give_to_finder(item_id: str, **kwargs: Any) -> None:
    """Give an unclaimed item to its finder once it has been kept its time."""
    act(kwargs, lambda: GiveFoundItemToFinder(item_id=item_id), _("{id}: given to the finder"))


@found.command("list")
@desk_options
def found_list(**kwargs: Any) -> None:
    """The items kept, and until when."""
    opts = options(kwargs)
    with opened(opts) as desk:
        items = desk.records.found_items_kept()
    show(
        opts,
        items,
        lambda: table(
            _("Found items kept"),
            [_("item"), _("description"), _("place"), _("valuable"), _("found"), _("keep until")],
            [
                (
                    i.id,
                    i.description,
                    i.place,
                    _("yes") if i.valuable else _("no"),
                    f"{i.found_at:%Y-%m-%d}",
                    f"{i.keep_until:%Y-%m-%d}",
                )
                for i in items
            ],
        ),
    )


audit = group("audit", "The audit trail: check that nothing was changed.")


@audit.command("verify")
@desk_options
def audit_verify(**kwargs: Any) -> None:
    """Check the trail, the events and every stored record; exit 1 if anything was changed."""
    opts = options(kwargs)
    with opened(opts) as desk:
        verdict = desk.records.verify()
    if opts.json:
        show(opts, verdict, lambda: "")
    elif verdict.ok:
        click.echo(_("ok: {n} records checked").format(n=verdict.checked))
    if verdict.ok:
        return
    assert verdict.problem is not None
    fail(
        _("{problem} at record {seq}: {detail}").format(
            problem=label(verdict.problem), seq=verdict.seq, detail=verdict.detail or "-"
        ),
        1,
    )
