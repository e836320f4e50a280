"""The minimal anchors: what a competent engineer would write for the same guarantees.

The raw baselines (bench/cases.py, bench/intake.py) write the library's own rows with
the driver alone, so their ratio is the library's Python overhead over its layout.
These anchors write the smallest layout that still keeps the guarantees the library
gives, so their ratio also prices the layout.  The guarantees kept, in every case:

- current state in plain rows with a version each (optimistic concurrency:
  ``UPDATE ... WHERE id = ? AND version = ?``), one transaction per command;
- one event row per change, in a log with a sequence (the feed's source);
- one audit record per command, chained to the previous one by SHA-256 and naming
  the command's events by digest, so an edited event or record is found;
- personal data in one place per person (``min_subjects`` and ``min_texts``),
  referenced by id, so erasure deletes rows there and rewrites nothing else.

What they leave out is what only the library has: JSON documents that repeat the
columns, pluggy policies, the door's checks, cattrs.  Set-up (not timed) creates the
tables and their rows; each ``minimal_*`` step is the timed run and returns the
count its library run must equal.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import world
from bench.raw import Raw

SERIAL = {True: "INTEGER PRIMARY KEY AUTOINCREMENT", False: "BIGSERIAL PRIMARY KEY"}
ZERO = "0" * 64


def _log_tables(raw: Raw) -> tuple[str, ...]:
    """The event log and the audit chain every anchor writes to."""
    return (
        f"CREATE TABLE min_events (seq {SERIAL[raw.sqlite]}, aggregate_id VARCHAR(80) NOT NULL,"
        " version INTEGER NOT NULL, type VARCHAR(40) NOT NULL, at TIMESTAMP NOT NULL,"
        " data TEXT NOT NULL)",
        "CREATE INDEX min_events_aggregate ON min_events (aggregate_id, seq)",
        "CREATE TABLE min_audit (seq BIGINT PRIMARY KEY, hash CHAR(64) NOT NULL,"
        " record TEXT NOT NULL)",
        "CREATE TABLE min_audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL,"
        " hash CHAR(64) NOT NULL)",
        f"INSERT INTO min_audit_head (id, seq, hash) VALUES (1, 0, '{ZERO}')",
    )


def _audit(raw: Raw, command: str, digests: Iterable[str]) -> None:
    """The command's audit record on the chain's head, which it holds until commit."""
    lock = "" if raw.sqlite else " FOR UPDATE"
    head = raw.execute(f"SELECT seq, hash FROM min_audit_head WHERE id = 1{lock}")
    seq, previous = head.fetchone()
    record = json.dumps(
        {"seq": seq + 1, "previous": previous, "command": command, "events": list(digests)}
    )
    digest = hashlib.sha256(record.encode()).hexdigest()
    raw.execute(
        "INSERT INTO min_audit (seq, hash, record) VALUES (%s, %s, %s)", (seq + 1, digest, record)
    )
    raw.execute("UPDATE min_audit_head SET seq = %s, hash = %s WHERE id = 1", (seq + 1, digest))


class Command:
    """One command's transaction: its events are collected, then audited, then committed."""

    def __init__(self, raw: Raw, name: str, at: datetime) -> None:
        self.raw, self.name, self.at = raw, name, at
        self.digests: list[str] = []

    def event(self, aggregate: str, version: int, kind: str, **data: Any) -> None:
        body = json.dumps({"type": kind, **data}, default=str)
        self.raw.execute(
            "INSERT INTO min_events (aggregate_id, version, type, at, data)"
            " VALUES (%s, %s, %s, %s, %s)",
            (aggregate, version, kind, self.at, body),
        )
        self.digests.append(hashlib.sha256(body.encode()).hexdigest())

    def update(self, table: str, row_id: str, seen: int, **columns: Any) -> None:
        sets = ", ".join(f"{name} = %s" for name in columns)
        changed = self.raw.execute(
            f"UPDATE {table} SET {sets}, version = version + 1 WHERE id = %s AND version = %s",
            (*columns.values(), row_id, seen),
        )
        if changed.rowcount != 1:
            raise RuntimeError(f"{table} {row_id}: changed by another transaction")

    def commit(self) -> None:
        _audit(self.raw, self.name, self.digests)
        self.raw.commit()


def _row(raw: Raw, sql: str, key: object) -> Any:
    row = raw.execute(sql, (key,)).fetchone()
    if row is None:
        raise LookupError(key)
    return row


def _naive(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(tzinfo=None)


# --- 1. intake: a hand-written desk, eight commands a job ---------------------------------------


def setup_intake(url: str, units: int) -> None:
    raw = Raw(url)
    raw.create(
        *_log_tables(raw),
        "CREATE TABLE min_subjects (id VARCHAR(32) PRIMARY KEY, name VARCHAR(100) NOT NULL,"
        " unit VARCHAR(50) NOT NULL, phone VARCHAR(20) NOT NULL)",
        "CREATE INDEX min_subjects_phone ON min_subjects (phone)",
        "CREATE TABLE min_texts (id VARCHAR(32) PRIMARY KEY, subject_id VARCHAR(32) NOT NULL,"
        " body TEXT NOT NULL)",
        "CREATE INDEX min_texts_subject ON min_texts (subject_id)",
        "CREATE TABLE min_items (id VARCHAR(64) PRIMARY KEY, fee BIGINT NOT NULL,"
        " published BOOLEAN NOT NULL)",
        "CREATE TABLE min_workers (id VARCHAR(64) PRIMARY KEY, skills VARCHAR(200) NOT NULL)",
        "CREATE TABLE min_accounts (id VARCHAR(64) PRIMARY KEY, unit VARCHAR(50) NOT NULL,"
        " subject_id VARCHAR(32) NOT NULL, version INTEGER NOT NULL)",
        "CREATE UNIQUE INDEX min_accounts_unit ON min_accounts (unit)",
        "CREATE TABLE min_requests (id VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL,"
        " status VARCHAR(20) NOT NULL, subject_id VARCHAR(32) NOT NULL,"
        " unit VARCHAR(50) NOT NULL, need_id VARCHAR(32) NOT NULL, item_id VARCHAR(64),"
        " worker_id VARCHAR(64), registered_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL)",
        "CREATE INDEX min_requests_open ON min_requests (status, registered_at)",
        "CREATE INDEX min_requests_worker ON min_requests (worker_id, status)",
        "CREATE TABLE min_charges (id VARCHAR(80) PRIMARY KEY, version INTEGER NOT NULL,"
        " request_id VARCHAR(64) NOT NULL, account_id VARCHAR(64) NOT NULL,"
        " amount BIGINT NOT NULL, status VARCHAR(20) NOT NULL, signature_id VARCHAR(32),"
        " confirmed_at TIMESTAMP, statement_id VARCHAR(80))",
        "CREATE INDEX min_charges_request ON min_charges (request_id)",
        "CREATE INDEX min_charges_billable ON min_charges (account_id, confirmed_at)",
    )
    raw.execute(
        "INSERT INTO min_items (id, fee, published) VALUES (%s, 3000, %s)", (world.ITEM, True)
    )
    raw.execute("INSERT INTO min_workers (id, skills) VALUES ('w-1', 'plumbing')")
    for unit in range(units):
        subject = uuid.uuid4().hex
        raw.execute(
            "INSERT INTO min_subjects (id, name, unit, phone) VALUES (%s, %s, %s, %s)",
            (subject, "Resident", f"U{unit}", "+8613800138000"),
        )
        raw.execute(
            "INSERT INTO min_accounts (id, unit, subject_id, version) VALUES (%s, %s, %s, 1)",
            (uuid.uuid4().hex, f"U{unit}", subject),
        )
    raw.commit()
    raw.close()


#: A request's status before each step, checked as the domain would.
_STEPS = (
    ("TriageRequest", "registered", "triaged"),
    ("DispatchRequest", "triaged", "dispatched"),
    ("StartWork", "dispatched", "in_progress"),
    ("CompleteWork", "in_progress", "completed"),
    ("AcceptWork", "completed", "accepted"),
)


def _request(raw: Raw, request: str) -> tuple[int, str, str | None, str]:
    return _row(  # type: ignore[no-any-return]
        raw, "SELECT version, status, item_id, unit FROM min_requests WHERE id = %s", request
    )


def _job(raw: Raw, unit: str, at: datetime) -> None:
    request, subject, need = uuid.uuid4().hex, uuid.uuid4().hex, uuid.uuid4().hex
    # register: the requester's data once, in the subject's rows; the request refers to it
    command = Command(raw, "RegisterRequest", at)
    raw.execute(
        "INSERT INTO min_subjects (id, name, unit, phone) VALUES (%s, %s, %s, %s)",
        (subject, "Resident", unit, "+8613800138000"),
    )
    raw.execute(
        "INSERT INTO min_texts (id, subject_id, body) VALUES (%s, %s, %s)",
        (need, subject, "the tap drips"),
    )
    raw.execute(
        "INSERT INTO min_requests (id, version, status, subject_id, unit, need_id,"
        " registered_at, updated_at) VALUES (%s, 1, 'registered', %s, %s, %s, %s, %s)",
        (request, subject, unit, need, at, at),
    )
    command.event(request, 1, "RequestRegistered", subject=subject, unit=unit, need=need)
    command.commit()
    for name, before, after in _STEPS:
        command = Command(raw, name, at)
        version, status, item, _unit = _request(raw, request)
        if status != before:
            raise RuntimeError(f"{request} is {status}, not {before}")
        columns: dict[str, Any] = {"status": after, "updated_at": at}
        data: dict[str, Any] = {"request_id": request}
        if name == "TriageRequest":
            if not _row(raw, "SELECT published FROM min_items WHERE id = %s", world.ITEM)[0]:
                raise RuntimeError("the item is not published")
            columns["item_id"] = data["item_id"] = world.ITEM
        elif name == "DispatchRequest":
            _row(raw, "SELECT skills FROM min_workers WHERE id = %s", "w-1")
            columns["worker_id"] = data["worker_id"] = "w-1"
        elif name == "AcceptWork":
            signature = uuid.uuid4().hex
            raw.execute(
                "INSERT INTO min_texts (id, subject_id, body) VALUES (%s, %s, %s)",
                (signature, subject, "Resident"),
            )
            data["signature"] = signature
        command.update("min_requests", request, version, **columns)
        command.event(request, version + 1, name, **data)
        command.commit()
    # record the charge: the item's fee, the unit's account, none charged before
    command = Command(raw, "RecordCharge", at)
    _version, status, item, unit = _request(raw, request)
    fee = _row(raw, "SELECT fee FROM min_items WHERE id = %s", item)[0]
    account = _row(raw, "SELECT id FROM min_accounts WHERE unit = %s", unit)[0]
    if (
        status != "accepted"
        or raw.execute("SELECT id FROM min_charges WHERE request_id = %s", (request,)).fetchone()
    ):
        raise RuntimeError(f"{request} cannot be charged")
    charge = f"{request}:1"
    raw.execute(
        "INSERT INTO min_charges (id, version, request_id, account_id, amount, status)"
        " VALUES (%s, 1, %s, %s, %s, 'recorded')",
        (charge, request, account, fee),
    )
    command.event(charge, 1, "ChargeRecorded", request_id=request, account=account, fen=fee)
    command.commit()
    # confirm it with the requester's signature
    command = Command(raw, "ConfirmCharge", at)
    version, status, account = _row(
        raw, "SELECT version, status, account_id FROM min_charges WHERE id = %s", charge
    )
    _row(raw, "SELECT version FROM min_accounts WHERE id = %s", account)
    if status != "recorded":
        raise RuntimeError(f"{charge} is {status}")
    signature = uuid.uuid4().hex
    raw.execute(
        "INSERT INTO min_texts (id, subject_id, body) VALUES (%s, %s, %s)",
        (signature, subject, "Resident"),
    )
    command.update(
        "min_charges", charge, version, status="confirmed", signature_id=signature, confirmed_at=at
    )
    command.event(charge, version + 1, "ChargeConfirmed", signature=signature)
    command.commit()


def minimal_intake(url: str, n: int, units: int) -> int:
    raw = Raw(url)
    at = _naive(world.START)
    for job in range(n):
        _job(raw, f"U{job % units}", at)
    raw.close()
    return n


# --- 2. month close: the statements by one GROUP BY, the charges linked by one UPDATE -----------


def setup_close(url: str, accounts: int) -> None:
    raw = Raw(url)
    raw.create(
        *_log_tables(raw),
        "CREATE TABLE min_close_charges (id VARCHAR(80) PRIMARY KEY, version INTEGER NOT NULL,"
        " account_id VARCHAR(64) NOT NULL, amount BIGINT NOT NULL,"
        " confirmed_at TIMESTAMP NOT NULL, statement_id VARCHAR(80))",
        "CREATE INDEX min_close_billable ON min_close_charges (account_id, confirmed_at)",
        "CREATE INDEX min_close_statement ON min_close_charges (statement_id)",
        "CREATE TABLE min_statements (id VARCHAR(80) PRIMARY KEY,"
        " account_id VARCHAR(64) NOT NULL, period VARCHAR(7) NOT NULL, total BIGINT NOT NULL,"
        " issued_at TIMESTAMP NOT NULL, due TIMESTAMP NOT NULL)",
        "CREATE UNIQUE INDEX min_statements_period ON min_statements (account_id, period)",
    )
    at = _naive(world.START)
    insert = (
        "INSERT INTO min_close_charges (id, version, account_id, amount, confirmed_at)"
        " VALUES (%s, 2, %s, 3000, %s)"
    )
    batch: list[tuple[object, ...]] = []
    for account in range(accounts):
        for charge in range(world.CHARGES_PER_ACCOUNT):
            batch.append((f"r{account}-{charge}:1", f"a{account}", at))
        if len(batch) >= 50_000:
            raw.executemany(insert, batch)
            batch.clear()
    if batch:
        raw.executemany(insert, batch)
    raw.commit()
    raw.close()


def minimal_close(url: str, accounts: int) -> int:
    """Statements by one ``INSERT ... SELECT ... GROUP BY``, their events by one more, the
    charges linked by one ``UPDATE``; a statement's lines are its charges (by the index).
    """
    raw = Raw(url)
    cutoff = issued = _naive(world.CLOSE_AT)  # the close bills what was confirmed before it
    due = issued + timedelta(days=15)
    sid = f"account_id || ':{world.PERIOD}'"
    billable = "statement_id IS NULL AND confirmed_at < %s"
    written = raw.execute(
        "INSERT INTO min_statements (id, account_id, period, total, issued_at, due)"
        f" SELECT {sid}, account_id, %s, SUM(amount), %s, %s FROM min_close_charges"
        f" WHERE {billable} GROUP BY account_id",
        (world.PERIOD, issued, due, cutoff),
    ).rowcount
    before = raw.execute("SELECT COALESCE(MAX(seq), 0) FROM min_events").fetchone()[0]
    data = "'{\"total\":' || total || '}'"
    raw.execute(
        "INSERT INTO min_events (aggregate_id, version, type, at, data)"
        f" SELECT id, 1, 'StatementIssued', %s, {data} FROM min_statements WHERE period = %s",
        (issued, world.PERIOD),
    )
    raw.execute(
        f"UPDATE min_close_charges SET statement_id = {sid}, version = version + 1"
        f" WHERE {billable}",
        (cutoff,),
    )
    _audit(raw, "CloseMonth", _digests(raw, before))
    raw.commit()
    raw.close()
    return int(written)


def _digests(raw: Raw, after: int) -> list[str]:
    """The digests of the events written after ``after``, for the command's audit record."""
    rows = raw.execute("SELECT data FROM min_events WHERE seq > %s ORDER BY seq", (after,))
    return [hashlib.sha256(data.encode()).hexdigest() for (data,) in rows]


# --- 3. escalation sweep: one event per overdue complaint, one indexed UPDATE --------------------


def setup_sweep(url: str, n: int) -> None:
    raw = Raw(url)
    raw.create(
        *_log_tables(raw),
        "CREATE TABLE min_complaints (id VARCHAR(64) PRIMARY KEY, version INTEGER NOT NULL,"
        " is_open BOOLEAN NOT NULL, level INTEGER NOT NULL, escalation_due TIMESTAMP)",
        "CREATE INDEX min_complaints_due ON min_complaints (escalation_due)",
    )
    due = _naive(world.START + timedelta(hours=2))
    raw.executemany(
        "INSERT INTO min_complaints (id, version, is_open, level, escalation_due)"
        " VALUES (%s, 1, %s, 0, %s)",
        [(f"cp{number}", True, due) for number in range(n)],
    )
    raw.commit()
    raw.close()


def minimal_sweep(url: str, n: int, at: datetime) -> int:
    raw = Raw(url)
    now = _naive(at)
    before = raw.execute("SELECT COALESCE(MAX(seq), 0) FROM min_events").fetchone()[0]
    overdue = "FROM min_complaints WHERE escalation_due < %s AND is_open"
    raw.execute(
        "INSERT INTO min_events (aggregate_id, version, type, at, data)"
        f" SELECT id, version + 1, 'ComplaintEscalated', %s, '{{\"level\":' || (level + 1) || '}}'"
        f" {overdue}",
        (now, now),
    )
    escalated = raw.execute(
        "UPDATE min_complaints SET level = level + 1, version = version + 1,"
        " escalation_due = %s WHERE escalation_due < %s AND is_open",
        (now + timedelta(days=1), now),
    ).rowcount
    _audit(raw, "EscalateOverdue", _digests(raw, before))
    raw.commit()
    raw.close()
    return int(escalated)


# --- 4. purge: the subjects' rows deleted, the files marked, in batches --------------------------


def setup_purge(url: str, n: int) -> None:
    raw = Raw(url)
    raw.create(
        *_log_tables(raw),
        "CREATE TABLE min_subjects (id VARCHAR(32) PRIMARY KEY, name VARCHAR(100) NOT NULL,"
        " unit VARCHAR(50) NOT NULL, phone VARCHAR(20) NOT NULL)",
        "CREATE TABLE min_texts (id VARCHAR(32) PRIMARY KEY, subject_id VARCHAR(32) NOT NULL,"
        " body TEXT NOT NULL)",
        "CREATE INDEX min_texts_subject ON min_texts (subject_id)",
        "CREATE TABLE min_files (id VARCHAR(80) PRIMARY KEY, version INTEGER NOT NULL,"
        " subject_id VARCHAR(32), purge_due TIMESTAMP, erased_at TIMESTAMP)",
        "CREATE INDEX min_files_due ON min_files (purge_due)",
    )
    due = _naive(world.START + timedelta(days=3 * 365))
    width = len(str(n))
    subjects, texts, files = [], [], []
    for number in range(n):
        subject = f"s{number:0{width}d}"
        subjects.append((subject, "Resident", f"U{number}", "+8613800138000"))
        texts.append((f"t{number:0{width}d}", subject, "the tap drips"))
        files.append((f"request:r{number:0{width}d}", subject, due))
    raw.executemany(
        "INSERT INTO min_subjects (id, name, unit, phone) VALUES (%s, %s, %s, %s)", subjects
    )
    raw.executemany("INSERT INTO min_texts (id, subject_id, body) VALUES (%s, %s, %s)", texts)
    raw.executemany(
        "INSERT INTO min_files (id, version, subject_id, purge_due) VALUES (%s, 1, %s, %s)", files
    )
    raw.commit()
    raw.close()


def minimal_purge(url: str, n: int, at: datetime, batch: int) -> int:
    raw = Raw(url)
    now = _naive(at)
    due = f"SELECT id FROM min_files WHERE purge_due <= %s ORDER BY purge_due, id LIMIT {batch}"
    subjects = f"SELECT subject_id FROM min_files WHERE id IN ({due})"
    purged = 0
    while True:
        before = raw.execute("SELECT COALESCE(MAX(seq), 0) FROM min_events").fetchone()[0]
        raw.execute(f"DELETE FROM min_texts WHERE subject_id IN ({subjects})", (now,))
        raw.execute(f"DELETE FROM min_subjects WHERE id IN ({subjects})", (now,))
        raw.execute(
            "INSERT INTO min_events (aggregate_id, version, type, at, data)"
            " SELECT id, version + 1, 'PersonalDataErased', %s, '{}'"
            f" FROM min_files WHERE id IN ({due})",
            (now, now),
        )
        marked = raw.execute(
            "UPDATE min_files SET erased_at = %s, purge_due = NULL, subject_id = NULL,"
            f" version = version + 1 WHERE id IN ({due})",
            (now, now),
        ).rowcount
        if not marked:
            raw.commit()
            break
        _audit(raw, "PurgeExpired", _digests(raw, before))
        raw.commit()
        purged += marked
    raw.close()
    return purged
