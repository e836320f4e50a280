"""The measurements: set-up (not timed), the library's run and the raw baseline's run.

Each function takes the database URL and the size ``n``; ``run_*`` return a
number the bench checks (jobs done, statements issued, cases escalated,
records purged) so that a fast run that did nothing cannot pass.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, timedelta

import sqlalchemy as sa

from bench import intake, minimal, reads, waits, world
from bench.raw import Raw
from servicedesk import (
    Actor,
    CancelRequest,
    EscalateOverdue,
    FileComplaint,
    OpenAccount,
    PurgeExpired,
    RegisterRequest,
)
from servicedesk.adapters.sql import tables as t

#: A document the size of the library's request documents, for the raw rows.
DOCUMENT = json.dumps({"field": "x" * 1200})
UNITS = 100  # intake: the jobs are spread over this many accounts


# --- 1. intake -----------------------------------------------------------------------------------


def setup_intake(url: str, n: int) -> None:
    """The catalogue and 100 accounts; the raw tables and the seed job's rows (bench/intake.py)."""
    clock = world.Clock()
    desk, store = world.desk_on(url, clock)
    world.prepare_catalogue(desk)
    for unit in range(UNITS):
        desk.handle(OpenAccount(requester=world.requester(f"U{unit}")), actor=world.CLERK)
    store.close()
    intake.setup_raw(url)
    minimal.setup_intake(url, UNITS)


def run_intake(url: str, n: int) -> int:
    clock = world.Clock()
    desk, store = world.desk_on(url, clock)
    for job in range(n):
        world.full_job(desk, f"U{job % UNITS}")
    store.close()
    return n


def raw_intake(url: str, n: int) -> int:
    """The library's rows for each job, one transaction per command (bench/intake.py)."""
    return intake.raw_intake(url, n, UNITS)


def minimal_intake(url: str, n: int) -> int:
    """A hand-written desk on the driver alone, the same guarantees (bench/minimal.py)."""
    return minimal.minimal_intake(url, n, UNITS)


# --- 2. month close ------------------------------------------------------------------------------


def setup_close(url: str, n: int) -> None:
    """``n`` accounts billed monthly with 10 confirmed March charges each.

    The raw tables hold the same charges with the library's own charge documents
    (the seed's, renamed), so both sides read and rewrite documents of one size.
    """
    templates = world.build_close_books(url, n)
    raw = Raw(url)
    json_type = "TEXT" if raw.sqlite else "JSONB"
    serial = "INTEGER PRIMARY KEY" if raw.sqlite else "BIGSERIAL PRIMARY KEY"
    raw.create(
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
    minimal.setup_close(url, n)


def run_close(url: str, n: int) -> int:
    return world.close_month(url)


#: The raw close in SQLite's and PostgreSQL's own JSON functions: the charges linked by their
#: column, the statements (no lines), and the StatementIssued events with the lines; what the
#: library writes, row for row.
_RAW_CLOSE = {
    "sqlite": {
        "object": "json_object",
        "total": "printf('%.2f', fen / 100.0)",
        "empty": "json_array()",
        "text": "%s",
    },
    "postgresql": {
        "object": "jsonb_build_object",
        "total": "CAST(CAST(fen / 100.0 AS NUMERIC(14, 2)) AS TEXT)",
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
    raw.execute(
        f"UPDATE raw_charges SET statement_id = {sid}, version = version + 1"
        " WHERE statement_id IS NULL AND confirmed_at < %s",
        (cutoff,),
    )
    document = (
        f"{obj}('id', {sid}, 'account_id', account_id, 'period', {obj}('year', 2026, 'month', 3),"
        f" 'currency', 'CNY', 'total', {obj}('amount', {f['total']}, 'currency', 'CNY'),"
        f" 'due', {p}, 'issued_at', {p}, 'allocations', {f['empty']}, 'carried_to', NULL,"
        " 'version', 0)"
    )
    issued = raw.execute(
        f"INSERT INTO raw_statements (id, account_id, period, total, document)"
        f" SELECT {sid}, account_id, '2026-03', fen, {document} FROM (SELECT account_id,"
        " SUM(amount) AS fen FROM raw_charges WHERE statement_id LIKE '%%:2026-03'"
        " GROUP BY account_id) AS billed",
        (due, at),
    ).rowcount
    get = "json_extract(c.document, '$.{key}')" if raw.sqlite else "(c.document -> '{key}')"
    line = (
        f"{obj}('kind', 'charge', 'reference', c.id, 'description', 'Request ' || c.request_id,"
        f" 'amount', {get.format(key='total')}, 'item_id', {get.format(key='item_id')})"
    )
    if raw.sqlite:  # SQLite cannot sort inside the aggregate: lines from sorted rows
        lines = (
            f"(SELECT json_group_array(json(line)) FROM (SELECT {line} AS line FROM raw_charges c"
            " WHERE c.statement_id = s.id ORDER BY c.confirmed_at, c.id))"
        )
    else:
        lines = (
            f"(SELECT jsonb_agg({line} ORDER BY c.confirmed_at, c.id) FROM raw_charges c"
            " WHERE c.statement_id = s.id)"
        )
    statement = "json_extract(s.document, '$.{key}')" if raw.sqlite else "(s.document -> '{key}')"
    raw.execute(
        "INSERT INTO raw_events (stream, aggregate_id, version, type, at, document)"
        f" SELECT 'statement', id, 1, 'StatementIssued', %s, {obj}('type', 'StatementIssued',"
        f" 'at', {p}, 'statement_id', id, 'account_id', account_id,"
        f" 'period', {statement.format(key='period')}, 'currency', 'CNY',"
        f" 'lines', {lines}, 'total', {statement.format(key='total')},"
        f" 'due', {p}) FROM raw_statements s WHERE period = '2026-03' ORDER BY id",
        (now, at, due),
    )
    raw.commit()
    raw.close()
    return int(issued)


def minimal_close(url: str, n: int) -> int:
    return minimal.minimal_close(url, n)


# --- 3. escalation sweep -------------------------------------------------------------------------


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
    raw.create(
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
    minimal.setup_sweep(url, n)


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


def random_refs(kind: str, count: int) -> list[str]:
    """``count`` audit references to events of ``kind``, as JSON, as the library's name them.

    The digests are as random as SHA-256 ones (a row of zeros would compress to nothing).
    """
    digests = os.urandom(32 * count).hex()
    return [
        f'{{"type":"{kind}","digest":"{digests[start : start + 64]}"}}'
        for start in range(0, len(digests), 64)
    ]


def raw_sweep(url: str, n: int) -> int:
    """One ``INSERT ... SELECT`` of event rows, one indexed ``UPDATE``, one audit row.

    The same work as the library's sweep on its tables: an event row per escalation, with
    the breach it went up for (its document made in SQL with the complaint's id), the
    breach and the escalation appended to each complaint's document, its version and level
    moved on, and an audit record that names every event (the library's names each by a
    digest).
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
    kind = "ComplaintEscalated"
    template = json.dumps(
        {"type": kind, "at": "x" * 25, "complaint_id": "@@id@@", "x": RAW_STEP, "y": RAW_BREACH}
    )
    written = raw.execute(
        "INSERT INTO raw_events (aggregate_id, version, type, at, document)"
        f" SELECT id, version + 1, %s, %s, {event}{where}",
        (kind, now, template, now),
    ).rowcount
    refs = random_refs(kind, written)
    escalated = raw.execute(
        f"UPDATE raw_complaints SET document = {document}, level = level + 1,"
        " clock_breached = TRUE, version = version + 1, escalation_due = %s"
        " WHERE escalation_due < %s",
        (json.dumps(RAW_BREACH), json.dumps(RAW_STEP), "x" * 25, now + timedelta(days=1), now),
    ).rowcount
    # the command's audit record, one reference per event written, as the library's
    record = '{"command":"EscalateOverdue","event_refs":[' + ",".join(refs) + "]}"
    raw.execute("INSERT INTO raw_audit (seq, hash, record) VALUES (1, %s, %s)", ("0" * 64, record))
    raw.commit()
    raw.close()
    return int(escalated)


def minimal_sweep(url: str, n: int) -> int:
    return minimal.minimal_sweep(url, n, SWEEP_AT)


# --- 4. purge ------------------------------------------------------------------------------------

#: The raw tables of the purge: the library's tables' columns and indexes, and their rows.
RAW_PURGE_TABLES = {
    "raw_requests": t.requests.table,
    "raw_events": t.events,
    "raw_links": t.subject_links,
    "raw_records": t.record_files.table,
    "raw_audit": t.audit_records,
}


def _raw_copies(url: str) -> None:
    """Each raw table declared like the library's (same columns, keys, indexes), rows copied."""
    engine = sa.create_engine(url)
    raw_metadata = sa.MetaData(naming_convention=t.metadata.naming_convention)
    for name, table in RAW_PURGE_TABLES.items():
        copy = table.to_metadata(raw_metadata, name=name)
        copy.primary_key.name = f"pk_{name}"
        for index in copy.indexes:
            index.name = "_".join(["ix", name, *(c.name for c in index.columns)])
    raw_metadata.create_all(engine)
    with engine.begin() as connection:
        for name, table in RAW_PURGE_TABLES.items():
            connection.execute(sa.text(f"INSERT INTO {name} SELECT * FROM {table.name}"))
        if engine.dialect.name == "postgresql":  # the copied serials: new events come after
            connection.execute(
                sa.text("SELECT setval('raw_events_seq_seq', (SELECT max(seq) FROM raw_events))")
            )
    engine.dispose()


def setup_purge(url: str, n: int) -> None:
    """``n`` cancelled requests whose retention period ended, and the raw tables' copy of them."""
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
    # Requests registered one after another have ids that sort in that order (the default
    # ids are not numbers at all); the copies' numbers are padded so theirs do too.
    width = len(str(n))
    requests, files, links = t.requests.table, t.record_files.table, t.subject_links
    e = t.events.c
    world.copy_rows(store, requests, requests.c.id == "SEEDREQ", tokens, copies, width=width)
    world.copy_rows(store, t.events, e.aggregate_id == "SEEDREQ", tokens, copies, width=width)
    world.copy_rows(
        store, t.events, e.aggregate_id == "request:SEEDREQ", tokens, copies, width=width
    )
    world.copy_rows(store, files, files.c.id.like("%SEEDREQ%"), tokens, copies, width=width)
    world.copy_rows(store, links, links.c.file_id.like("%SEEDREQ%"), tokens, copies, width=width)
    store.close()
    _raw_copies(url)
    minimal.setup_purge(url, n)


PURGE_AT = world.START + timedelta(days=4 * 365)
#: Files are taken in batches of this many, one transaction each, as ``run_purge`` does.
PURGE_BATCH = 10_000


def run_purge(url: str, n: int) -> int:
    # the desk's unit of work as big as the command's batch: one transaction per batch
    desk, store = world.desk_on(url, world.Clock(PURGE_AT), bulk_batch=PURGE_BATCH)
    purged = 0
    while done := int(desk.handle(PurgeExpired(limit=PURGE_BATCH), actor=Actor.system()).id or 0):
        purged += done
    store.close()
    return purged


#: The raw purge's statements, ``{due}`` the indexed selection of the files due.
RAW_DUE = (
    "SELECT {column} FROM raw_records WHERE purge_due <= %s"
    f" ORDER BY purge_due, id LIMIT {PURGE_BATCH}"
)
#: The requests' listing columns once erased (their documents are sealed: left as they are).
RAW_ERASED_REQUEST = (
    "UPDATE raw_requests SET version = version + 1, unit = %s, requester_key = %s"
    " WHERE id IN ({due_records})"
)
RAW_PURGE_SQLITE = (
    RAW_ERASED_REQUEST,
    "DELETE FROM raw_links WHERE file_id IN ({due_files})",
    "INSERT INTO raw_events (stream, aggregate_id, version, type, at, document)"
    " SELECT 'record_file', id, version + 1, 'PersonalDataErased', %s, replace(%s, '@id@', id)"
    " FROM raw_records WHERE id IN ({due_files})",
    "UPDATE raw_records SET erased_at = %s, purge_due = NULL, version = version + 1,"
    " document = json_replace(document, '$.erased_at', %s, '$.version', version)"
    " WHERE id IN ({due_files})",
)
RAW_PURGE_POSTGRESQL = (
    RAW_ERASED_REQUEST,
    "DELETE FROM raw_links WHERE file_id IN ({due_files})",
    "INSERT INTO raw_events (stream, aggregate_id, version, type, at, document)"
    " SELECT 'record_file', id, version + 1, 'PersonalDataErased', %s,"
    " CAST(replace(%s, '@id@', id) AS jsonb) FROM raw_records WHERE id IN ({due_files})",
    "UPDATE raw_records SET erased_at = %s, purge_due = NULL, version = version + 1,"
    " document = jsonb_set(jsonb_set(document, '{{erased_at}}', to_jsonb(CAST(%s AS text)), false),"
    " '{{version}}', to_jsonb(version), false) WHERE id IN ({due_files})",
)


def raw_purge(url: str, n: int) -> int:
    """The library's database work on the raw tables, each step one set-based statement.

    Move the requests' versions on and erase their listing columns (their documents
    and events are sealed: forgetting the file's key erases what they hold), forget
    the files' lookup keys, append one ``PersonalDataErased`` event per file (its JSON
    built once, the id substituted in SQL), mark the files erased; the files due
    are chosen by the same indexed condition in every statement.  Like the library's
    run, in batches of ``PURGE_BATCH`` files, each one transaction that ends with an
    audit record after the chain's head naming every event of the batch.
    """
    raw = Raw(url)
    now = PURGE_AT.astimezone(UTC).replace(tzinfo=None) if raw.sqlite else PURGE_AT
    at = PURGE_AT.isoformat()
    event = json.dumps(
        {"type": "PersonalDataErased", "at": at, "file_id": "@id@", "on_request": False}
    )
    due = {
        "due_records": RAW_DUE.format(column="substr(id, 9)"),  # the id after "request:"
        "due_files": RAW_DUE.format(column="id"),
    }
    statements = RAW_PURGE_SQLITE if raw.sqlite else RAW_PURGE_POSTGRESQL
    erased = t.erased_values(t.requests.table)
    parameters: list[tuple[object, ...]] = [
        (erased["unit"], erased["requester_key"], now),
        (now,),
        (now, event, now),
        (now, at, now),
    ]
    purged = 0
    while True:  # batches of PURGE_BATCH, one transaction each, as the library's run
        marked = 0
        for statement, values in zip(statements, parameters, strict=True):
            marked = raw.execute(statement.format(**due), values).rowcount
        if not marked:
            raw.commit()
            break
        purged += marked
        # the batch's audit record after the chain's head, naming every event by a digest
        head = raw.execute("SELECT seq, hash FROM raw_audit ORDER BY seq DESC LIMIT 1")
        seq, _hash = head.fetchone() or (0, "")
        refs = ",".join(random_refs("PersonalDataErased", marked))
        record = '{"command":"PurgeExpired","event_refs":[' + refs + "]}"
        raw.execute(
            "INSERT INTO raw_audit (seq, hash, record) VALUES (%s, %s, %s)",
            (seq + 1, os.urandom(32).hex(), record),
        )
        raw.commit()
    raw.close()
    return purged


def minimal_purge(url: str, n: int) -> int:
    return minimal.minimal_purge(url, n, PURGE_AT, PURGE_BATCH)


Step = Callable[[str, int], object]
#: Per case: set-up, the library's run, the raw baseline (the library's rows written with the
#: driver alone) and, where one is written, the minimal anchor (bench/minimal.py).
CASES: dict[str, tuple[Step, Step, Step, Step | None]] = {
    "intake": (setup_intake, run_intake, raw_intake, minimal_intake),
    "close": (setup_close, run_close, raw_close, minimal_close),
    "sweep": (setup_sweep, run_sweep, raw_sweep, minimal_sweep),
    "purge": (setup_purge, run_purge, raw_purge, minimal_purge),
    # 5. another process's write behind a long command (bench/waits.py): the step's
    # count and the writer's longest wait, not the step's own time
    "close-wait": (waits.setup_close_wait, waits.run_close_wait, waits.raw_close_wait, None),
    "read-wait": (waits.setup_read_wait, waits.run_read_wait, waits.raw_read_wait, None),
    # 6. the read paths (bench/reads.py): each path's time beside its own SQL run raw
    "reads": (reads.setup_reads, reads.run_reads, reads.raw_reads, None),
}
