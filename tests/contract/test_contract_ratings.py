"""Public ratings on every store: once per service, the month's figures, overdue follow-ups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from contract_databases import wipe
from contract_ratings import MANAGER, accepted_jobs
from contract_scenario import CLERK, Clock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk import (
    Actor,
    ActorId,
    CallNext,
    ConcurrencyConflict,
    DecideAtWindow,
    Desk,
    FinishNumber,
    GiveRating,
    IllegalTransition,
    RatingLevel,
    ReceiveApplication,
    TakeNumber,
    VisitId,
    WorkingBudget,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.callbacks import Month
from servicedesk.domain.ratings import (
    FollowUpTerms,
    RatedService,
    Rating,
    RatingChannel,
    RatingId,
    RatingScale,
    ServiceKind,
)
from servicedesk.policies.default import PropertyCentreDefaults
from servicedesk.testing import IN_PERSON
from servicedesk.testing import hall as h

L = RatingLevel
CALENDAR = PropertyCentreDefaults().servicedesk_calendar()


def own(request_id: str) -> Actor:
    return Actor.requester(f"app-{request_id}", "Chen", acts_for={request_id})


def test_ratings_rated_once_and_counted_per_item_and_staff(store: Store) -> None:
    clock = Clock()
    d = accepted_jobs(store, clock, "r-1", "r-2", "r-3")
    clock.advance(hours=1)
    d.handle(GiveRating(request_id="r-1", level="very_satisfied", channel="app"), actor=own("r-1"))
    d.handle(
        GiveRating(request_id="r-2", level="dissatisfied", channel="in_person", evidence=IN_PERSON),
        actor=CLERK,
    )
    d.handle(GiveRating(request_id="r-3", level="satisfied", channel="sms_link"), actor=own("r-3"))
    with pytest.raises(IllegalTransition, match="rated once"):
        d.handle(GiveRating(request_id="r-1", level="satisfied", channel="app"), actor=own("r-1"))
    report = d.ratings.report("2026-03", actor=MANAGER)
    assert report.total.total == 3
    assert dict(report.total.counts) == {
        L.VERY_SATISFIED: 1,
        L.SATISFIED: 1,
        L.BASICALLY_SATISFIED: 0,
        L.DISSATISFIED: 1,
        L.VERY_DISSATISFIED: 0,
    }
    assert report.by_item["tap"].satisfaction_rate == Decimal("0.6667")
    assert report.by_staff["w-1"].bad == 1
    assert (report.by_window, report.by_department) == ({}, {})
    staff = d.ratings.staff("w-1", "2026-03", actor=MANAGER)
    assert (staff.total, staff.satisfied, staff.satisfaction_rate) == (3, 2, Decimal("0.6667"))
    assert d.ratings.report("2026-04", actor=MANAGER).total.total == 0
    # the follow-up of r-2's bad rating runs 3 working days: overdue a week later only
    assert d.ratings.overdue_follow_ups(actor=MANAGER) == []
    clock.advance(days=7)
    overdue = d.ratings.overdue_follow_ups(actor=MANAGER)
    assert [v.id for v in overdue] == [RatingId("job:r-2")]
    assert overdue[0].service.staff_id == "w-1"


def test_ratings_a_second_rating_of_a_service_breaks_the_stores_unique_key(store: Store) -> None:
    """Whatever its id: the key is the service rated (rule ratings.once-per-service)."""
    clock = Clock()
    d = accepted_jobs(store, clock, "r-1")
    clock.advance(hours=1)
    d.handle(GiveRating(request_id="r-1", level="satisfied", channel="app"), actor=own("r-1"))
    with store.unit_of_work() as uow:
        first = uow.ratings.get(RatingId("job:r-1"))
    twin = type(first).give(
        first.service,
        level=L.SATISFIED,
        channel=first.channel,
        by=first.rated_by,
        by_requester=True,
        evidence=None,
        scale=RatingScale(),
        zone=d.policies.calendar().tz,
        at=clock.now + timedelta(minutes=1),
    )
    twin.id = RatingId("job:r-1-again")
    with store.unit_of_work() as uow:
        uow.ratings.add(twin)
        with pytest.raises(ConcurrencyConflict):
            uow.commit()
    assert d.ratings.report("2026-03", actor=MANAGER).total.total == 1


def test_ratings_of_a_hall_counted_per_window_and_department(store: Store) -> None:
    clock = Clock(h.MORNING)
    d = Desk(store, clock=clock, entry_points=False)
    h.open_hall(d)
    number = d.handle(TakeNumber(item_id=h.PROMISED)).id
    assert number is not None
    d.handle(CallNext(window_id="B"), actor=h.clerk("clerk-b"))
    clock.advance(minutes=5)
    d.handle(FinishNumber(window_id="B"), actor=h.clerk("clerk-b"))
    visit = VisitId.of(date(2026, 5, 11), number).value
    received = ReceiveApplication(
        item_id=h.IMMEDIATE, applicant=h.applicant(), window_id="A", presented=("id_card",)
    )
    application = d.handle(received, actor=h.clerk("clerk-a")).id
    assert application is not None
    decide = DecideAtWindow(application_id=application, document_number="R-1")
    d.handle(decide, actor=h.clerk("clerk-a"))
    clock.advance(minutes=10)
    visitor = Actor.requester("qr-1", "Visitor", acts_for={visit})
    d.handle(GiveRating(visit_id=visit, level="satisfied", channel="qr_code"), actor=visitor)
    applicant = Actor.requester("app-li", "Li", acts_for={application})
    d.handle(
        GiveRating(application_id=application, level="very_dissatisfied", channel="sms_link"),
        actor=applicant,
    )
    report = d.ratings.report("2026-05", actor=MANAGER)
    assert sorted(report.by_window) == ["A", "B"]
    # window A is comprehensive: the application counts for its guide's first department
    assert report.by_department["civil"].total == 2
    assert report.by_staff["clerk-a"].bad == 1
    assert report.by_staff["clerk-b"].satisfaction_rate == Decimal("1.0000")
    view = d.ratings.rating(f"application:{application}", actor=applicant)
    assert view.follow_up is not None
    assert view.follow_up.owner == ActorId("civil-head")


# --- the SQL GROUP BY answers what the memory store counts ---------------------------------------

KEYS = st.sampled_from([None, "a", "b"])


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(KEYS, KEYS, KEYS, KEYS, st.sampled_from(list(RatingLevel)), st.integers(0, 40)),
        max_size=15,
    )
)
def test_ratings_counts_in_sql_equal_the_memory_stores(
    sql_store: SqlStore, given_ratings: list[tuple[Any, ...]]
) -> None:
    wipe(sql_store)
    memory = MemoryStore()
    zone = ZoneInfo("Asia/Shanghai")
    for store in (memory, sql_store):
        with store.unit_of_work() as uow:
            for n, (item, window, department, staff, level, day) in enumerate(given_ratings):
                at = datetime(2026, 3, 20, 2, 0, tzinfo=UTC) + timedelta(days=day)
                service = RatedService(
                    kind=ServiceKind.JOB,
                    service_id=f"r-{n}",
                    item_id=item,
                    window_id=window,
                    department_id=department,
                    staff_id=staff,
                    served_at=at,
                )
                terms = FollowUpTerms(ActorId("head"), WorkingBudget.working_days(3))
                rating = Rating.give(
                    service,
                    level=level,
                    channel=RatingChannel.APP,
                    by=ActorId(f"app-{n}"),
                    by_requester=True,
                    evidence=None,
                    scale=RatingScale(),
                    zone=zone,
                    at=at,
                    follow_up=terms,
                    calendar=CALENDAR,
                )
                uow.ratings.add(rating)
            uow.commit()

    def counted(store: Store, month: str, staff: str | None) -> list[Any]:
        with store.reading() as uow:
            rows = uow.ratings.counts(Month.parse(month), staff_id=staff)
        return sorted(rows, key=repr)

    for month in ("2026-03", "2026-04"):
        for staff in (None, "a"):
            assert counted(sql_store, month, staff) == counted(memory, month, staff)
    everything = sum(r.count for m in ("2026-03", "2026-04") for r in counted(memory, m, None))
    assert everything == len(given_ratings)
