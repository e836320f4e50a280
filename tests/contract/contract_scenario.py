"""A day at a property service centre, in small steps the contract tests share."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from servicedesk import (
    Actor,
    ActorId,
    ApproveFee,
    Contact,
    Desk,
    FeeStandard,
    Money,
    ProposeItem,
    RegisterRequest,
    RegisterWorker,
    Requester,
    Role,
    TriageRequest,
)
from servicedesk.app.unit_of_work import Store

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)  # a working Monday
CENTRE_MANAGER = Actor(ActorId("wang"), "Wang", {Role.CENTRE_MANAGER})
BRANCH_MANAGER = Actor(ActorId("li"), "Li", {Role.BRANCH_MANAGER})
CLERK = Actor(ActorId("zhao"), "Zhao", {Role.CLERK})


class Clock:
    """The desk's clock, moved by the test."""

    def __init__(self, now: datetime = MONDAY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def desk(store: Store, clock: Clock | None = None) -> Desk:
    return Desk(store, clock=clock or Clock(), entry_points=False)


def published_item(d: Desk, item_id: str = "tap", price: str = "30.00") -> str:
    fee = FeeStandard.fixed(Money.of(price))
    d.handle(ProposeItem(item_id=item_id, name=f"Repair {item_id}", category="plumbing", fee=fee))
    d.handle(ApproveFee(item_id=item_id, role="centre_manager"), actor=CENTRE_MANAGER)
    d.handle(ApproveFee(item_id=item_id, role="branch_manager"), actor=BRANCH_MANAGER)
    return item_id


def worker(d: Desk, worker_id: str = "w-1") -> str:
    outcome = d.handle(RegisterWorker(worker_id=worker_id, name="Sun", skills={"plumbing"}))
    assert outcome.id == worker_id
    return worker_id


def register(d: Desk, request_id: str, need: str = "kitchen tap drips") -> str:
    requester = Requester("Chen", "3-502", Contact("13800138000"))
    outcome = d.handle(RegisterRequest(request_id=request_id, requester=requester, need=need))
    assert outcome.id == request_id
    return request_id


def triaged(d: Desk, request_id: str, urgency: str = "urgent", item_id: str = "tap") -> str:
    register(d, request_id)
    d.handle(TriageRequest(request_id=request_id, item_id=item_id, urgency=urgency))
    return request_id
