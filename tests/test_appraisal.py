"""Staff appraisal (考核评价): figures from the records, the result by policy, the signature,
and what a failing result leads to (rule staff.appraisal-figures, staff.appraisal-result,
staff.appraisal-signed, staff.appraisal-outcomes)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import attrs
import pytest

from _casework import (
    CENTRE,
    CLERK,
    HEAD,
    completed_job,
    make_desk,
    published_item,
    requester,
    sh,
    state,
    worker,
)
from servicedesk import Actor, ActorId, Role
from servicedesk.app.appraisal.commands import (
    CloseRectification,
    DrawAppraisal,
    RecordDisciplineNote,
    SignAppraisal,
)
from servicedesk.app.appraisal.ports import RatingFigure
from servicedesk.app.bootstrap import WIRING
from servicedesk.app.complaints.commands import FileComplaint
from servicedesk.domain.appraisal import (
    DEFAULT_SCALE,
    EXCELLENT,
    FAIL,
    PASS,
    Appraisal,
    AppraisalPeriod,
    AppraisalScale,
    Consequence,
    DisciplineNote,
    DisciplineNoteId,
    Figures,
    default_result,
)
from servicedesk.domain.errors import (
    IllegalTransition,
    InvalidValue,
    PermissionDenied,
    PolicyError,
    ServiceDeskError,
)
from servicedesk.policies.hookspecs import hookimpl

ASSISTANT = Actor(ActorId("asst"), "Assistant", {Role.ASSISTANT})
WORKER_W1 = Actor(ActorId("w-1"), "Zhang", {Role.WORKER, Role.DEPARTMENT_HEAD})
AT = sh(2026, 4, 1, 10)


def kept(store: object) -> object:
    """What the store holds but the audit trail, which records refusals too."""
    tables, log = state(store)  # type: ignore[arg-type]
    return {k: v for k, v in tables.items() if k != "audit"}, log


# --- domain --------------------------------------------------------------------------------------


def test_periods_are_months_quarters_or_years() -> None:
    assert str(AppraisalPeriod.parse("2026-03")) == "2026-03"
    quarter = AppraisalPeriod.parse("2026-Q2")
    assert str(quarter) == "2026-Q2"
    assert [str(m) for m in quarter.months()] == ["2026-04", "2026-05", "2026-06"]
    assert len(AppraisalPeriod.parse("2026").months()) == 12
    for bad in ("2026-13", "2026-Q5", "26-03", "", "2026-03 ", 2026, None):
        with pytest.raises(InvalidValue):
            AppraisalPeriod.parse(bad)  # type: ignore[arg-type]


def test_the_default_result_by_the_figures() -> None:
    good = Figures(jobs=10, on_time=10, first_time_fix=10, callbacks_reached=5, satisfied=5)
    assert default_result(good) == EXCELLENT
    assert default_result(attrs.evolve(good, complaints=1)) == PASS
    assert default_result(attrs.evolve(good, on_time=6)) == FAIL
    assert default_result(attrs.evolve(good, discipline_notes=2)) == FAIL
    assert default_result(attrs.evolve(good, ratings=4, ratings_rate=Decimal("0.5"))) == FAIL
    assert default_result(Figures()) == PASS, "nothing measured neither fails nor excels"


def test_figures_must_add_up() -> None:
    for bad in (
        {"jobs": 1, "on_time": 2},
        {"callbacks_reached": 0, "satisfied": 1},
        {"jobs": -1},
        {"jobs": True},
        {"ratings_rate": Decimal("1.5")},
    ):
        with pytest.raises(InvalidValue):
            Figures(**bad)  # type: ignore[arg-type]


def test_a_scale_names_its_failing_results_and_never_fails_the_best() -> None:
    with pytest.raises(PolicyError):
        AppraisalScale(("good", "bad"), frozenset({"good"}))
    with pytest.raises(PolicyError):
        AppraisalScale(("only",), frozenset())
    with pytest.raises(PolicyError):
        DEFAULT_SCALE.check("great")


def _drawn(failing: bool = True, department: str | None = None) -> Appraisal:
    from servicedesk.domain.hall import DepartmentId

    return Appraisal.draw(
        staff=ActorId("w-1"),
        period=AppraisalPeriod.parse("2026-03"),
        department_id=None if department is None else DepartmentId(department),
        figures=Figures(),
        result=FAIL if failing else PASS,
        scale=DEFAULT_SCALE,
        by=ActorId("asst"),
        at=AT,
    )


def test_signing_twice_or_ones_own_appraisal_is_refused() -> None:
    appraisal = _drawn(failing=False)
    with pytest.raises(PermissionDenied):
        appraisal.sign(by=ActorId("w-1"), at=AT, consequence=Consequence.NONE)
    appraisal.sign(by=ActorId("wang"), at=AT, consequence=Consequence.NONE)
    assert appraisal.is_signed
    with pytest.raises(IllegalTransition):
        appraisal.sign(by=ActorId("li"), at=AT, consequence=Consequence.NONE)
    rebuilt = Appraisal.replay(appraisal.id, appraisal.events)
    assert rebuilt == appraisal


def test_a_failing_signature_opens_a_rectification_that_is_closed_once() -> None:
    appraisal = _drawn()
    with pytest.raises(InvalidValue):
        appraisal.sign(by=ActorId("wang"), at=AT, consequence=Consequence.RECTIFY)
    due = AT + timedelta(days=14)
    appraisal.sign(
        by=ActorId("wang"), at=AT, consequence=Consequence.RECTIFY, owner=ActorId("w-1"), due=due
    )
    assert appraisal.rectification is not None
    assert appraisal.rectification.is_open
    with pytest.raises(PermissionDenied):
        appraisal.close_rectification(by=ActorId("w-1"), outcome="done", at=AT)
    appraisal.close_rectification(by=ActorId("wang"), outcome="retrained", at=AT + timedelta(1))
    assert appraisal.rectification.on_time is True
    with pytest.raises(IllegalTransition):
        appraisal.close_rectification(by=ActorId("wang"), outcome="again", at=AT)
    assert Appraisal.replay(appraisal.id, appraisal.events) == appraisal


def test_only_seconded_staff_are_returned_to_a_department() -> None:
    with pytest.raises(PolicyError):
        _drawn().sign(by=ActorId("wang"), at=AT, consequence=Consequence.RETURN)
    seconded = _drawn(department="civil")
    seconded.sign(by=ActorId("wang"), at=AT, consequence=Consequence.RETURN)
    assert seconded.consequence is Consequence.RETURN


def test_nobody_notes_discipline_about_himself() -> None:
    with pytest.raises(PermissionDenied):
        DisciplineNote.enter(
            DisciplineNoteId("n-1"), staff=ActorId("wang"), by=ActorId("wang"), note="x", at=AT
        )


# --- the desk ------------------------------------------------------------------------------------


def _march(plugins: tuple[object, ...] = (), wiring=WIRING):  # type: ignore[no-untyped-def]
    desk, clock, store = make_desk(sh(2026, 3, 9, 10), plugins, wiring)
    tap = published_item(desk)
    worker(desk, "w-1")
    worker(desk, "w-2")
    completed_job(desk, requester(1), tap, "w-1", "r-1")
    completed_job(desk, requester(2), tap, "w-1", "r-2", rework=1)
    completed_job(desk, requester(3), tap, "w-2", "r-3")
    desk.handle(
        FileComplaint(
            complainant=requester(2),
            category="timeliness",
            description="came back twice",
            request_id="r-2",
        ),
        actor=CLERK,
    )
    desk.handle(RecordDisciplineNote(staff="w-1", note="late for duty"), actor=CENTRE)
    clock.now = AT
    return desk, clock, store


def test_an_appraisal_draws_the_periods_figures_and_the_policys_result() -> None:
    desk, _clock, _store = _march()
    drawn = desk.handle(DrawAppraisal(staff="w-1", period="2026-03"), actor=ASSISTANT).id
    assert drawn == "w-1:2026-03"
    view = desk.appraisal.appraisal(drawn)
    assert view.figures == Figures(
        jobs=2, on_time=2, first_time_fix=1, complaints=1, discipline_notes=1
    )
    review = desk.quality.review_input("w-1", "2026-03").figures
    assert (view.figures.jobs, view.figures.complaints) == (review.jobs, review.complaints)
    assert view.result == PASS
    assert not view.failing
    assert view.ratings_rate if False else view.figures.ratings_rate is None
    with pytest.raises(IllegalTransition):
        desk.handle(DrawAppraisal(staff="w-1", period="2026-03"), actor=ASSISTANT)
    desk.handle(SignAppraisal(appraisal_id=drawn), actor=CENTRE)
    assert desk.appraisal.appraisal(drawn).signed_by == CENTRE.id
    assert [v.id.value for v in desk.appraisal.of_staff("w-1")] == [drawn]


def test_a_period_not_over_or_of_another_length_is_refused() -> None:
    desk, clock, _store = _march()
    clock.now = sh(2026, 3, 31, 23)
    with pytest.raises(IllegalTransition):
        desk.handle(DrawAppraisal(staff="w-1", period="2026-03"), actor=ASSISTANT)
    clock.now = AT
    with pytest.raises(InvalidValue) as refused:
        desk.handle(DrawAppraisal(staff="w-1", period="2026-Q1"), actor=ASSISTANT)
    assert refused.value.field == "period"


class Quarterly:
    @hookimpl
    def servicedesk_appraisal_period(self) -> str:
        return "quarter"

    @hookimpl
    def servicedesk_appraisal_scale(self) -> AppraisalScale:
        return AppraisalScale(("A", "B", "C", "D"), frozenset({"D"}))

    @hookimpl
    def servicedesk_appraisal_result(self, figures: Figures, scale: AppraisalScale) -> str:
        return "D" if figures.discipline_notes else "A"


def test_an_organisations_own_period_and_scale() -> None:
    desk, _clock, _store = _march((Quarterly(),))
    drawn = desk.handle(DrawAppraisal(staff="w-1", period="2026-Q1"), actor=ASSISTANT).id
    view = desk.appraisal.appraisal(drawn)
    assert (view.period, view.result, view.failing, view.figures.jobs) == ("2026-Q1", "D", True, 2)
    report = desk.appraisal.report("2026-Q1")
    assert report.results == {"A": 0, "B": 0, "C": 0, "D": 1}


def test_signing_is_a_managers_act_never_the_appraised_persons_nor_the_systems() -> None:
    desk, _clock, store = _march()
    drawn = desk.handle(DrawAppraisal(staff="w-1", period="2026-03"), actor=ASSISTANT).id
    before = kept(store)
    for who in (ASSISTANT, CLERK, WORKER_W1, None):
        with pytest.raises(PermissionDenied):
            desk.handle(SignAppraisal(appraisal_id=drawn), actor=who)
    assert kept(store) == before
    desk.handle(SignAppraisal(appraisal_id=drawn), actor=HEAD)
    with pytest.raises(IllegalTransition):
        desk.handle(SignAppraisal(appraisal_id=drawn), actor=CENTRE)


class Failing:
    @hookimpl
    def servicedesk_appraisal_result(self, figures: Figures, scale: AppraisalScale) -> str:
        return FAIL


def test_a_failing_result_opens_a_rectification_due_in_working_time() -> None:
    desk, clock, _store = _march((Failing(),))
    drawn = desk.handle(DrawAppraisal(staff="w-1", period="2026-03"), actor=ASSISTANT).id
    desk.handle(SignAppraisal(appraisal_id=drawn, remarks="talked it over"), actor=CENTRE)
    view = desk.appraisal.appraisal(drawn)
    assert view.consequence is Consequence.RECTIFY
    assert view.rectification_owner == ActorId("w-1")
    # ten working days from Wednesday 1 April: the Qingming holiday (4-6 April) is skipped
    assert view.rectification_due == desk.policies.calendar().add_working_days(AT, 10)
    assert view.rectification_due is not None
    assert view.rectification_due > AT + timedelta(12)
    assert desk.appraisal.report("2026-03").open_rectifications == 1
    clock.now = AT + timedelta(days=3)
    desk.handle(CloseRectification(appraisal_id=drawn, outcome="retrained"), actor=CENTRE)
    view = desk.appraisal.appraisal(drawn)
    assert view.rectified_on_time is True
    with pytest.raises(IllegalTransition):
        desk.handle(CloseRectification(appraisal_id=drawn, outcome="again"), actor=CENTRE)


def test_failing_seconded_staff_rectify_through_their_department_then_go_back_to_it() -> None:
    from servicedesk.domain.hall import DepartmentId
    from servicedesk.testing import hall as h

    desk, clock, store = make_desk(h.MORNING, (Failing(),))
    h.open_hall(desk)
    clock.now = sh(2026, 6, 1, 10)
    may = desk.handle(DrawAppraisal(staff="clerk-a", period="2026-05"), actor=ASSISTANT).id
    assert desk.appraisal.appraisal(may).department_id == DepartmentId("civil")
    desk.handle(SignAppraisal(appraisal_id=may), actor=CENTRE)
    view = desk.appraisal.appraisal(may)
    # the department is told to rectify: its head answers for it
    assert view.consequence is Consequence.RECTIFY
    assert view.rectification_owner == h.head("civil").id
    clock.now = sh(2026, 7, 1, 10)
    june = desk.handle(DrawAppraisal(staff="clerk-a", period="2026-06"), actor=ASSISTANT).id
    desk.handle(SignAppraisal(appraisal_id=june), actor=CENTRE)
    assert desk.appraisal.appraisal(june).consequence is Consequence.RETURN
    with store.reading() as uow:
        assert ActorId("clerk-a") not in uow.hall_departments.get(DepartmentId("civil")).staff
    report = desk.appraisal.report("2026-06", "civil")
    assert [v.staff.value for v in report.appraisals] == ["clerk-a"]
    assert desk.appraisal.report("2026-06", "tax").appraisals == ()


def test_the_hall_items_a_person_concluded_count_as_volume() -> None:
    from servicedesk import DecideAtWindow, ReceiveApplication
    from servicedesk.testing import hall as h

    desk, clock, _store = make_desk(h.MORNING)
    h.open_hall(desk)
    for n in range(2):
        desk.handle(
            ReceiveApplication(
                application_id=f"app-{n}",
                item_id=h.IMMEDIATE,
                applicant=h.applicant(),
                window_id="A",
                presented=("id_card",),
            ),
            actor=h.clerk("clerk-a"),
        )
        desk.handle(
            DecideAtWindow(application_id=f"app-{n}", outcome="approved", document_number=f"D{n}"),
            actor=h.clerk("clerk-a"),
        )
    clock.now = sh(2026, 6, 1, 10)
    drawn = desk.handle(DrawAppraisal(staff="clerk-a", period="2026-05"), actor=ASSISTANT).id
    assert desk.appraisal.appraisal(drawn).figures.hall_items == 2
    assert desk.appraisal.appraisal(drawn).figures.volume == 2


def test_the_ratings_port_is_read_when_wired() -> None:
    def rated(
        uow: object, policies: object, staff: ActorId, period: AppraisalPeriod
    ) -> RatingFigure:
        return RatingFigure(4, Decimal("0.5000")) if staff.value == "w-1" else RatingFigure()

    desk, _clock, _store = _march(wiring=attrs.evolve(WIRING, rating_figures=rated))
    drawn = desk.handle(DrawAppraisal(staff="w-1", period="2026-03"), actor=ASSISTANT).id
    view = desk.appraisal.appraisal(drawn)
    assert (view.figures.ratings, view.figures.ratings_rate) == (4, Decimal("0.5000"))
    assert view.result == FAIL


@pytest.mark.parametrize(
    "command",
    [
        DrawAppraisal(staff="w-1", period="2026-03"),
        RecordDisciplineNote(staff="w-1", note="x"),
        SignAppraisal(appraisal_id="w-1:2026-03"),
        CloseRectification(appraisal_id="w-1:2026-03", outcome="x"),
    ],
)
def test_hostile_values_are_refused_and_change_nothing(command: object) -> None:
    desk, _clock, store = _march()
    before = kept(store)
    hostile: list[dict[str, object]] = [
        {"note": ""},
        {"note": "x" * 5000},
        {"note": "a\x00b"},
        {"outcome": " "},
        {"outcome": "\ud800"},
        {"remarks": "y" * 5000},
        {"owner": 5},
    ]
    for change in hostile:
        fields = {f.name for f in attrs.fields(type(command))}  # type: ignore[arg-type]
        if not set(change) <= fields:
            continue
        with pytest.raises(ServiceDeskError):
            desk.handle(attrs.evolve(command, **change), actor=CENTRE)  # type: ignore[arg-type]
    for staff in ("", "x" * 100, "a b\x00"):
        with pytest.raises(ServiceDeskError):
            DrawAppraisal(staff=staff, period="2026-03")
    for period in ("2026-00", "march", 202603, None):
        with pytest.raises(ServiceDeskError):
            DrawAppraisal(staff="w-1", period=period)  # type: ignore[arg-type]
    assert kept(store) == before
