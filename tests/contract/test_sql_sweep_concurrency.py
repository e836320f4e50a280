"""Several OS processes sweep the same overdue complaints at once: none goes up twice.

Four spawned processes run the escalation sweep at the same instant, in small
batches, over the same overdue complaints.  Each batch's statements check that
they touch every complaint they found (and on a server lock them), so a batch
that lost the race fails with ``ConcurrencyConflict`` and its retry finds the
complaints no longer due.  In the end every complaint went up exactly once,
with one event, the runs that finished report the complaints between them, and
the audit trail verifies.
"""

from __future__ import annotations

import multiprocessing
from datetime import timedelta
from pathlib import Path

import contract_sweep_worker
import pytest
from contract_databases import SQL_STORES, scratch
from contract_scenario import MONDAY, Clock

from servicedesk import Contact, Desk, FileComplaint, Requester
from servicedesk.adapters.sql import SqlStore
from servicedesk.domain.complaints import ComplaintId

PROCESSES = 4
COMPLAINTS = 40


@pytest.mark.parametrize("backend", SQL_STORES)
def test_concurrent_sweeps_escalate_each_complaint_once(backend: str, tmp_path: Path) -> None:
    with scratch(backend, "sweeps", tmp_path) as fresh:
        url = fresh.render_as_string(hide_password=False)
        store = SqlStore(fresh)
        clock = Clock(MONDAY)
        d = Desk(store, clock=clock, entry_points=False)
        person = Requester("Chen", "3-502", Contact("13800138000"))
        for n in range(COMPLAINTS):
            category = ("fees", "timeliness")[n % 2]  # two groups in every batch
            d.handle(
                FileComplaint(
                    complaint_id=f"c-{n:02d}",
                    complainant=person,
                    category=category,
                    description="too dear",
                )
            )
        at = MONDAY + timedelta(days=2)
        context = multiprocessing.get_context("spawn")
        go = context.Barrier(PROCESSES)
        results = context.Queue()
        processes = [
            context.Process(target=contract_sweep_worker.sweep, args=(url, n, at, 7, go, results))
            for n in range(PROCESSES)
        ]
        for process in processes:
            process.start()
        reports = [results.get(timeout=300) for _ in processes]
        for process in processes:
            process.join(timeout=30)
        with store.unit_of_work() as uow:
            complaints = [uow.complaints.get(ComplaintId(f"c-{n:02d}")) for n in range(COMPLAINTS)]
            histories = [
                [type(e).__name__ for e in uow.events.history("complaint", c.id)]
                for c in complaints
            ]
        verified = d.records.verify().ok
        store.close()

    assert [o for r in reports for o in r[3]] == []
    assert all(p.exitcode == 0 for p in processes)
    for complaint, history in zip(complaints, histories, strict=True):
        assert [s.level for s in complaint.escalations] == [1], complaint.id
        assert len(complaint.breaches) == 1, complaint.id
        assert history == ["ComplaintFiled", "ComplaintEscalated"], complaint.id
    escalated = sum(r[1] for r in reports if not r[2])
    if not any(r[2] for r in reports):  # a run given up on may have committed batches first
        assert escalated == COMPLAINTS
    assert escalated <= COMPLAINTS
    assert verified
