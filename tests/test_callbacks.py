"""Callbacks: the monthly sample per item, reproducible; what the caller reports; retries."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _casework import CLERK, Clock, make_desk, requester, sh, state
from servicedesk import WIRING, Channel, Desk, FeeStandard, Money, Urgency
from servicedesk.adapters.memory import MemoryStore
from servicedesk.app.callbacks.commands import PlanCallbacks, RaisedComplaint, RecordCallback
from servicedesk.app.unit_of_work import UnitOfWork
from servicedesk.domain.callbacks import (
    Callback,
    CallbackPlanId,
    CallbackStatus,
    Job,
    Month,
    RetryPolicy,
    ScheduledVisit,
)
from servicedesk.domain.complaints import ComplaintStatus
from servicedesk.domain.errors import (
    IllegalTransition,
    InvalidValue,
    NotFound,
    PolicyError,
    ServiceDeskError,
)
from servicedesk.domain.requests import Deadline, ServiceRequest
from servicedesk.domain.values import ItemId, RequestId, WorkerId, WorkOrderId
from servicedesk.policies import hookimpl

MARCH = Month(2026, 3)
APRIL_FIRST = sh(2026, 4, 1, 9, 30)
H = timedelta(hours=1)

JobSpec = tuple[str, str, int]  # item id, request id, requester number


def seed_jobs(store: MemoryStore, jobs: Iterable[JobSpec], at: datetime) -> None:
    """Accepted jobs straight through the domain: the sampling tests need many, quickly."""
    with store.unit_of_work() as uow:
        for item, request_id, who in jobs:
            request = ServiceRequest.register(
                RequestId(request_id),
                requester=requester(who),
                channel=Channel.FRONT_DESK,
                need="tap drips",
                at=at,
            )
            request.triage(
                item_id=ItemId(item),
                fee=FeeStandard.fixed(Money.of("30.00")),
                price=Money.of("30.00"),
                item_kind=None,
                urgency=Urgency.ORDINARY,
                deadline=Deadline(at + 4 * H),
                dispatch_due=at,
                required_materials=(),
                at=at,
            )
            request.dispatch(
                work_order_id=WorkOrderId(f"wo-{request_id}"), worker_id=WorkerId("w-1"), at=at
            )
            request.start(at=at)
            request.complete(at=at)
            request.accept(signed_by="Owner", at=at)
            uow.requests.add(request)
        uow.commit()


def plan(desk: Desk, month: str = "2026-03", seed: str | None = None) -> dict[str, list[str]]:
    """Plan the month; the drawn request ids per item."""
    desk.handle(PlanCallbacks(month=month, seed=seed), actor=CLERK)
    with desk.store.unit_of_work() as uow:
        stored = uow.callback_plans.get(CallbackPlanId.of(Month.parse(month)))
    return {str(d.item_id): sorted(str(r) for r in d.drawn) for d in stored.draws}


def spec_for(counts: Sequence[int]) -> list[JobSpec]:
    """``counts[i]`` jobs of item i, every job for a different requester."""
    jobs, who = [], 0
    for i, count in enumerate(counts):
        for k in range(count):
            jobs.append((f"item-{i}", f"r-{i}-{k}", who))
            who += 1
    return jobs


# -- the sample ----------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=4))
def test_each_item_gets_five_callbacks_or_all_its_jobs_if_fewer(counts: list[int]) -> None:
    desk, _, store = make_desk(APRIL_FIRST)
    seed_jobs(store, spec_for(counts), sh(2026, 3, 10, 10))
    drawn = plan(desk)
    for i, count in enumerate(counts):
        picked = drawn.get(f"item-{i}", [])
        assert len(picked) == min(count, 5)
        assert set(picked) <= {f"r-{i}-{k}" for k in range(count)}
    callbacks = desk.quality.callbacks(MARCH)
    assert len(callbacks) == sum(min(c, 5) for c in counts)
    assert all(c.status is CallbackStatus.OPEN for c in callbacks)


class TenPercentAtLeastThree:
    @hookimpl
    def servicedesk_callback_sample_size(self, item_id: ItemId, completed: int) -> int:
        return min(completed, max(3, math.ceil(completed / 10)))


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=45))
def test_a_plugin_saying_ten_percent_with_a_minimum_of_three_is_obeyed(n: int) -> None:
    desk, _, store = make_desk(APRIL_FIRST, plugins=(TenPercentAtLeastThree(),))
    seed_jobs(store, spec_for([n]), sh(2026, 3, 10, 10))
    drawn = plan(desk)
    assert len(drawn.get("item-0", [])) == min(n, max(3, math.ceil(n / 10)))


def test_the_draw_is_reproducible_from_its_seed() -> None:
    jobs = spec_for([9, 7])
    samples = []
    for order in (jobs, list(reversed(jobs))):  # the store's listing order does not matter
        desk, _, store = make_desk(APRIL_FIRST)
        seed_jobs(store, order, sh(2026, 3, 10, 10))
        samples.append(plan(desk, seed="audit-7"))
    assert samples[0] == samples[1]
    others = []
    for seed in ("a", "b", "c", "d"):
        desk, _, store = make_desk(APRIL_FIRST)
        seed_jobs(store, jobs, sh(2026, 3, 10, 10))
        others.append(plan(desk, seed=seed))
    assert any(other != samples[0] for other in others)  # the seed does decide


def test_the_default_seed_is_the_month_and_it_is_recorded() -> None:
    desk, _, store = make_desk(APRIL_FIRST)
    seed_jobs(store, spec_for([9]), sh(2026, 3, 10, 10))
    default = plan(desk)
    with desk.store.unit_of_work() as uow:
        assert uow.callback_plans.get(CallbackPlanId.of(MARCH)).seed == "2026-03"
    desk, _, store = make_desk(APRIL_FIRST)
    seed_jobs(store, spec_for([9]), sh(2026, 3, 10, 10))
    assert plan(desk, seed="2026-03") == default


@pytest.mark.parametrize("seed", ["s1", "s2", "s3", "s4", "s5"])
def test_a_requester_is_not_called_twice_a_month_where_it_can_be_avoided(seed: str) -> None:
    # Requester 0 has the only job of item-z (so must be called) and one job of item-a,
    # where five other requesters are available: item-a's sample avoids requester 0, although
    # item-a comes first by name.
    jobs = [("item-a", "r-a-0", 0), *(("item-a", f"r-a-{k}", k) for k in range(1, 6))]
    jobs.append(("item-z", "r-z-0", 0))
    desk, _, store = make_desk(APRIL_FIRST)
    seed_jobs(store, jobs, sh(2026, 3, 10, 10))
    drawn = plan(desk, seed=seed)
    assert drawn["item-z"] == ["r-z-0"]
    assert drawn["item-a"] == [f"r-a-{k}" for k in range(1, 6)]


def test_a_requester_is_called_twice_when_it_cannot_be_avoided() -> None:
    desk, _, store = make_desk(APRIL_FIRST)
    seed_jobs(store, [("item-a", "r-a", 0), ("item-b", "r-b", 0)], sh(2026, 3, 10, 10))
    assert plan(desk) == {"item-a": ["r-a"], "item-b": ["r-b"]}


def test_only_jobs_accepted_in_the_month_are_drawn() -> None:
    desk, _, store = make_desk(APRIL_FIRST)
    seed_jobs(store, [("item-a", "r-feb", 1)], sh(2026, 2, 28, 23, 59))
    seed_jobs(store, [("item-a", "r-mar", 2)], sh(2026, 3, 1, 0, 0))
    seed_jobs(store, [("item-a", "r-apr", 3)], sh(2026, 4, 1, 0, 0))
    assert plan(desk) == {"item-a": ["r-mar"]}


def test_a_month_is_planned_once_and_a_second_draw_stores_nothing() -> None:
    desk, _, store = make_desk(APRIL_FIRST)
    seed_jobs(store, spec_for([3]), sh(2026, 3, 10, 10))
    plan(desk)
    before = state(store)
    with pytest.raises(IllegalTransition, match="already planned"):
        desk.handle(PlanCallbacks(month="2026-03", seed="other"))
    assert state(store) == before


def test_agreement_visits_come_in_through_the_hook_point() -> None:
    def visits(uow: UnitOfWork, month: Month) -> list[ScheduledVisit]:
        return [ScheduledVisit("agr-1", month.first_day().replace(day=15), "garden")]

    desk, _, _ = make_desk(APRIL_FIRST, wiring=attrs.evolve(WIRING, visit_sources=(visits,)))
    desk.handle(PlanCallbacks(month="2026-03"))
    with desk.store.unit_of_work() as uow:
        [visit] = uow.callback_plans.get(CallbackPlanId.of(MARCH)).visits
    assert visit.agreement_id == "agr-1"


class TooMany:
    @hookimpl
    def servicedesk_callback_sample_size(self, item_id: ItemId, completed: int) -> int:
        return completed + 1


class Duplicates:
    @hookimpl
    def servicedesk_callback_selection(
        self, item_id: ItemId, jobs: Sequence[Job], size: int, rng: object, called: object
    ) -> list[Job]:
        return [jobs[0]] * size


@pytest.mark.parametrize("plugin", [TooMany(), Duplicates()])
def test_a_sampling_plugin_returning_garbage_is_a_policy_error(plugin: object) -> None:
    desk, _, store = make_desk(APRIL_FIRST, plugins=(plugin,))
    seed_jobs(store, spec_for([4]), sh(2026, 3, 10, 10))
    before = state(store)
    with pytest.raises(PolicyError):
        desk.handle(PlanCallbacks(month="2026-03"))
    assert state(store) == before


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "March", "2026-3", "2026-03\n", "1999-12"])
def test_a_month_that_is_not_a_month_is_refused(month: str) -> None:
    with pytest.raises(InvalidValue):
        PlanCallbacks(month=month)


# -- recording the call --------------------------------------------------------------------------


def planned(n: int = 1, plugins: tuple[object, ...] = ()) -> tuple[Desk, Clock, MemoryStore, str]:
    desk, clock, store = make_desk(APRIL_FIRST, plugins)
    seed_jobs(store, spec_for([n]), sh(2026, 3, 10, 10))
    desk.handle(PlanCallbacks(month="2026-03"))
    return desk, clock, store, str(desk.quality.callbacks(MARCH)[0].id)


def test_a_reached_callback_records_score_and_remarks() -> None:
    desk, _, _, callback = planned()
    desk.handle(
        RecordCallback(callback_id=callback, reached=True, satisfaction=5, remarks="quick"),
        actor=CLERK,
    )
    [view] = desk.quality.callbacks(MARCH)
    assert (view.status, view.satisfaction, view.remarks, view.attempts) == (
        CallbackStatus.REACHED,
        5,
        "quick",
        1,
    )


def test_an_unreached_callback_stays_open_until_the_retry_policy_ends_it() -> None:
    desk, clock, store, callback = planned()
    not_reached = RecordCallback(callback_id=callback, reached=False)
    desk.handle(not_reached, actor=CLERK)
    [view] = desk.quality.callbacks(MARCH)
    assert view.status is CallbackStatus.OPEN
    assert view.next_attempt_at == sh(2026, 4, 1, 14, 30)  # 4 working hours, lunch skipped
    clock.now = sh(2026, 4, 1, 14)
    before = state(store)
    with pytest.raises(IllegalTransition, match="tried again"):
        desk.handle(not_reached, actor=CLERK)  # too soon: the tries are spaced by the policy
    assert state(store) == before
    clock.now = sh(2026, 4, 1, 15)
    desk.handle(not_reached, actor=CLERK)
    [view] = desk.quality.callbacks(MARCH)
    assert (view.status, view.next_attempt_at) == (CallbackStatus.OPEN, sh(2026, 4, 2, 11))
    clock.now = sh(2026, 4, 2, 11)
    desk.handle(not_reached, actor=CLERK)
    [view] = desk.quality.callbacks(MARCH)
    assert view.status is CallbackStatus.UNREACHED
    assert view.attempts == 3
    assert view.satisfaction is None  # nobody claims the requester was reached
    assert "retry policy" in view.ended_reason
    before = state(store)
    with pytest.raises(IllegalTransition):
        desk.handle(RecordCallback(callback_id=callback, reached=True, satisfaction=5))
    assert state(store) == before


class OneTry:
    @hookimpl
    def servicedesk_callback_retry(self, callback: Callback) -> RetryPolicy:
        return RetryPolicy(attempts=1, wait=H)


def test_the_retry_policy_is_the_organisations() -> None:
    desk, _, _, callback = planned(plugins=(OneTry(),))
    desk.handle(RecordCallback(callback_id=callback, reached=False), actor=CLERK)
    assert desk.quality.callbacks(MARCH)[0].status is CallbackStatus.UNREACHED


def test_a_complaint_raised_in_a_callback_becomes_a_complaint() -> None:
    desk, _, _, callback = planned()
    raised = RaisedComplaint(category="service_quality", description="the tap drips again")
    outcome = desk.handle(
        RecordCallback(callback_id=callback, reached=True, satisfaction=2, complaint=raised),
        actor=CLERK,
    )
    [view] = desk.quality.callbacks(MARCH)
    assert view.complaint_id is not None
    complaint = desk.complaints.complaint(view.complaint_id)
    assert complaint.channel is Channel.CALLBACK
    assert complaint.callback_id == view.id
    assert (complaint.request_id, complaint.item_id) == (view.request_id, view.item_id)
    assert complaint.worker_id == WorkerId("w-1")
    assert complaint.owner == CLERK.id
    assert complaint.status is ComplaintStatus.FILED
    names = [type(e).__name__ for e in outcome.events]
    assert "ComplaintFiled" in names
    assert "CallbackReached" in names


@pytest.mark.parametrize(
    "command",
    [
        lambda cb: RecordCallback(callback_id=cb, reached=True, satisfaction=9),
        lambda cb: RecordCallback(callback_id=cb, reached=True, satisfaction=0),
        lambda cb: RecordCallback(
            callback_id=cb,
            reached=True,
            satisfaction=2,
            complaint=RaisedComplaint(category="weather", description="rain"),
        ),
        lambda cb: RecordCallback(callback_id="no-such-callback", reached=False),
    ],
)
def test_a_refused_callback_record_stores_nothing_not_even_the_complaint(
    command: object,
) -> None:
    desk, _, store, callback = planned()
    before = state(store)
    with pytest.raises(ServiceDeskError) as caught:
        desk.handle(command(callback), actor=CLERK)  # type: ignore[operator]
    assert isinstance(caught.value, (InvalidValue, NotFound))
    assert state(store) == before


@pytest.mark.parametrize(
    "fields",
    [
        {"reached": True},  # a reached callback has a score
        {"reached": False, "satisfaction": 3},  # an unreached one has none
        {"reached": False, "complaint": RaisedComplaint(category="other", description="x")},
    ],
)
def test_an_inconsistent_callback_record_is_refused_when_built(fields: dict[str, object]) -> None:
    with pytest.raises(InvalidValue):
        RecordCallback(callback_id="cb-1", **fields)  # type: ignore[arg-type]
