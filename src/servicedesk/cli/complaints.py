"""Complaints, the escalation sweep and the monthly callbacks, from a terminal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from servicedesk import Channel, Requester, RequesterKind, Urgency
from servicedesk.app.callbacks.commands import PlanCallbacks, RecordCallback
from servicedesk.app.callbacks.queries import CallbackView
from servicedesk.app.complaints.commands import (
    AcknowledgeComplaint,
    AnswerComplaint,
    CloseComplaint,
    EscalateOverdue,
    FileComplaint,
    HandOverComplaint,
    PauseComplaint,
    RecordFinding,
    ReopenComplaint,
    ResumeComplaint,
)
from servicedesk.app.complaints.lists import (
    CallbackFilter,
    CallbackRow,
    ComplaintFilter,
    ComplaintRow,
)
from servicedesk.app.complaints.queries import ComplaintView
from servicedesk.app.desk import Desk
from servicedesk.cli.base import (
    CASES,
    Checked,
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
from servicedesk.cli.group import DeskCommand, group
from servicedesk.domain.callbacks import CallbackStatus, Month
from servicedesk.domain.complaints import ComplaintStatus, PauseReason
from servicedesk.domain.values import Actor, Contact, Role, mask, mask_phone
from servicedesk.i18n import N_, _

MONTH = Checked(Month.parse, "yyyy-mm")
HOLDS = N_("complaints and callbacks")
#: The roles that make the calls: ``callback list`` shows them each requester's whole number,
#: since calling is what the list is for; anyone else sees it masked.
CALLERS = frozenset({Role.CLERK, Role.ASSISTANT})


def case_read(opts: Options, query: Callable[[Desk, Actor], R]) -> R:
    """Answer a complaint or callback query on a store that holds them."""
    return read(opts, CASES, HOLDS, query)


def case_act(kwargs: dict[str, Any], make: Callable[[], Any], what: str) -> None:
    """Run a complaint or callback command on a store that holds them."""
    act(kwargs, make, what, requires=CASES, holds=HOLDS)


complaint = group("complaint", "Complaints, answered within working-time deadlines.")


@complaint.command("file")
@click.option("--id", "complaint_id", help="The complaint's id (generated if omitted).")
@click.option("--name", required=True, help="The complainant's name.")
@click.option("--unit", required=True)
@click.option("--phone", required=True)
@click.option("--kind", type=EnumParam(RequesterKind, "kind of requester"), default="owner")
@click.option("--category", required=True, help="e.g. timeliness, fees, attitude.")
@click.option("--description", required=True)
@click.option("--channel", type=EnumParam(Channel, "channel"), default="hotline")
@click.option("--urgency", type=EnumParam(Urgency, "urgency"), default="ordinary")
@click.option("--request", "request_id", help="The request complained about.")
@desk_options
def complaint_file(
    complaint_id: str | None,
    name: str,
    unit: str,
    phone: str,
    kind: RequesterKind,
    category: str,
    description: str,
    channel: Channel,
    urgency: Urgency,
    request_id: str | None,
    **kwargs: Any,
) -> None:
    """File a complaint; whoever takes it owns it until handed over."""
    case_act(
        kwargs,
        lambda: FileComplaint(
            complaint_id=complaint_id,
            complainant=Requester(name, unit, Contact(phone), kind),
            category=category,
            description=description,
            channel=channel,
            urgency=urgency,
            request_id=request_id,
        ),
        _("{id}: filed"),
    )


@complaint.command("acknowledge")
@click.argument("complaint_id")
@desk_options
def complaint_acknowledge(complaint_id: str, **kwargs: Any) -> None:
    """Tell the complainant it is received."""
    case_act(
        kwargs,
        lambda: AcknowledgeComplaint(complaint_id=complaint_id),
        _("{id}: acknowledged"),
    )


@complaint.command("answer")
@click.argument("complaint_id")
@click.option("--result", required=True, help="What the complainant is told.")
@desk_options
def complaint_answer(complaint_id: str, result: str, **kwargs: Any) -> None:
    """Answer the complaint."""
    case_act(
        kwargs,
        lambda: AnswerComplaint(complaint_id=complaint_id, result=result),
        _("{id}: answered"),
    )


@complaint.command("close")
@click.argument("complaint_id")
@click.option("--satisfaction", type=int, required=True, help="The complainant's score.")
@click.option("--remarks", default="")
@desk_options
def complaint_close(complaint_id: str, satisfaction: int, remarks: str, **kwargs: Any) -> None:
    """Close an answered complaint with the complainant's satisfaction."""
    case_act(
        kwargs,
        lambda: CloseComplaint(
            complaint_id=complaint_id, satisfaction=satisfaction, remarks=remarks
        ),
        _("{id}: closed"),
    )


@complaint.command("hand-over")
@click.argument("complaint_id")
@click.option("--to", "to", required=True, help="Who owns the complaint from now on.")
@click.option("--reason", required=True)
@desk_options
def complaint_hand_over(complaint_id: str, to: str, reason: str, **kwargs: Any) -> None:
    """Hand the complaint over to another owner, with the reason."""
    case_act(
        kwargs,
        lambda: HandOverComplaint(complaint_id=complaint_id, to=to, reason=reason),
        _("{id}: handed over"),
    )


@complaint.command("finding")
@click.argument("complaint_id")
@click.option("--finding", required=True, help="What the investigation found.")
@desk_options
def complaint_finding(complaint_id: str, finding: str, **kwargs: Any) -> None:
    """Record what the investigation found."""
    case_act(
        kwargs,
        lambda: RecordFinding(complaint_id=complaint_id, finding=finding),
        _("{id}: finding recorded"),
    )


@complaint.command("pause")
@click.argument("complaint_id")
@click.option(
    "--reason",
    type=EnumParam(PauseReason, "pause reason"),
    default="waiting_for_complainant",
    show_default=True,
)
@desk_options
def complaint_pause(complaint_id: str, reason: PauseReason, **kwargs: Any) -> None:
    """Stop the complaint's clock while the desk waits on someone else."""
    case_act(
        kwargs,
        lambda: PauseComplaint(complaint_id=complaint_id, reason=reason),
        _("{id}: paused"),
    )


@complaint.command("resume")
@click.argument("complaint_id")
@desk_options
def complaint_resume(complaint_id: str, **kwargs: Any) -> None:
    """Start the complaint's clock again."""
    case_act(
        kwargs,
        lambda: ResumeComplaint(complaint_id=complaint_id),
        _("{id}: resumed"),
    )


@complaint.command("reopen")
@click.argument("complaint_id")
@click.option("--reason", required=True)
@desk_options
def complaint_reopen(complaint_id: str, reason: str, **kwargs: Any) -> None:
    """Reopen an answered complaint: the complainant disputes the answer."""
    case_act(
        kwargs,
        lambda: ReopenComplaint(complaint_id=complaint_id, reason=reason),
        _("{id}: reopened"),
    )


def complaints_table(title: str, views: list[ComplaintView]) -> Any:
    return table(
        title,
        [
            _("complaint"),
            _("status"),
            _("category"),
            _("owner"),
            _("answer due"),
            _("overdue"),
            _("escalations"),
        ],
        [
            (
                v.id.value,
                v.status,
                _(v.category),
                v.owner.value,
                f"{v.answer_due:%Y-%m-%d %H:%M}",
                v.overdue,
                len(v.escalations),
            )
            for v in views
        ],
    )


@complaint.command("list")
@desk_options
def complaint_list(**kwargs: Any) -> None:
    """The open complaints with their deadlines and escalations."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, *CASES, what=HOLDS)
        views = desk.complaints.open_complaints()
    show(opts, views, lambda: complaints_table(_("Open complaints"), views))


@complaint.command("overdue")
@desk_options
def complaint_overdue(**kwargs: Any) -> None:
    """The open complaints past their answer deadline."""
    opts = options(kwargs)
    views = case_read(opts, lambda desk, who: desk.complaints.overdue_complaints(actor=who))
    show(opts, views, lambda: complaints_table(_("Overdue complaints"), views))


@complaint.command("show")
@click.argument("complaint_id")
@desk_options
def complaint_show(complaint_id: str, **kwargs: Any) -> None:
    """One complaint as the desk sees it now."""
    opts = options(kwargs)
    view = case_read(opts, lambda desk, who: desk.complaints.complaint(complaint_id, actor=who))
    show(opts, view, lambda: complaints_table(_("Complaint {id}").format(id=complaint_id), [view]))


@complaint.command("history")
@click.argument("complaint_id")
@desk_options
def complaint_history(complaint_id: str, **kwargs: Any) -> None:
    """What happened to a complaint, oldest first."""
    opts = options(kwargs)
    events = case_read(opts, lambda desk, who: desk.complaints.history(complaint_id, actor=who))
    show_events(opts, _("History of {id}").format(id=complaint_id), events)


@click.command("escalate", cls=DeskCommand)
@desk_options
def escalate(**kwargs: Any) -> None:
    """The escalation sweep: every overdue complaint and request goes one step up."""
    act(
        kwargs,
        EscalateOverdue,
        _("{id} escalated"),
        requires=CASES,
        holds=HOLDS,
        busy=_("Escalating overdue cases"),
    )


callback = group("callback", "The monthly callbacks to requesters.")


@callback.command("plan")
@click.argument("month", type=MONTH)
@click.option("--seed", help="Repeat a draw exactly (default: the month).")
@desk_options
def callback_plan(month: Month, seed: str | None, **kwargs: Any) -> None:
    """Draw the callbacks of a month's accepted jobs."""
    case_act(
        kwargs,
        lambda: PlanCallbacks(month=month, seed=seed),
        _("{id}: planned"),
    )


@callback.command("record")
@click.argument("callback_id")
@click.option("--reached/--not-reached", required=True)
@click.option("--satisfaction", type=int)
@click.option("--remarks", default="")
@desk_options
def callback_record(
    callback_id: str, reached: bool, satisfaction: int | None, remarks: str, **kwargs: Any
) -> None:
    """Record one call: reached with a score, or not reached."""
    case_act(
        kwargs,
        lambda: RecordCallback(
            callback_id=callback_id, reached=reached, satisfaction=satisfaction, remarks=remarks
        ),
        _("{id}: recorded"),
    )


@callback.command("list")
@click.argument("month", type=MONTH)
@desk_options
def callback_list(month: Month, **kwargs: Any) -> None:
    """The callbacks of a month and how they went, with the number to call."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, *CASES, what=HOLDS)
        views = desk.quality.callbacks(month)
        requesters = {v.request_id: desk.queries.request(v.request_id).requester for v in views}
    whole = bool(CALLERS & set(opts.roles))

    def phone(view: CallbackView) -> str:
        number = requesters[view.request_id].contact.phone
        return number if whole else mask_phone(number)

    show(
        opts,
        views,
        lambda: table(
            _("Callbacks of {month}").format(month=month),
            [
                _("callback"),
                _("request"),
                _("item"),
                _("requester"),
                _("phone"),
                _("status"),
                _("attempts"),
                _("satisfaction"),
            ],
            [
                (
                    v.id.value,
                    v.request_id.value,
                    v.item_id.value,
                    mask(requesters[v.request_id].name),
                    phone(v),
                    v.status,
                    v.attempts,
                    v.satisfaction,
                )
                for v in views
            ],
        ),
    )


def _when(at: datetime | None) -> str | None:
    return at.isoformat(timespec="minutes") if at else None


@complaint.command("page")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=EnumParam(ComplaintStatus, "status"),
    help="Repeat for several.",
)
@click.option("--channel", type=EnumParam(Channel, "channel"))
@click.option("--overdue", is_flag=True, help="Only complaints past their deadline.")
@click.option("--sort", type=click.Choice(["filed_at", "id"]), help="The field to sort on.")
@click.option("--descending", is_flag=True, default=None, help="Newest or highest first.")
@page_options
@desk_options
def complaint_page(
    statuses: tuple[ComplaintStatus, ...],
    channel: Channel | None,
    overdue: bool,
    sort: str | None,
    descending: bool | None,
    limit: int,
    cursor: str | None,
    count: bool,
    **kwargs: Any,
) -> None:
    """A page of complaints, open or closed, oldest filed first unless sorted otherwise."""
    opts = options(kwargs)
    wanted = ComplaintFilter(status=frozenset(statuses), channel=channel, overdue=overdue)
    with opened(opts) as desk:
        require(desk, *CASES, what=HOLDS)
        page = desk.complaints.complaints_page(
            wanted,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=count,
            actor=actor_of(opts),
        )
    rows: tuple[ComplaintRow, ...] = page.items
    show_page(
        opts,
        page,
        lambda: table(
            _("Complaints"),
            [_("complaint"), _("status"), _("category"), _("owner"), _("filed"), _("due")],
            [
                (
                    r.id.value,
                    r.status,
                    r.category,
                    r.owner.value,
                    _when(r.filed_at),
                    _when(r.clock_due),
                )
                for r in rows
            ],
        ),
    )


@callback.command("page")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=EnumParam(CallbackStatus, "status"),
    help="Repeat for several.",
)
@click.option("--month", type=MONTH, help="Only this month's (yyyy-mm).")
@click.option("--sort", type=click.Choice(["id", "month"]), help="The field to sort on.")
@click.option("--descending", is_flag=True, default=None, help="Newest or highest first.")
@page_options
@desk_options
def callback_page(
    statuses: tuple[CallbackStatus, ...],
    month: Month | None,
    sort: str | None,
    descending: bool | None,
    limit: int,
    cursor: str | None,
    count: bool,
    **kwargs: Any,
) -> None:
    """A page of callbacks of every month, by id unless sorted otherwise."""
    opts = options(kwargs)
    with opened(opts) as desk:
        require(desk, *CASES, what=HOLDS)
        page = desk.quality.callbacks_page(
            CallbackFilter(status=frozenset(statuses), month=month),
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=count,
            actor=actor_of(opts),
        )
    rows: tuple[CallbackRow, ...] = page.items
    show_page(
        opts,
        page,
        lambda: table(
            _("Callbacks"),
            [_("callback"), _("month"), _("status"), _("request"), _("attempts"), _("next try")],
            [
                (
                    r.id.value,
                    r.month,
                    r.status,
                    r.request_id.value,
                    r.attempts,
                    _when(r.next_attempt_at),
                )
                for r in rows
            ],
        ),
    )
