"""Staff appraisal on every store: an appraisal's figures are those of the period's records.

Hypothesis draws a month of jobs for two workers (late, reworked, complained about, called
back with a score) and discipline notes inside and outside the month; on every store the
appraisal drawn for each worker must hold exactly the figures counted directly from what
was drawn (rule staff.appraisal-figures).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest
from contract_billing import ASSISTANT, at, billing_desk, resident
from contract_databases import wipe
from contract_scenario import Clock, published_item
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from servicedesk import Actor, ActorId, DecideAtWindow, Desk, ReceiveApplication, Role
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.appraisal.commands import (
    DrawAppraisal,
    RecordDisciplineNote,
    SignAppraisal,
)
from servicedesk.app.callbacks.commands import PlanCallbacks, RecordCallback
from servicedesk.app.complaints.commands import FileComplaint
from servicedesk.app.requests.commands import (
    AcceptWork,
    CompleteWork,
    DispatchRequest,
    RegisterRequest,
    RegisterWorker,
    RejectWork,
    StartWork,
    TriageRequest,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.appraisal import Appraisal, AppraisalId, AppraisalPeriod, Figures
from servicedesk.domain.errors import ConcurrencyConflict, IllegalTransition
from servicedesk.testing import IN_PERSON
from servicedesk.testing import hall as h
from support import DESK_CLERK

MANAGER = Actor(ActorId("cm-1"), "Manager", {Role.CENTRE_MANAGER})
WORKERS = ("w-1", "w-2")
CASES = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],
)

jobs = st.lists(
    st.fixed_dictionaries(
        {
            "item": st.sampled_from(("tap", "lamp")),
            "worker": st.sampled_from(WORKERS),
            "late": st.booleans(),
            "rework": st.booleans(),
            "complaint": st.booleans(),
            "score": st.none() | st.integers(1, 5),
        }
    ),
    max_size=5,
)
notes = st.lists(st.tuples(st.sampled_from(WORKERS), st.booleans()), max_size=4)


def _month(store: Store, drawn: list[dict[str, Any]], noted: list[tuple[str, bool]]) -> Desk:
    clock = Clock(at(3, 9, 9))
    d = billing_desk(store, clock)
    published_item(d, "lamp", "45.50")
    d.handle(RegisterWorker(name="Li", skills={"plumbing"}, worker_id="w-2"))
    for n, job in enumerate(drawn):
        request = f"r-{n}"
        d.handle(RegisterRequest(request_id=request, requester=resident(f"{n}-101"), need="drips"))
        d.handle(TriageRequest(request_id=request, item_id=job["item"], urgency="ordinary"))
        if job["late"]:
            # past the promise in working time, whatever hour or weekday the jobs before
            # brought the clock to (30 hours from a Thursday evening are not late)
            deadline = d.queries.request(request).deadline
            assert deadline is not None
            clock.now = deadline.due + timedelta(minutes=1)
        d.handle(DispatchRequest(request_id=request, worker_id=job["worker"]))
        d.handle(StartWork(request_id=request))
        if job["rework"]:
            d.handle(CompleteWork(request_id=request))
            reject = RejectWork(request_id=request, reason="still drips", evidence=IN_PERSON)
            d.handle(reject, actor=DESK_CLERK)
            d.handle(StartWork(request_id=request))
        d.handle(CompleteWork(request_id=request))
        accept = AcceptWork(request_id=request, signed_by="Resident", evidence=IN_PERSON)
        d.handle(accept, actor=DESK_CLERK)
        if job["complaint"]:
            d.handle(
                FileComplaint(
                    complainant=resident(f"{n}-101"),
                    category="timeliness",
                    description="late",
                    request_id=request,
                )
            )
        clock.advance(minutes=11)
    for staff, in_march in noted:
        if in_march:
            d.handle(RecordDisciplineNote(staff=staff, note="late for duty"), actor=MANAGER)
    clock.now = at(4, 1, 10)
    for staff, in_march in noted:
        if not in_march:  # April's: not March's appraisal
            d.handle(RecordDisciplineNote(staff=staff, note="late for duty"), actor=MANAGER)
    d.handle(PlanCallbacks(month="2026-03", seed="contract"))
    scores = {f"r-{n}": job["score"] for n, job in enumerate(drawn)}
    for callback in d.quality.callbacks("2026-03"):
        score = scores.get(str(callback.request_id))
        record = RecordCallback(
            callback_id=callback.id, reached=score is not None, satisfaction=score
        )
        d.handle(record, actor=ASSISTANT)
    return d


def _expected(drawn: list[dict[str, Any]], noted: list[tuple[str, bool]], staff: str) -> Figures:
    mine = [job for job in drawn if job["worker"] == staff]
    reached = [job for job in mine if job["score"] is not None]
    return Figures(
        jobs=len(mine),
        on_time=sum(not job["late"] for job in mine),
        first_time_fix=sum(not job["rework"] for job in mine),
        complaints=sum(job["complaint"] for job in mine),
        callbacks_reached=len(reached),
        satisfied=sum(job["score"] >= 4 for job in reached),
        discipline_notes=sum(1 for who, in_march in noted if who == staff and in_march),
    )


def _emptied(store: Store) -> Store:
    if isinstance(store, SqlStore):
        wipe(store)
        return store
    return MemoryStore()


@CASES
@given(drawn=jobs, noted=notes)
def test_an_appraisals_figures_are_those_of_the_periods_records(
    store: Store, drawn: list[dict[str, Any]], noted: list[tuple[str, bool]]
) -> None:
    d = _month(_emptied(store), drawn, noted)
    for staff in WORKERS:
        drawn_id = d.handle(DrawAppraisal(staff=staff, period="2026-03"), actor=ASSISTANT).id
        assert drawn_id is not None
        assert d.appraisal.appraisal(drawn_id).figures == _expected(drawn, noted, staff)
    report = d.appraisal.report("2026-03")
    assert [v.staff.value for v in report.appraisals] == list(WORKERS)
    assert sum(report.results.values()) == 2 == report.unsigned


def test_an_appraisal_is_saved_found_rebuilt_and_signed_once(store: Store) -> None:
    d = _month(store, [], [("w-1", True)])
    drawn = d.handle(DrawAppraisal(staff="w-1", period="2026-03"), actor=ASSISTANT).id
    d.handle(SignAppraisal(appraisal_id=drawn, remarks="fine"), actor=MANAGER)
    with pytest.raises(IllegalTransition):
        d.handle(SignAppraisal(appraisal_id=drawn), actor=MANAGER)
    with store.reading() as uow:
        appraisal = uow.appraisals.get(AppraisalId(drawn))
        assert uow.appraisals.of_staff(ActorId("w-1")) == [appraisal]
        assert uow.appraisals.of_staff(ActorId("w-2")) == []
        assert uow.appraisals.of_period(AppraisalPeriod.parse("2026-03")) == [appraisal]
        assert uow.appraisals.of_period(AppraisalPeriod.parse("2026-04")) == []
        history = uow.events.history("appraisal", appraisal.id)
        rebuilt = Appraisal.replay(appraisal.id, history)
        assert attrs.evolve(rebuilt, version=appraisal.version) == appraisal
        start, end = AppraisalPeriod.parse("2026-03").bounds(at(3, 1).tzinfo)  # type: ignore[arg-type]
        assert uow.appraisal_reports.discipline_notes(ActorId("w-1"), start, end) == 1
        assert len(uow.discipline_notes.of_staff(ActorId("w-1"), start, end)) == 1
    assert d.records.verify().ok


def test_the_hall_items_a_person_concluded_are_counted_by_the_store(store: Store) -> None:
    class HallClock:
        now: datetime = h.MORNING

        def __call__(self) -> datetime:
            return self.now

    clock = HallClock()
    d = Desk(store, clock=clock, entry_points=False)
    h.open_hall(d)
    for n in range(3):
        d.handle(
            ReceiveApplication(
                application_id=f"app-{n}",
                item_id=h.IMMEDIATE,
                applicant=h.applicant(),
                window_id="A",
                presented=("id_card",),
            ),
            actor=h.clerk("clerk-a"),
        )
        if n < 2:
            d.handle(
                DecideAtWindow(
                    application_id=f"app-{n}", outcome="approved", document_number=f"D{n}"
                ),
                actor=h.clerk("clerk-a"),
            )
    clock.now = at(6, 1)
    for staff, count in (("clerk-a", 2), ("clerk-b", 0)):
        drawn = d.handle(DrawAppraisal(staff=staff, period="2026-05"), actor=ASSISTANT).id
        assert drawn is not None
        assert d.appraisal.appraisal(drawn).figures.hall_items == count
    assert [v.staff.value for v in d.appraisal.report("2026-05", "civil").appraisals] == [
        "clerk-a",
        "clerk-b",
    ]


def _appraisal_of(staff: str) -> Appraisal:
    from servicedesk.domain.appraisal import DEFAULT_SCALE, PASS

    return Appraisal.draw(
        staff=ActorId(staff),
        period=AppraisalPeriod.parse("2026-03"),
        department_id=None,
        figures=Figures(),
        result=PASS,
        scale=DEFAULT_SCALE,
        by=ActorId("a1"),
        at=at(4, 1),
    )


# SQLite lets one writer in at a time: there two units of work cannot both draw.
@pytest.mark.parametrize("store", ["memory", "postgresql", "mariadb"], indirect=True)
def test_two_draws_of_one_appraisal_at_once_conflict(store: Store) -> None:
    """rule staff.appraisal-figures: one appraisal per person and period, by its key."""
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        for uow in (first, second):
            assert uow.appraisals.find(AppraisalId("w-1:2026-03")) is None
            uow.appraisals.add(_appraisal_of("w-1"))
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with store.reading() as uow:
        assert len(uow.appraisals.of_staff(ActorId("w-1"))) == 1
