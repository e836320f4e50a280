"""Records from a terminal: the retention purge, dry run first."""

from __future__ import annotations

from typing import Any

import click

from servicedesk.app.records.commands import PurgeExpired
from servicedesk.cli.base import (
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
from servicedesk.cli.group import group
from servicedesk.i18n import _

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
        with working(_("Purging expired records")):
            while True:  # one transaction per batch: an interrupted purge loses nothing
                count = int(desk.handle(command, actor=actor).id or 0)
                anonymised += count
                if count < batch:
                    break
    done(opts, _("{n} records anonymised"), None, n=anonymised)
