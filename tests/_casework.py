"""Shared set-up of the complaint, escalation and callback tests: a desk on a movable clock."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from servicedesk import (
    WIRING,
    AcceptWork,
    Actor,
    ActorId,
    ApproveFee,
    CompleteWork,
    Contact,
    Desk,
    DispatchRequest,
    FeeStandard,
    Money,
    ProposeItem,
    RegisterRequest,
    RegisterWorker,
    RejectWork,
    Requester,
    Role,
    StartWork,
    TriageRequest,
    Wiring,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLERK = Actor(ActorId("clerk-1"), "Clerk One", {Role.CLERK})
CLERK_2 = Actor(ActorId("clerk-2"), "Clerk Two", {Role.CLERK})
HEAD = Actor(ActorId("head-1"), "Head", {Role.DEPARTMENT_HEAD})
CENTRE = Actor(ActorId("wang"), "Wang", {Role.CENTRE_MANAGER})
BRANCH = Actor(ActorId("li"), "Li", {Role.BRANCH_MANAGER})


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def requester(n: int = 0) -> Requester:
    return Requester(f"Owner {n}", f"3-{500 + n}", Contact(f"138{n:08d}"))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_desk(
    now: datetime, plugins: tuple[object, ...] = (), wiring: Wiring = WIRING
) -> tuple[Desk, Clock, MemoryStore]:
    store = MemoryStore()
    clock = Clock(now)
    desk = Desk(store, wiring=wiring, plugins=plugins, clock=clock, entry_points=False)
    return desk, clock, store


def state(store: MemoryStore) -> Any:
    """Everything the store holds, to compare before and after a refused command."""
    tables = {kind: rows for kind, rows in store.tables.items() if rows}
    log = {key: events for key, events in store.log.items() if events}
    return copy.deepcopy((tables, log))


def published_item(desk: Desk, name: str = "Tap repair", category: str = "plumbing") -> str:
    item = desk.handle(
        ProposeItem(name=name, category=category, fee=FeeStandard.fixed(Money.of("30.00")))
    ).id
    assert item is not None
    desk.handle(ApproveFee(item_id=item, role="centre_manager"), actor=CENTRE)
    desk.handle(ApproveFee(item_id=item, role="branch_manager"), actor=BRANCH)
    return item


def worker(desk: Desk, worker_id: str = "w-1", skill: str = "plumbing") -> str:
    desk.handle(RegisterWorker(name="Zhang", skills={skill}, worker_id=worker_id))
    return worker_id


def registered_request(
    desk: Desk, who: Requester, item: str, request_id: str, urgency: str = "ordinary"
) -> str:
    """A request registered and triaged now: its response deadline runs."""
    desk.handle(RegisterRequest(requester=who, need="tap drips", request_id=request_id))
    desk.handle(TriageRequest(request_id=request_id, item_id=item, urgency=urgency))
    return request_id


def completed_job(
    desk: Desk, who: Requester, item: str, worker_id: str, request_id: str, *, rework: int = 0
) -> str:
    """A request taken through to the requester's acceptance, now (the clock's time)."""
    registered_request(desk, who, item, request_id)
    desk.handle(DispatchRequest(request_id=request_id, worker_id=worker_id))
    desk.handle(StartWork(request_id=request_id))
    for _ in range(rework):
        desk.handle(CompleteWork(request_id=request_id))
        desk.handle(
            RejectWork(request_id=request_id, reason="still drips", evidence=IN_PERSON),
            actor=DESK_CLERK,
        )
        desk.handle(StartWork(request_id=request_id))
    desk.handle(CompleteWork(request_id=request_id))
    desk.handle(
        AcceptWork(request_id=request_id, signed_by="Owner", evidence=IN_PERSON), actor=DESK_CLERK
    )
    return request_id
