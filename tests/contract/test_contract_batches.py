"""Bulk commands in batches store exactly what the same command in one unit of work stores.

The month close, the escalation sweep and the purge are run on every store twice on the
same records: with the desk's batches switched off (``bulk_batch=None``, the whole run in
one unit of work) and in batches of a few records.  The stored records, their histories
and the ``Outcome`` (the whole run's result and events) must be equal; each batch leaves
an audit record of its own and the trail verifies.  A run whose batch fails halfway
(a crash between two commits) and is then run again gives the same result exactly, and
an idempotency key is stored once, with the run's final outcome.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import attrs
import pytest
from contract_close import build_books, close_rows, loaded
from contract_databases import wipe
from contract_scenario import MONDAY, Clock
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from servicedesk import Contact, Desk, Requester, convert
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.audit import all_records
from servicedesk.app.billing.commands import CloseMonth
from servicedesk.app.bootstrap import WIRING
from servicedesk.app.command import Command
from servicedesk.app.complaints.commands import AcknowledgeComplaint, EscalateOverdue, FileComplaint
from servicedesk.app.context import Context
from servicedesk.app.desk import Outcome
from servicedesk.app.records.commands import PurgeExpired
from servicedesk.app.requests.commands import CancelRequest, RegisterRequest
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.complaints import ComplaintId
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money
from servicedesk.domain.retention import RecordFileId, RecordKind, RetentionRule
from servicedesk.domain.values import RequestId
from servicedesk.policies.hookspecs import hookimpl

#: One account of each kind the close treats apart, and plain ones with 0 to 3 charges.
ONE: tuple[list[Any], str, bool] = ([], "confirmed", False)
PLAIN: dict[str, Any] = {"tenant": False, "agreement": None, "credit": False, "charges": [ONE]}
BOOKS: list[dict[str, Any]] = [
    PLAIN,
    {**PLAIN, "charges": [ONE, ONE, ([], "confirmed", True)]},
    {**PLAIN, "agreement": Money.of("12.00")},
    {**PLAIN, "credit": True},
    {**PLAIN, "tenant": True},
    {**PLAIN, "charges": []},
    {**PLAIN, "charges": [ONE, ([], "reversed", False)]},
    PLAIN,
]
ACCOUNTS = [f"acct-{n}" for n in range(len(BOOKS))]


def plain_events(events: tuple[Event, ...] | list[Event]) -> list[str]:
    """The events as sorted JSON: a run in batches publishes them batch by batch."""
    return sorted(json.dumps(convert.unstructure(e), sort_keys=True) for e in events)


def fresh(store: Store) -> Store:
    """The store emptied for the next run (a new one for memory)."""
    if isinstance(store, SqlStore):
        wipe(store)
        return store
    return MemoryStore()


def audited(store: Store, command: type[Command]) -> list[int]:
    """The numbers of the audit records of ``command``; the trail must verify."""
    records = list(all_records(store))
    return [r.seq for r in records if r.command == command.__name__]


class Crash(Exception):
    """Stands for the process dying in the middle of a batch."""


def crashing(command: type[Command], at_batch: int) -> Any:
    """The library's wiring, but ``command`` fails after doing its batch number ``at_batch``."""
    handler = WIRING.handlers[command]
    calls = itertools.count(1)

    def run(cmd: Any, ctx: Context) -> str | None:
        result = handler(cmd, ctx)
        if next(calls) == at_batch:
            raise Crash
        return result

    return attrs.evolve(WIRING, handlers={**WIRING.handlers, command: run})


# --- the month close -----------------------------------------------------------------------------


def _close(store: Store, size: int | None, key: str | None = None) -> tuple[Outcome, Store]:
    d, _clock = build_books(store, BOOKS)
    d.bulk_batch = size
    return d.handle(CloseMonth(period="2026-03"), idempotency_key=key), store


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],
)
@given(size=st.integers(1, 5))
def test_a_close_in_batches_stores_what_one_close_stores(store: Store, size: int) -> None:
    whole, store = _close(fresh(store), None)
    reference = loaded(store, ACCOUNTS)
    rows = close_rows(store) if isinstance(store, SqlStore) else None
    assert len(audited(store, CloseMonth)) == 3  # January, February, March

    batched, store = _close(fresh(store), size)
    assert loaded(store, ACCOUNTS) == reference
    if isinstance(store, SqlStore):
        assert close_rows(store) == rows
    assert batched.id == whole.id == "2026-03"
    assert plain_events(batched.events) == plain_events(whole.events)
    marches = len(audited(store, CloseMonth)) - 2
    assert marches > 1 if size < 5 else marches >= 1  # 8 charges billed: batches of size
    d = Desk(store, clock=Clock(MONDAY.replace(month=4)), entry_points=False)
    assert d.records.verify().ok


def test_a_close_that_crashed_between_batches_is_finished_by_a_rerun(store: Store) -> None:
    _whole, store = _close(fresh(store), None)
    reference = loaded(store, ACCOUNTS)

    store = fresh(store)
    d, clock = build_books(store, BOOKS)
    crash = Desk(store, clock=clock, wiring=crashing(CloseMonth, 3), entry_points=False)
    crash.bulk_batch = d.bulk_batch = 2
    with pytest.raises(Crash):
        crash.handle(CloseMonth(period="2026-03"), idempotency_key="march")
    assert loaded(store, ACCOUNTS) != reference  # two batches done, the third rolled back
    rerun = d.handle(CloseMonth(period="2026-03"), idempotency_key="march")
    assert loaded(store, ACCOUNTS) == reference
    assert d.handle(CloseMonth(period="2026-03"), idempotency_key="march") == rerun
    assert d.handle(CloseMonth(period="2026-03")).events == ()  # nothing left to bill
    assert d.records.verify().ok


# --- the escalation sweep ------------------------------------------------------------------------

SWEEP_AT = MONDAY + timedelta(days=3)


def _complaints(store: Store, size: int | None) -> tuple[Desk, Clock]:
    """Twelve complaints: fees and timeliness, a third acknowledged, filed minutes apart."""
    clock = Clock(MONDAY)
    d = Desk(store, clock=clock, entry_points=False, bulk_batch=size)
    person = Requester("Chen", "3-502", Contact("13800138000"))
    for n in range(12):
        cid = f"c-{(n * 7) % 12:02d}"  # filed in another order than their ids
        category = ("fees", "timeliness")[n % 2]
        d.handle(
            FileComplaint(complaint_id=cid, complainant=person, category=category, description="x")
        )
        if n % 3 == 0:
            d.handle(AcknowledgeComplaint(complaint_id=cid))
        clock.advance(minutes=11)
    clock.now = SWEEP_AT
    return d, clock


def _swept(store: Store) -> list[Any]:
    with store.unit_of_work() as uow:
        found: list[Any] = []
        for n in range(12):
            cid = ComplaintId(f"c-{n:02d}")
            complaint = uow.complaints.get(cid)
            found += [complaint, complaint.version, uow.events.history("complaint", cid)]
        return found


@pytest.mark.parametrize("size", [1, 2, 5, 11])
def test_a_sweep_in_batches_stores_what_one_sweep_stores(store: Store, size: int) -> None:
    d, _clock = _complaints(fresh(store), None)
    whole = d.handle(EscalateOverdue())
    reference = _swept(d.store)
    due = int(whole.id or 0)
    assert due == 8  # the acknowledged ones still have time to answer

    d, _clock = _complaints(fresh(d.store), size)
    batched = d.handle(EscalateOverdue())
    assert _swept(d.store) == reference
    assert batched.id == whole.id
    assert plain_events(batched.events) == plain_events(whole.events)
    assert len(audited(d.store, EscalateOverdue)) == -(-due // size)
    assert d.handle(EscalateOverdue()).id == "0"  # nothing is escalated twice
    assert d.records.verify().ok


def test_a_sweep_that_crashed_between_batches_is_finished_by_a_rerun(store: Store) -> None:
    d, _clock = _complaints(fresh(store), None)
    d.handle(EscalateOverdue())
    reference = _swept(d.store)

    d, clock = _complaints(fresh(d.store), 3)
    crash = Desk(
        d.store, clock=clock, wiring=crashing(EscalateOverdue, 2), entry_points=False, bulk_batch=3
    )
    with pytest.raises(Crash):
        crash.handle(EscalateOverdue())
    assert d.handle(EscalateOverdue()).id == "5"  # 8 due, the first batch's 3 done
    assert _swept(d.store) == reference
    assert d.records.verify().ok


# --- the purge -----------------------------------------------------------------------------------


class MonthlyRetention:
    @hookimpl
    def servicedesk_retention(self, kind: RecordKind) -> RetentionRule:
        return RetentionRule(timedelta(days=30), erasable_on_request=True)


def _cancelled(store: Store, size: int | None, count: int = 9) -> Desk:
    clock = Clock(MONDAY)
    d = Desk(store, clock=clock, plugins=[MonthlyRetention()], entry_points=False)
    for n in range(count):
        person = Requester(f"Resident {n}", f"{n}-101", Contact("13800138000"))
        d.handle(RegisterRequest(request_id=f"r-{n}", requester=person, need="tap"))
        d.handle(CancelRequest(request_id=f"r-{n}", reason="fixed it"))
        clock.advance(minutes=3)
    clock.advance(days=31)
    d.bulk_batch = size
    return d


def _purged(store: Store, count: int = 9) -> Iterator[Any]:
    with store.unit_of_work() as uow:
        for n in range(count):
            rid = RequestId(f"r-{n}")
            file_id = RecordFileId.of("request", rid.value)
            yield uow.requests.get(rid)
            yield uow.events.history("request", rid)
            yield uow.record_files.get(file_id)
            yield uow.events.history("record_file", file_id)


@pytest.mark.parametrize(("size", "limit"), [(1, 9), (2, 9), (4, 7), (4, 8), (10, 9)])
def test_a_purge_in_batches_stores_what_one_purge_stores(
    store: Store, size: int, limit: int
) -> None:
    d = _cancelled(fresh(store), None)
    whole = d.handle(PurgeExpired(limit=limit))
    reference = list(_purged(d.store))

    d = _cancelled(fresh(d.store), size)
    batched = d.handle(PurgeExpired(limit=limit))
    assert list(_purged(d.store)) == reference
    assert batched.id == whole.id == str(limit)
    assert plain_events(batched.events) == plain_events(whole.events)
    assert len(audited(d.store, PurgeExpired)) == -(-limit // size)
    assert d.records.verify().ok


def test_a_purge_that_crashed_between_batches_is_finished_by_a_rerun(store: Store) -> None:
    d = _cancelled(fresh(store), None)
    d.handle(PurgeExpired())
    reference = list(_purged(d.store))

    d = _cancelled(fresh(d.store), 2)
    clock: Callable[[], Any] = d.clock
    crash = Desk(
        d.store,
        clock=clock,
        plugins=[MonthlyRetention()],
        wiring=crashing(PurgeExpired, 3),
        entry_points=False,
        bulk_batch=2,
    )
    with pytest.raises(Crash):
        crash.handle(PurgeExpired())
    assert d.handle(PurgeExpired()).id == "5"  # four were erased before the crash
    assert list(_purged(d.store)) == reference
    assert d.records.verify().ok


# --- progress: what a caller is told after each batch ------------------------------------------


def told() -> tuple[list[tuple[int, int]], Callable[[int, int], None]]:
    calls: list[tuple[int, int]] = []
    return calls, lambda done, total: calls.append((done, total))


def monotone_to_the_end(calls: list[tuple[int, int]], batches: int) -> None:
    assert len(calls) == batches  # once per committed batch
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in itertools.pairwise(calls))
    assert all(done <= total for done, total in calls)
    done, total = calls[-1]
    assert done == total > 0


def test_a_close_in_batches_tells_its_progress(store: Store) -> None:
    d, _clock = build_books(fresh(store), BOOKS)
    d.bulk_batch = 2
    calls, progress = told()
    d.handle(CloseMonth(period="2026-03"), progress=progress)
    monotone_to_the_end(calls, len(audited(d.store, CloseMonth)) - 2)
    assert calls[-1][1] == len(BOOKS)  # every account gone through
    assert len(calls) > 1


def test_a_sweep_in_batches_tells_its_progress(store: Store) -> None:
    d, _clock = _complaints(fresh(store), 3)
    calls, progress = told()
    d.handle(EscalateOverdue(), progress=progress)
    monotone_to_the_end(calls, 3)  # 8 due, in threes
    assert calls == [(3, 8), (6, 8), (8, 8)]


def test_a_purge_in_batches_tells_its_progress(store: Store) -> None:
    d = _cancelled(fresh(store), 4)
    calls, progress = told()
    d.handle(PurgeExpired(limit=9), progress=progress)
    monotone_to_the_end(calls, 3)
    assert calls == [(4, 9), (8, 9), (9, 9)]


def test_a_command_without_a_progress_port_counts_nothing(store: Store) -> None:
    d = _cancelled(fresh(store), 4)
    assert d.handle(PurgeExpired(limit=9)).id == "9"
