"""What the records answer from a terminal: a record's file, what an erasure would take, a
requester's export, a closed job's archive, and the audit trail's head and records.

The commands join ``servicedesk records`` and ``servicedesk audit``;
``servicedesk.cli.main`` names this module as where those groups live.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from servicedesk.app.records.queries import RecordFileView, masked
from servicedesk.cli.base import (
    actor_of,
    desk_options,
    opened,
    options,
    show,
    table,
    to_json,
    working,
)
from servicedesk.cli.records import KIND, audit, records
from servicedesk.domain.audit import AuditRecord
from servicedesk.domain.values import mask_phone
from servicedesk.i18n import _, label

__all__ = ["audit", "records"]


def _day(moment: datetime | None) -> str | None:
    return f"{moment:%Y-%m-%d}" if moment else None


def _forms(view: RecordFileView) -> str:
    return ", ".join(label(form) for form in sorted(view.forms))


OUTPUT = click.option(
    "--output", type=click.Path(path_type=Path, dir_okay=False), help="Default: stdout."
)


def _write(data: dict[str, Any], output: Path | None, written: Callable[[Path], str]) -> None:
    """The document to stdout, or to ``output`` with the line ``written`` says on stderr."""
    text = to_json(data) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.FileError(str(output), hint=error.strerror) from None
    click.echo(written(output), err=True)


@records.command("file")
@click.argument("record_id")
@click.option("--kind", type=KIND, default="request", show_default=True)
@desk_options
def records_file(record_id: str, kind: str, **kwargs: Any) -> None:
    """A record's retention file: its forms, when it closed and expires, its holds."""
    opts = options(kwargs)
    with opened(opts) as desk:
        view = desk.records.file(kind, record_id, actor=actor_of(opts))

    def render() -> Any:
        shown = table(
            _("Record file {id}").format(id=view.id.value),
            [_("kind"), _("record"), _("forms"), _("closed"), _("expires"), _("anonymised")],
            [
                (
                    view.kind,
                    view.record_id,
                    _forms(view),
                    _day(view.closed_at),
                    _day(view.expires_at),
                    _day(view.erased_at),
                )
            ],
        )
        if view.holds:
            shown.caption = _("holds: {holds}").format(
                holds="; ".join(f"{h.id} ({h.reason})" for h in view.holds)
            )
        return shown

    show(opts, view, render)


@records.command("erasure-plan")
@click.option("--phone", required=True, help="The requester's phone number.")
@desk_options
def records_erasure_plan(phone: str, **kwargs: Any) -> None:
    """What erasing a requester would take, record by record, and why the rest is kept."""
    opts = options(kwargs)
    with opened(opts) as desk:
        checks = desk.records.erasure_plan(phone, actor=actor_of(opts))
    show(
        opts,
        [
            {"file": c.file, "erasable": c.erasable, "kept_because": c.refused_because}
            for c in checks
        ],
        lambda: table(
            _("Records of {phone}").format(phone=mask_phone(phone)),
            [_("record"), _("kind"), _("forms"), _("erasable"), _("kept because")],
            [
                (
                    c.file.record_id,
                    c.file.kind,
                    _forms(c.file),
                    _("yes") if c.erasable else _("no"),
                    c.refused_because,
                )
                for c in checks
            ],
        ),
    )


@records.command("export")
@click.option("--phone", required=True, help="The requester's phone number.")
@click.option(
    "--reveal",
    is_flag=True,
    help="Personal data unmasked (a subject-access request; managers only, audited).",
)
@OUTPUT
@desk_options
def records_export(phone: str, reveal: bool, output: Path | None, **kwargs: Any) -> None:
    """Everything held about a requester as JSON: each record with its history."""
    opts = options(kwargs)
    with opened(opts) as desk, working(_("Exporting records")):
        data = desk.records.requester_export(phone, reveal=reveal, actor=actor_of(opts))
    n = len(data["records"])
    _write(data, output, lambda path: _("{n} records written to {path}").format(n=n, path=path))


def _minute(iso: str | None) -> str | None:
    """An ISO time of the JSON document as a person reads it, to the minute."""
    return iso[:16].replace("T", " ") if iso else None


def _archive_rows(archive: dict[str, Any]) -> Sequence[Sequence[object]]:
    form = archive["request_form"]
    requester = form["requester"]
    rows: list[Sequence[object]] = [
        (_("request"), archive["request_id"]),
        (_("status"), archive["status"]),
        (_("requester"), f"{requester['name']} {requester['contact']['phone']}"),
        (_("item"), form["item_id"]),
        (_("need"), form["need"]),
        (_("registered"), _minute(form["registered_at"])),
        (_("closed"), _minute(archive["closed_at"])),
    ]
    rows += [
        (_("work order"), f"{w['id']} {w['worker_id']} {_minute(w['dispatched_at'])}")
        for w in archive["work_orders"]
    ]
    rows += [
        (_("voucher"), f"{v['id']} {v['total']['amount']} {v['total']['currency']}")
        for v in archive["settlement_vouchers"]
    ]
    return rows


@records.command("archive")
@click.argument("request_id")
@desk_options
def records_archive(request_id: str, **kwargs: Any) -> None:
    """A closed job's archive: the request form, work orders, feedback and vouchers, masked."""
    opts = options(kwargs)
    with opened(opts) as desk:
        archive = masked(desk.records.archive(request_id, actor=actor_of(opts)))
    show(
        opts,
        archive,
        lambda: table(
            _("Archive of {id}").format(id=request_id),
            [_("what"), _("record")],
            _archive_rows(archive),
        ),
    )


@records.command("archive-export")
@click.argument("request_id")
@OUTPUT
@desk_options
def records_archive_export(request_id: str, output: Path | None, **kwargs: Any) -> None:
    """A closed job's archive as JSON for the files, personal data masked."""
    opts = options(kwargs)
    with opened(opts) as desk:
        data = desk.records.archive_json(request_id, actor=actor_of(opts))
    _write(
        data,
        output,
        lambda path: _("archive of {id} written to {path}").format(id=request_id, path=path),
    )


@audit.command("head")
@desk_options
def audit_head(**kwargs: Any) -> None:
    """The trail's last number and hash: keep it out of the database's reach, to check against."""
    opts = options(kwargs)
    with opened(opts) as desk:
        head = desk.records.head(actor=actor_of(opts))
    if opts.json:
        show(opts, head, lambda: "")
    elif head is None:
        click.echo(_("the trail is empty"))
    else:
        click.echo(f"{head.seq} {head.hash}")


@audit.command("trail")
@click.option("--after", type=click.IntRange(0), default=0, help="Records after this number.")
@click.option(
    "--limit",
    type=click.IntRange(1, 10_000),
    default=100,
    show_default=True,
    help="Records shown.",
)
@desk_options
def audit_trail(after: int, limit: int, **kwargs: Any) -> None:
    """The audit records in order: who did or asked what, when, and what was refused."""
    opts = options(kwargs)
    with opened(opts) as desk, working(_("Reading the trail")):
        found = desk.records.trail(after, limit, actor=actor_of(opts))

    def row(record: Any) -> tuple[object, ...]:
        if not isinstance(record, AuditRecord):
            malformed = _("malformed: {reason}").format(reason=record.reason)
            return (record.seq, None, None, None, malformed, None)
        return (
            record.seq,
            f"{record.at:%Y-%m-%d %H:%M}",
            record.actor.value,
            record.command,
            record.subject,
            record.refused,
        )

    show(
        opts,
        found,
        lambda: table(
            _("Audit trail after {after}").format(after=after),
            [_("record"), _("at"), _("actor"), _("what"), _("subject"), _("refused")],
            [row(r) for r in found],
        ),
    )
    if len(found) == limit and not opts.json:
        click.echo(_("next: --after {seq}").format(seq=found[-1].seq))
