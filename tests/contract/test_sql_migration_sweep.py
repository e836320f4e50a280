"""Revision 0004 on a database with complaints in it: their grouping columns are filled."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_databases import SQL_STORES, scratch
from contract_scenario import MONDAY, Clock, desk

from servicedesk import Contact, Requester, convert
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.tables import complaints as complaint_table
from servicedesk.app.complaints.commands import AcknowledgeComplaint, EscalateOverdue, FileComplaint
from servicedesk.domain.complaints import ComplaintId


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_fills_what_decides_the_next_escalation(backend: str, tmp_path: Path) -> None:
    memory = MemoryStore()
    clock = Clock(MONDAY)
    d = desk(memory, clock)
    person = Requester("Chen", "3-502", Contact("13800138000"))
    for cid in ("c-filed", "c-acknowledged"):
        d.handle(
            FileComplaint(complaint_id=cid, complainant=person, category="fees", description="x")
        )
    d.handle(AcknowledgeComplaint(complaint_id="c-acknowledged"))
    with memory.unit_of_work() as uow:
        complaints = [uow.complaints.get(ComplaintId(c)) for c in ("c-filed", "c-acknowledged")]

    with scratch(backend, "backfill3", tmp_path) as url:
        upgrade(url, "0002")
        engine = make_engine(url)
        c = complaint_table.table.c
        first_columns = [c.id, c.version, c.document, c.is_open, c.filed_at, c.escalation_due]
        old = sa.table("complaints", *(sa.column(x.name, x.type) for x in first_columns))
        with engine.begin() as connection:  # rows as revision 0002 wrote them
            for complaint in complaints:
                connection.execute(
                    sa.insert(old).values(
                        id=complaint.id.value,
                        version=complaint.version,
                        document=convert.unstructure(complaint),
                        is_open=True,
                        filed_at=complaint.filed_at,
                        escalation_due=complaint.next_escalation_at,
                    )
                )
        engine.dispose()

        upgrade(url)
        with SqlStore(url, migrate=False) as store:
            with store.engine.connect() as connection:
                found = {
                    row.id: dict(row._mapping)
                    for row in connection.execute(sa.select(complaint_table.table))
                }
            for complaint in complaints:
                expected = complaint_table.projections(complaint)
                assert {k: found[complaint.id.value][k] for k in expected} == expected
            clock.now = MONDAY + timedelta(days=10)
            sql = desk(store, clock)
            assert sql.handle(EscalateOverdue()).id == "2"
            assert sql.handle(EscalateOverdue()).id == "0"
