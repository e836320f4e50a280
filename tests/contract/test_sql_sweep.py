"""The set-based escalation sweep stores exactly what the per-complaint domain path stores.

The same generated history (complaints of several categories and urgencies, acknowledged or
not, paused, resumed, answered, reopened, swept at several instants) runs on three stores:
the memory store (the domain reference), an SQL store forced onto the domain path
(``ComplaintRepository.escalate_due`` of the port), and the same kind of SQL store with its
set-based sweep.  The loaded complaints, ``desk.complaints`` views and histories must equal
the memory store's; the stored rows (documents, versions, projection columns) and event rows
(type, version, time, document) must equal the domain path's on the same database; the
outcomes report the same count and the same events, and the audit records name the same
events.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from contract_databases import SQL_STORES, scratch, wipe
from contract_scenario import MONDAY, Clock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk import Contact, Desk, Requester, Role, convert
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.repositories import SqlComplaints
from servicedesk.adapters.sql.subject_keys import unsealed
from servicedesk.app.audit import all_records
from servicedesk.app.command import Command
from servicedesk.app.complaints.commands import (
    AcknowledgeComplaint,
    AnswerComplaint,
    EscalateOverdue,
    FileComplaint,
    PauseComplaint,
    ReopenComplaint,
    ResumeComplaint,
)
from servicedesk.app.complaints.ports import ComplaintRepository
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.audit import AuditRecord
from servicedesk.domain.complaints import ComplaintId
from servicedesk.domain.deadlines import EscalationStep
from servicedesk.policies import hookimpl

H = timedelta(hours=1)
CATEGORIES = ("timeliness", "fees", "safety")
ACTIONS = ("none", "ack", "ack_pause", "ack_pause_resume", "ack_answer", "ack_answer_reopen")


class ChainByCase:
    """A chain that depends on the category and the urgency, as the hook allows."""

    @hookimpl
    def servicedesk_escalation_chain(self, case: Any) -> list[EscalationStep]:
        if getattr(case, "category", None) == "fees":
            return [EscalationStep(Role.CENTRE_MANAGER, 3 * H)]
        if getattr(case, "urgency", None) == "urgent":
            return [EscalationStep(Role.DEPARTMENT_HEAD, H), EscalationStep(Role.CENTRE_MANAGER, H)]
        return [
            EscalationStep(Role.DEPARTMENT_HEAD, 2 * H),
            EscalationStep(Role.CENTRE_MANAGER, 4 * H),
            EscalationStep(Role.BRANCH_MANAGER, 4 * H),
        ]


complaint_specs = st.lists(
    st.tuples(
        st.sampled_from(CATEGORIES),
        st.sampled_from(["urgent", "ordinary"]),
        st.sampled_from(ACTIONS),
        st.integers(min_value=0, max_value=3 * 24 * 60),  # filed, minutes after Monday 09:30
        st.integers(min_value=1, max_value=2 * 24 * 60),  # each action this much later
    ),
    min_size=1,
    max_size=6,
)
sweeps = st.lists(st.integers(min_value=0, max_value=6 * 24 * 60), min_size=1, max_size=4)


def timeline(specs: Sequence[tuple[str, str, str, int, int]], sweep_at: Sequence[int]) -> list[Any]:
    """(minute, order, what) for every step, in time order."""
    steps: list[tuple[int, int, tuple[Any, ...]]] = []
    for number, (category, urgency, action, filed, gap) in enumerate(specs):
        cid = f"c-{number}"
        steps.append((filed, len(steps), ("file", cid, category, urgency)))
        done = ACTIONS.index(action)
        names = ["ack", "pause", "resume"] if "pause" in action else ["ack", "answer", "reopen"]
        wanted = {1: 1, 2: 2, 3: 3, 4: 2, 5: 3}.get(done, 0)
        for step, name in enumerate(names[:wanted], start=1):
            steps.append((filed + step * gap, len(steps), (name, cid)))
    for minute in sweep_at:
        steps.append((minute, len(steps), ("sweep",)))
    return [(minute, what) for minute, _order, what in sorted(steps)]


def play(d: Desk, clock: Clock, steps: list[Any]) -> list[tuple[str | None, list[Any]]]:
    """Run the steps; each sweep twice at its instant.  The sweeps' outcomes, comparable."""
    person = Requester("Chen", "3-502", Contact("13800138000"))
    outcomes = []
    for minute, what in steps:
        clock.now = MONDAY + timedelta(minutes=minute)
        kind, *args = what
        if kind == "file":
            cid, category, urgency = args
            d.handle(
                FileComplaint(
                    complaint_id=cid,
                    complainant=person,
                    category=category,
                    urgency=urgency,
                    description="nobody came",
                )
            )
        elif kind == "sweep":
            for _twice in range(2):
                outcome = d.handle(EscalateOverdue())
                events = sorted(json.dumps(convert.unstructure(e)) for e in outcome.events)
                outcomes.append((outcome.id, events))
        else:
            cid = args[0]
            commands: dict[str, Command] = {
                "ack": AcknowledgeComplaint(complaint_id=cid),
                "pause": PauseComplaint(complaint_id=cid),
                "resume": ResumeComplaint(complaint_id=cid),
                "answer": AnswerComplaint(complaint_id=cid, result="fixed"),
                "reopen": ReopenComplaint(complaint_id=cid, reason="still broken"),
            }
            d.handle(commands[kind])
    return outcomes


def seen(d: Desk, store: Store, ids: list[str], now: datetime) -> dict[str, Any]:
    """What the desk shows: complaints as loaded, views, histories, the audit's event refs."""
    with store.unit_of_work() as uow:
        loaded = {}
        for cid in ids:
            complaint = uow.complaints.get(ComplaintId(cid))
            loaded[cid] = (complaint.version, convert.unstructure(complaint))
    return {
        "complaints": loaded,
        "views": [convert.unstructure(v) for v in d.complaints.open_complaints(now)],
        "histories": {cid: convert.unstructure(d.complaints.history(cid)) for cid in ids},
        "audit": [
            (r.command, Counter((ref.type, ref.digest) for ref in r.event_refs))
            for r in all_records(store)
            if isinstance(r, AuditRecord)
        ],
        "verified": d.records.verify().ok,
    }


def rows(store: SqlStore) -> dict[str, Any]:
    """The stored rows: complaints with every column, events with version, time, document.

    Documents are compared opened (``sealing``): each store seals under keys of its own.
    """
    with store.engine.connect() as connection, store.reading() as uow:
        complaints = {
            row.id: {
                **row._mapping,
                "document": unsealed(uow, "complaint", [(row.id, row.document)])[0],
            }
            for row in connection.execute(sa.select(t.complaints.table))
        }
        e = t.events.c
        query = sa.select(e.aggregate_id, e.version, e.type, e.at, e.document).where(
            e.stream == "complaint"
        )
        events: dict[str, list[Any]] = {}
        for row in connection.execute(query.order_by(e.seq)):
            [document] = unsealed(uow, "complaint", [(row.aggregate_id, row.document)])
            events.setdefault(row.aggregate_id, []).append(
                (row.version, row.type, row.at, document)
            )
    return {"complaints": complaints, "events": events}


@pytest.mark.parametrize("backend", SQL_STORES)
def test_the_set_based_sweep_stores_what_the_domain_path_stores(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ExitStack() as stack:
        slow, fast = (
            stack.enter_context(SqlStore(stack.enter_context(scratch(backend, name, tmp_path))))
            for name in ("slow", "fast")
        )

        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(specs=complaint_specs, sweep_at=sweeps)
        def check(specs: list[tuple[str, str, str, int, int]], sweep_at: list[int]) -> None:
            for sql in (slow, fast):
                wipe(sql)
            steps = timeline(specs, sweep_at)
            ids = [f"c-{n}" for n in range(len(specs))]
            results = []
            stores: list[tuple[Store, bool]] = [(MemoryStore(), True), (slow, False), (fast, True)]
            for store, set_based in stores:
                clock = Clock(MONDAY)
                d = Desk(store, clock=clock, plugins=[ChainByCase()], entry_points=False)
                with monkeypatch.context() as patch:
                    if not set_based:
                        patch.setattr(
                            SqlComplaints, "escalate_due", ComplaintRepository.escalate_due
                        )
                    outcomes = play(d, clock, steps)
                    results.append((outcomes, seen(d, store, ids, clock.now)))
            (memory, memory_seen), (slow_outcomes, slow_seen), (fast_outcomes, fast_seen) = results
            assert fast_outcomes == memory == slow_outcomes
            assert fast_seen == memory_seen == slow_seen
            assert fast_seen["verified"], "the sweep's record vouches for its events"
            assert rows(fast) == rows(slow)

        check()


def test_timeline_orders_the_steps() -> None:
    steps = timeline([("fees", "urgent", "ack", 10, 5)], [12])
    filed = (10, ("file", "c-0", "fees", "urgent"))
    assert steps == [filed, (12, ("sweep",)), (15, ("ack", "c-0"))]


@pytest.mark.parametrize("text", ["plain", 'a "quoted" \\ back\nslash', "中文 ünïcode", ""])
def test_references_from_a_template_are_the_events_own(text: str) -> None:
    from servicedesk.app.audit import event_ref, json_escaped, ref_maker
    from servicedesk.domain.catalogue import ItemSuspended
    from servicedesk.domain.complaints import ComplaintFindingRecorded
    from servicedesk.domain.values import ActorId, ItemId

    def suspended(reason: str, item: str = "tap") -> ItemSuspended:
        return ItemSuspended(at=MONDAY, item_id=ItemId(item), reason=reason)

    maker = ref_maker(suspended("template"), [("item_id",), ("reason",)])
    assert maker is not None
    event = suspended(text, "c-2:x")
    assert maker([json_escaped("c-2:x"), json_escaped(text)]) == event_ref(event)
    # a finding is personal text: scrubbing changes it, so no template stands for such events
    finding = ComplaintFindingRecorded(
        at=MONDAY, complaint_id=ComplaintId("c-1"), by=ActorId("zhao"), finding="Chen called"
    )
    assert ref_maker(finding, [("complaint_id",)]) is None


def _late_complaints(d: Desk, clock: Clock, ids: Sequence[str]) -> None:
    person = Requester("Chen", "3-502", Contact("13800138000"))
    for cid in ids:
        d.handle(
            FileComplaint(
                complaint_id=cid, complainant=person, category="fees", description="too dear"
            )
        )
    clock.now = MONDAY + timedelta(days=2)


def test_rows_without_their_grouping_columns_take_the_domain_path(
    sql_store: SqlStore,
) -> None:
    """A row written before revision 0004 filled its columns is escalated all the same."""
    clock = Clock(MONDAY)
    d = Desk(sql_store, clock=clock, entry_points=False)
    _late_complaints(d, clock, ["c-old", "c-new"])
    c = t.complaints.table.c
    with sql_store.engine.begin() as connection:
        connection.execute(
            sa.update(t.complaints.table)
            .where(c.id == "c-old")
            .values(category=None, clock_due_iso=None)
        )
    outcome = d.handle(EscalateOverdue())
    assert outcome.id == "2"
    assert {(type(e).__name__, str(e.complaint_id)) for e in outcome.events} == {  # type: ignore[attr-defined]
        ("ComplaintEscalated", cid) for cid in ("c-old", "c-new")
    }
    assert all(e.breach is not None for e in outcome.events)  # type: ignore[attr-defined]
    assert d.handle(EscalateOverdue()).id == "0"
    for cid in ("c-old", "c-new"):
        assert [s.level for s in d.complaints.complaint(cid).escalations] == [1]
    stored = rows(sql_store)["complaints"]  # the domain path wrote the columns again
    assert stored["c-old"]["category"] == "fees"
    assert stored["c-old"]["clock_due_iso"] == stored["c-new"]["clock_due_iso"] is not None


def test_complaints_the_unit_of_work_holds_take_the_domain_path(sql_store: SqlStore) -> None:
    """A complaint loaded (and maybe changed) in the same unit of work is not written twice."""
    clock = Clock(MONDAY)
    d = Desk(sql_store, clock=clock, entry_points=False)
    _late_complaints(d, clock, ["c-held", "c-other"])
    policies = d.policies
    with sql_store.unit_of_work() as uow:
        held = uow.complaints.get(ComplaintId("c-held"))
        swept = uow.complaints.escalate_due(
            clock.now, chain=policies.escalation_chain, calendar=policies.calendar()
        )
        assert (swept.escalated, swept.last) == (2, None)
        assert [s.level for s in held.escalations] == [1]  # escalated in memory, saved below
        uow.commit()
    for cid in ("c-held", "c-other"):
        history = [type(e).__name__ for e in d.complaints.history(cid)]
        assert history == ["ComplaintFiled", "ComplaintEscalated"]  # the breach inside
