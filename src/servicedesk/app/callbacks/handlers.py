"""Callbacks (回访): planning the month's sample and recording what the requester said.

``PlanCallbacks`` draws, per service item, the sample the policy asks for out of the jobs the
requesters accepted that month; the draw is seeded (by default with the month itself), so
the same data and seed give the same sample, and it is kept as the month's ``CallbackPlan``
so nobody can draw twice.  ``RecordCallback`` records one call; a complaint raised during
the call is filed in the same transaction, so either both are stored or neither is.
"""

from __future__ import annotations

from collections import defaultdict
from random import Random

from servicedesk.app.callbacks.commands import PlanCallbacks, RecordCallback
from servicedesk.app.complaints.handlers import file_complaint_in, request_cases
from servicedesk.app.context import Context
from servicedesk.domain.callbacks import (
    Callback,
    CallbackPlan,
    CallbackPlanId,
    ItemDraw,
    Job,
    Month,
    requester_key,
)
from servicedesk.domain.complaints import CallbackId, ComplaintId
from servicedesk.domain.errors import IllegalTransition
from servicedesk.domain.requests import Channel
from servicedesk.domain.values import ItemId
from servicedesk.i18n import _


def _jobs_by_item(ctx: Context, month: Month) -> dict[ItemId, list[Job]]:
    start, end = month.bounds(ctx.policies.calendar().tz)
    jobs: dict[ItemId, list[Job]] = defaultdict(list)
    for request in request_cases(ctx.uow).list_accepted_between(start, end):
        assert request.item_id is not None
        job = Job(request.id, request.item_id, request.worker_id, requester_key(request.requester))
        jobs[request.item_id].append(job)
    return jobs


def plan_callbacks(cmd: PlanCallbacks, ctx: Context) -> str:
    """Returns the plan's id; the callbacks are listed by ``desk.quality.callbacks(month)``."""
    month, policies = cmd.month, ctx.policies
    plan_id = CallbackPlanId.of(month)
    if ctx.uow.callback_plans.find(plan_id) is not None:
        raise IllegalTransition(
            _("The callbacks of {month} are already planned."),
            code="callback.illegal_transition",
            month=month,
        )
    seed = cmd.seed if cmd.seed is not None else str(month)
    jobs_by_item = _jobs_by_item(ctx, month)
    sizes = {
        item: policies.callback_sample_size(item, len(jobs)) for item, jobs in jobs_by_item.items()
    }
    # Items with no choice (all their jobs are called) draw first, so that the items with a
    # choice can avoid the requesters those calls already reach.
    order = sorted(
        jobs_by_item, key=lambda item: (len(jobs_by_item[item]) - sizes[item], item.value)
    )
    called: set[str] = set()
    draws: list[ItemDraw] = []
    for item_id in order:
        jobs, size = jobs_by_item[item_id], sizes[item_id]
        rng = Random(f"{seed}/{item_id}")
        chosen = policies.callback_selection(item_id, jobs, size, rng, called)
        called.update(job.requester_key for job in chosen)
        draws.append(ItemDraw(item_id, len(jobs), tuple(job.request_id for job in chosen)))
        for job in chosen:
            callback_id = CallbackId(ctx.new_id())
            ctx.uow.callbacks.add(Callback.schedule(callback_id, month=month, job=job, at=ctx.now))
    draws.sort(key=lambda draw: draw.item_id.value)
    visits = [v for source in ctx.wiring.visit_sources for v in source(ctx.uow, month)]
    plan = CallbackPlan.plan(month, seed=seed, draws=draws, visits=visits, at=ctx.now)
    ctx.uow.callback_plans.add(plan)
    return plan.id.value


def record_callback(cmd: RecordCallback, ctx: Context) -> str:
    callback = ctx.uow.callbacks.get(cmd.callback_id)
    if not cmd.reached:
        retry = ctx.policies.callback_retry(callback)
        callback.record_not_reached(
            by=ctx.actor.id, retry=retry, calendar=ctx.policies.calendar(), at=ctx.now
        )
        return callback.id.value
    assert cmd.satisfaction is not None
    complaint_id: ComplaintId | None = None
    if cmd.complaint is not None:
        request = ctx.uow.requests.get(callback.job.request_id)
        complaint = file_complaint_in(
            ctx,
            ComplaintId(ctx.new_id()),
            complainant=request.requester,
            category=cmd.complaint.category,
            description=cmd.complaint.description,
            channel=Channel.CALLBACK,
            urgency=cmd.complaint.urgency,
            request_id=request.id,
            callback_id=callback.id,
        )
        complaint_id = complaint.id
    callback.record_reached(
        by=ctx.actor.id,
        satisfaction=cmd.satisfaction,
        scale=ctx.policies.satisfaction_scale(),
        remarks=cmd.remarks,
        complaint_id=complaint_id,
        at=ctx.now,
    )
    return callback.id.value
