"""What every command shares: options, the desk on its store, output, one-line errors.

A person at a terminal reads one line for a mistake, never a traceback: a
refused command prints ``error: <the ServiceDeskError message>`` and exits 1,
a usage error (unknown command, malformed argument) exits 2 as click does.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

import attrs
import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from servicedesk import convert
from servicedesk.app.desk import Desk, Outcome, system_clock
from servicedesk.app.pages import Page
from servicedesk.app.requests.ports import RequestCaseQueries
from servicedesk.app.requests.queries import ItemView
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.catalogue import FeeKind, FeeStandard
from servicedesk.domain.errors import InvalidValue, ServiceDeskError
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money
from servicedesk.domain.values import (
    Actor,
    ActorId,
    EvidenceChannel,
    RequesterEvidence,
    Role,
    aware,
    choice,
)
from servicedesk.i18n import _, label

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_DB = "servicedesk.db"


# --- parameters: malformed input is a usage error (exit 2), before the desk is touched -----------


class MoneyParam(click.ParamType[Money]):
    name = "amount"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, Money):
            return value
        try:
            return Money.of(str(value))
        except ServiceDeskError as error:
            self.fail(error.message, param, ctx)


class EnumParam(click.ParamType[Any]):
    """One value of an enum, checked by the domain's ``choice`` (its message lists them)."""

    def __init__(self, enum: type[Any], what: str) -> None:
        self.enum, self.what, self.name = enum, what, what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return choice(self.enum, value, self.what)
        except ServiceDeskError as error:
            self.fail(error.message, param, ctx)


class Checked(click.ParamType[Any]):
    """A text the domain parses (a period, a month): its refusal is a usage error."""

    def __init__(self, parse: Callable[[str], Any], name: str) -> None:
        self.parse, self.name = parse, name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return self.parse(value)
        except ServiceDeskError as error:
            self.fail(error.message, param, ctx)


AMOUNT = MoneyParam()
ROLE = EnumParam(Role, "role")


def parse_now(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue(
            _("{text!r} is not an ISO date and time."), code="cli.invalid", text=text
        ) from None
    return aware(moment, "--now time")


NOW = Checked(parse_now, "iso-time")


# --- the options every command takes -------------------------------------------------------------


@attrs.frozen
class Options:
    db: str
    json: bool
    now: datetime | None
    actor: str | None
    roles: tuple[Role, ...]


def desk_options(function: F) -> F:
    """``--db``, ``--json``, who acts and (hidden, for tests) ``--now``; each with an env var."""
    decorators = [
        click.option(
            "--db",
            envvar="SERVICEDESK_DB",
            default=DEFAULT_DB,
            show_default=True,
            help="SQLite file, or a PostgreSQL/MariaDB URL ($SERVICEDESK_DB).",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts."),
        click.option("--now", envvar="SERVICEDESK_NOW", type=NOW, hidden=True),
        click.option("--actor", envvar="SERVICEDESK_ACTOR", help="Who acts ($SERVICEDESK_ACTOR)."),
        click.option(
            "--role",
            "roles",
            envvar="SERVICEDESK_ROLE",
            multiple=True,
            type=ROLE,
            help="A role the actor holds; repeat for several ($SERVICEDESK_ROLE).",
        ),
    ]
    for decorate in reversed(decorators):
        function = decorate(function)
    return function


def options(kwargs: dict[str, Any]) -> Options:
    """Take the shared options out of a command's keyword arguments."""
    return Options(
        db=kwargs.pop("db"),
        json=kwargs.pop("as_json"),
        now=kwargs.pop("now"),
        actor=kwargs.pop("actor"),
        roles=tuple(kwargs.pop("roles")),
    )


def actor_of(opts: Options, *extra: Role) -> Actor:
    """The actor named by ``--actor``/``--role``; the system when nobody is named."""
    roles = {*opts.roles, *extra}
    if opts.actor is None:
        if roles:
            raise click.UsageError(_("Acting in a role (--role, --as) needs --actor: who acts?"))
        return Actor.system()
    try:
        return Actor(ActorId(opts.actor), opts.actor, roles)
    except ServiceDeskError as error:
        raise click.BadParameter(error.message, param_hint="--actor") from None


def is_sqlite_path(target: str) -> bool:
    return "://" not in target


def open_store(target: str, *, create: bool = False) -> Store:
    """The store at ``target``; only ``db upgrade`` creates or migrates one."""
    from servicedesk.adapters.sql import SqlStore

    if not create and is_sqlite_path(target) and not Path(target).expanduser().exists():
        raise InvalidValue(
            _("No database at {path}; create it with: servicedesk db upgrade --db {path}"),
            code="cli.invalid",
            path=target,
        )
    return SqlStore(target, migrate=create)


@contextmanager
def opened(opts: Options, *, plugins: Sequence[object] = ()) -> Iterator[Desk]:
    """A desk on the store of ``--db``, its clock fixed by ``--now`` if given."""
    store = open_store(opts.db)
    now = opts.now
    clock = (lambda: now) if now is not None else system_clock
    try:
        yield Desk(store, plugins=plugins, clock=clock)
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()


def missing(store: Store, repositories: Sequence[str]) -> list[str]:
    """The repositories ``store`` lacks; ``request_cases`` is the requests' escalation port."""
    uow = store.unit_of_work()

    def has(name: str) -> bool:
        if name == "request_cases":
            return isinstance(getattr(uow, "requests", None), RequestCaseQueries)
        try:
            getattr(uow, name)
        except (AttributeError, ServiceDeskError):  # the SQL store names what it lacks
            return False
        return True

    return [name for name in repositories if not has(name)]


def require(desk: Desk, *repositories: str, what: str) -> None:
    """Refuse, in one line, a command whose records this store cannot hold yet."""
    if lacking := missing(desk.store, repositories):
        raise InvalidValue(
            _("This store cannot hold {what} yet (no {names} repository)."),
            code="cli.invalid",
            what=_(what),
            names=", ".join(lacking),
        )


BILLING = (
    "accounts",
    "charges",
    "statements",
    "payments",
    "receipts",
    "counters",
    "agreements",
    "costs",
    "invoices",
    "receipt_books",
)
CASES = ("complaints", "callbacks", "callback_plans", "request_cases")


# --- output --------------------------------------------------------------------------------------


def console() -> Console:
    # No markup: a requester's need may contain [brackets] that rich would eat.
    return Console(highlight=False, markup=False)


def to_json(value: Any) -> str:
    return json.dumps(convert.unstructure(value), ensure_ascii=False, indent=2, sort_keys=True)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Table:
    shown = Table(title=title, title_justify="left")
    for column in columns:
        shown.add_column(column)
    for row in rows:
        shown.add_row(*(_cell_text(cell) for cell in row))
    return shown


def heading_table(title: str, *columns: str) -> Table:
    """An empty ``table`` with its title and column headings, for rows added one by one."""
    return table(title, columns, ())


def _cell_text(cell: object) -> str:
    if cell is None:
        return "-"
    return label(cell) if isinstance(cell, Enum) else str(cell)


def show(opts: Options, value: Any, render: Callable[[], Table | str]) -> None:
    """JSON of ``value`` with ``--json``, else what ``render`` draws for a person."""
    if opts.json:
        click.echo(to_json(value))
    else:
        console().print(render())


def page_options(function: F) -> F:
    """``--limit``, ``--cursor`` and ``--count`` of a paged list."""
    for option in reversed(
        (
            click.option("--limit", type=int, default=50, show_default=True, help="Rows a page."),
            click.option("--cursor", help="The cursor the previous page printed."),
            click.option("--count", is_flag=True, help="Count the rows on all pages too."),
        )
    ):
        function = option(function)
    return function


def show_page(opts: Options, page: Page[Any], render: Callable[[], Table | str]) -> None:
    """The page as JSON with ``--json``; else its rows, the count and the next page's cursor."""
    if opts.json:
        click.echo(to_json(page))
        return
    console().print(render())
    if page.count is not None:
        click.echo(_("{count} in all").format(count=page.count))
    if page.next_cursor is not None:
        click.echo(_("next page: --cursor {cursor}").format(cursor=page.next_cursor))


def show_events(opts: Options, title: str, events: Sequence[Event]) -> None:
    """Events oldest first: with ``--json`` each with its ``event`` name, else when and what."""
    if opts.json:
        click.echo(to_json([{"event": type(e).__name__, **convert.unstructure(e)} for e in events]))
        return
    console().print(
        table(
            title,
            [_("at"), _("event")],
            [(f"{e.at:%Y-%m-%d %H:%M}", type(e).__name__) for e in events],
        )
    )


def done(opts: Options, what: str, record: str | None, **more: Any) -> None:
    """The outcome of a command: ``{"id": ...}`` for scripts, a sentence for people."""
    if opts.json:
        click.echo(to_json({"id": record, **more}))
    else:
        click.echo(_(what).format(id=record, **more))


def _plain(cell: object) -> object:
    """A cell for a file: codes for enumerations, numbers as numbers, nothing as blank."""
    if cell is None:
        return ""
    if isinstance(cell, Enum):
        return cell.value
    if isinstance(cell, Money):
        return cell.amount
    return cell


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the Chinese right when it opens it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[str(_plain(cell)) for cell in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """An Excel workbook of one sheet: amounts as numbers with two decimals, the header bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = title[:31]  # Excel's longest sheet name
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_plain(cell) for cell in row])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@contextmanager
def working(what: str) -> Iterator[Callable[[int, int], None] | None]:
    """A bar with its count (done/total) while a long command runs; silent off a terminal.

    Yields what to tell the bar ``(done, total)``, the desk's progress port
    (``servicedesk.app.progress``), or ``None`` when nothing is shown; the bar
    stays on the screen when the command ends, with the count it reached.
    """
    if not sys.stderr.isatty() or os.environ.get("SERVICEDESK_NO_PROGRESS"):
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task(what, total=None)

        def tell(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tell


# --- running one command -------------------------------------------------------------------------


def build(make: Callable[[], Any]) -> Any:
    """Build a command from the arguments; a malformed value is a usage error (exit 2)."""
    try:
        return make()
    except ServiceDeskError as error:
        raise click.UsageError(error.message) from None


def act(
    kwargs: dict[str, Any],
    make: Callable[[], Any],
    what: str,
    *roles: Role,
    requires: tuple[str, ...] = (),
    holds: str = "",
    busy: str | None = None,
    then: Callable[[Options, Outcome], None] | None = None,
) -> str | None:
    """Build the command, run it as the actor on the store, print its outcome.

    ``then`` prints more of the outcome (a receipt) after the one line; with ``--json`` it
    prints the one document instead, so that a script reads a single JSON value.
    """
    opts = options(kwargs)
    actor = actor_of(opts, *roles)
    command = build(make)
    with opened(opts) as desk:
        if requires:
            require(desk, *requires, what=holds)
        if busy is None:
            outcome = desk.handle(command, actor=actor)
        else:
            with working(busy) as tell:
                outcome = desk.handle(command, actor=actor, progress=tell)
    if then is None or not opts.json:
        done(opts, what, outcome.id, events=len(outcome.events))
    if then is not None:
        then(opts, outcome)
    return outcome.id


def fee_text(fee: FeeStandard | None) -> str:
    if fee is None:
        return "-"
    if fee.kind is FeeKind.FREE:
        return _("free")
    if fee.kind is FeeKind.QUOTE:
        return _("by quote")
    assert fee.price is not None
    if fee.kind is FeeKind.PER_UNIT:
        return _("{price} per {unit}").format(price=fee.price, unit=fee.unit)
    if fee.kind is FeeKind.LABOUR_AND_MATERIALS:
        return _("{price} labour + materials").format(price=fee.price)
    return str(fee.price)


# --- the requester's word, recorded by staff -----------------------------------------------------

GIVEN = EnumParam(EvidenceChannel, "way the requester gave it")


def evidence_options(function: F) -> F:
    """``--given`` and ``--witness``: how the requester gave his word, and who witnessed it."""
    function = click.option(
        "--witness", help="The member of staff who witnessed it (default: --actor)."
    )(function)
    return click.option(
        "--given",
        type=GIVEN,
        help="How the requester gave it: in_person, phone, app or sms (staff recording it).",
    )(function)


def evidence_of(kwargs: dict[str, Any]) -> RequesterEvidence | None:
    """The evidence ``--given``/``--witness`` name, taken out of ``kwargs``; None without them."""
    given, witness = kwargs.pop("given"), kwargs.pop("witness")
    if given is None:
        return None
    witnessed_by = witness or kwargs.get("actor")
    if not witnessed_by:
        raise click.UsageError(_("Recording the requester's word needs --witness or --actor."))
    evidence: RequesterEvidence = build(lambda: RequesterEvidence(given, witnessed_by=witnessed_by))
    return evidence


def catalogue_table(title: str, items: Iterable[ItemView]) -> Table:
    """The catalogue's items with their category, status and fee, as the demos print it."""
    table = heading_table(title, _("item"), _("name"), _("category"), _("status"), _("fee"))
    for item in items:
        table.add_row(
            item.id.value, item.name, _(item.category), label(item.status), fee_text(item.fee)
        )
    return table


R = TypeVar("R")


def read(
    opts: Options, requires: tuple[str, ...], holds: str, query: Callable[[Desk, Actor], R]
) -> R:
    """Open the store, check that it holds what ``query`` reads, and answer it as the actor."""
    with opened(opts) as desk:
        require(desk, *requires, what=holds)
        return query(desk, actor_of(opts))
