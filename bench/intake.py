"""The intake case's raw baseline: the rows the library writes for a job, with the driver alone.

Set-up (not timed) runs one *seed* job through the library on a scratch SQLite
file and records, per command, every row the library writes: the aggregate rows
with their projection columns, the event rows, the record file and its subject
link, the audit record.  Those rows are kept in the bench database
(``raw_intake_templates``) next to ``raw_*`` tables that copy the library's
tables (same columns, types and indexes; ``jsonb`` documents on PostgreSQL).

The raw baseline then writes, for every job, those same rows with the seed's
ids replaced by the job's, each command in one transaction, and reads what a
hand-written implementation must read: the row it changes (its version is the
``WHERE version = :seen`` check), the rows the step needs (the item at triage,
the worker at dispatch, the record file a form is added to, the request's
charges and the unit's account at charging, the charge's account at
confirming) and the audit chain's head, whose hash goes into the next record's
SHA-256.  It does not parse the documents it reads nor build the ones it writes
(they are the seed's text with other ids): no Python work beyond the driver's.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import world
from bench.raw import Raw
from servicedesk import OpenAccount
from servicedesk.adapters.sql import tables as t

#: The seed job's request id: as long as the library's own ids (uuid4 hex).
SEED = "5eed" * 8
#: The library's tables an intake job writes, and those it reads (copied at set-up).
WRITTEN = (
    "service_requests",
    "record_files",
    "subject_links",
    "audit_records",
    "audit_head",
    "events",
    "charges",
    "subject_keys",
)
READ = ("service_items", "workers", "accounts")
#: The audit record's number in a template, replaced by the next number.
SEQ = 987_654_321
PREVIOUS = "__previous__"


def raw_metadata() -> sa.MetaData:
    """``raw_<name>`` copies of the library's tables, with their columns, types and indexes."""
    copy = sa.MetaData()
    for name in WRITTEN + READ:
        table = t.metadata.tables[name].to_metadata(copy, name=f"raw_{name}")
        items: list[sa.Index | sa.Constraint] = [*table.indexes, *table.constraints]
        for item in items:
            if isinstance(item.name, str):  # names are per schema on PostgreSQL
                item.name = sa.sql.elements.conv(f"raw_{item.name}")
    return copy


# --- set-up: the seed job ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as JSON keeps it: times tagged, amounts as strings."""
    if isinstance(value, datetime):
        return {"at": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, bytes):  # a record file's key (``subject_keys``)
        return {"bytes": value.hex()}
    return value


def capture_seed() -> dict[str, Any]:
    """Per command of one job, the library's writes: table, kind and the values of each row."""
    commands: list[list[dict[str, Any]]] = []

    def writes(_conn: Any, statement: Any, multiparams: Any, params: Any, _o: Any) -> None:
        if not isinstance(statement, sa.Insert | sa.Update) or not commands:
            return
        if statement.table.name == "audit_head":  # type: ignore[union-attr]
            return  # the raw run moves its own head with each record (``_audit``)
        rows = list(multiparams) if multiparams else [params]
        commands[-1].append(
            {
                "table": statement.table.name,  # type: ignore[union-attr]
                "kind": "insert" if isinstance(statement, sa.Insert) else "update",
                "rows": [{k: _plain(v) for k, v in row.items()} for row in rows],
            }
        )

    with tempfile.TemporaryDirectory(prefix="servicedesk-seed-") as folder:
        desk, store = world.desk_on(f"sqlite:///{Path(folder) / 'seed.db'}", world.Clock())
        world.prepare_catalogue(desk)
        account = desk.handle(OpenAccount(requester=world.requester("U0")), actor=world.CLERK).id
        # a listener sees every statement: the store then runs none on the cursor directly
        sa.event.listen(store.engine, "before_execute", writes)
        handle = desk.handle

        def recording(command: Any, **kwargs: Any) -> Any:
            commands.append([])
            return handle(command, **kwargs)

        desk.handle = recording  # type: ignore[method-assign]
        world.full_job(desk, "U0", SEED)
        store.close()
    assert len(commands) == world.COMMANDS_PER_JOB
    return {"account": account, "commands": commands}


def setup_raw(url: str) -> None:
    """The raw tables, the rows the jobs read, and the seed's writes as templates."""
    engine = sa.create_engine(url)
    copy = raw_metadata()
    templates = sa.Table("raw_intake_templates", copy, sa.Column("body", sa.Text, nullable=False))
    copy.create_all(engine)
    with engine.begin() as connection:
        for name in READ:
            rows = [
                dict(r._mapping) for r in connection.execute(sa.select(t.metadata.tables[name]))
            ]
            connection.execute(sa.insert(copy.tables[f"raw_{name}"]), rows)
        connection.execute(
            sa.insert(copy.tables["raw_audit_head"]), {"id": 1, "seq": 0, "hash": "0" * 64}
        )
        connection.execute(sa.insert(templates), {"body": json.dumps(capture_seed())})
    engine.dispose()


# --- the raw run ---------------------------------------------------------------------------------


class Value:
    """One parameter of a template row, as the driver takes it; the seed's ids to replace."""

    def __init__(self, value: Any, sqlite: bool, account: str) -> None:
        if isinstance(value, dict) and set(value) == {"at"}:
            at = datetime.fromisoformat(value["at"]).astimezone(UTC)
            value = at.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else at
        elif isinstance(value, dict) and set(value) == {"decimal"}:
            value = int(Decimal(value["decimal"]) * 100)  # the library stores fen
        elif isinstance(value, dict) and set(value) == {"bytes"}:
            value = bytes.fromhex(value["bytes"])
        elif isinstance(value, dict | list):
            value = json.dumps(value)
        self.value, self.account = value, account
        self.has_seed = isinstance(value, str) and SEED in value
        self.has_account = isinstance(value, str) and account in value

    def __call__(self, request: str, account: str) -> Any:
        value = self.value
        if self.has_seed:
            value = value.replace(SEED, request)
        if self.has_account:
            value = value.replace(self.account, account)
        return value


class Write:
    """One statement of a command: an INSERT (one or more rows) or a versioned UPDATE."""

    def __init__(self, template: dict[str, Any], raw: Raw, account: str) -> None:
        self.table = f"raw_{template['table']}"
        self.update = template["kind"] == "update"
        rows = template["rows"]
        self.audit = self.table == "raw_audit_records"
        if self.audit:
            record = rows[0]["record"]
            record.update(seq=SEQ, previous=PREVIOUS)
            self.record = json.dumps(record)
            rows = [{"seq": 0, "hash": "", "record": ""}]
        columns = [c for c in rows[0] if c not in ("saved_id", "saved_version")]
        self.rows = [[Value(row[c], raw.sqlite, account) for c in columns] for row in rows]
        if self.update:
            self.saved_id = str(rows[0]["saved_id"])
            sets = ", ".join(f"{c} = %s" for c in columns)
            self.sql = f"UPDATE {self.table} SET {sets} WHERE id = %s AND version = %s"
        else:
            marks = ", ".join(["%s"] * len(columns))
            self.sql = f"INSERT INTO {self.table} ({', '.join(columns)}) VALUES ({marks})"

    def parameters(self, request: str, account: str) -> list[list[Any]]:
        return [[value(request, account) for value in row] for row in self.rows]


def _audit(raw: Raw, write: Write) -> None:
    """The next audit record: the chain's head held, the record hashed onto it, the head moved."""
    lock = "" if raw.sqlite else " FOR UPDATE"
    head = raw.execute(f"SELECT seq, hash FROM raw_audit_head WHERE id = 1{lock}").fetchone()
    seq, previous = head[0] + 1, head[1]
    record = write.record.replace(str(SEQ), str(seq)).replace(PREVIOUS, previous)
    digest = hashlib.sha256(record.encode()).hexdigest()
    raw.execute(write.sql, (seq, digest, record))
    raw.execute("UPDATE raw_audit_head SET seq = %s, hash = %s WHERE id = 1", (seq, digest))


#: What each command reads before it writes (besides the audit head): (table, column) pairs
#: looked up by the job's request id, its charge id, its record file id or the account.
READS: list[list[tuple[str, str, str]]] = [
    [],  # register: the new id is the primary key's to check
    [("service_requests", "id", "request"), ("service_items", "id", "item")],  # triage
    [
        ("service_requests", "id", "request"),
        ("workers", "id", "worker"),
        ("record_files", "id", "file"),
    ],  # dispatch
    [("service_requests", "id", "request")],  # start
    [("service_requests", "id", "request")],  # complete
    [("service_requests", "id", "request"), ("record_files", "id", "file")],  # accept
    [
        ("service_requests", "id", "request"),
        ("charges", "request_id", "request"),
        ("accounts", "open_unit", "unit"),
        ("record_files", "id", "charge_file"),
    ],  # record the charge (and file it: the settlement voucher)
    [
        ("charges", "id", "charge"),
        ("accounts", "id", "account"),
        ("record_files", "id", "charge_file"),
    ],  # confirm it
]


def _read(raw: Raw, table: str, column: str, key: str) -> list[Any]:
    if column == "open_unit":  # the unit's open account: the library's unique index
        sql = f"SELECT version, document FROM raw_{table} WHERE open_unit = %s AND kind = %s"
        return list(raw.execute(sql, (key, "owner")).fetchall())
    sql = f"SELECT version, document FROM raw_{table} WHERE {column} = %s"
    return list(raw.execute(sql, (key,)).fetchall())


def raw_intake(url: str, n: int, units: int) -> int:
    raw = Raw(url)
    body = raw.execute("SELECT body FROM raw_intake_templates").fetchone()[0]
    seed = json.loads(body)
    commands = [[Write(w, raw, seed["account"]) for w in c] for c in seed["commands"]]
    accounts = dict(raw.execute("SELECT open_unit, id FROM raw_accounts").fetchall())
    for job in range(n):
        request = uuid.uuid4().hex
        unit = f"U{job % units}"
        keys = {
            "request": request,
            "file": f"request:{request}",
            "charge": f"{request}:1",
            "charge_file": f"charge:{request}:1",
            "item": world.ITEM,
            "worker": "w-1",
            "unit": unit,
            "account": accounts[unit],
        }
        for reads, writes in zip(READS, commands, strict=True):
            seen: dict[str, int] = {}
            for table, column, key in reads:
                rows = _read(raw, table, column, keys[key])
                if column == "id" and rows:  # a file read before it is made is not there
                    seen[f"raw_{table}"] = rows[0][0]
            for write in writes:
                if write.audit:
                    _audit(raw, write)
                    continue
                rows = write.parameters(request, keys["account"])
                if write.update:
                    where = (write.saved_id.replace(SEED, request), seen[write.table])
                    changed = raw.execute(write.sql, (*rows[0], *where))
                    assert changed.rowcount == 1, "the version check failed"
                elif len(rows) == 1:
                    raw.execute(write.sql, rows[0])
                else:
                    raw.executemany(write.sql, rows)
            raw.commit()
    raw.close()
    return n
