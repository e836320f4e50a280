"""The read case: every report path at N requests (2% open), N/10 accounts, against its own SQL.

Set-up (not timed) writes a seed through the library, a month's closed job with
its charge, cost, complaint and callback, an open request, an account with an
overdue statement, then copies the seed's rows with one ``INSERT ... SELECT``
per table in the database itself (ids renamed per copy), and refreshes the
planner's statistics.  It then asks each path of ``PATHS`` once with the
engine listened to, and keeps the statements the library ran: the raw baseline
replays exactly those statements with the driver alone and fetches every row,
so that the ratio is the library's own cost on top of the same indexed SQL.

A path is one line of ``PATHS``: a name, and what it asks of a desk (returning
a number, which must not be zero: a path that found nothing measured nothing).
"""

from __future__ import annotations

import pickle
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import sqlalchemy as sa

from bench import world
from bench.raw import Raw
from servicedesk import (
    CloseRequest,
    Desk,
    FileComplaint,
    OpenAccount,
    RegisterRequest,
    TriageRequest,
)
from servicedesk.adapters.sql import open_store, statistics
from servicedesk.adapters.sql import tables as t
from servicedesk.app.billing.commands import CloseMonth, RecordCost, RecordPayment
from servicedesk.app.billing.lists import StatementFilter
from servicedesk.app.callbacks.commands import PlanCallbacks, RecordCallback
from servicedesk.app.enquiries.commands import TakeEnquiry
from servicedesk.app.requests.lists import RequestFilter
from servicedesk.domain.billing import Period
from servicedesk.domain.requests import TERMINAL, Status
from servicedesk.domain.values import Actor, ActorId, Role

#: When the reports are asked: after March's close, its statements past due.
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=world.SHANGHAI)
MONTH = world.PERIOD
PERIOD = Period.parse(str(MONTH))
MANAGER = Actor(ActorId("centre-mgr"), "Centre manager", {Role.CENTRE_MANAGER})
CASHIER = Actor(ActorId("cashier"), "Cashier", {Role.CASHIER})
OPEN_SHARE = 50  # one request in 50 is open: 2%

Path_ = Callable[[Desk], int]
OPEN = frozenset(s for s in Status if s not in TERMINAL)
#: Every read path the case times: add a list page here, one line, and it is measured.
#: Each is asked once untimed first, on both sides, then timed (``SAMPLES``).  The pages
#: are a UI's first page of 50 rows, each list on its default sort and filtered on the
#: indexed fields a desk filters most.
PATHS: dict[str, Path_] = {
    "handover": lambda d: d.queries.shift_handover(NOW).count,
    "quality": lambda d: d.quality.report(MONTH).total.jobs,
    "revenue": lambda d: len(d.billing.revenue_and_cost(MONTH)),
    "overdue-statements": lambda d: len(d.billing.overdue_statements(NOW)),
    "page:requests": lambda d: len(d.queries.requests_page(actor=MANAGER).items),
    "page:requests-open": lambda d: len(
        d.queries.requests_page(RequestFilter(status=OPEN), actor=MANAGER).items
    ),
    "page:requests-of-unit": lambda d: len(
        d.queries.requests_page(RequestFilter(unit="SEEDUNIT-77"), actor=MANAGER).items
    ),
    "page:requests-counted": lambda d: len(
        d.queries.requests_page(RequestFilter(status=OPEN), with_count=True, actor=MANAGER).items
    ),
    "page:jobs": lambda d: len(d.queries.jobs_page("w-1", open_only=False, actor=MANAGER).items),
    "page:complaints": lambda d: len(d.complaints.complaints_page(actor=MANAGER).items),
    "page:callbacks": lambda d: len(d.quality.callbacks_page(actor=MANAGER).items),
    "page:enquiries": lambda d: len(d.enquiries.enquiries_page(actor=MANAGER).items),
    "page:accounts": lambda d: len(d.billing.accounts_page(actor=MANAGER).items),
    "page:statements": lambda d: len(
        d.billing.statements_page(
            StatementFilter(period=Period.parse(str(MONTH))), actor=MANAGER
        ).items
    ),
    "page:statements-overdue": lambda d: len(
        d.billing.statements_page(StatementFilter(overdue=True), now=NOW, actor=MANAGER).items
    ),
    "page:payments": lambda d: len(d.billing.payments_page(actor=MANAGER).items),
    "page:receipts": lambda d: len(d.billing.receipts_page(actor=MANAGER).items),
}
#: How often each path is timed, at most (its median is reported), and for how long.
SAMPLES, SAMPLE_SECONDS = 21, 2.0


def _statements_file(url: str) -> Path:
    """Where set-up leaves each path's statements for the raw step (beside an SQLite file)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return Path(f"{parsed.database}.reads.pickle")
    return Path(tempfile.gettempdir()) / f"servicedesk-bench-{parsed.database}.reads.pickle"


# --- set-up --------------------------------------------------------------------------------------


def _seed(url: str) -> list[str]:
    """The seed's records, written by the library; the ids to rename in each copy."""
    clock = world.Clock()
    desk, store = world.desk_on(url, clock)
    world.prepare_catalogue(desk)
    requester = world.requester("SEEDUNIT")
    desk.handle(OpenAccount(requester=requester, account_id="SEEDACC"), actor=world.CLERK)
    world.audit(desk, world.full_job(desk, "SEEDUNIT", "SEEDJOB"))
    cost = desk.handle(
        RecordCost(request_id="SEEDJOB", amount="12.50", description="washer", cost_id="SEEDCOST"),
        actor=MANAGER,
    )
    assert cost.id is not None
    desk.handle(
        FileComplaint(
            complainant=requester,
            category="timeliness",
            description="late",
            request_id="SEEDJOB",
            complaint_id="SEEDCMP",
        ),
        actor=world.CLERK,
    )
    desk.handle(CloseRequest(request_id="SEEDJOB"), actor=world.CLERK)  # done: not open
    desk.handle(
        RegisterRequest(requester=requester, need="the light flickers", request_id="SEEDOPEN"),
        actor=world.CLERK,
    )
    desk.handle(TriageRequest(request_id="SEEDOPEN", item_id=world.ITEM), actor=world.CLERK)
    clock.now = datetime(2026, 4, 1, 10, tzinfo=world.SHANGHAI)
    desk.handle(PlanCallbacks(month=MONTH, seed="bench"), actor=MANAGER)
    tokens = ["SEEDJOB", "SEEDOPEN", "SEEDACC", "SEEDUNIT", "SEEDCMP", "SEEDCOST"]
    for callback in desk.quality.callbacks(MONTH):
        record = RecordCallback(callback_id=callback.id, reached=True, satisfaction=5)
        desk.handle(record, actor=MANAGER)
        if "SEEDJOB" not in callback.id.value:
            tokens.append(callback.id.value)
    clock.now = world.CLOSE_AT
    desk.handle(CloseMonth(period=MONTH), actor=world.CLERK)
    # paid after the reports' time, so that the statement is still overdue at NOW
    clock.now = NOW + timedelta(days=1)
    desk.handle(RecordPayment(account_id="SEEDACC", amount="1.00"), actor=CASHIER)
    with store.engine.connect() as connection:  # the payment's and its receipt's ids
        for table in (t.payments.table, t.receipts.table):
            tokens += [i for (i,) in connection.execute(sa.select(table.c.id))]
    enquiry = TakeEnquiry(
        kind="consultation", asker_name="Resident", question="opening hours", enquiry_id="SEEDENQ"
    )
    desk.handle(enquiry, actor=world.CLERK)
    tokens.append("SEEDENQ")
    store.close()
    return tokens


def _copy(
    connection: sa.Connection,
    table: sa.Table,
    where: str,
    count: int,
    tokens: list[str],
    numbered: str | None = None,
) -> None:
    """``count`` copies of the rows ``where`` selects, each token renamed ``token-k``, and
    the whole-number column ``numbered`` (unique in its series) moved on by ``k``."""
    if count <= 0:
        return
    pg = connection.dialect.name == "postgresql"
    names, values = [], []
    for column in table.columns:
        if column.autoincrement is True and column.primary_key:
            continue
        expression = f'"{column.name}"'
        text = isinstance(column.type, sa.String | sa.Text) or column.name == "document"
        if column.name == numbered:
            expression = f"{expression} + k"
        elif text:
            if pg and column.name == "document":
                expression = f"CAST({expression} AS TEXT)"
            for token in tokens:
                expression = f"replace({expression}, '{token}', '{token}-' || CAST(k AS TEXT))"
            if pg and column.name == "document":
                expression = f"CAST({expression} AS JSONB)"
        names.append(f'"{column.name}"')
        values.append(expression)
    select = f'SELECT {", ".join(values)} FROM "{table.name}"'
    insert = f'INSERT INTO "{table.name}" ({", ".join(names)}) '
    if pg:
        statement = f"{insert}{select}, generate_series(1, {count}) AS seq(k) WHERE {where}"
    else:
        numbers = (
            "WITH RECURSIVE seq(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM seq"
            f" WHERE k < {count}) "
        )
        statement = f"{numbers}{insert}{select}, seq WHERE {where}"
    connection.exec_driver_sql(statement)


def setup_reads(url: str, n: int) -> None:
    tokens = _seed(url)
    jobs, opened = n - n // OPEN_SHARE, n // OPEN_SHARE
    accounts, few = n // 10, n // 100
    store = open_store(url)
    with store.engine.begin() as connection:
        job = "id = 'SEEDJOB'"
        _copy(connection, t.requests.table, job, jobs - 1, tokens)
        _copy(
            connection,
            t.events,
            "aggregate_id = 'SEEDJOB' AND type = 'WorkAccepted'",
            jobs - 1,
            tokens,
        )
        _copy(connection, t.requests.table, "id = 'SEEDOPEN'", opened - 1, tokens)
        _copy(connection, t.accounts.table, "id = 'SEEDACC'", accounts - 1, tokens)
        _copy(connection, t.charges.table, "request_id = 'SEEDJOB'", accounts - 1, tokens)
        _copy(connection, t.costs.table, "id = 'SEEDCOST'", accounts - 1, tokens)
        _copy(connection, t.statements.table, "account_id = 'SEEDACC'", few - 1, tokens)
        # a statement's lines are its StatementIssued event's
        issued = "stream = 'statement' AND substr(aggregate_id, 1, 7) = 'SEEDACC' AND version = 1"
        _copy(connection, t.events, issued, few - 1, tokens)
        _copy(connection, t.complaints.table, "id = 'SEEDCMP'", few - 1, tokens)
        _copy(connection, t.callbacks.table, f"month = '{MONTH}'", few - 1, tokens)
        _copy(connection, t.enquiries.table, "id = 'SEEDENQ'", few - 1, tokens)
        _copy(connection, t.payments.table, "account_id = 'SEEDACC'", few - 1, tokens)
        _copy(connection, t.receipts.table, "account_id = 'SEEDACC'", few - 1, tokens, "number")
    with store.engine.connect() as connection:
        statistics.refresh(connection)
    _record_statements(url, store)
    store.close()


def _record_statements(url: str, store: Any) -> None:
    """Ask every path once with the engines listened to; keep what each ran, for the raw step."""
    ran: list[tuple[str, Any]] = []

    def seen(_c: Any, _cursor: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if (
            not statement.lstrip()
            .upper()
            .startswith(("BEGIN", "COMMIT", "ROLLBACK", "SET", "PRAGMA"))
        ):
            ran.append((statement, parameters))

    engines = {store.engine, store.reader}
    for engine in engines:
        sa.event.listen(engine, "before_cursor_execute", seen)
    desk = Desk(store, clock=world.Clock(NOW), entry_points=False)
    by_path: dict[str, list[tuple[str, Any]]] = {}
    for name, path in PATHS.items():
        ran.clear()
        if not path(desk):
            raise SystemExit(f"the read path {name} found nothing: the set-up is wrong")
        by_path[name] = list(ran)
    for engine in engines:
        sa.event.remove(engine, "before_cursor_execute", seen)
    _statements_file(url).write_bytes(pickle.dumps(by_path))


# --- the library and the raw baseline ------------------------------------------------------------


def run_reads(url: str, n: int) -> dict[str, Any]:
    store = open_store(url)
    desk = Desk(store, clock=world.Clock(NOW), entry_points=False)
    for path in PATHS.values():  # warm, as a UI's server is: imports, hooks, compiled SQL
        path(desk)
    parts: dict[str, float] = {}
    for name, path in PATHS.items():
        parts[name] = _sampled(lambda path=path: path(desk))
    store.close()
    return {"count": len(parts), "seconds": sum(parts.values()), "parts": parts}


def _sampled(path: Callable[[], object]) -> float:
    """The median time of ``path``: asked up to ``SAMPLES`` times, for ``SAMPLE_SECONDS`` at
    most (a page takes a fraction of a millisecond, a report at a million rows seconds)."""
    times: list[float] = []
    began = time.perf_counter()
    while len(times) < SAMPLES and (len(times) < 3 or time.perf_counter() - began < SAMPLE_SECONDS):
        started = time.perf_counter()
        found = path()
        times.append(time.perf_counter() - started)
        assert found is None or found, "a path found nothing"
    return median(times)


def raw_reads(url: str, n: int) -> dict[str, Any]:
    by_path: dict[str, list[tuple[str, Any]]] = pickle.loads(_statements_file(url).read_bytes())
    raw = Raw(url)
    for statements in by_path.values():  # warm as the library's side is
        replay(raw, statements)
    parts: dict[str, float] = {}
    for name, statements in by_path.items():
        parts[name] = _sampled(lambda statements=statements: replay(raw, statements))
    raw.close()
    return {"count": len(parts), "seconds": sum(parts.values()), "parts": parts}


def replay(raw: Raw, statements: list[tuple[str, Any]]) -> None:
    """Run a path's statements with the driver alone, fetching every row, and commit."""
    cursor = raw.connection.cursor()
    for statement, parameters in statements:
        cursor.execute(statement, parameters)
        if cursor.description is not None:
            cursor.fetchall()
    raw.commit()
