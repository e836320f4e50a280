"""The report ports: every store adds up the same figures as the memory store, for the same data.

Hypothesis draws the month's jobs (item, worker, late, reworked, complained about,
charged, costed, called back with a score) and the books of a month close; the
same commands run on the memory store and on the store under test, and every
report must come out equal: the quality report, revenue and cost, the handover,
the overdue statements.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from contract_billing import ASSISTANT, at, billing_desk, open_account, resident
from contract_close import accounts, build_books, close_march
from contract_databases import wipe
from contract_scenario import Clock, published_item
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from servicedesk import Desk
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.billing.commands import AuditCharge, ConfirmCharge, RecordCharge, RecordCost
from servicedesk.app.callbacks.commands import PlanCallbacks, RecordCallback
from servicedesk.app.complaints.commands import FileComplaint
from servicedesk.app.requests.commands import (
    AcceptWork,
    CompleteWork,
    DispatchRequest,
    RegisterRequest,
    RegisterWorker,
    RejectWork,
    StartWork,
    TriageRequest,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.errors import InvalidValue
from servicedesk.testing import IN_PERSON
from servicedesk.testing.strategies import money
from support import DESK_CLERK

CASES = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],  # shrinking a store's data takes ages
)

jobs = st.lists(
    st.fixed_dictionaries(
        {
            "item": st.sampled_from(("tap", "lamp")),
            "worker": st.sampled_from(("w-1", "w-2", None)),  # None: left open, unassigned
            "late": st.booleans(),
            "rework": st.booleans(),
            "complaint": st.booleans(),
            "charged": st.booleans(),
            "cost": st.none() | money("0.01", "99.99"),
            "score": st.none() | st.integers(1, 5),  # None: the requester is not reached
        }
    ),
    max_size=4,
)


def _month_of_jobs(store: Store, drawn: list[dict[str, Any]]) -> Desk:
    """March's jobs on ``store``, their callbacks planned and recorded in April."""
    clock = Clock(at(3, 9, 9))
    d = billing_desk(store, clock)
    published_item(d, "lamp", "45.50")
    d.handle(RegisterWorker(name="Li", skills={"plumbing"}, worker_id="w-2"))
    for n, job in enumerate(drawn):
        request = f"r-{n}"
        d.handle(RegisterRequest(request_id=request, requester=resident(f"{n}-101"), need="drips"))
        d.handle(TriageRequest(request_id=request, item_id=job["item"], urgency="ordinary"))
        if job["worker"] is None:
            continue
        if job["late"]:
            clock.advance(hours=30)
        d.handle(DispatchRequest(request_id=request, worker_id=job["worker"]))
        d.handle(StartWork(request_id=request))
        if job["rework"]:
            d.handle(CompleteWork(request_id=request))
            reject = RejectWork(request_id=request, reason="still drips", evidence=IN_PERSON)
            d.handle(reject, actor=DESK_CLERK)
            d.handle(StartWork(request_id=request))
        d.handle(CompleteWork(request_id=request))
        accept = AcceptWork(request_id=request, signed_by="Resident", evidence=IN_PERSON)
        d.handle(accept, actor=DESK_CLERK)
        if job["charged"]:
            open_account(d, f"{n}-101")
            charge = d.handle(RecordCharge(request_id=request)).id
            confirm = ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON)
            d.handle(confirm, actor=DESK_CLERK)
            d.handle(AuditCharge(charge_id=charge), actor=ASSISTANT)
        if job["cost"] is not None:
            d.handle(RecordCost(request_id=request, amount=job["cost"], description="parts"))
        if job["complaint"]:
            d.handle(
                FileComplaint(
                    complainant=resident(f"{n}-101"),
                    category="timeliness",
                    description="late",
                    request_id=request,
                )
            )
        clock.advance(minutes=11)
    clock.now = at(4, 1, 10)
    d.handle(PlanCallbacks(month="2026-03", seed="contract"))
    scores = {f"r-{n}": job["score"] for n, job in enumerate(drawn)}
    for callback in d.quality.callbacks("2026-03"):
        score = scores.get(str(callback.request_id))
        record = RecordCallback(
            callback_id=callback.id, reached=score is not None, satisfaction=score
        )
        d.handle(record, actor=ASSISTANT)
    return d


def _emptied(store: Store) -> Store:
    """The store under test, empty again for the next example (a new one for memory)."""
    if isinstance(store, SqlStore):
        wipe(store)
        return store
    return MemoryStore()


def _reports(d: Desk) -> dict[str, Any]:
    now = at(4, 1, 12)
    return {
        "quality": d.quality.report("2026-03"),
        "quality_april": d.quality.report("2026-04"),
        "revenue": d.billing.revenue_and_cost("2026-03"),
        "losses": d.billing.loss_making_items("2026-03"),
        "handover": d.queries.shift_handover(now, limit=2),
        "handover_all": d.queries.shift_handover(now, limit=100),
    }


@CASES
@given(drawn=jobs)
def test_the_month_reports_of_every_store_equal_the_memory_store(
    store: Store, drawn: list[dict[str, Any]]
) -> None:
    reference = _reports(_month_of_jobs(MemoryStore(), drawn))
    found = _reports(_month_of_jobs(_emptied(store), drawn))
    assert found == reference
    handover = found["handover_all"]
    assert handover.count == len(handover.open) == sum(handover.by_status().values())
    assert found["handover"].open == handover.open[:2]


@CASES
@given(books=accounts, hours=st.integers(0, 24 * 40))
def test_overdue_statements_and_agreement_fees_equal_the_memory_store(
    store: Store, books: list[dict[str, Any]], hours: int
) -> None:
    def run(on: Store) -> dict[str, Any]:
        d, _clock = build_books(on, books)
        close_march(d)
        now = at(4, 2) + timedelta(hours=hours)
        return {
            "overdue": d.billing.overdue_statements(now),
            "revenue": d.billing.revenue_and_cost("2026-03"),
            "revenue_april": d.billing.revenue_and_cost("2026-04"),
        }

    reference = run(MemoryStore())
    assert run(_emptied(store)) == reference


def test_the_handover_counts_beyond_the_rows_it_lists(store: Store) -> None:
    clock = Clock(at(3, 9, 9))
    d = billing_desk(store, clock)
    for n in range(5):
        d.handle(RegisterRequest(request_id=f"r-{n}", requester=resident(f"{n}-1"), need="x"))
        clock.advance(minutes=1)
    handover = d.queries.shift_handover(limit=3)
    assert [v.id.value for v in handover.open] == ["r-0", "r-1", "r-2"]
    assert handover.count == 5
    assert d.queries.shift_handover(limit=0).open == ()


def test_a_handover_refuses_a_limit_it_cannot_list(store: Store) -> None:
    d = billing_desk(store, Clock(at(3, 9, 9)))
    for limit in (-1, 1_001, "5", True):
        with pytest.raises(InvalidValue) as refused:
            d.queries.shift_handover(limit=limit)  # type: ignore[arg-type]
        assert refused.value.field == "limit"
