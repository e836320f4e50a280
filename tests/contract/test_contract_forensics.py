"""Forensics: after erasure and purge no byte of a SQL store holds the erased person.

One person lives a whole year at the centre (an account, a job with a charge signed by
her, a complaint, a callback, her name and phone typed into free text in several
spellings); she asks to be erased, and the purge runs after every period has run out.
Another person, served in the purge's own year, must stay whole. Then the store's raw
bytes are searched: the SQLite file and its ``-wal``, a ``pg_dump`` or ``mariadb-dump``
of the server database, and every log line written on the way.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_databases import SQL_STORES, scratch
from sqlalchemy.engine import URL

from servicedesk import (
    AcceptWork,
    Actor,
    ActorId,
    CloseRequest,
    CompleteWork,
    Contact,
    Desk,
    DispatchRequest,
    RegisterRequest,
    Requester,
    Role,
    StartWork,
    TriageRequest,
)
from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.app.billing.commands import (
    AuditCharge,
    CloseAccount,
    CloseMonth,
    ConfirmCharge,
    OpenAccount,
    RecordCharge,
    RecordPayment,
)
from servicedesk.app.callbacks.commands import PlanCallbacks, RecordCallback
from servicedesk.app.complaints.commands import (
    AcknowledgeComplaint,
    AnswerComplaint,
    CloseComplaint,
    FileComplaint,
    RecordFinding,
)
from servicedesk.app.enquiries.commands import AnswerEnquiry, TakeEnquiry
from servicedesk.app.records.commands import EraseRequester, PurgeExpired
from servicedesk.domain.callbacks import Month
from servicedesk.testing import IN_PERSON
from support import ASSISTANT, CLERK, Clock, hire, publish
from support import CENTRE_MANAGER as RECORDS_KEEPER

SHANGHAI_MARCH = datetime.fromisoformat("2026-03-02T09:30:00+08:00")
YEAR = timedelta(days=365)
CASHIER = Actor(ActorId("cashier-qian"), "Qian", {Role.CASHIER})


class Person:
    """Someone the centre serves, with the strings that must (or must not) survive her."""

    def __init__(self, name: str, chinese: str, unit: str, phone: str, spellings: tuple[str, ...]):
        self.name, self.chinese, self.unit, self.phone = name, chinese, unit, phone
        self.spellings = spellings
        self.signature = f"{name} (signed)"

    def requester(self, spelling: int = 0) -> Requester:
        return Requester(self.name, self.unit, Contact(self.spellings[spelling]))

    def note(self) -> str:
        """Free text a clerk typed, naming her and her number."""
        return f"call {self.chinese} {self.name} on {self.spellings[-1]}"

    def strings(self) -> tuple[str, ...]:
        return (self.name, self.chinese, self.unit, self.phone, *self.spellings, self.signature)


ERASED_ONE = Person(
    "Ouyang Mingyue",
    "欧阳明月",
    "7-1203",
    "13712345678",
    ("13712345678", "137 1234 5678", "+86 137-1234-5678"),
)
KEPT_ONE = Person(
    "Situ Xiaohong",
    "司徒晓红",
    "9-0901",
    "13698765432",
    ("13698765432", "136 9876 5432", "+86 136-9876-5432"),
)


def forms(text: str) -> set[bytes]:
    """The byte forms a stored string can take: UTF-8, and JSON's ``\\u`` escapes."""
    escaped = json.dumps(text, ensure_ascii=True)[1:-1]
    return {text.encode("utf-8"), escaped.encode("ascii"), escaped.lower().encode("ascii")}


def found_in(data: bytes, person: Person) -> list[str]:
    return [text for text in person.strings() if any(form in data for form in forms(text))]


def a_year_of(desk: Desk, clock: Clock, person: Person, item_id: str, worker_id: str) -> None:
    """An account, a charged job, a complaint and a callback, each with her words in it."""
    account = desk.handle(OpenAccount(requester=person.requester(1)), actor=CLERK).id
    assert account is not None
    job = desk.handle(
        RegisterRequest(requester=person.requester(2), need=person.note()), actor=CLERK
    ).id
    assert job is not None
    for command in (
        TriageRequest(request_id=job, item_id=item_id, urgency="ordinary"),
        DispatchRequest(request_id=job, worker_id=worker_id),
        StartWork(request_id=job),
        CompleteWork(request_id=job, notes=person.note()),
        AcceptWork(request_id=job, signed_by=person.signature, evidence=IN_PERSON),
    ):
        desk.handle(command, actor=CLERK)
    charge = desk.handle(RecordCharge(request_id=job), actor=ASSISTANT).id
    assert charge is not None
    desk.handle(
        ConfirmCharge(charge_id=charge, signed_by=person.signature, evidence=IN_PERSON),
        actor=CLERK,
    )
    desk.handle(AuditCharge(charge_id=charge), actor=ASSISTANT)
    desk.handle(CloseRequest(request_id=job), actor=CLERK)
    complaint = desk.handle(
        FileComplaint(
            complainant=person.requester(0), category="attitude", description=person.note()
        ),
        actor=CLERK,
    ).id
    assert complaint is not None
    for step in (
        AcknowledgeComplaint(complaint_id=complaint),
        RecordFinding(complaint_id=complaint, finding=person.note()),
        AnswerComplaint(complaint_id=complaint, result=person.note()),
        CloseComplaint(complaint_id=complaint, satisfaction=4, remarks=person.note()),
    ):
        desk.handle(step, actor=CLERK)
    month = Month(clock.now.year, clock.now.month)
    clock.advance(days=32)
    desk.handle(CloseMonth(period=f"{month.year}-{month.month:02d}"), actor=ASSISTANT)
    [statement] = desk.billing.statements(account, actor=CASHIER)
    desk.handle(RecordPayment(account_id=account, amount=statement.total), actor=CASHIER)
    desk.handle(CloseAccount(account_id=account), actor=CASHIER)
    desk.handle(PlanCallbacks(month=f"{month.year}-{month.month:02d}"), actor=CLERK)
    for view in desk.quality.callbacks(month):
        desk.handle(
            RecordCallback(
                callback_id=view.id, reached=True, satisfaction=5, remarks=person.note()
            ),
            actor=CLERK,
        )
    asked = TakeEnquiry(
        kind="consultation",
        asker_name=person.chinese,
        question=person.note(),
        contact=Contact(person.spellings[1]),
    )
    enquiry = desk.handle(asked, actor=CLERK).id
    desk.handle(AnswerEnquiry(enquiry_id=enquiry, answer="The notice board"), actor=CLERK)


def raw_bytes(backend: str, url: URL, store_file: Path | None) -> bytes:
    """Everything the database holds, as bytes: the files, or a dump of the server."""
    if backend == "sqlite":
        assert store_file is not None
        files = [
            store_file,
            *(store_file.with_name(store_file.name + s) for s in ("-wal", "-journal")),
        ]
        return b"".join(path.read_bytes() for path in files if path.exists())
    host, port = url.host or "127.0.0.1", str(url.port or "")
    if backend == "postgresql":
        tool = shutil.which("pg_dump")
        command = [str(tool), "-h", host, "-U", url.username or "postgres", str(url.database)]
        command[1:1] = ["-p", port] if port else []
    else:
        tool = shutil.which("mariadb-dump") or shutil.which("mysqldump")
        command = [
            str(tool),
            "-h",
            host,
            "-u",
            url.username or "root",
            "--hex-blob",
            str(url.database),
        ]
        command[1:1] = ["-P", port] if port else []
    if tool is None:
        pytest.fail(f"no dump tool for {backend} on PATH", pytrace=False)
    return subprocess.run(command, check=True, capture_output=True).stdout


@pytest.fixture(params=SQL_STORES)
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, URL]]:
    with scratch(request.param, "forensics", tmp_path) as url:
        upgrade(url)
        yield request.param, url


def test_an_erased_and_purged_person_is_in_no_byte_of_the_store_or_the_logs(
    backend_url: tuple[str, URL], caplog: pytest.LogCaptureFixture
) -> None:
    backend, url = backend_url
    caplog.set_level(logging.DEBUG)
    clock = Clock(SHANGHAI_MARCH)
    store = SqlStore(url, migrate=False)
    desk = Desk(store, clock=clock, entry_points=False)
    item_id = publish(desk)
    worker_id = hire(desk)
    a_year_of(desk, clock, ERASED_ONE, item_id, worker_id)
    assert found_in(raw_bytes(backend, url, _file(url)), ERASED_ONE), "the search must see data"

    erased = desk.handle(EraseRequester(phone=ERASED_ONE.spellings[2]), actor=RECORDS_KEEPER)
    assert erased.id is not None
    assert int(erased.id) > 0
    clock.advance(days=11 * 365)
    a_year_of(desk, clock, KEPT_ONE, item_id, worker_id)
    while desk.handle(PurgeExpired(), actor=RECORDS_KEEPER).id != "0":
        pass
    assert desk.records.verify(desk.records.head()).ok
    store.close()

    data = raw_bytes(backend, url, _file(url))
    assert found_in(data, ERASED_ONE) == []
    # the other is whole: at rest her documents and events hold her data sealed, so only
    # the listing columns (an account's holder and unit, a request's unit) show it ...
    assert set(found_in(data, KEPT_ONE)) == {KEPT_ONE.name, KEPT_ONE.unit}
    # ... and read through her files' keys, everything she gave is there
    reopened = SqlStore(url, migrate=False)
    try:
        export = Desk(reopened, clock=clock, entry_points=False).records.requester_export(
            KEPT_ONE.phone, reveal=True, actor=RECORDS_KEEPER
        )
    finally:
        reopened.close()
    text = json.dumps(export, ensure_ascii=False).encode("utf-8")
    assert set(found_in(text, KEPT_ONE)) >= {
        KEPT_ONE.name,
        KEPT_ONE.chinese,
        KEPT_ONE.unit,
        KEPT_ONE.signature,
        KEPT_ONE.spellings[-1],
    }
    logged = "\n".join(record.getMessage() for record in caplog.records) + caplog.text
    assert found_in(logged.encode("utf-8"), ERASED_ONE) == []
    assert found_in(logged.encode("utf-8"), KEPT_ONE) == []


def _file(url: URL) -> Path | None:
    return Path(str(url.database)) if url.get_backend_name() == "sqlite" else None


def test_the_dump_search_finds_a_string_it_was_given(backend_url: tuple[str, URL]) -> None:
    """The search itself can fail: a string written raw into a table is found."""
    backend, url = backend_url
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE probe (v VARCHAR(100))"))
        connection.execute(sa.text("INSERT INTO probe VALUES (:v)"), {"v": ERASED_ONE.chinese})
    engine.dispose()
    assert ERASED_ONE.chinese in found_in(raw_bytes(backend, url, _file(url)), ERASED_ONE)
