"""The core of the desk from a terminal: the database, the catalogue, workers, requests."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from servicedesk import (
    AcceptWork,
    ApproveFee,
    CancelRequest,
    Channel,
    CloseRequest,
    CompleteWork,
    DeclineRequest,
    DispatchDue,
    DispatchRequest,
    FeeStandard,
    Money,
    ProposeItem,
    RegisterRequest,
    RegisterWorker,
    RejectFee,
    RejectWork,
    Requester,
    RequesterKind,
    Role,
    StartWork,
    TriageRequest,
    Urgency,
    WorkerKind,
)
from servicedesk.app.catalogue.commands import (
    ProposeFeeChange,
    ResumeItem,
    SuspendItem,
    WithdrawItem,
)
from servicedesk.app.requests.commands import (
    AddExtraFee,
    ChangeScope,
    RecordConsent,
    SetWorkerAvailability,
)
from servicedesk.app.requests.lists import RequestFilter, RequestRow, WorkerFilter, WorkerRow
from servicedesk.app.requests.queries import ItemView, RequestView
from servicedesk.app.visits.commands import RecordCallAhead
from servicedesk.cli.base import (
    AMOUNT,
    NOW,
    ROLE,
    EnumParam,
    act,
    actor_of,
    desk_options,
    done,
    evidence_of,
    evidence_options,
    fee_text,
    open_store,
    opened,
    options,
    page_options,
    show,
    show_events,
    show_page,
    table,
)
from servicedesk.cli.group import group
from servicedesk.domain.errors import InvalidValue, ServiceDeskError
from servicedesk.domain.requests import ConsentKind, Status
from servicedesk.domain.values import Contact, TimeWindow, mask, mask_phone
from servicedesk.domain.visits import CallOutcome
from servicedesk.i18n import N_, _, label

# --- db ------------------------------------------------------------------------------------------

db = group("db", "Create or upgrade the database.")


@db.command("upgrade")
@desk_options
def db_upgrade(**kwargs: Any) -> None:
    """Create the database, or bring its schema to this version of servicedesk."""
    opts = options(kwargs)
    store = open_store(opts.db, create=True)
    getattr(store, "close", lambda: None)()
    from servicedesk.adapters.sql import head

    show(
        opts,
        {"db": opts.db, "schema": head()},
        lambda: _("{db} is at schema {rev}").format(db=opts.db, rev=head()),
    )


# --- catalogue -----------------------------------------------------------------------------------

catalogue = group("catalogue", "The service items and their approved fees.")


def fee_of(entry: dict[str, Any], where: str) -> FeeStandard:
    kind = entry.get("fee", "fixed")
    price = entry.get("price")
    money = None if price is None else Money.of(price)  # a float is refused: write "30.00"
    if kind == "free":
        return FeeStandard.free()
    if kind == "quote":
        return FeeStandard.quote()
    if money is None:
        raise InvalidValue(
            _("{where}: a {kind} fee needs a price."), code="cli.invalid", where=where, kind=kind
        )
    if kind == "fixed":
        return FeeStandard.fixed(money)
    if kind == "per_unit":
        return FeeStandard.per_unit(money, str(entry.get("unit", "")))
    if kind == "labour_and_materials":
        return FeeStandard.labour_and_materials(money)
    raise InvalidValue(
        _("{where}: unknown fee kind {kind!r}."), code="cli.invalid", where=where, kind=kind
    )


def proposals(path: Path) -> list[ProposeItem]:
    """Every item of the file as a proposal, all checked before any is made."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise click.BadParameter(str(error), param_hint="FILE") from None
    except tomllib.TOMLDecodeError as error:
        raise click.BadParameter(
            _("{path} is not valid TOML: {error}").format(path=path, error=error), param_hint="FILE"
        ) from None
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise click.BadParameter(
            _("{path} lists no [[items]].").format(path=path), param_hint="FILE"
        )
    made = []
    for n, entry in enumerate(items, 1):
        where = _("item {n}").format(n=n)
        try:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise InvalidValue(_("{where} needs an id."), code="cli.invalid", where=where)
            made.append(
                ProposeItem(
                    item_id=entry["id"],
                    name=entry.get("name", ""),
                    category=entry.get("category", ""),
                    fee=fee_of(entry, entry["id"]),
                    required_materials=tuple(entry.get("materials", ())),
                )
            )
        except (ServiceDeskError, TypeError) as error:
            message = error.message if isinstance(error, ServiceDeskError) else str(error)
            raise click.BadParameter(f"{where}: {message}", param_hint="FILE") from None
    ids = [p.item_id for p in made]
    if len(set(ids)) != len(ids):
        raise click.BadParameter(_("an item id appears twice."), param_hint="FILE")
    return made


@catalogue.command("load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@desk_options
def catalogue_load(file: Path, **kwargs: Any) -> None:
    """Propose every item of a TOML file; each is published once approved."""
    opts = options(kwargs)
    actor = actor_of(opts)
    made = proposals(file)
    with opened(opts) as desk:
        known = {view.id for view in desk.queries.catalogue()}
        for proposal in made:
            desk.check(proposal, actor=actor)  # the whole file, before anything is proposed
        taken = [p.item_id.value for p in made if p.item_id in known]
        if taken:
            raise InvalidValue(
                _("Already in the catalogue: {ids}; nothing was proposed."),
                code="cli.invalid",
                ids=", ".join(taken),
            )
        ids = [desk.handle(p, actor=actor).id for p in made]
    done(opts, _("proposed: {id}"), ", ".join(i or "" for i in ids), items=ids)


@catalogue.command("approve")
@click.argument("item_id")
@click.option("--as", "as_role", type=ROLE, required=True, help="The role signing.")
@desk_options
def catalogue_approve(item_id: str, as_role: Role, **kwargs: Any) -> None:
    """Sign the item's pending proposal (a fee, or stopping it) in one role of its chain."""
    act(kwargs, lambda: ApproveFee(item_id=item_id, role=as_role), _("{id}: approved"), as_role)


@catalogue.command("reject")
@click.argument("item_id")
@click.option("--as", "as_role", type=ROLE, required=True)
@click.option("--reason", required=True)
@desk_options
def catalogue_reject(item_id: str, as_role: Role, reason: str, **kwargs: Any) -> None:
    """Refuse the item's pending fee, with the reason."""
    act(
        kwargs,
        lambda: RejectFee(item_id=item_id, role=as_role, reason=reason),
        _("{id}: rejected"),
        as_role,
    )


def items_table(title: str, items: list[ItemView]) -> Any:
    return table(
        title,
        [
            _("item"),
            _("name"),
            _("category"),
            _("status"),
            _("fee"),
            _("proposed fee"),
            _("waiting for"),
        ],
        [
            (
                i.id.value,
                i.name,
                _(i.category),
                i.status,
                fee_text(i.fee),
                None if i.pending_fee is None else fee_text(i.pending_fee),
                None if i.waiting_for is None else label(Role(i.waiting_for)),
            )
            for i in items
        ],
    )


@catalogue.command("list")
@desk_options
def catalogue_list(**kwargs: Any) -> None:
    """Every item with its fee in force and what it waits for."""
    opts = options(kwargs)
    with opened(opts) as desk:
        items: list[ItemView] = desk.queries.catalogue()
    show(opts, items, lambda: items_table(_("Catalogue"), items))


@catalogue.command("show")
@click.argument("item_id")
@desk_options
def catalogue_show(item_id: str, **kwargs: Any) -> None:
    """One item of the catalogue with its fee in force and what it waits for."""
    opts = options(kwargs)
    with opened(opts) as desk:
        item = desk.queries.item(item_id, actor=actor_of(opts))
    show(opts, item, lambda: items_table(_("Item {id}").format(id=item_id), [item]))


@catalogue.command("change-fee")
@click.argument("item_id")
@click.option(
    "--fee",
    "fee_kind",
    type=click.Choice(["fixed", "per_unit", "labour_and_materials", "free", "quote"]),
    default="fixed",
    show_default=True,
)
@click.option("--price", help="The new price, e.g. 30.00.")
@click.option("--unit", default="", help="The unit a per-unit price is for.")
@click.option("--reason", required=True)
@desk_options
def catalogue_change_fee(
    item_id: str, fee_kind: str, price: str | None, unit: str, reason: str, **kwargs: Any
) -> None:
    """Propose a new fee for an item; the old one holds until the chain signs the new one."""
    act(
        kwargs,
        lambda: ProposeFeeChange(
            item_id=item_id,
            fee=fee_of({"fee": fee_kind, "price": price, "unit": unit}, item_id),
            reason=reason,
        ),
        _("{id}: fee change proposed"),
    )


@catalogue.command("suspend")
@click.argument("item_id")
@click.option("--reason", required=True)
@desk_options
def catalogue_suspend(item_id: str, reason: str, **kwargs: Any) -> None:
    """Stop taking requests for an item for a while."""
    act(kwargs, lambda: SuspendItem(item_id=item_id, reason=reason), _("{id}: suspended"))


@catalogue.command("resume")
@click.argument("item_id")
@desk_options
def catalogue_resume(item_id: str, **kwargs: Any) -> None:
    """Take requests for a suspended item again."""
    act(kwargs, lambda: ResumeItem(item_id=item_id), _("{id}: resumed"))


@catalogue.command("withdraw")
@click.argument("item_id")
@click.option("--reason", required=True)
@desk_options
def catalogue_withdraw(item_id: str, reason: str, **kwargs: Any) -> None:
    """Propose to withdraw an item for good; it is withdrawn once its chain has approved."""
    message = _("{id}: withdrawal proposed, waiting for approval")
    act(kwargs, lambda: WithdrawItem(item_id=item_id, reason=reason), message)


# --- workers -------------------------------------------------------------------------------------

worker = group("worker", "The staff and contractors who do the jobs.")


@worker.command("add")
@click.argument("worker_id")
@click.option("--name", required=True)
@click.option("--skill", "skills", multiple=True, required=True, help="Repeat for several.")
@click.option("--contractor", is_flag=True)
@desk_options
def worker_add(
    worker_id: str, name: str, skills: tuple[str, ...], contractor: bool, **kwargs: Any
) -> None:
    """Register a worker with their skills (the catalogue's categories)."""
    kind = WorkerKind.CONTRACTOR if contractor else WorkerKind.STAFF
    act(
        kwargs,
        lambda: RegisterWorker(worker_id=worker_id, name=name, skills=frozenset(skills), kind=kind),
        _("{id}: registered"),
    )


@worker.command("availability")
@click.argument("worker_id")
@click.option("--available/--unavailable", required=True)
@desk_options
def worker_availability(worker_id: str, available: bool, **kwargs: Any) -> None:
    """Mark a worker available for jobs, or not (on leave, off shift)."""
    act(
        kwargs,
        lambda: SetWorkerAvailability(worker_id=worker_id, available=available),
        _("{id}: available") if available else _("{id}: unavailable"),
    )


@worker.command("jobs")
@click.argument("worker_id")
@click.option("--all", "everything", is_flag=True, help="Ended work orders too.")
@page_options
@desk_options
def worker_jobs(
    worker_id: str, everything: bool, limit: int, cursor: str | None, count: bool, **kwargs: Any
) -> None:
    """A worker's work orders, oldest first: the open ones unless --all."""
    opts = options(kwargs)
    with opened(opts) as desk:
        page = desk.queries.jobs_page(
            worker_id,
            open_only=not everything,
            limit=limit,
            cursor=cursor,
            with_count=count,
            actor=actor_of(opts),
        )
    show_page(
        opts, page, lambda: rows_table(_("Work orders of {id}").format(id=worker_id), page.items)
    )


@worker.command("page")
@click.option("--skill", help="Only workers with this skill.")
@click.option("--available/--unavailable", default=None, help="Only available, or not.")
@page_options
@desk_options
def worker_page(
    skill: str | None,
    available: bool | None,
    limit: int,
    cursor: str | None,
    count: bool,
    **kwargs: Any,
) -> None:
    """A page of workers by id, of a skill and availability if asked."""
    opts = options(kwargs)
    with opened(opts) as desk:
        page = desk.queries.workers_page(
            WorkerFilter(skill=skill, available=available),
            limit=limit,
            cursor=cursor,
            with_count=count,
            actor=actor_of(opts),
        )
    rows: tuple[WorkerRow, ...] = page.items
    show_page(
        opts,
        page,
        lambda: table(
            _("Workers"),
            [_("worker"), _("skills"), _("available")],
            [
                (w.id.value, ", ".join(sorted(w.skills)), _("yes") if w.available else _("no"))
                for w in rows
            ],
        ),
    )


@worker.command("list")
@desk_options
def worker_list(**kwargs: Any) -> None:
    """The workers, their skills and whether they are available."""
    opts = options(kwargs)
    with opened(opts) as desk, desk.store.unit_of_work() as uow:
        workers = sorted(uow.workers.list(), key=lambda w: w.id.value)
    show(
        opts,
        workers,
        lambda: table(
            _("Workers"),
            [_("worker"), _("name"), _("kind"), _("skills"), _("available")],
            [
                (
                    w.id.value,
                    w.name,
                    w.kind,
                    ", ".join(_(skill) for skill in sorted(w.skills)),
                    _("yes") if w.available else _("no"),
                )
                for w in workers
            ],
        ),
    )


# --- requests ------------------------------------------------------------------------------------

request = group("request", "Service requests from intake to acceptance.")


@request.command("register")
@click.option("--id", "request_id", help="The request's id (generated if omitted).")
@click.option("--name", required=True, help="The requester's name.")
@click.option("--unit", required=True)
@click.option("--phone", required=True)
@click.option("--kind", type=EnumParam(RequesterKind, "kind of requester"), default="owner")
@click.option("--channel", type=EnumParam(Channel, "channel"), default="front_desk")
@click.option("--need", required=True, help="What the requester asks, in their words.")
@desk_options
def request_register(
    request_id: str | None,
    name: str,
    unit: str,
    phone: str,
    kind: RequesterKind,
    channel: Channel,
    need: str,
    **kwargs: Any,
) -> None:
    """Register a request as the requester tells it."""
    act(
        kwargs,
        lambda: RegisterRequest(
            request_id=request_id,
            requester=Requester(name, unit, Contact(phone), kind),
            need=need,
            channel=channel,
        ),
        _("{id}: registered"),
    )


@request.command("triage")
@click.argument("request_id")
@click.argument("item_id")
@click.option("--urgency", type=EnumParam(Urgency, "urgency"), default="ordinary")
@click.option("--quantity", default="1")
@desk_options
def request_triage(
    request_id: str, item_id: str, urgency: Urgency, quantity: str, **kwargs: Any
) -> None:
    """Accept the request in scope as a catalogue item; the deadline starts."""
    act(
        kwargs,
        lambda: TriageRequest(
            request_id=request_id, item_id=item_id, urgency=urgency, quantity=quantity
        ),
        _("{id}: triaged"),
    )


@request.command("dispatch")
@click.argument("request_id")
@click.option("--worker", "worker_id", help="The worker; the dispatch policy chooses if omitted.")
@desk_options
def request_dispatch(request_id: str, worker_id: str | None, **kwargs: Any) -> None:
    """Send a worker: a work order is issued."""
    act(
        kwargs,
        lambda: DispatchRequest(request_id=request_id, worker_id=worker_id),
        _("{id}: dispatched"),
    )


@request.command("dispatch-due")
@desk_options
def request_dispatch_due(**kwargs: Any) -> None:
    """Dispatch every triaged request whose batch time has come (run it hourly)."""
    act(kwargs, DispatchDue, _("{id} dispatched"))


def _simple(
    name: str,
    command: type[Any],
    what: str,
    help_text: str,
    *,
    evidence: bool = False,
    **fields: str,
) -> None:
    """A request command taking the request id and the given required text options.

    With ``evidence`` it is the requester's own act: staff recording it say how
    he gave it and who witnessed it (``--given``, ``--witness``).
    """

    def run(request_id: str, **kwargs: Any) -> None:
        values = {field: kwargs.pop(field) for field in fields}
        if evidence:
            values["evidence"] = evidence_of(kwargs)
        act(kwargs, lambda: command(request_id=request_id, **values), what)

    run.__doc__ = help_text
    decorated: Any = desk_options(run)
    if evidence:
        decorated = evidence_options(decorated)
    for field, option in fields.items():
        optional = field == "notes"
        decorated = click.option(
            option, field, required=not optional, default="" if optional else None
        )(decorated)
    decorated = click.argument("request_id")(decorated)
    request.command(name)(decorated)


_simple("start", StartWork, N_("{id}: work started"), "The worker is on site: work starts.")
_simple(
    "complete",
    CompleteWork,
    N_("{id}: completed"),
    "The worker reports the job done.",
    notes="--notes",
)
_simple(
    "accept",
    AcceptWork,
    N_("{id}: accepted"),
    "The requester accepts the work, signing for it.",
    evidence=True,
    signed_by="--signed-by",
)
_simple(
    "reject",
    RejectWork,
    N_("{id}: rejected, rework"),
    "The requester rejects the work: it is redone.",
    evidence=True,
    reason="--reason",
)
_simple("close", CloseRequest, N_("{id}: closed"), "Close an accepted request.")
_simple(
    "cancel",
    CancelRequest,
    N_("{id}: cancelled"),
    "Cancel a request at the requester's wish.",
    reason="--reason",
)
_simple(
    "decline",
    DeclineRequest,
    N_("{id}: declined"),
    "Decline a request out of scope, with the reason.",
    reason="--reason",
)


def who(view: RequestView) -> str:
    return f"{mask(view.requester.name)} {mask_phone(view.requester.contact.phone)}"


def requests_table(title: str, views: list[RequestView]) -> Any:
    return table(
        title,
        [
            _("request"),
            _("status"),
            _("requester"),
            _("item"),
            _("price"),
            _("worker"),
            _("deadline"),
            _("need"),
        ],
        [
            (
                v.id.value,
                v.status,
                who(v),
                v.item_id.value if v.item_id else None,
                v.price,
                v.worker_id.value if v.worker_id else None,
                (f"{v.deadline.due:%Y-%m-%d %H:%M}" + (" !" if v.overdue else ""))
                if v.deadline
                else None,
                v.need,
            )
            for v in views
        ],
    )


@request.command("show")
@click.argument("request_id")
@desk_options
def request_show(request_id: str, **kwargs: Any) -> None:
    """One request as the desk sees it now."""
    opts = options(kwargs)
    with opened(opts) as desk:
        view = desk.queries.request(request_id)
    show(opts, view, lambda: requests_table(_("Request {id}").format(id=request_id), [view]))


@request.command("history")
@click.argument("request_id")
@desk_options
def request_history(request_id: str, **kwargs: Any) -> None:
    """What happened to a request, oldest first."""
    opts = options(kwargs)
    with opened(opts) as desk:
        events = desk.queries.request_history(request_id, actor=actor_of(opts))
    show_events(opts, _("History of {id}").format(id=request_id), events)


@request.command("list")
@desk_options
def request_list(**kwargs: Any) -> None:
    """The open requests."""
    opts = options(kwargs)
    with opened(opts) as desk:
        views = desk.queries.open_requests()
    show(opts, views, lambda: requests_table(_("Open requests"), views))


def rows_table(title: str, rows: tuple[RequestRow, ...]) -> Any:
    return table(
        title,
        [_("request"), _("status"), _("unit"), _("item"), _("worker"), _("deadline"), _("price")],
        [
            (
                r.id.value,
                r.status,
                r.unit,
                r.item_id.value if r.item_id else None,
                r.worker_id.value if r.worker_id else None,
                r.deadline_due.isoformat(timespec="minutes") if r.deadline_due else None,
                r.price,
            )
            for r in rows
        ],
    )


@request.command("page")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=EnumParam(Status, "status"),
    help="Repeat for several.",
)
@click.option("--unit", help="The requester's unit as registered.")
@click.option("--overdue", is_flag=True, help="Only requests past their deadline.")
@click.option("--sort", type=click.Choice(["registered_at", "id"]), help="The field to sort on.")
@click.option("--descending", is_flag=True, default=None, help="Newest or highest first.")
@page_options
@desk_options
def request_page(
    statuses: tuple[Status, ...],
    unit: str | None,
    overdue: bool,
    sort: str | None,
    descending: bool | None,
    limit: int,
    cursor: str | None,
    count: bool,
    **kwargs: Any,
) -> None:
    """A page of requests, open or ended, with a filter; prints the next page's cursor."""
    opts = options(kwargs)
    wanted = RequestFilter(status=frozenset(statuses), unit=unit, overdue=overdue)
    with opened(opts) as desk:
        page = desk.queries.requests_page(
            wanted,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=count,
            actor=actor_of(opts),
        )
    show_page(opts, page, lambda: rows_table(_("Requests"), page.items))


@request.command("consent")
@click.argument("request_id")
@click.option("--consent-id", required=True, help="The number of the signed consent.")
@click.option("--kind", type=EnumParam(ConsentKind, "kind of consent"), required=True)
@click.option("--description", required=True, help="What the requester agreed to.")
@click.option("--amount", type=AMOUNT, help="The extra fee agreed, if any.")
@evidence_options
@desk_options
def request_consent(
    request_id: str,
    consent_id: str,
    kind: ConsentKind,
    description: str,
    amount: Money | None,
    **kwargs: Any,
) -> None:
    """Record the requester's signed consent to a change of scope or an extra fee."""
    evidence = evidence_of(kwargs)
    act(
        kwargs,
        lambda: RecordConsent(
            request_id=request_id,
            consent_id=consent_id,
            kind=kind,
            description=description,
            amount=amount,
            evidence=evidence,
        ),
        _("{id}: consent recorded"),
    )


@request.command("scope")
@click.argument("request_id")
@click.option("--consent-id", required=True, help="The consent the requester signed for it.")
@click.option("--description", required=True, help="The work as it now is.")
@desk_options
def request_scope(request_id: str, consent_id: str, description: str, **kwargs: Any) -> None:
    """Change the scope of the work, on the requester's signed consent."""
    act(
        kwargs,
        lambda: ChangeScope(request_id=request_id, consent_id=consent_id, description=description),
        _("{id}: scope changed"),
    )


@request.command("extra-fee")
@click.argument("request_id")
@click.option("--consent-id", required=True, help="The consent the requester signed for it.")
@click.option("--amount", type=AMOUNT, required=True)
@click.option("--description", required=True)
@desk_options
def request_extra_fee(
    request_id: str, consent_id: str, amount: Money, description: str, **kwargs: Any
) -> None:
    """Add an extra fee to the job, on the requester's signed consent."""
    act(
        kwargs,
        lambda: AddExtraFee(
            request_id=request_id, consent_id=consent_id, amount=amount, description=description
        ),
        _("{id}: extra fee added"),
    )


# --- staff files: their commands live with the roster's (``servicedesk.cli.staff``) ---------------

from servicedesk.cli.staff import (  # noqa: E402 - the groups above are what they join
    catalogue_require,
    worker_file,
    worker_qualify,
    worker_train,
)

worker.add_command(worker_qualify)
worker.add_command(worker_train)
worker.add_command(worker_file)
catalogue.add_command(catalogue_require)


@request.command("call-ahead")
@click.argument("request_id")
@click.option("--outcome", type=EnumParam(CallOutcome, "outcome of the call"), required=True)
@click.option("--from", "window_from", type=NOW, help="A rescheduled visit's new window: from.")
@click.option("--until", "window_until", type=NOW, help="A rescheduled visit's new window: until.")
@desk_options
def request_call_ahead(
    request_id: str,
    outcome: CallOutcome,
    window_from: datetime | None,
    window_until: datetime | None,
    **kwargs: Any,
) -> None:
    """Record the call that confirms the visit before the work starts."""

    def make() -> RecordCallAhead:
        window = None
        if window_from is not None or window_until is not None:
            window = TimeWindow(window_from, window_until)  # type: ignore[arg-type]
        return RecordCallAhead(request_id=request_id, outcome=outcome, window=window)

    act(kwargs, make, _("{id}: call ahead recorded"))
