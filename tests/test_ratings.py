"""Public ratings (好差评): rated once, by the requester only; a bad rating's follow-up; figures."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicedesk import (
    Actor,
    ActorId,
    CallNext,
    CloseFollowUp,
    DecideAtWindow,
    Desk,
    EvidenceRequired,
    FinishNumber,
    GiveRating,
    IllegalTransition,
    InvalidValue,
    MemoryStore,
    NotFound,
    PermissionDenied,
    PolicyError,
    RatedService,
    RatingLevel,
    RatingScale,
    ReceiveApplication,
    RequesterEvidence,
    Role,
    ServiceDeskError,
    ServiceKind,
    TakeNumber,
    TellRater,
    VisitId,
    WorkingBudget,
    hookimpl,
)
from servicedesk.app.ratings.queries import staff_ratings
from servicedesk.domain.callbacks import Month
from servicedesk.domain.ratings import FollowUpTerms, Rating, RatingChannel, RatingId, ToldBy
from servicedesk.policies.default import RATING_SCALE, PropertyCentreDefaults
from servicedesk.testing import IN_PERSON, BillingScenario, store_state
from servicedesk.testing import hall as h

L = RatingLevel
ZONE = ZoneInfo("Asia/Shanghai")
MANAGER = Actor(ActorId("centre-mgr"), "Centre manager", {Role.CENTRE_MANAGER})
AUDITOR = Actor(ActorId("auditor"), "Auditor", {Role.AUDITOR})
AT = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)  # Monday 10:30 in Shanghai


def job_service(**changes: Any) -> RatedService:
    values: dict[str, Any] = {
        "kind": ServiceKind.JOB,
        "service_id": "r-1",
        "item_id": "tap-repair",
        "staff_id": "w-1",
        "served_at": AT - timedelta(hours=1),
    }
    return RatedService(**(values | changes))


CALENDAR = PropertyCentreDefaults().servicedesk_calendar()


def give(level: RatingLevel, **changes: Any) -> Rating:
    calendar = CALENDAR
    arguments: dict[str, Any] = {
        "level": level,
        "channel": RatingChannel.APP,
        "by": ActorId("owner-1"),
        "by_requester": True,
        "evidence": None,
        "scale": RatingScale(),
        "zone": calendar.tz,
        "at": AT,
        "follow_up": FollowUpTerms(ActorId("head"), WorkingBudget.working_days(3)),
        "calendar": calendar,
    }
    return Rating.give(job_service(), **(arguments | changes))


# --- the domain ----------------------------------------------------------------------------------


def test_ratings_default_scale_has_five_levels_the_two_lowest_bad() -> None:
    scale = RatingScale()
    assert scale.levels == (
        L.VERY_SATISFIED,
        L.SATISFIED,
        L.BASICALLY_SATISFIED,
        L.DISSATISFIED,
        L.VERY_DISSATISFIED,
    )
    assert [scale.is_bad(level) for level in scale.levels] == [False, False, False, True, True]
    assert [scale.is_satisfied(level) for level in scale.levels] == [True, True, True, False, False]
    with pytest.raises(PolicyError):
        RatingScale(satisfied=frozenset({L.DISSATISFIED}))  # satisfied and bad at once
    with pytest.raises(PolicyError):
        RatingScale(levels=(L.SATISFIED,), satisfied=frozenset({L.SATISFIED}), bad=frozenset())
    narrow = RatingScale(
        levels=(L.SATISFIED, L.BASICALLY_SATISFIED, L.DISSATISFIED),
        satisfied=frozenset({L.SATISFIED}),
        bad=frozenset({L.DISSATISFIED}),
    )
    with pytest.raises(InvalidValue):
        narrow.check(L.VERY_SATISFIED)


def test_ratings_id_is_the_services_so_a_service_has_one() -> None:
    assert RatingId.of(ServiceKind.JOB, "r-1") == RatingId("job:r-1")
    assert give(L.SATISFIED).id == RatingId("job:r-1")
    assert VisitId("2026-05-11:A003").parts()[1] == "A003"
    with pytest.raises(InvalidValue):
        VisitId("2026-13-11:A003").parts()


def test_ratings_a_bad_rating_opens_a_follow_up_due_in_working_time() -> None:
    good = give(L.BASICALLY_SATISFIED)
    assert good.follow_up is None
    assert [type(e).__name__ for e in good.events] == ["RatingGiven"]
    bad = give(L.VERY_DISSATISFIED)
    assert [type(e).__name__ for e in bad.events] == ["RatingGiven", "FollowUpOpened"]
    assert bad.follow_up is not None
    assert bad.follow_up.owner == ActorId("head")
    # three working days from the rating, in the working calendar
    assert bad.follow_up.due == CALENDAR.add_working_days(AT, 3)
    assert bad.follow_up.due.astimezone(ZONE).date().isoformat() == "2026-03-05"
    assert bad.month == Month(2026, 3)
    with pytest.raises(PolicyError):
        give(L.DISSATISFIED, follow_up=None)


def test_ratings_are_the_requesters_own_or_recorded_with_evidence() -> None:
    with pytest.raises(InvalidValue):
        give(L.SATISFIED, by_requester=False)
    recorded = give(L.SATISFIED, by=ActorId("clerk"), by_requester=False, evidence=IN_PERSON)
    assert recorded.evidence == IN_PERSON
    with pytest.raises(IllegalTransition):  # before the service was done
        give(L.SATISFIED, at=AT - timedelta(hours=2))


def test_ratings_follow_up_closed_by_its_owner_or_a_manager_then_the_rater_told_once() -> None:
    rating = give(L.DISSATISFIED)
    later = AT + timedelta(hours=3)
    with pytest.raises(IllegalTransition):
        rating.tell_rater(by=ActorId("clerk"), channel=ToldBy.PHONE, at=later)
    with pytest.raises(IllegalTransition):
        rating.close_follow_up(by=ActorId("clerk"), outcome="done", overrule=False, at=later)
    with pytest.raises(InvalidValue):
        rating.close_follow_up(by=ActorId("head"), outcome="  ", overrule=False, at=later)
    rating.close_follow_up(by=ActorId("head"), outcome="Valve replaced", overrule=False, at=later)
    with pytest.raises(IllegalTransition):
        rating.close_follow_up(by=ActorId("head"), outcome="again", overrule=True, at=later)
    rating.tell_rater(by=ActorId("clerk"), channel=ToldBy.SMS, at=later)
    with pytest.raises(IllegalTransition):
        rating.tell_rater(by=ActorId("clerk"), channel=ToldBy.SMS, at=later)
    assert rating.follow_up is not None
    assert (rating.follow_up.outcome, rating.follow_up.told_by) == ("Valve replaced", ToldBy.SMS)
    replayed = Rating.replay(rating.id, rating.events)
    assert replayed == rating


# --- on the desk: jobs ---------------------------------------------------------------------------


def rated_job() -> tuple[BillingScenario, str, Actor]:
    s = BillingScenario()
    request = s.accepted_request("1-101")
    s.advance(timedelta(hours=1))
    return s, request, Actor.requester("app-chen", "Chen", acts_for={request})


def test_ratings_a_service_is_rated_once() -> None:
    s, request, chen = rated_job()
    s.desk.handle(GiveRating(request_id=request, level="satisfied", channel="app"), actor=chen)
    again = GiveRating(request_id=request, level="very_dissatisfied", channel="sms_link")
    before = store_state(s.store)
    with pytest.raises(IllegalTransition, match="rated once"):
        s.desk.handle(again, actor=chen)
    with pytest.raises(IllegalTransition, match="rated once"):
        s.desk.handle(attrs.evolve(again, evidence=IN_PERSON), actor=s.clerk)
    assert store_state(s.store) == before
    assert s.desk.ratings.report("2026-03", actor=MANAGER).total.total == 1


def test_ratings_only_the_requester_rates_or_the_desk_records_his_word() -> None:
    s, request, chen = rated_job()
    rating = GiveRating(request_id=request, level="satisfied", channel="app")
    someone = Actor.requester("app-li", "Li", acts_for={"another-request"})
    before = store_state(s.store)
    with pytest.raises(PermissionDenied):
        s.desk.handle(rating, actor=someone)
    with pytest.raises(EvidenceRequired):
        s.desk.handle(rating, actor=s.clerk)
    with pytest.raises(PermissionDenied):  # the worker rates nobody's job, his own least
        s.desk.handle(attrs.evolve(rating, evidence=IN_PERSON), actor=s.worker_actor)
    witnessed_by_worker = RequesterEvidence("in_person", witnessed_by="w-1")
    with pytest.raises(PermissionDenied):
        s.desk.handle(attrs.evolve(rating, evidence=witnessed_by_worker), actor=s.clerk)
    assert store_state(s.store) == before
    s.desk.handle(attrs.evolve(rating, evidence=IN_PERSON, channel="in_person"), actor=s.clerk)
    view = s.desk.ratings.rating(f"job:{request}", actor=chen)
    assert (view.by_requester, view.rated_by) == (False, ActorId("clerk"))
    with pytest.raises(PermissionDenied):
        s.desk.ratings.rating(f"job:{request}", actor=someone)


def test_ratings_a_job_is_rated_once_its_requester_accepted_it() -> None:
    s = BillingScenario()
    request = s.triaged_request("1-101")
    chen = Actor.requester("app-chen", "Chen", acts_for={request})
    with pytest.raises(IllegalTransition, match="not done yet"):
        s.desk.handle(GiveRating(request_id=request, level="satisfied", channel="app"), actor=chen)
    with pytest.raises(NotFound):
        s.desk.handle(
            GiveRating(request_id="nope", level="satisfied", channel="app", evidence=IN_PERSON),
            actor=s.clerk,
        )
    with pytest.raises(InvalidValue):
        s.desk.handle(
            GiveRating(level="satisfied", channel="app", evidence=IN_PERSON), actor=s.clerk
        )
    with pytest.raises(ServiceDeskError):
        GiveRating(request_id=request, level="great", channel="app")


def test_ratings_a_bad_job_rating_is_followed_up_and_the_rater_told() -> None:
    s, request, chen = rated_job()
    rating_id = s.desk.handle(
        GiveRating(request_id=request, level="very_dissatisfied", channel="app"), actor=chen
    ).id
    assert rating_id is not None
    view = s.desk.ratings.rating(rating_id, actor=MANAGER)
    assert view.follow_up is not None
    assert view.follow_up.owner == ActorId("w-1")  # no department: who served rectifies
    assert s.desk.ratings.overdue_follow_ups(actor=MANAGER) == []
    s.advance(timedelta(days=7))
    overdue = s.desk.ratings.overdue_follow_ups(actor=MANAGER)
    assert [v.id.value for v in overdue] == [rating_id]
    with pytest.raises(IllegalTransition):  # a clerk is not its owner
        s.desk.handle(CloseFollowUp(rating_id=rating_id, outcome="ok"), actor=s.clerk)
    s.desk.handle(
        CloseFollowUp(rating_id=rating_id, outcome="Reworked, owner satisfied"), actor=MANAGER
    )
    s.desk.handle(TellRater(rating_id=rating_id, channel="phone"), actor=s.clerk)
    assert s.desk.ratings.overdue_follow_ups(actor=MANAGER) == []
    told = s.desk.ratings.rating(rating_id, actor=chen).follow_up
    assert told is not None
    assert told.told_at == s.now
    with pytest.raises(PermissionDenied):
        s.desk.handle(TellRater(rating_id=rating_id), actor=AUDITOR)


# --- on the desk: the hall -----------------------------------------------------------------------


class Hall:
    def __init__(self) -> None:
        self.now = h.MORNING
        self.store = MemoryStore()
        self.desk = Desk(self.store, clock=lambda: self.now, entry_points=False)
        h.open_hall(self.desk)

    def served_visit(self, window: str, clerk: str, item: str) -> str:
        number = self.desk.handle(TakeNumber(item_id=item)).id
        assert number is not None
        self.desk.handle(CallNext(window_id=window), actor=h.clerk(clerk))
        self.now += timedelta(minutes=5)
        self.desk.handle(FinishNumber(window_id=window), actor=h.clerk(clerk))
        return VisitId.of(self.now.astimezone(ZONE).date(), number).value

    def concluded(self) -> str:
        command = ReceiveApplication(
            item_id=h.IMMEDIATE, applicant=h.applicant(), window_id="B", presented=("id_card",)
        )
        application = self.desk.handle(command, actor=h.clerk("clerk-b")).id
        assert application is not None
        decide = DecideAtWindow(application_id=application, document_number="R-1")
        self.desk.handle(decide, actor=h.clerk("clerk-b"))
        return application


def test_ratings_of_hall_visits_and_applications_roll_up_per_window_department_and_staff() -> None:
    hall = Hall()
    visit = hall.served_visit("B", "clerk-b", h.PROMISED)
    application = hall.concluded()
    visitor = Actor.requester("qr-visitor", "Visitor", acts_for={visit})
    applicant = Actor.requester("app-li", "Li", acts_for={application})
    hall.desk.handle(
        GiveRating(visit_id=visit, level="very_satisfied", channel="qr_code"), actor=visitor
    )
    bad = GiveRating(application_id=application, level="dissatisfied", channel="sms_link")
    with pytest.raises(PermissionDenied):
        hall.desk.handle(bad, actor=visitor)
    rating_id = hall.desk.handle(bad, actor=applicant).id
    assert rating_id is not None
    follow_up = hall.desk.ratings.rating(rating_id, actor=applicant).follow_up
    assert follow_up is not None
    assert follow_up.owner == ActorId("civil-head")
    report = hall.desk.ratings.report("2026-05", actor=MANAGER)
    assert report.total.total == 2
    assert report.by_window["B"].total == 2
    assert report.by_department["civil"].counts[L.DISSATISFIED] == 1
    assert report.by_staff["clerk-b"].satisfaction_rate == Decimal("0.5000")
    assert set(report.by_item) == {h.PROMISED, h.IMMEDIATE}
    waiting = hall.desk.handle(TakeNumber(item_id=h.PROMISED)).id
    assert waiting is not None
    unserved = VisitId.of(h.MORNING.astimezone(ZONE).date(), waiting).value
    with pytest.raises(IllegalTransition, match="not done yet"):
        hall.desk.handle(
            GiveRating(visit_id=unserved, level="satisfied", channel="qr_code"),
            actor=Actor.requester("qr-2", "Visitor", acts_for={unserved}),
        )
    with pytest.raises(PermissionDenied):  # the clerk who served records no rating of it
        hall.desk.handle(
            GiveRating(
                application_id=application,
                level="satisfied",
                channel="in_person",
                evidence=RequesterEvidence("in_person", witnessed_by="clerk-a"),
            ),
            actor=h.clerk("clerk-b"),
        )


def test_ratings_staff_figures_for_appraisal_are_a_frozen_value() -> None:
    s, request, chen = rated_job()
    s.desk.handle(GiveRating(request_id=request, level="satisfied", channel="app"), actor=chen)
    mine = s.desk.ratings.staff("w-1", "2026-03", actor=MANAGER)
    assert (mine.total, mine.satisfaction_rate) == (1, Decimal("1.0000"))
    assert list(mine.counts) == list(RatingLevel)
    assert mine.counts[L.SATISFIED] == 1
    with pytest.raises(TypeError):
        mine.counts[L.SATISFIED] = 5  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        mine.total = 3  # type: ignore[misc]
    with s.store.reading() as uow:  # what a handler reads inside its own unit of work
        assert staff_ratings(uow, RatingScale(), "w-1", "2026-03") == mine
    nobody = s.desk.ratings.staff("w-2", "2026-03", actor=MANAGER)
    assert (nobody.total, nobody.satisfaction_rate) == (0, None)
    assert s.desk.ratings.staff("w-1", "2026-04", actor=MANAGER).total == 0
    with pytest.raises(PermissionDenied):
        s.desk.ratings.staff("w-1", "2026-03", actor=chen)


# --- policy --------------------------------------------------------------------------------------


class Strict:
    """A centre whose scale counts only the top level satisfied, and whose head owns it all."""

    @hookimpl
    def servicedesk_rating_scale(self) -> RatingScale:
        return RatingScale(
            satisfied=frozenset({L.VERY_SATISFIED}),
            bad=frozenset({L.DISSATISFIED, L.VERY_DISSATISFIED, L.BASICALLY_SATISFIED}),
        )

    @hookimpl
    def servicedesk_rating_follow_up(
        self, service: RatedService, level: RatingLevel, department_head: ActorId | None
    ) -> FollowUpTerms:
        return FollowUpTerms(ActorId("quality-head"), WorkingBudget.hours(4))


class Garbage:
    @hookimpl
    def servicedesk_rating_follow_up(
        self, service: RatedService, level: RatingLevel, department_head: ActorId | None
    ) -> object:
        return "tomorrow"


def test_ratings_scale_and_follow_up_are_policies() -> None:
    s = BillingScenario(plugins=[Strict()])
    request = s.accepted_request("1-101")
    chen = Actor.requester("app-chen", "Chen", acts_for={request})
    rating_id = s.desk.handle(
        GiveRating(request_id=request, level="basically_satisfied", channel="app"), actor=chen
    ).id
    assert rating_id is not None
    view = s.desk.ratings.rating(rating_id, actor=MANAGER)
    assert view.follow_up is not None
    assert view.follow_up.owner == ActorId("quality-head")
    assert s.desk.ratings.staff("w-1", "2026-03", actor=MANAGER).satisfaction_rate == Decimal(0)
    g = BillingScenario(plugins=[Garbage()])
    job = g.accepted_request("1-102")
    before = store_state(g.store)
    with pytest.raises(PolicyError, match="servicedesk_rating_follow_up"):
        g.desk.handle(
            GiveRating(request_id=job, level="dissatisfied", channel="app"),
            actor=Actor.requester("a", "A", acts_for={job}),
        )
    assert store_state(g.store) == before


# --- Hypothesis: never counted twice, never by another --------------------------------------------

RATERS = ("own", "other", "clerk", "clerk_unwitnessed", "worker")


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(RATERS), st.sampled_from(list(RatingLevel))),
        max_size=12,
    )
)
def test_ratings_are_never_counted_twice_nor_by_another_and_the_roll_up_is_what_was_given(
    attempts: list[tuple[int, str, RatingLevel]],
) -> None:
    s = BillingScenario()
    jobs = [s.accepted_request(f"{n}-101") for n in range(3)]
    s.advance(timedelta(hours=1))
    given_levels: dict[int, RatingLevel] = {}
    for index, rater, level in attempts:
        job = jobs[index]
        command = GiveRating(request_id=job, level=level, channel="app")
        actor: Actor
        if rater == "own":
            actor = Actor.requester(f"app-{index}", "Own", acts_for={job})
        elif rater == "other":
            actor = Actor.requester("app-x", "Other", acts_for={jobs[(index + 1) % 3]})
        elif rater == "clerk":
            actor, command = s.clerk, attrs.evolve(command, evidence=IN_PERSON)
        elif rater == "clerk_unwitnessed":
            actor = s.clerk
        else:
            actor, command = s.worker_actor, attrs.evolve(command, evidence=IN_PERSON)
        allowed = rater in ("own", "clerk") and index not in given_levels
        try:
            s.desk.handle(command, actor=actor)
        except ServiceDeskError:
            assert not allowed
        else:
            assert allowed
            given_levels[index] = level
    report = s.desk.ratings.report("2026-03", actor=MANAGER)
    expected = Counter(given_levels.values())
    assert dict(report.total.counts) == {level: expected[level] for level in RatingLevel}
    assert report.total.total == len(given_levels)
    assert report.by_staff.get("w-1", report.total).total == len(given_levels)
    satisfied = sum(1 for level in given_levels.values() if RATING_SCALE.is_satisfied(level))
    assert report.total.satisfied == satisfied


# --- hostile input -------------------------------------------------------------------------------


def test_ratings_hostile_input_is_refused_typed_and_stores_nothing() -> None:
    s, request, chen = rated_job()
    rating_id = s.desk.handle(
        GiveRating(request_id=request, level="very_dissatisfied", channel="app"), actor=chen
    ).id
    assert rating_id is not None
    before = store_state(s.store)
    attempts: list[Any] = [
        lambda: GiveRating(request_id=request, level=3, channel="app"),
        lambda: GiveRating(request_id=request, level="satisfied", channel="carrier pigeon"),
        lambda: GiveRating(visit_id="2026-05-11;A003", level="satisfied", channel="qr_code"),
        lambda: GiveRating(request_id="r\x00-1", level="satisfied", channel="app"),
        lambda: CloseFollowUp(rating_id="job:" + "x" * 80, outcome="done"),
        lambda: TellRater(rating_id=rating_id, channel="telepathy"),
    ]
    for make in attempts:
        with pytest.raises(ServiceDeskError):
            make()
    visit = GiveRating(visit_id="2026-02-30:A003", level="satisfied", channel="qr_code")
    sent: list[Any] = [
        (visit, Actor.requester("qr", "Visitor", acts_for={"2026-02-30:A003"})),
        (CloseFollowUp(rating_id=rating_id, outcome="x" * 1001), MANAGER),
        (CloseFollowUp(rating_id=rating_id, outcome="done\x00"), MANAGER),
        (CloseFollowUp(rating_id=rating_id, outcome=["done"]), MANAGER),
        (GiveRating(request_id=request, level="satisfied", channel="app", evidence="yes"), s.clerk),
        (TellRater(rating_id="job:unknown"), s.clerk),
    ]
    for command, actor in sent:
        with pytest.raises(ServiceDeskError):
            s.desk.handle(command, actor=actor)
    assert store_state(s.store) == before
