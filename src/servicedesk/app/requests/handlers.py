"""Handlers of requests, work orders and workers, one function per command.

A handler runs inside one unit of work: it loads aggregates, asks the
policies what the organisation's rules say, and calls the aggregates'
methods; the aggregates enforce the invariants.  It returns the id of the
record it created or changed.  ``servicedesk.app.bootstrap`` names the
handler of every command.
"""

from __future__ import annotations

import logging

from servicedesk.app.context import Context
from servicedesk.app.requests import commands as c
from servicedesk.app.staff import duty
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.requests import ServiceRequest, Status
from servicedesk.domain.values import RequestId, WorkerId, WorkOrderId
from servicedesk.domain.visits import OutsideWindow, window_is_over
from servicedesk.domain.workers import Worker
from servicedesk.i18n import _

logger = logging.getLogger(__name__)

# --- workers -------------------------------------------------------------------------------------


def register_worker(cmd: c.RegisterWorker, ctx: Context) -> str:
    worker_id = cmd.worker_id or WorkerId(ctx.new_id())
    worker = Worker.register(worker_id, name=cmd.name, kind=cmd.kind, skills=cmd.skills, at=ctx.now)
    ctx.uow.workers.add(worker)
    return worker_id.value


def set_worker_availability(cmd: c.SetWorkerAvailability, ctx: Context) -> str:
    ctx.uow.workers.get(cmd.worker_id).set_available(cmd.available, at=ctx.now)
    return cmd.worker_id.value


# --- requests ------------------------------------------------------------------------------------


def register_request(cmd: c.RegisterRequest, ctx: Context) -> str:
    request_id = cmd.request_id or RequestId(ctx.new_id())
    if cmd.expected is not None and cmd.expected.end <= ctx.now:
        raise InvalidValue(
            _("The expected time is already past; ask the requester again."), code="request.invalid"
        )
    request = ServiceRequest.register(
        request_id,
        requester=cmd.requester,
        channel=cmd.channel,
        need=cmd.need,
        expected=cmd.expected,
        at=ctx.now,
    )
    ctx.uow.requests.add(request, drawn=cmd.request_id is None)
    return request_id.value


def triage_request(cmd: c.TriageRequest, ctx: Context) -> str:
    request = ctx.uow.requests.get(cmd.request_id)
    item = ctx.uow.items.get(cmd.item_id)
    fee = item.ensure_orderable()
    policies = ctx.policies
    calendar = policies.calendar()
    kind = policies.item_kind(item, request)
    request.triage(
        item_id=item.id,
        fee=fee,
        price=policies.price(item, request, cmd.quantity),
        item_kind=kind,
        urgency=cmd.urgency,
        deadline=policies.response_deadline(request, item, kind, cmd.urgency, calendar, ctx.now),
        dispatch_due=policies.dispatch_due(request, cmd.urgency, calendar, ctx.now),
        required_materials=item.required_materials,
        at=ctx.now,
    )
    return request.id.value


def decline_request(cmd: c.DeclineRequest, ctx: Context) -> str:
    ctx.uow.requests.get(cmd.request_id).decline(reason=cmd.reason, at=ctx.now)
    return cmd.request_id.value


def _choose_worker(
    request: ServiceRequest,
    ctx: Context,
    candidates: list[Worker] | None = None,
    loads: dict[WorkerId, int] | None = None,
    on_duty: duty.Duty | None = None,
) -> Worker | None:
    """The policy's pick among the workers the duty rules let go; a batch passes the workers,
    loads and duty it read once."""
    assert request.item_id is not None
    item = ctx.uow.items.get(request.item_id)
    if candidates is None:
        candidates = [w for w in ctx.uow.workers.list() if w.available]
    candidates = duty.fit_workers(ctx, item, candidates, on_duty)
    if loads is None:
        loads = ctx.uow.requests.open_orders_by_worker()
    return ctx.policies.dispatch_choice(request, item, candidates, loads, ctx.now)


def _dispatch(request: ServiceRequest, worker: Worker, ctx: Context) -> None:
    if not worker.available:
        raise IllegalTransition(
            _("Worker {id} is not available; choose another."),
            code="worker.illegal_transition",
            id=worker.id,
        )
    outside = _outside_window(request, ctx)
    if outside is OutsideWindow.REFUSE:
        raise IllegalTransition(
            _(
                "The requester expected the visit by {end}; call to agree a new window "
                "(RecordCallAhead) before dispatching request {id}."
            ),
            code="request.outside_window",
            id=request.id,
            end=request.expected.end.isoformat(timespec="minutes") if request.expected else "",
        )
    if outside is OutsideWindow.WARN:
        logger.warning("request %s dispatched after its expected window", request.id)
    request.dispatch(
        work_order_id=WorkOrderId(ctx.new_id()),
        worker_id=worker.id,
        at=ctx.now,
        outside_window=outside is not None,
    )


def _outside_window(request: ServiceRequest, ctx: Context) -> OutsideWindow | None:
    """What the policy does with a dispatch after the requester's expected window (rule
    requests.expected-window); ``None`` when it is not over."""
    if not window_is_over(request.expected, ctx.now):
        return None
    return ctx.policies.outside_expected_window(request)


def dispatch_request(cmd: c.DispatchRequest, ctx: Context) -> str:
    request = ctx.uow.requests.get(cmd.request_id)
    request.require_transition(Status.DISPATCHED, _("dispatched"))
    if cmd.worker_id is not None:
        worker = ctx.uow.workers.get(cmd.worker_id)
        if worker.available:
            assert request.item_id is not None
            duty.check_dispatch(ctx, request, worker, request.item_id)
    else:
        chosen = _choose_worker(request, ctx)
        if chosen is None:
            raise IllegalTransition(
                _("No available worker has the skills for request {id}."),
                code="request.illegal_transition",
                id=request.id,
            )
        worker = chosen
    _dispatch(request, worker, ctx)
    return request.id.value


def dispatch_due(cmd: c.DispatchDue, ctx: Context) -> str | None:
    """Urgent requests are due at once; ordinary ones at their batch time."""
    dispatched = 0
    due = ctx.uow.requests.list_due_for_dispatch(ctx.now)
    if not due:
        return "0"
    # Read the workers and their loads once for the batch, not once per request; each
    # dispatch in the batch adds to its worker's load, so the batch spreads its orders.
    candidates = [w for w in ctx.uow.workers.list() if w.available]
    loads = ctx.uow.requests.open_orders_by_worker()
    on_duty = duty.Duty.read(ctx)
    for request in due:
        if _outside_window(request, ctx) is OutsideWindow.REFUSE:
            continue  # left for the desk to call and agree a new window
        worker = _choose_worker(request, ctx, candidates, loads, on_duty)
        if worker is not None:
            _dispatch(request, worker, ctx)
            loads[worker.id] = loads.get(worker.id, 0) + 1
            dispatched += 1
    return str(dispatched)


def start_work(cmd: c.StartWork, ctx: Context) -> str:
    ctx.uow.requests.get(cmd.request_id).start(at=ctx.now)
    return cmd.request_id.value


def record_consent(cmd: c.RecordConsent, ctx: Context) -> str:
    ctx.uow.requests.get(cmd.request_id).record_consent(
        consent_id=cmd.consent_id,
        kind=cmd.kind,
        description=cmd.description,
        recorded_by=ctx.actor.id,
        amount=cmd.amount,
        at=ctx.now,
    )
    return cmd.request_id.value


def change_scope(cmd: c.ChangeScope, ctx: Context) -> str:
    ctx.uow.requests.get(cmd.request_id).change_scope(
        consent_id=cmd.consent_id, description=cmd.description, at=ctx.now
    )
    return cmd.request_id.value


def add_extra_fee(cmd: c.AddExtraFee, ctx: Context) -> str:
    ctx.uow.requests.get(cmd.request_id).add_extra_fee(
        consent_id=cmd.consent_id, amount=cmd.amount, description=cmd.description, at=ctx.now
    )
    return cmd.request_id.value


def complete_work(cmd: c.CompleteWork, ctx: Context) -> str:
    ctx.uow.requests.get(cmd.request_id).complete(notes=cmd.notes, at=ctx.now)
    return cmd.request_id.value


def accept_work(cmd: c.AcceptWork, ctx: Context) -> str:
    ctx.uow.requests.get(cmd.request_id).accept(signed_by=cmd.signed_by, at=ctx.now)
    return cmd.request_id.value


def reject_work(cmd: c.RejectWork, ctx: Context) -> str:
    ctx.uow.requests.get(cmd.request_id).reject(reason=cmd.reason, at=ctx.now)
    return cmd.request_id.value


def close_request(cmd: c.CloseRequest, ctx: Context) -> str:
    ctx.uow.requests.get(cmd.request_id).close(at=ctx.now)
    return cmd.request_id.value


def cancel_request(cmd: c.CancelRequest, ctx: Context) -> str:
    ctx.uow.requests.get(cmd.request_id).cancel(reason=cmd.reason, at=ctx.now)
    return cmd.request_id.value
