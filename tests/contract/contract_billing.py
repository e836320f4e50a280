"""Billing on any store: accounts, accepted jobs, charges, with the roles each step needs."""

from __future__ import annotations

from datetime import datetime

from contract_scenario import SHANGHAI, Clock, desk, published_item, worker

from servicedesk import (
    AcceptWork,
    Actor,
    ActorId,
    CompleteWork,
    Contact,
    Desk,
    DispatchRequest,
    RegisterRequest,
    Requester,
    Role,
    StartWork,
    TriageRequest,
)
from servicedesk.app.billing.commands import (
    AuditCharge,
    ConfirmCharge,
    OpenAccount,
    RecordCharge,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.values import RequesterKind
from servicedesk.testing import IN_PERSON
from support import DESK_CLERK

CASHIER = Actor(ActorId("c1"), "Cashier", {Role.CASHIER})
ASSISTANT = Actor(ActorId("a1"), "Assistant", {Role.ASSISTANT})


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def resident(unit: str, kind: RequesterKind = RequesterKind.OWNER) -> Requester:
    return Requester("Resident", unit, Contact("13800138000"), kind)


def billing_desk(store: Store, clock: Clock | None = None) -> Desk:
    """A desk with the tap item (30.00) published and worker w-1 on the books."""
    d = desk(store, clock)
    published_item(d)
    worker(d)
    return d


def open_account(d: Desk, unit: str, kind: RequesterKind = RequesterKind.OWNER) -> str:
    account = d.handle(OpenAccount(requester=resident(unit, kind))).id
    assert account is not None
    return account


def accepted(d: Desk, request_id: str, unit: str, kind: RequesterKind = RequesterKind.OWNER) -> str:
    d.handle(RegisterRequest(request_id=request_id, requester=resident(unit, kind), need="tap"))
    d.handle(TriageRequest(request_id=request_id, item_id="tap", urgency="ordinary"))
    d.handle(DispatchRequest(request_id=request_id, worker_id="w-1"))
    d.handle(StartWork(request_id=request_id))
    d.handle(CompleteWork(request_id=request_id))
    d.handle(
        AcceptWork(request_id=request_id, signed_by="Resident", evidence=IN_PERSON),
        actor=DESK_CLERK,
    )
    return request_id


def confirmed_charge(
    d: Desk,
    request_id: str,
    unit: str,
    kind: RequesterKind = RequesterKind.OWNER,
    *,
    audit: bool = True,
) -> str:
    """A tap repair for ``unit``, done, charged (30.00), confirmed and audited; the charge id."""
    accepted(d, request_id, unit, kind)
    charge = d.handle(RecordCharge(request_id=request_id)).id
    assert charge is not None
    d.handle(
        ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON), actor=DESK_CLERK
    )
    if audit:  # the month sums it, a deposit pays it
        d.handle(AuditCharge(charge_id=charge), actor=ASSISTANT)
    return charge
