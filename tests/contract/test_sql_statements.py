"""How many statements each command of a full job sends: the list docs/performance.md gives.

A read that creeps back in (a second existence check, a record decoded to take
its hash, a table scanned for the next number) costs a round trip per command
on a server; this pins the count per command, on every SQL store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from contract_scenario import CLERK, Clock, desk, published_item, worker

from servicedesk import (
    AcceptWork,
    Actor,
    ActorId,
    CompleteWork,
    Contact,
    DispatchRequest,
    RegisterRequest,
    RegisterWorker,
    Requester,
    Role,
    StartWork,
    TriageRequest,
)
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.billing.commands import ConfirmCharge, OpenAccount, RecordCharge
from servicedesk.testing import IN_PERSON

WORKER = Actor(ActorId("w-1"), "Sun", {Role.WORKER})
RESIDENT = Requester("Chen", "3-502", Contact("13800138000"))

#: Per command: reads (the changed row, the rows the step needs), writes, and at the end the
#: chain's step: the head held, the audit record, the head moved.  A record holding personal
#: data costs one read more, its file's key (``sealing``), and its first sealed save an insert.
EXPECTED = {
    # record file? (the request's id is drawn at random, the file is new: no links to read);
    # request, its key, file, link, events; chain
    "RegisterRequest": 9,
    "TriageRequest": 8,  # request, its key, item; request, events; head, audit, head
    # request, key, worker, the item's requirement with whether a roster exists (one SELECT),
    # file; request, file, events; chain
    "DispatchRequest": 11,
    "StartWork": 7,  # request, its key; request, events; head, audit, head
    "CompleteWork": 7,
    "AcceptWork": 9,  # request, key, file; request, file, events; head, audit, head
    # request, key, its charges, the account, its key, its record file? (the charge's id is
    # the primary key's to check at commit, the new file has no links); charge, file, link,
    # events; chain
    "RecordCharge": 13,
    # charge, its request (whose job?) and key, account and key, its file; the charge's key
    # (none yet: nothing personal before the signature) made; charge, file, events; chain
    "ConfirmCharge": 14,
}


def test_a_full_job_sends_the_documented_statements(sql_store: SqlStore) -> None:
    d = desk(sql_store, Clock())
    item = published_item(d)
    worker(d)
    d.handle(OpenAccount(requester=RESIDENT), actor=CLERK)
    counts: dict[str, int] = {}
    current: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if current and not statement.startswith("BEGIN"):
            counts[current[-1]] = counts.get(current[-1], 0) + 1

    sa.event.listen(sql_store.engine, "before_cursor_execute", count)
    try:

        def run(command: Any, actor: Actor = CLERK) -> str | None:
            current.append(type(command).__name__)
            return d.handle(command, actor=actor).id

        request = run(RegisterRequest(requester=RESIDENT, need="the tap drips"))
        assert request is not None
        run(TriageRequest(request_id=request, item_id=item))
        run(DispatchRequest(request_id=request, worker_id="w-1"))
        run(StartWork(request_id=request), WORKER)
        run(CompleteWork(request_id=request), WORKER)
        run(AcceptWork(request_id=request, signed_by="Resident", evidence=IN_PERSON))
        charge = run(RecordCharge(request_id=request))
        assert charge is not None
        run(ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON))
    finally:
        sa.event.remove(sql_store.engine, "before_cursor_execute", count)
    assert counts == EXPECTED


def test_the_audit_head_is_read_without_the_record(tmp_path: Path) -> None:
    """Chaining reads the head's row only, never a record's content."""
    store = SqlStore(tmp_path / "desk.db")
    d = desk(store, Clock())
    published_item(d)
    seen: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda _c, _k, s, *_a: seen.append(s))
    d.handle(RegisterWorker(worker_id="w-2", name="Li", skills={"plumbing"}), actor=CLERK)
    heads = [s for s in seen if "FROM audit_head" in s]
    assert heads
    assert not [s for s in seen if "FROM audit_records" in s]
    store.close()
