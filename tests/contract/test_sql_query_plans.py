"""Every query of billing, complaints, callbacks and records is an index search (SQLite plans).

A query the ports promise to answer "with an index" must not become a table scan
when a column or an index goes missing from a declaration or a migration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from contract_scenario import MONDAY

from servicedesk import CancelRequest, Contact, Desk, Position, RegisterRequest, Requester
from servicedesk.adapters.sql import SqlStore, open_store
from servicedesk.app.complaints.handlers import request_cases
from servicedesk.app.records.commands import PurgeExpired
from servicedesk.domain.billing import AccountId, SeriesId
from servicedesk.domain.callbacks import Month
from servicedesk.domain.values import RequesterKind, RequestId

LATER = MONDAY.replace(month=4)
Query = Callable[[Any], object]

QUERIES: list[tuple[str, Query, str]] = [
    (
        "service_requests",
        lambda u: request_cases(u).list_due_for_escalation(MONDAY),
        "escalation_due",
    ),
    ("events", lambda u: request_cases(u).list_accepted_between(MONDAY, LATER), "stream_type_at"),
    ("complaints", lambda u: u.complaints.list_open(), "is_open_filed_at"),
    ("complaints", lambda u: u.complaints.list_due_for_escalation(MONDAY), "escalation_due"),
    ("complaints", lambda u: u.complaints.list_filed_between(MONDAY, LATER), "filed_at"),
    ("callbacks", lambda u: u.callbacks.list_for_month(Month(2026, 3)), "month"),
    ("accounts", lambda u: u.accounts.open_for("3-502", RequesterKind.OWNER), "open_unit_kind"),
    ("charges", lambda u: u.charges.for_request(RequestId("r")), "request_id"),
    # either index that leads with the account serves an account's charges
    ("charges", lambda u: u.charges.for_account(AccountId("a")), "account_id"),
    ("charges", lambda u: u.charges.billable(AccountId("a"), MONDAY), "account_id_billable_at"),
    (
        "charges",
        lambda u: u.charges.billable(AccountId("a"), MONDAY, audited=True),
        "account_id_audited_at",
    ),
    ("charges", lambda u: u.charges.confirmed_between(MONDAY, LATER), "confirmed_at"),
    ("statements", lambda u: u.statements.for_account(AccountId("a")), "account_id_period"),
    ("agreements", lambda u: u.agreements.for_account(AccountId("a")), "account_id"),
    ("payments", lambda u: u.payments.for_account(AccountId("a")), "account_id_paid_at"),
    ("receipts", lambda u: u.receipts.in_series(SeriesId("PSC-2026")), "series_number"),
    ("invoices", lambda u: u.invoices.list_overdue(MONDAY), "undelivered_due"),
    ("invoices", lambda u: u.invoices.for_request(RequestId("r")), "request_id_requested_at"),
    ("costs", lambda u: u.costs.between(MONDAY, LATER), "recorded_at"),
    ("record_files", lambda u: u.record_files.due_for_purge(MONDAY, 10), "purge_due_id"),
    ("found_items", lambda u: u.found_items.list_kept(), "status_found_at"),
    ("subject_links", lambda u: u.personal_data.files_of("key"), "subject"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlStore]:
    opened = open_store(tmp_path_factory.mktemp("plans") / "plans.db")
    yield opened
    opened.close()


@pytest.mark.parametrize(
    ("table", "query", "index"), QUERIES, ids=[f"{t}-{i}" for t, _q, i in QUERIES]
)
def test_the_query_searches_its_index(
    store: SqlStore, table: str, query: Query, index: str
) -> None:
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT"):
            seen.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.unit_of_work() as uow:
            query(uow)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", capture)
    assert len(seen) == 1, "one query, not one per row"
    statement, parameters = seen[0]
    with store.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    details = " ".join(str(row[-1]) for row in plan)
    assert f"INDEX ix_{table}_{index}" in details, details
    assert f"SCAN {table} " not in details + " ", details


def _statements_of_a_purge(store: SqlStore, wanted: Callable[[str], bool]) -> list[tuple[str, Any]]:
    """Three cancelled requests purged past their retention: the statements ``wanted`` keeps."""
    desk = Desk(store, clock=lambda: MONDAY, entry_points=False)
    for number in range(3):
        request = f"r-{number}"
        requester = Requester("Chen", "3-502", Contact("13800138000"))
        desk.handle(RegisterRequest(requester=requester, need="tap", request_id=request))
        desk.handle(CancelRequest(request_id=request, reason="fixed it"))
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if wanted(statement):
            seen.append((statement, parameters))

    purged = Desk(store, clock=lambda: MONDAY + timedelta(days=4 * 365), entry_points=False)
    sa.event.listen(store.engine, "before_cursor_execute", capture)
    try:
        assert purged.handle(PurgeExpired(limit=10)).id == "3"
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", capture)
    return seen


def test_the_purge_finds_each_batch_by_primary_key(tmp_path: Path) -> None:
    """Every statement of a bulk purge searches its table's keys; none walks the table.

    A batch's ids are one parameter (``json_scrub.among``); written as a boolean
    ``(...) = 1`` it made SQLite scan every request, file and event for every
    batch, and the purge grew with the square of the records kept.
    """
    store = open_store(tmp_path / "purge.db")
    seen = _statements_of_a_purge(store, lambda statement: "json_each" in statement)
    tables = {"service_requests", "record_files", "events", "subject_links"}
    written = " ".join(statement for statement, _p in seen)
    assert all(f" {table} " in written for table in tables), written
    with store.engine.connect() as connection:
        for statement, parameters in seen:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            details = " ".join(str(row[-1]) for row in plan) + " "
            assert not any(f"SCAN {table} " in details for table in tables), (statement, details)
    store.close()


def test_the_feed_reads_each_record_s_events_by_index_without_sorting(tmp_path: Path) -> None:
    """A page is index range scans: no table walked, no events sorted, whatever a record holds."""
    store = open_store(tmp_path / "feed.db")
    desk = Desk(store, clock=lambda: MONDAY, entry_points=False)
    for number in range(3):
        requester = Requester("Chen", "3-502", Contact("13800138000"))
        desk.handle(RegisterRequest(requester=requester, need="tap", request_id=f"r-{number}"))
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT"):
            seen.append((statement, parameters))

    sa.event.listen(store.reader, "before_cursor_execute", capture)
    try:
        for start in (Position(), Position(2, 1)):
            desk.events.after(start, 2)
    finally:
        sa.event.remove(store.reader, "before_cursor_execute", capture)
    with store.engine.connect() as connection:
        plans = [
            " ".join(
                str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}", p)
            )
            + " "
            for s, p in seen
        ]
    store.close()
    everything = " | ".join(plans)
    assert "INDEX ix_events_entry_seq" in everything, everything
    for details in plans:
        assert "SCAN events " not in details, details
        assert "SCAN audit_records " not in details, details
        assert "TEMP B-TREE" not in details, details


#: How each database is told that no index may serve the events' type in a purge batch.
UNINDEXED_TYPE = {"sqlite": "+events.type", "postgresql": "(events.type || '')"}


def test_a_purge_batch_finds_its_events_by_aggregate_not_by_type(sql_store: SqlStore) -> None:
    """The events of a batch are narrowed by the batch's aggregates, never walked by type.

    Served by the ``(stream, type, at)`` index, every batch would read every registration
    in the log, and the purge would grow with the square of the records kept.
    """
    dialect = sql_store.engine.dialect.name
    seen = _statements_of_a_purge(
        sql_store, lambda statement: statement.startswith("UPDATE events")
    )
    assert seen
    for statement, parameters in seen:
        assert UNINDEXED_TYPE.get(dialect, "CONCAT(events.type, '')") in statement, statement
        if dialect == "postgresql":
            with sql_store.engine.connect() as connection:
                plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            conditions = [str(row[0]) for row in plan if "Index Cond" in str(row[0])]
            assert not any("type" in condition for condition in conditions), plan


def _page_statement(store: SqlStore, fetch: Callable[[Desk], object]) -> tuple[str, Any]:
    """The one SELECT a page of a list runs (its count asked apart)."""
    desk = Desk(store, clock=lambda: MONDAY, entry_points=False)
    for number in range(3):
        requester = Requester("Chen", f"3-50{number}", Contact("13800138000"))
        desk.handle(RegisterRequest(requester=requester, need="tap", request_id=f"r-{number}"))
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("SELECT") and "service_requests" in statement:
            seen.append((statement, parameters))

    for engine in {store.engine, store.reader}:
        sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        fetch(desk)
    finally:
        for engine in {store.engine, store.reader}:
            sa.event.remove(engine, "before_cursor_execute", capture)
    assert len(seen) == 1, seen
    return seen[0]


def test_a_page_of_a_unit_s_requests_searches_the_unit_index(sql_store: SqlStore) -> None:
    """The requests-by-unit page walks ``(unit, registered_at)``: no table scan, no sort.

    On PostgreSQL the planner is told to avoid sequential scans, as it would on a
    table of three rows: what is checked is that an index can serve the page.
    """
    from servicedesk import RequestFilter

    dialect = sql_store.engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        pytest.skip("plans are checked on SQLite and PostgreSQL")
    first = {}

    def fetch(desk: Desk) -> object:
        first["page"] = desk.queries.requests_page(RequestFilter(unit="3-501"), limit=1)
        return first["page"]

    statement, parameters = _page_statement(sql_store, fetch)
    with sql_store.engine.connect() as connection:
        if dialect == "sqlite":
            details = _sqlite_plan(connection, statement, parameters)
            assert "INDEX ix_service_requests_unit_registered_at_id" in details, details
            assert "SCAN service_requests " not in details, details
            assert "TEMP B-TREE" not in details, details
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            text = _postgresql_plan(connection, statement, parameters)
            assert "ix_service_requests_unit_registered_at_id" in text, text
            assert "Sort" not in text, text


def test_a_page_of_the_oldest_open_requests_searches_the_open_index(sql_store: SqlStore) -> None:
    """Open statuses only: the page walks ``(is_open, registered_at, id)``, not the closed
    requests registered before the open ones (most of a desk's requests, and its oldest)."""
    from servicedesk import RequestFilter
    from servicedesk.domain.requests import TERMINAL, Status

    dialect = sql_store.engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        pytest.skip("plans are checked on SQLite and PostgreSQL")
    open_statuses = frozenset(s for s in Status if s not in TERMINAL)

    def fetch(desk: Desk) -> object:
        return desk.queries.requests_page(RequestFilter(status=open_statuses), limit=1)

    statement, parameters = _page_statement(sql_store, fetch)
    with sql_store.engine.connect() as connection:
        if dialect == "sqlite":
            details = _sqlite_plan(connection, statement, parameters)
            assert "INDEX ix_service_requests_is_open_registered_at_id" in details, details
            assert "TEMP B-TREE" not in details, details
        else:
            # a desk's requests as they are: most of them closed, the open ones the newest;
            # on three rows the planner has no reason to prefer one index to another
            copied = connection.begin()
            try:
                _closed_copies(connection, "r-0", 2_000)
                connection.exec_driver_sql("ANALYZE service_requests")
                text = _postgresql_plan(connection, statement, parameters)
            finally:
                copied.rollback()
            assert "ix_service_requests_is_open_registered_at_id" in text, text
            assert "Sort" not in text, text


def _sqlite_plan(connection: sa.Connection, statement: str, parameters: Any) -> str:
    """SQLite's plan of ``statement``, its steps in one line (a space after the last)."""
    plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return " ".join(str(row[-1]) for row in plan) + " "


def _postgresql_plan(connection: sa.Connection, statement: str, parameters: Any) -> str:
    """PostgreSQL's plan of ``statement``, its lines in one."""
    plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
    return " ".join(str(row[0]) for row in plan)


def _closed_copies(connection: sa.Connection, request_id: str, count: int) -> None:
    """``count`` closed copies of the request, registered a day before it (PostgreSQL)."""
    from servicedesk.adapters.sql import tables as t

    table = t.requests.table
    names, values = [], []
    for column in table.columns:
        names.append(f'"{column.name}"')
        if column.name == "id":
            values.append("id || '-closed-' || k")
        elif column.name == "is_open":
            values.append("false")
        elif column.name == "status":
            values.append("'closed'")
        elif column.name == "registered_at":
            values.append("registered_at - interval '1 day'")
        elif column.name in ("deadline_due", "dispatch_due", "escalation_due"):
            values.append("NULL")
        else:
            values.append(f'"{column.name}"')
    connection.exec_driver_sql(
        f"INSERT INTO service_requests ({', '.join(names)}) SELECT {', '.join(values)}"
        f" FROM service_requests, generate_series(1, {count}) AS k WHERE id = '{request_id}'"
    )
