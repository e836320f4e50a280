"""The four measurements: set-up (not timed), the library's run and the raw baseline's run.

Each function takes the database URL and the size ``n``; ``run_*`` return a
number the bench checks (jobs done, statements issued, cases escalated,
records purged) so that a fast run that did nothing cannot pass.
"""

from __future__ import annotations

import json
import os
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
    """``n`` accounts billed monthly with 10 confirmed March charges each."""
    clock = world.Clock()
    desk, store = world.desk_on(url, clock)
    world.prepare_catalogue(desk)
    tokens = world.seed_account(desk, clock)
    copies = range(1, n)
    world.copy_rows(store, t.accounts.table, t.accounts.table.c.id == "SEEDACC", tokens, copies)
    world.copy_rows(
        store, t.charges.table, t.charges.table.c.account_id == "SEEDACC", tokens, copies
    )
    store.close()
    raw = Raw(url)
    _raw_schema(
        raw,
        "CREATE TABLE raw_charges (id VARCHAR(64) PRIMARY KEY, account_id VARCHAR(64) NOT NULL,"
        " amount NUMERIC(12, 2) NOT NULL, confirmed_at TIMESTAMP NOT NULL,"
        " statement_id VARCHAR(80))",
        "CREATE INDEX raw_charges_billable ON raw_charges (account_id, confirmed_at)",
        "CREATE TABLE raw_statements (id VARCHAR(80) PRIMARY KEY,"
        " account_id VARCHAR(64) NOT NULL, period VARCHAR(7) NOT NULL,"
        " total NUMERIC(14, 2) NOT NULL, lines INTEGER NOT NULL)",
    )
    at = world.START.replace(tzinfo=None)
    batch: list[tuple[str, str, str, object]] = []
    for account in range(n):
        for charge in range(world.CHARGES_PER_ACCOUNT):
            batch.append((f"c{account}-{charge}", f"a{account}", "30.00", at))
        if len(batch) >= 50_000:
            raw.executemany(
                "INSERT INTO raw_charges (id, account_id, amount, confirmed_at)"
                " VALUES (%s, %s, %s, %s)",
                batch,
            )
            raw.commit()
            batch.clear()
    if batch:
        raw.executemany(
            "INSERT INTO raw_charges (id, account_id, amount, confirmed_at)"
            " VALUES (%s, %s, %s, %s)",
            batch,
        )
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


def raw_close(url: str, n: int) -> int:
    """One INSERT ... SELECT ... GROUP BY for the statements, one UPDATE billing the charges."""
    raw = Raw(url)
    cutoff = world.CLOSE_AT.replace(tzinfo=None)
    concat = "account_id || ':2026-03'"
    issued = raw.execute(
        "INSERT INTO raw_statements (id, account_id, period, total, lines)"
        f" SELECT {concat}, account_id, '2026-03', SUM(amount), COUNT(*) FROM raw_charges"
        " WHERE statement_id IS NULL AND confirmed_at < %s GROUP BY account_id",
        (cutoff,),
    ).rowcount
    raw.execute(
        f"UPDATE raw_charges SET statement_id = {concat}"
        " WHERE statement_id IS NULL AND confirmed_at < %s",
        (cutoff,),
    )
    raw.commit()
    raw.close()
    return int(issued)


# --- 3. escalation sweep -----------------------------------------------------------------


def setup_sweep(url: str, n: int) -> None:
    """``n`` open complaints nobody acknowledged, all past their escalation time.

    The raw tables get the same complaints: the library's own seed document (renamed), its
    version and escalation instant, indexed like the library's, and an event table.
    """
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
    c = t.complaints.table.c
    with store.engine.connect() as connection:
        seed = connection.execute(sa.select(t.complaints.table).where(c.id == "SEEDCP")).one()
    store.close()
    raw = Raw(url)
    document_type = "TEXT" if raw.sqlite else "JSONB"
    _raw_schema(
        raw,
        # the library's row: the document and the same columns beside it
        "CREATE TABLE raw_complaints (id VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL,"
        f" document {document_type} NOT NULL, is_open BOOLEAN NOT NULL, filed_at TIMESTAMP,"
        " escalation_due TIMESTAMP, category VARCHAR(50), urgency VARCHAR(20),"
        " level INTEGER NOT NULL, clock_kind VARCHAR(20), clock_breached BOOLEAN,"
        " clock_started VARCHAR(40), clock_due VARCHAR(40))",
        # and the library's indexes on it (a PostgreSQL UPDATE of an indexed column writes
        # an entry in every index of the table)
        "CREATE INDEX raw_complaints_due ON raw_complaints (escalation_due)",
        "CREATE INDEX raw_complaints_open ON raw_complaints (is_open, filed_at)",
        "CREATE INDEX raw_complaints_filed ON raw_complaints (filed_at)",
        "CREATE TABLE raw_events (seq INTEGER PRIMARY KEY, aggregate_id VARCHAR(64) NOT NULL,"
        " version INTEGER NOT NULL, type VARCHAR(100) NOT NULL, at TIMESTAMP NOT NULL,"
        " document TEXT NOT NULL)"
        if raw.sqlite
        else "CREATE TABLE raw_events (seq BIGSERIAL PRIMARY KEY, aggregate_id VARCHAR(64)"
        " NOT NULL, version INTEGER NOT NULL, type VARCHAR(100) NOT NULL, at TIMESTAMP NOT NULL,"
        " document JSONB NOT NULL)",
        # the library's event log is indexed by aggregate, by time and by type and time
        "CREATE INDEX raw_events_aggregate ON raw_events (aggregate_id, seq)",
        "CREATE INDEX raw_events_at ON raw_events (at)",
        "CREATE INDEX raw_events_type ON raw_events (type, at)",
        "CREATE TABLE raw_audit (seq INTEGER PRIMARY KEY, hash VARCHAR(64) NOT NULL,"
        f" record {document_type} NOT NULL)",
    )
    text = json.dumps(seed.document)
    columns = (
        seed.is_open,
        seed.filed_at.replace(tzinfo=None),
        seed.escalation_due.replace(tzinfo=None),
        seed.category,
        seed.urgency,
        seed.escalation_level,
        seed.clock_kind,
        seed.clock_breached,
        seed.clock_started_iso,
        seed.clock_due_iso,
    )
    raw.executemany(
        "INSERT INTO raw_complaints (id, version, document, is_open, filed_at, escalation_due,"
        " category, urgency, level, clock_kind, clock_breached, clock_started, clock_due)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            (f"cp{number}", seed.version, text.replace("SEEDCP", f"cp{number}"), *columns)
            for number in range(n)
        ],
    )
    raw.commit()
    raw.close()


SWEEP_AT = world.START + timedelta(days=3)
#: What the raw sweep appends and writes: documents of the size the library writes.
RAW_BREACH = {
    "kind": "acknowledge",
    "started_at": "x" * 25,
    "due": "x" * 25,
    "noticed_at": "x" * 25,
}
RAW_STEP = {"level": 1, "role": "department_head", "kind": "acknowledge", "due": "x" * 25}
RAW_STEP |= {"at": "x" * 25, "next_at": "x" * 25}


def run_sweep(url: str, n: int) -> int:
    desk, store = world.desk_on(url, world.Clock(SWEEP_AT))
    escalated = int(desk.handle(EscalateOverdue(), actor=Actor.system()).id or 0)
    store.close()
    return escalated


def raw_sweep(url: str, n: int) -> int:
    """Per event type one ``INSERT ... SELECT`` of event rows, one indexed ``UPDATE``, one
    audit row.

    The same work as the library's sweep on its tables: an event row per breach and per
    escalation (its document made in SQL with the complaint's id), the breach and the
    escalation appended to each complaint's document, its version and level moved on, and
    an audit record that names every event (the library's names each by a digest).
    """
    raw = Raw(url)
    now = SWEEP_AT.replace(tzinfo=None)
    where = " FROM raw_complaints WHERE escalation_due < %s"
    # the event documents: a template, the complaint's id put in by text replacement
    if raw.sqlite:
        event = "REPLACE(%s, '@@id@@', id)"
        document = (
            "json_set(json_insert(json_insert(document, '$.breaches[#]', json(%s)),"
            " '$.escalations[#]', json(%s)), '$.updated_at', %s)"
        )
    else:
        event = "CAST(REPLACE(%s, '@@id@@', id) AS JSONB)"
        document = (
            "jsonb_set(jsonb_insert(jsonb_insert(document, '{breaches,-1}', CAST(%s AS JSONB),"
            " true), '{escalations,-1}', CAST(%s AS JSONB), true), '{updated_at}',"
            " to_jsonb(CAST(%s AS TEXT)))"
        )
    refs: list[str] = []
    for kind, body in (("ComplaintDeadlineBreached", RAW_BREACH), ("ComplaintEscalated", RAW_STEP)):
        template = json.dumps({"type": kind, "at": "x" * 25, "complaint_id": "@@id@@", "x": body})
        written = raw.execute(
            "INSERT INTO raw_events (aggregate_id, version, type, at, document)"
            f" SELECT id, version + 1, %s, %s, {event}{where}",
            (kind, now, template, now),
        ).rowcount
        # digests as random as sha-256 ones (a row of zeros would compress to nothing)
        digests = os.urandom(32 * written).hex()
        refs += [
            f'{{"type":"{kind}","digest":"{digests[start : start + 64]}"}},'
            for start in range(0, len(digests), 64)
        ]
    escalated = raw.execute(
        f"UPDATE raw_complaints SET document = {document}, level = level + 1,"
        " clock_breached = TRUE, version = version + 1, escalation_due = %s"
        " WHERE escalation_due < %s",
        (json.dumps(RAW_BREACH), json.dumps(RAW_STEP), "x" * 25, now + timedelta(days=1), now),
    ).rowcount
    # the command's audit record, one reference per event written, as the library's
    record = '{"command":"EscalateOverdue","event_refs":[' + "".join(refs).rstrip(",") + "]}"
    raw.execute("INSERT INTO raw_audit (seq, hash, record) VALUES (1, %s, %s)", ("0" * 64, record))
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
