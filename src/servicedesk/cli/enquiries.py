"""Consultations and suggestions, owned by the first person asked, from a terminal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from servicedesk import Channel
from servicedesk.app.desk import Desk
from servicedesk.app.enquiries.commands import (
    AnswerEnquiry,
    HandOverEnquiry,
    ReferEnquiry,
    TakeEnquiry,
)
from servicedesk.app.enquiries.lists import EnquiryFilter, EnquiryRow
from servicedesk.app.enquiries.queries import EnquiryView
from servicedesk.cli.base import (
    EnumParam,
    Options,
    R,
    act,
    actor_of,
    desk_options,
    opened,
    options,
    page_options,
    read,
    require,
    show,
    show_events,
    show_page,
    table,
)
from servicedesk.cli.group import group
from servicedesk.domain.enquiries import EnquiryKind, EnquiryStatus, ReferralTarget
from servicedesk.domain.values import Actor, ActorId, Contact
from servicedesk.i18n import N_, _

ENQUIRIES = ("enquiries",)
HOLDS = N_("enquiries")


def _when(at: datetime | None) -> str | None:
    return f"{at:%Y-%m-%d %H:%M}" if at else None


def enquiry_read(opts: Options, query: Callable[[Desk, Actor], R]) -> R:
    """Answer an enquiry query on a store that holds enquiries."""
    return read(opts, ENQUIRIES, HOLDS, query)


def enquiry_act(kwargs: dict[str, Any], make: Any, what: str) -> None:
    act(kwargs, make, what, requires=ENQUIRIES, holds=HOLDS)


enquiry = group("enquiry", "Consultations and suggestions, owned by the first person asked.")


@enquiry.command("take")
@click.option("--id", "enquiry_id", help="The enquiry's id (generated if omitted).")
@click.option("--kind", type=EnumParam(EnquiryKind, "kind of enquiry"), required=True)
@click.option("--name", required=True, help="The asker's name.")
@click.option("--phone", help="The asker's phone, to call back.")
@click.option("--question", required=True, help="What was asked or suggested.")
@click.option("--channel", type=EnumParam(Channel, "channel"), default="front_desk")
@desk_options
def enquiry_take(
    enquiry_id: str | None,
    kind: EnquiryKind,
    name: str,
    phone: str | None,
    question: str,
    channel: Channel,
    **kwargs: Any,
) -> None:
    """Take a consultation or suggestion; whoever takes it owns it until handed over."""
    enquiry_act(
        kwargs,
        lambda: TakeEnquiry(
            enquiry_id=enquiry_id,
            kind=kind,
            asker_name=name,
            contact=Contact(phone) if phone else None,
            question=question,
            channel=channel,
        ),
        _("{id}: taken"),
    )


@enquiry.command("hand-over")
@click.argument("enquiry_id")
@click.option("--to", "to", required=True, help="Who owns the enquiry from now on.")
@click.option("--reason", required=True)
@desk_options
def enquiry_hand_over(enquiry_id: str, to: str, reason: str, **kwargs: Any) -> None:
    """Hand the enquiry over to another owner, with the reason."""
    enquiry_act(
        kwargs,
        lambda: HandOverEnquiry(enquiry_id=enquiry_id, to=to, reason=reason),
        _("{id}: handed over"),
    )


@enquiry.command("answer")
@click.argument("enquiry_id")
@click.option("--answer", required=True, help="What the asker is told.")
@desk_options
def enquiry_answer(enquiry_id: str, answer: str, **kwargs: Any) -> None:
    """Answer the enquiry."""
    enquiry_act(
        kwargs,
        lambda: AnswerEnquiry(enquiry_id=enquiry_id, answer=answer),
        _("{id}: answered"),
    )


@enquiry.command("refer")
@click.argument("enquiry_id")
@click.option("--to", "to", type=EnumParam(ReferralTarget, "referral"), required=True)
@click.option("--department", help="The department it goes to (with --to department).")
@click.option("--complaint", "complaint_id", help="The complaint filed for it.")
@click.option("--request", "request_id", help="The service request registered for it.")
@click.option("--note", default="", help="What the asker is told about where it went.")
@desk_options
def enquiry_refer(
    enquiry_id: str,
    to: ReferralTarget,
    department: str | None,
    complaint_id: str | None,
    request_id: str | None,
    note: str,
    **kwargs: Any,
) -> None:
    """Refer what the desk cannot answer to a department, or to a complaint or request."""
    enquiry_act(
        kwargs,
        lambda: ReferEnquiry(
            enquiry_id=enquiry_id,
            to=to,
            department=department,
            complaint_id=complaint_id,
            request_id=request_id,
            note=note,
        ),
        _("{id}: referred"),
    )


def enquiries_table(title: str, views: list[EnquiryView]) -> Any:
    return table(
        title,
        [
            _("enquiry"),
            _("kind"),
            _("status"),
            _("owner"),
            _("taken at"),
            _("answer due"),
            _("overdue"),
        ],
        [
            (
                v.id.value,
                v.kind,
                v.status,
                v.owner.value,
                _when(v.taken_at),
                _when(v.due),
                v.overdue,
            )
            for v in views
        ],
    )


@enquiry.command("show")
@click.argument("enquiry_id")
@desk_options
def enquiry_show(enquiry_id: str, **kwargs: Any) -> None:
    """One enquiry as the desk sees it now."""
    opts = options(kwargs)
    view = enquiry_read(opts, lambda desk, who: desk.enquiries.enquiry(enquiry_id, actor=who))
    show(opts, view, lambda: enquiries_table(_("Enquiry {id}").format(id=enquiry_id), [view]))


@enquiry.command("history")
@click.argument("enquiry_id")
@desk_options
def enquiry_history(enquiry_id: str, **kwargs: Any) -> None:
    """What happened to an enquiry, oldest first."""
    opts = options(kwargs)
    events = enquiry_read(opts, lambda desk, who: desk.enquiries.history(enquiry_id, actor=who))
    show_events(opts, _("History of {id}").format(id=enquiry_id), events)


@enquiry.command("overdue")
@desk_options
def enquiry_overdue(**kwargs: Any) -> None:
    """The open enquiries past their answer's due time."""
    opts = options(kwargs)
    views = enquiry_read(opts, lambda desk, who: desk.enquiries.overdue(actor=who))
    show(opts, views, lambda: enquiries_table(_("Overdue enquiries"), views))


@enquiry.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=EnumParam(EnquiryStatus, "status"),
    help="Repeat for several.",
)
@click.option("--kind", type=EnumParam(EnquiryKind, "kind of enquiry"))
@click.option("--owner", help="Only the enquiries this member of staff owns.")
@click.option("--overdue", is_flag=True, help="Only enquiries past their due time.")
@click.option("--sort", type=click.Choice(["taken_at", "id"]), help="The field to sort on.")
@click.option("--descending", is_flag=True, default=None, help="Newest or highest first.")
@page_options
@desk_options
def enquiry_list(
    statuses: tuple[EnquiryStatus, ...],
    kind: EnquiryKind | None,
    owner: str | None,
    overdue: bool,
    sort: str | None,
    descending: bool | None,
    limit: int,
    cursor: str | None,
    count: bool,
    **kwargs: Any,
) -> None:
    """A page of enquiries, open or not, first taken first unless sorted otherwise."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, *ENQUIRIES, what=HOLDS)
        wanted = EnquiryFilter(
            status=frozenset(statuses),
            kind=kind,
            owner=ActorId(owner) if owner else None,
            overdue=overdue,
        )
        page = desk.enquiries.enquiries_page(
            wanted,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=count,
            actor=actor_of(opts),
        )
    rows: tuple[EnquiryRow, ...] = page.items
    show_page(
        opts,
        page,
        lambda: table(
            _("Enquiries"),
            [_("enquiry"), _("kind"), _("status"), _("owner"), _("taken at"), _("answer due")],
            [
                (r.id.value, r.kind, r.status, r.owner.value, _when(r.taken_at), _when(r.due))
                for r in rows
            ],
        ),
    )
