"""A desk ready for billing tests: staff, a published catalogue, a clock you move.

``BillingScenario`` spares a test suite the twenty commands it takes to get a
request accepted and an account opened, so that tests (yours and ours) can
start where money starts.  Everything goes through ``Desk.handle`` on the
memory store, exactly as an embedding system would drive it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from servicedesk.adapters.memory import AUDIT, MemoryStore
from servicedesk.app.billing.commands import OpenAccount
from servicedesk.app.catalogue.commands import ApproveFee, ProposeItem
from servicedesk.app.desk import Desk
from servicedesk.app.requests.commands import (
    AcceptWork,
    AddExtraFee,
    CompleteWork,
    DispatchRequest,
    RecordConsent,
    RegisterRequest,
    RegisterWorker,
    StartWork,
    TriageRequest,
)
from servicedesk.domain.catalogue import FeeStandard
from servicedesk.domain.money import Money
from servicedesk.domain.requests import ConsentKind
from servicedesk.domain.values import (
    Actor,
    ActorId,
    Contact,
    EvidenceChannel,
    Requester,
    RequesterEvidence,
    RequesterKind,
    Role,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: A Monday morning in working hours, so triage deadlines are plain.
START = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)

#: The ids of the items every scenario publishes.
TAP_REPAIR = "tap-repair"  # fixed fee 30.00
WIRING = "wiring"  # labour and materials: needs an estimate before work
CLEANING = "cleaning"  # per square metre


SKILLS: Any = frozenset({"plumbing", "electrical", "cleaning"})

#: The requester's word given at the counter and witnessed by the scenario's clerk: what the
#: clerk records with a consent, an acceptance or a signature (rule
#: requests.requesters-own-acts).
IN_PERSON = RequesterEvidence(EvidenceChannel.IN_PERSON, witnessed_by=ActorId("clerk"))


def store_state(store: MemoryStore) -> Any:
    """A deep copy of the business records the memory store holds, for before/after comparisons.

    Tables a read merely touched (empty ones) are left out, so a refused command
    that only looked something up compares equal.  The audit trail is left out
    too: every command the desk handles, refused ones included, legitimately
    appends one audit record (see docs/records.md), so "nothing was stored"
    means no business record changed.  Check the trail itself with
    ``desk.records.trail()`` (``audit_trail_length`` counts it).
    """
    with store.lock:
        tables = {kind: dict(rows) for kind, rows in store.tables.items() if rows and kind != AUDIT}
        log = {key: list(events) for key, events in store.log.items() if events and key[0] != AUDIT}
        return copy.deepcopy((tables, log))


def audit_trail_length(store: MemoryStore) -> int:
    """How many audit records the store holds: one more after each command, refused or not."""
    with store.lock:
        return len(store.tables.get(AUDIT, {}))


class BillingScenario:
    """A property service centre on the memory store, with a clock the test moves."""

    def __init__(self, plugins: Iterable[object] = (), start: datetime = START) -> None:
        self.now = start
        self.store = MemoryStore()
        self.desk = Desk(self.store, plugins=plugins, clock=lambda: self.now, entry_points=False)
        self.clerk = Actor(ActorId("clerk"), "Clerk", {Role.CLERK})
        self.cashier = Actor(ActorId("cashier"), "Cashier", {Role.CASHIER})
        self.assistant = Actor(ActorId("assistant"), "Assistant", {Role.ASSISTANT})
        #: The scenario's one worker, acting under the id his work orders name.
        self.worker_actor = Actor(ActorId("w-1"), "Sun", {Role.WORKER})
        managers = (
            Actor(ActorId("centre-mgr"), "Centre manager", {Role.CENTRE_MANAGER}),
            Actor(ActorId("branch-mgr"), "Branch manager", {Role.BRANCH_MANAGER}),
        )
        fees = {
            TAP_REPAIR: ("Tap repair", "plumbing", FeeStandard.fixed(Money.of("30.00"))),
            WIRING: (
                "Wiring",
                "electrical",
                FeeStandard.labour_and_materials(Money.of("50.00")),
            ),
            CLEANING: (
                "Cleaning",
                "cleaning",
                FeeStandard.per_unit(Money.of("2.50"), "m²"),
            ),
        }
        for item_id, (name, category, fee) in fees.items():
            self.desk.handle(
                ProposeItem(item_id=item_id, name=name, category=category, fee=fee),
                actor=self.clerk,
            )
            for manager in managers:
                role = next(iter(manager.roles))
                self.desk.handle(ApproveFee(item_id=item_id, role=role), actor=manager)
        self.desk.handle(
            RegisterWorker(
                worker_id="w-1",
                name="Sun",
                skills=SKILLS,
            ),
            actor=self.clerk,
        )
        self._units = 0

    def advance(self, delta: timedelta) -> None:
        self.now = self.now + delta

    def move_to(self, at: datetime) -> None:
        if at < self.now:
            raise ValueError("the scenario's clock only moves forward")
        self.now = at

    @staticmethod
    def requester(unit: str, kind: RequesterKind = RequesterKind.OWNER) -> Requester:
        return Requester("Resident", unit, Contact("13800138000"), kind)

    def open_account(
        self, kind: RequesterKind = RequesterKind.OWNER, unit: str | None = None
    ) -> tuple[str, str]:
        """Open an account for a new unit (or ``unit``); returns (account id, unit)."""
        if unit is None:
            self._units += 1
            unit = f"{self._units}-101"
        account = self.desk.handle(
            OpenAccount(requester=self.requester(unit, kind)), actor=self.clerk
        ).id
        assert account is not None
        return account, unit

    def triaged_request(
        self,
        unit: str,
        kind: RequesterKind = RequesterKind.OWNER,
        item: str = TAP_REPAIR,
        quantity: str = "1",
    ) -> str:
        request = self.desk.handle(
            RegisterRequest(requester=self.requester(unit, kind), need="please fix it"),
            actor=self.clerk,
        ).id
        assert request is not None
        self.desk.handle(
            TriageRequest(request_id=request, item_id=item, quantity=quantity), actor=self.clerk
        )
        self.desk.handle(DispatchRequest(request_id=request, worker_id="w-1"), actor=self.clerk)
        return request

    def finish(self, request: str, extra_fee: Money | None = None) -> str:
        """Do the work of a triaged request and have it accepted; returns its id."""
        self.desk.handle(StartWork(request_id=request), actor=self.worker_actor)
        if extra_fee is not None:
            self.desk.handle(
                RecordConsent(
                    request_id=request,
                    consent_id="extra-1",
                    kind=ConsentKind.EXTRA_FEE,
                    description="replace the valve too",
                    amount=extra_fee,
                    evidence=IN_PERSON,
                ),
                actor=self.clerk,
            )
            self.desk.handle(
                AddExtraFee(
                    request_id=request,
                    consent_id="extra-1",
                    amount=extra_fee,
                    description="valve",
                ),
                actor=self.worker_actor,
            )
        self.desk.handle(CompleteWork(request_id=request), actor=self.worker_actor)
        self.desk.handle(
            AcceptWork(request_id=request, signed_by="Resident", evidence=IN_PERSON),
            actor=self.clerk,
        )
        return request

    def accepted_request(
        self,
        unit: str,
        kind: RequesterKind = RequesterKind.OWNER,
        item: str = TAP_REPAIR,
        extra_fee: Money | None = None,
    ) -> str:
        """A request of ``unit`` taken from registration to the requester's acceptance."""
        return self.finish(self.triaged_request(unit, kind, item), extra_fee)
