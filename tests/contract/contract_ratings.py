"""An accepted job to rate, on any store: the contract and the race tests start from it."""

from __future__ import annotations

from contract_scenario import CLERK, Clock, desk, published_item, triaged, worker

from servicedesk import AcceptWork, CompleteWork, Desk, DispatchRequest, StartWork
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.values import Actor, ActorId, Role
from servicedesk.testing import IN_PERSON

MANAGER = Actor(ActorId("wang"), "Wang", {Role.CENTRE_MANAGER})


def accepted_jobs(store: Store, clock: Clock, *request_ids: str, worker_id: str = "w-1") -> Desk:
    """A desk on ``store`` whose jobs ``request_ids`` are done and accepted by w-1's hand."""
    d = desk(store, clock)
    published_item(d)
    worker(d, worker_id)
    for request_id in request_ids:
        triaged(d, request_id)
        d.handle(DispatchRequest(request_id=request_id, worker_id=worker_id))
        d.handle(StartWork(request_id=request_id))
        d.handle(CompleteWork(request_id=request_id))
        accept = AcceptWork(request_id=request_id, signed_by="Owner", evidence=IN_PERSON)
        d.handle(accept, actor=CLERK)
    return d
