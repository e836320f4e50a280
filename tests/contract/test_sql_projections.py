"""The projection columns answer exactly what the aggregates answer.

The same random day of commands runs on the memory store (whose queries ask
the aggregates themselves) and on SQLite (whose queries read projection
columns); after every step, open, overdue and due-for-dispatch requests and
the workers' loads must agree, at several instants.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from contract_databases import wipe
from contract_scenario import Clock, desk, published_item, register, worker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk import (
    AcceptWork,
    CancelRequest,
    CloseRequest,
    CompleteWork,
    DeclineRequest,
    Desk,
    DispatchDue,
    DispatchRequest,
    RejectWork,
    StartWork,
    TriageRequest,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.domain.errors import ServiceDeskError
from servicedesk.testing import IN_PERSON

REQUESTS = ("r-0", "r-1", "r-2")
ACTIONS: dict[str, Any] = {
    "triage urgent": lambda r: TriageRequest(request_id=r, item_id="tap", urgency="urgent"),
    "triage ordinary": lambda r: TriageRequest(request_id=r, item_id="tap"),
    "dispatch": lambda r: DispatchRequest(request_id=r),
    "start": lambda r: StartWork(request_id=r),
    "complete": lambda r: CompleteWork(request_id=r),
    "reject": lambda r: RejectWork(request_id=r, reason="still drips", evidence=IN_PERSON),
    "accept": lambda r: AcceptWork(request_id=r, signed_by="Chen", evidence=IN_PERSON),
    "close": lambda r: CloseRequest(request_id=r),
    "cancel": lambda r: CancelRequest(request_id=r, reason="withdrawn"),
    "decline": lambda r: DeclineRequest(request_id=r, reason="not ours"),
    "dispatch due": lambda _r: DispatchDue(),
}
steps = st.lists(
    st.tuples(st.sampled_from(sorted(ACTIONS)), st.sampled_from(REQUESTS), st.integers(0, 150)),
    max_size=20,
)


def _answers(d: Desk, clock: Clock) -> list[Any]:
    answers: list[Any] = []
    with d.store.unit_of_work() as uow:
        for minutes in (0, 61, 60 * 24 * 3):
            at = clock.now + timedelta(minutes=minutes)
            answers.append([r.id.value for r in uow.requests.list_overdue(at)])
            answers.append([r.id.value for r in uow.requests.list_due_for_dispatch(at)])
        answers.append([r.id.value for r in uow.requests.list_open()])
        answers.append(
            sorted((k.value, n) for k, n in uow.requests.open_orders_by_worker().items())
        )
    return answers


def _run(d: Desk, command: Any) -> str:
    try:
        d.handle(command)
    except ServiceDeskError as error:
        return type(error).__name__
    return "ok"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
def test_sql_queries_agree_with_the_aggregates(
    tmp_path: Path, steps: list[tuple[str, str, int]]
) -> None:
    store = SqlStore(tmp_path / "projections.db")
    wipe(store)
    clock = Clock()
    desks = [desk(MemoryStore(), clock), desk(store, clock)]
    for d in desks:
        published_item(d)
        worker(d, "w-1")
        worker(d, "w-2")
        for request_id in REQUESTS:
            register(d, request_id)
    for action, request_id, minutes in steps:
        clock.advance(minutes=minutes)
        memory, sql = (_run(d, ACTIONS[action](request_id)) for d in desks)
        assert memory == sql, (action, request_id)
        assert _answers(desks[0], clock) == _answers(desks[1], clock), (action, request_id)
    store.close()
