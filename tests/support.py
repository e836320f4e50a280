"""Builders the tests share: actors, a hand-moved clock, a published item, a worker."""

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
    RegisterWorker,
    Requester,
    Role,
)
from servicedesk.adapters.memory import MemoryStore

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_0930 = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)

CENTRE_MANAGER = Actor(ActorId("cm-wang"), "Wang", {Role.CENTRE_MANAGER})
BRANCH_MANAGER = Actor(ActorId("bm-li"), "Li", {Role.BRANCH_MANAGER})
CLERK = Actor(ActorId("clerk-zhou"), "Zhou", {Role.CLERK})
ASSISTANT = Actor(ActorId("asst-sun"), "Sun", {Role.ASSISTANT})
#: The clerk who records the requester's word at the counter (``servicedesk.testing.IN_PERSON``
#: names him as its witness).
DESK_CLERK = Actor(ActorId("clerk"), "Clerk", {Role.CLERK})


class Clock:
    """A clock the test moves by hand; the desk reads it, the domain never does."""

    def __init__(self, start: datetime = MONDAY_0930) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


def requester(name: str = "Chen Jie", unit: str = "3-502", phone: str = "13800138000") -> Requester:
    return Requester(name, unit, Contact(phone))


def publish(
    desk: Desk,
    name: str = "Tap repair",
    category: str = "plumbing",
    fee: FeeStandard | None = None,
    **kwargs: object,
) -> str:
    """Propose an item and walk it through the default approval chain."""
    fee = fee or FeeStandard.fixed(Money.of("30.00"))
    item_id = desk.handle(ProposeItem(name=name, category=category, fee=fee, **kwargs)).id  # type: ignore[arg-type]
    assert item_id is not None
    desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)
    desk.handle(ApproveFee(item_id=item_id, role=Role.BRANCH_MANAGER), actor=BRANCH_MANAGER)
    return item_id


def hire(desk: Desk, name: str = "Zhang", skills: tuple[str, ...] = ("plumbing",)) -> str:
    worker_id = desk.handle(RegisterWorker(name=name, skills=frozenset(skills))).id
    assert worker_id is not None
    return worker_id


def snapshot(store: MemoryStore) -> dict[str, object]:
    """Everything the memory store holds, to compare before and after a refusal."""
    return store.snapshot()
