"""The four measurements: set-up (not timed), the library's run and the raw baseline's run.

Each function takes the database URL and the size ``n``; ``run_*`` return a
number the bench checks (jobs done, statements issued, cases escalated,
records purged) so that a fast run that did nothing cannot pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa

from bench import world
from bench.raw import Raw
from servicedesk import Actor, CancelRequest, EscalateOverdue, FileComplaint, RegisterRequest
from servicedesk.adapters.sql import tables as t
from servicedesk.app.billing_commands import CloseMonth, OpenAccount
from servicedesk.app.records import PurgeExpired

#: A document the size of the library's request documents, for the raw rows.
DOCUMENT = json.dumps({"field": "x" * 1200})
UNITS = 100  # intake: the jobs are spread over this many accounts


def _raw_schema(raw: Raw, *statements: str) -> None:
    for statement in statements:
        raw.execute(statement)
    raw.commit()


# --- 1. intake -------------------------------------------------------------------------


def setup_intake(url: str, n: int) -> None:
    clock = world.Clock()
    desk, store = world.desk_on(url, clock)
    world.prepare_catalogue(desk)
    for unit in range(UNITS):
        desk.handle(OpenAccount(requester=world.requester(f"U{unit}")), actor=world.CLERK)
    store.close()
    raw = Raw(url)
    _raw_schema(
        raw,
        "CREATE TABLE raw_requests (id VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL,"
        " status VARCHAR(20) NOT NULL, document TEXT NOT NULL)",
        "CREATE TABLE raw_charges (id VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL,"
        " request_id VARCHAR(64) NOT NULL, amount NUMERIC(12, 2) NOT NULL, confirmed BOOLEAN,"
        " document TEXT NOT NULL)",
        "CREATE TABLE raw_events (seq INTEGER PRIMARY KEY, aggregate_id VARCHAR(64) NOT NULL,"
        " version INTEGER NOT NULL, type VARCHAR(100) NOT NULL, document TEXT NOT NULL)"
        if raw.sqlite
        else "CREATE TABLE raw_events (seq BIGSERIAL PRIMARY KEY, aggregate_id VARCHAR(64)"
        " NOT NULL, version INTEGER NOT NULL, type VARCHAR(100) NOT NULL, document TEXT NOT NULL)",
        "CREATE INDEX raw_events_aggregate ON raw_events (aggregate_id, seq)",
        "CREATE TABLE raw_audit (seq INTEGER PRIMARY KEY, hash VARCHAR(64) NOT NULL,"
        " record TEXT NOT NULL)",
    )
    raw.close()


def run_intake(url: str, n: int) -> int:
    clock = world.Clock()
    desk, store = world.desk_on(url, clock)
    for job in range(n):
        world.full_job(desk, f"U{job % UNITS}")
    store.close()
    return n


def raw_intake(url: str, n: int) -> int:
    """Per command one transaction: read the row, write it, append its event and an audit row."""
    raw = Raw(url)
    audit = 0
    steps = ["RequestRegistered", "Triaged", "Dispatched", "Started", "Completed", "Accepted"]

    def event_and_audit(aggregate: str, version: int, kind: str) -> None:
        nonlocal audit
        audit += 1
        raw.execute(
            "INSERT INTO raw_events (aggregate_id, version, type, document) VALUES (%s,%s,%s,%s)",
            (aggregate, version, kind, DOCUMENT),
        )
        raw.execute(
            "INSERT INTO raw_audit (seq, hash, record) VALUES (%s, %s, %s)",
            (audit, f"{audit:064d}", DOCUMENT[:300]),
        )
        raw.commit()

    for job in range(n):
        request, charge = f"r{job}", f"c{job}"
        raw.execute(
            "INSERT INTO raw_requests (id, version, status, document) VALUES (%s, 1, %s, %s)",
            (request, steps[0], DOCUMENT),
        )
        event_and_audit(request, 1, steps[0])
        for version, step in enumerate(steps[1:], start=2):
            raw.execute("SELECT version, document FROM raw_requests WHERE id = %s", (request,))
            raw.execute(
                "UPDATE raw_requests SET version = %s, status = %s, document = %s"
                " WHERE id = %s AND version = %s",
                (version, step, DOCUMENT, request, version - 1),
            )
            event_and_audit(request, version, step)
        raw.execute("SELECT version, document FROM raw_requests WHERE id = %s", (request,))
        raw.execute(
            "INSERT INTO raw_charges (id, version, request_id, amount, confirmed, document)"
            " VALUES (%s, 1, %s, 30.00, FALSE, %s)",
            (charge, request, DOCUMENT),
        )
        event_and_audit(charge, 1, "ChargeRecorded")
        raw.execute("SELECT version, document FROM raw_charges WHERE id = %s", (charge,))
        raw.execute(
            "UPDATE raw_charges SET version = 2, confirmed = TRUE, document = %s"
            " WHERE id = %s AND version = 1",
            (DOCUMENT, charge),
        )
        event_and_audit(charge, 2, "ChargeConfirmed")
    raw.close()
    return n


# --- 2. month close --------------------------------------------------------------------


def setup_close(url: str, n: int) -> None:
    """``n`` accounts billed monthly with 10 confirmed March charges each.

    The raw tables hold the same charges with the library's own charge documents
    (the seed's, renamed), so both sides read and rewrite documents of one size.
    """
    clock = world.Clock()
    desk, store = world.desk_on(url, clock)
    world.prepare_catalogue(desk)
    tokens = world.seed_account(desk, clock)
    copies = range(1, n)
    world.copy_rows(store, t.accounts.table, t.accounts.table.c.id == "SEEDACC", tokens, copies)
    world.copy_rows(
        store, t.charges.table, t.charges.table.c.account_id == "SEEDACC", tokens, copies
    )
    c = t.charges.table.c
    with store.engine.connect() as connection:
        seed = connection.execute(
            sa.select(c.document).where(c.account_id == "SEEDACC").order_by(c.id)
        ).all()
    templates = [json.dumps(row.document) for row in seed]
    store.close()
    raw = Raw(url)
    json_type = "TEXT" if raw.sqlite else "JSONB"
    serial = "INTEGER PRIMARY KEY" if raw.sqlite else "BIGSERIAL PRIMARY KEY"
    _raw_schema(
        raw,
        "CREATE TABLE raw_charges (id VARCHAR(64) PRIMARY KEY, account_id VARCHAR(64) NOT NULL,"
        " request_id VARCHAR(64) NOT NULL, amount BIGINT NOT NULL,"
        " confirmed_at TIMESTAMP NOT NULL, statement_id VARCHAR(80), version INTEGER NOT NULL,"
        f" document {json_type} NOT NULL)",
        "CREATE INDEX raw_charges_billable ON raw_charges (account_id, confirmed_at)",
        "CREATE INDEX raw_charges_statement ON raw_charges (statement_id)",
        "CREATE TABLE raw_statements (id VARCHAR(80) PRIMARY KEY,"
        " account_id VARCHAR(64) NOT NULL, period VARCHAR(7) NOT NULL,"
        f" total BIGINT NOT NULL, document {json_type} NOT NULL)",
        "CREATE UNIQUE INDEX raw_statements_period ON raw_statements (account_id, period)",
        "CREATE TABLE raw_statement_charges (charge_id VARCHAR(64) PRIMARY KEY,"
        " statement_id VARCHAR(80) NOT NULL)",
        "CREATE INDEX raw_statement_charges_statement ON raw_statement_charges (statement_id)",
        f"CREATE TABLE raw_events (seq {serial}, stream VARCHAR(32) NOT NULL,"
        " aggregate_id VARCHAR(80) NOT NULL, version INTEGER NOT NULL, type VARCHAR(100) NOT NULL,"
        f" at TIMESTAMP NOT NULL, document {json_type} NOT NULL)",
        "CREATE INDEX raw_events_aggregate ON raw_events (stream, aggregate_id, seq)",
    )
    at = world.START.replace(tzinfo=None)
    insert = (
        "INSERT INTO raw_charges (id, account_id, request_id, amount, confirmed_at, version,"
        " document) VALUES (%s, %s, %s, %s, %s, 2, %s)"
    )
    batch: list[tuple[object, ...]] = []
    for account in range(n):
        for charge, template in enumerate(templates):
            request = f"r{account}-{charge}"
            document = template.replace("SEEDACC", f"a{account}").replace(
                f"SEEDREQ{charge:02d}", request
            )
            batch.append((f"{request}:1", f"a{account}", request, 3000, at, document))
        if len(batch) >= 50_000:
            raw.executemany(insert, batch)
            raw.commit()
            batch.clear()
    if batch:
        raw.executemany(insert, batch)
    raw.commit()
    raw.close()


def run_close(url: str, n: int) -> int:
    clock = world.Clock(world.CLOSE_AT)
    desk, store = world.desk_on(url, clock)
    desk.handle(CloseMonth(period=world.PERIOD), actor=world.CLERK)
    with store.engine.connect() as connection:
        issued = connection.execute(sa.select(sa.func.count()).select_from(t.statements.table))
        count = int(issued.scalar_one())
    store.close()
    return count


#: The raw close in SQLite's and PostgreSQL's own JSON functions: the charge links, the
#: ChargeBilled events, the statements with their lines, the StatementIssued events, and the
#: charges marked billed with their documents patched; what the library writes, row for row.
_RAW_CLOSE = {
    "sqlite": {
        "object": "json_object",
        "lines": "json_group_array({line})",
        "get": "json_extract({doc}, '$.{key}')",
        "set": "json_set(document, '$.statement_id', {sid}, '$.version', version)",
        "total": "printf('%.2f', SUM(amount) / 100.0)",
        "empty": "json_array()",
        "text": "%s",
    },
    "postgresql": {
        "object": "jsonb_build_object",
        "lines": "jsonb_agg({line} ORDER BY confirmed_at, id)",
        "get": "({doc} -> '{key}')",
        "set": "document || jsonb_build_object('statement_id', {sid}, 'version', version)",
        "total": "CAST(CAST(SUM(amount) / 100.0 AS NUMERIC(14, 2)) AS TEXT)",
        "empty": "jsonb_build_array()",
        "text": "CAST(%s AS TEXT)",
    },
}


def raw_close(url: str, n: int) -> int:
    """The library's writes, set-based, in one transaction (see ``_RAW_CLOSE``)."""
    raw = Raw(url)
    f = _RAW_CLOSE["sqlite" if raw.sqlite else "postgresql"]
    obj, p = f["object"], f["text"]
    cutoff = world.CLOSE_AT.replace(tzinfo=None)
    now = world.CLOSE_AT.replace(tzinfo=None)
    at, due = world.CLOSE_AT.isoformat(), (world.CLOSE_AT + timedelta(days=15)).isoformat()
    sid = "account_id || ':2026-03'"
    billable = "statement_id IS NULL AND confirmed_at < %s"

    def get(doc: str, key: str) -> str:
        return f["get"].format(doc=doc, key=key)

    raw.execute(
        "INSERT INTO raw_statement_charges (charge_id, statement_id)"
        f" SELECT id, {sid} FROM raw_charges WHERE {billable}",
        (cutoff,),
    )
    raw.execute(
        "INSERT INTO raw_events (stream, aggregate_id, version, type, at, document)"
        f" SELECT 'charge', id, version + 1, 'ChargeBilled', %s, {obj}('type', 'ChargeBilled',"
        f" 'at', {p}, 'charge_id', id, 'statement_id', {sid})"
        f" FROM raw_charges WHERE {billable} ORDER BY account_id, confirmed_at, id",
        (now, at, cutoff),
    )
    line = (
        f"{obj}('kind', 'charge', 'reference', id, 'description', 'Request ' || request_id,"
        f" 'amount', {get('document', 'total')}, 'item_id', {get('document', 'item_id')})"
    )
    document = (
        f"{obj}('id', {sid}, 'account_id', account_id, 'period', {obj}('year', 2026, 'month', 3),"
        f" 'currency', 'CNY', 'lines', {{lines}}, 'total', {obj}('amount', {f['total']},"
        f" 'currency', 'CNY'), 'due', {p}, 'issued_at', {p}, 'allocations', {f['empty']},"
        " 'carried_to', NULL, 'version', 0)"
    )
    if raw.sqlite:  # SQLite sorts again for a GROUP BY: per account, lines from sorted rows
        mine = f"c.account_id = a.account_id AND c.{billable}"
        lines = (
            f"(SELECT json_group_array(json(line)) FROM (SELECT {line} AS line FROM raw_charges c"
            f" WHERE {mine} ORDER BY c.confirmed_at, c.id))"
        )
        statements = (
            f"SELECT {sid}, account_id, '2026-03', fen,"
            f" {document.format(lines='json(lines)').replace('SUM(amount)', 'fen')}"
            f" FROM (SELECT account_id, {lines} AS lines,"
            f" (SELECT SUM(amount) FROM raw_charges c WHERE {mine}) AS fen"
            f" FROM (SELECT DISTINCT account_id FROM raw_charges WHERE {billable}) AS a)"
        )
        parameters: tuple[object, ...] = (due, at, cutoff, cutoff, cutoff)
    else:
        statements = (
            f"SELECT {sid}, account_id, '2026-03', SUM(amount),"
            f" {document.format(lines=f['lines'].format(line=line))}"
            f" FROM raw_charges WHERE {billable} GROUP BY account_id"
        )
        parameters = (due, at, cutoff)
    issued = raw.execute(
        f"INSERT INTO raw_statements (id, account_id, period, total, document) {statements}",
        parameters,
    ).rowcount
    raw.execute(
        "INSERT INTO raw_events (stream, aggregate_id, version, type, at, document)"
        f" SELECT 'statement', id, 1, 'StatementIssued', %s, {obj}('type', 'StatementIssued',"
        f" 'at', {p}, 'statement_id', id, 'account_id', account_id,"
        f" 'period', {get('document', 'period')}, 'currency', 'CNY',"
        f" 'lines', {get('document', 'lines')}, 'total', {get('document', 'total')},"
        f" 'due', {p}) FROM raw_statements WHERE period = '2026-03' ORDER BY id",
        (now, at, due),
    )
    raw.execute(
        f"UPDATE raw_charges SET document = {f['set'].format(sid=sid)}, version = version + 1,"
        f" statement_id = {sid} WHERE {billable}",
        (cutoff,),
    )
    raw.commit()
    raw.close()
    return int(issued)


# --- 3. escalation sweep -----------------------------------------------------------------


def setup_sweep(url: str, n: int) -> None:
    """``n`` open complaints nobody acknowledged, all past their escalation time."""
    clock = world.Clock()
    desk, store = world.desk_on(url, clock)
    desk.handle(
        FileComplaint(
            complaint_id="SEEDCP",
            complainant=world.requester("SEEDUNIT"),
            category="timeliness",
            description="Nobody came about the tap",
        ),
        actor=world.CLERK,
    )
    tokens = ["SEEDCP", "SEEDUNIT"]
    world.copy_rows(
        store, t.complaints.table, t.complaints.table.c.id == "SEEDCP", tokens, range(1, n)
    )
    store.close()
    raw = Raw(url)
    _raw_schema(
        raw,
        "CREATE TABLE raw_complaints (id VARCHAR(64) PRIMARY KEY, level INTEGER NOT NULL,"
        " is_open BOOLEAN NOT NULL, escalation_due TIMESTAMP, document TEXT NOT NULL)",
        "CREATE INDEX raw_complaints_due ON raw_complaints (escalation_due)",
    )
    due = world.START.replace(tzinfo=None) + timedelta(hours=1)
    raw.executemany(
        "INSERT INTO raw_complaints (id, level, is_open, escalation_due, document)"
        " VALUES (%s, 0, TRUE, %s, %s)",
        [(f"cp{number}", due, DOCUMENT) for number in range(n)],
    )
    raw.commit()
    raw.close()


SWEEP_AT = world.START + timedelta(days=3)


def run_sweep(url: str, n: int) -> int:
    desk, store = world.desk_on(url, world.Clock(SWEEP_AT))
    escalated = int(desk.handle(EscalateOverdue(), actor=Actor.system()).id or 0)
    store.close()
    return escalated


def raw_sweep(url: str, n: int) -> int:
    raw = Raw(url)
    now = SWEEP_AT.replace(tzinfo=None)
    escalated = raw.execute(
        "UPDATE raw_complaints SET level = level + 1, escalation_due = %s"
        " WHERE escalation_due <= %s AND is_open",
        (now + timedelta(days=1), now),
    ).rowcount
    raw.commit()
    raw.close()
    return int(escalated)


# --- 4. purge ------------------------------------------------------------------------------


def setup_purge(url: str, n: int) -> None:
    """``n`` cancelled requests whose retention period ended."""
    clock = world.Clock()
    desk, store = world.desk_on(url, clock)
    desk.handle(
        RegisterRequest(
            requester=world.requester("SEEDUNIT"), need="the tap drips", request_id="SEEDREQ"
        ),
        actor=world.CLERK,
    )
    desk.handle(CancelRequest(request_id="SEEDREQ", reason="fixed it myself"), actor=world.CLERK)
    tokens = ["SEEDREQ", "SEEDUNIT"]
    copies = range(1, n)
    world.copy_rows(store, t.requests.table, t.requests.table.c.id == "SEEDREQ", tokens, copies)
    world.copy_rows(store, t.events, t.events.c.aggregate_id == "SEEDREQ", tokens, copies)
    files = t.record_files.table
    world.copy_rows(store, files, files.c.id.like("%SEEDREQ%"), tokens, copies)
    world.copy_rows(
        store, t.subject_links, t.subject_links.c.file_id.like("%SEEDREQ%"), tokens, copies
    )
    store.close()
    raw = Raw(url)
    _raw_schema(
        raw,
        "CREATE TABLE raw_records (id VARCHAR(64) PRIMARY KEY, expires_at TIMESTAMP,"
        " erased_at TIMESTAMP, document TEXT NOT NULL)",
        "CREATE INDEX raw_records_expiry ON raw_records (expires_at)",
    )
    expires = world.START.replace(tzinfo=None) + timedelta(days=3 * 365)
    raw.executemany(
        "INSERT INTO raw_records (id, expires_at, document) VALUES (%s, %s, %s)",
        [(f"request:r{number}", expires, DOCUMENT) for number in range(n)],
    )
    raw.commit()
    raw.close()


PURGE_AT = world.START + timedelta(days=4 * 365)


def run_purge(url: str, n: int) -> int:
    desk, store = world.desk_on(url, world.Clock(PURGE_AT))
    purged = 0
    while done := int(desk.handle(PurgeExpired(limit=10_000), actor=Actor.system()).id or 0):
        purged += done
    store.close()
    return purged


def raw_purge(url: str, n: int) -> int:
    raw = Raw(url)
    now = PURGE_AT.replace(tzinfo=None)
    purged = raw.execute(
        "UPDATE raw_records SET erased_at = %s, document = %s"
        " WHERE expires_at <= %s AND erased_at IS NULL",
        (now, json.dumps({"field": "x"}), now),
    ).rowcount
    raw.commit()
    raw.close()
    return int(purged)


Step = Callable[[str, int], object]
CASES: dict[str, tuple[Step, Step, Step]] = {
    "intake": (setup_intake, run_intake, raw_intake),
    "close": (setup_close, run_close, raw_close),
    "sweep": (setup_sweep, run_sweep, raw_sweep),
    "purge": (setup_purge, run_purge, raw_purge),
}
