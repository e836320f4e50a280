"""A day at an administrative service hall, run through the public API only.

``servicedesk demo --hall`` prints what this module does.  Monday 11 May 2026 in
Shanghai: the hall's management registers three departments, publishes a guide of each
kind and opens three windows (A comprehensive, B civil affairs, C housing); then
applicants take numbers and the windows call them.  One applicant lacks photographs and
is told once what is missing, and comes back with them (补正); a house transfer is a joint
item of housing and tax, done when both parts are; a hardship subsidy is submitted to the
district bureau and its reply recorded; one application is refused (不予受理).  The stories
are tables of steps (``servicedesk.demo.steps``) walked by the demo's one runner.
"""

from __future__ import annotations

from datetime import date, time
from itertools import chain

import attrs

from servicedesk import (
    AcceptApplication,
    Actor,
    ActorId,
    Applicant,
    CallNext,
    CompleteStep,
    ConcludeApplication,
    Contact,
    DecideAtWindow,
    DepartmentId,
    Desk,
    DraftGuide,
    FinishNumber,
    Flow,
    GoOnDuty,
    Material,
    MaterialForm,
    OpeningHours,
    OpenWindow,
    ProcessStep,
    PublishGuide,
    RecallNumber,
    ReceiveApplication,
    RecordAuthorityReply,
    RefuseApplication,
    RegisterDepartment,
    Role,
    SecondStaff,
    SkipNumber,
    SubmitToAuthority,
    SupplyMaterials,
    TakeNumber,
    TellApplicant,
    WorkingBlock,
    WorkingBudget,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.demo.day import TIME_ZONE, open_store
from servicedesk.demo.steps import DemoClock, Done, Step, walk
from servicedesk.i18n import _

#: Monday 11 May 2026, an ordinary working day after the Labour Day holiday.
HALL_DAY = date(2026, 5, 11)
HOURS = OpeningHours((WorkingBlock(time(9), time(12)), WorkingBlock(time(13, 30), time(17))))

MANAGER = Actor(ActorId("zhou"), "Zhou", {Role.CENTRE_MANAGER})
KIOSK = Actor.system()
#: Department -> its head and the clerks it seconds to the hall.
DEPARTMENTS = {
    "civil": ("civil-head", ("clerk-a", "clerk-b")),
    "housing": ("housing-head", ("clerk-c",)),
    "tax": ("tax-head", ("clerk-t",)),
}
#: Each window's clerk on duty.
ON_DUTY = {"A": "clerk-a", "B": "clerk-b", "C": "clerk-c"}
#: The applications' numbers, in the order they are received.
MARRIAGE, RESIDENCE, TRANSFER, SUBSIDY, REFUSED = (
    "BJ-0511-01",
    "BJ-0511-02",
    "BJ-0511-03",
    "BJ-0511-04",
    "BJ-0511-05",
)
APPLICATIONS = (MARRIAGE, RESIDENCE, TRANSFER, SUBSIDY, REFUSED)


def clerk(actor_id: str) -> Actor:
    return Actor(ActorId(actor_id), actor_id, {Role.CLERK})


def applicant(name: str, phone: str) -> Applicant:
    return Applicant(name=name, contact=Contact(phone), id_number="310101199001011234")


@attrs.frozen
class HallDay:
    """What the hall's day left behind: the desk to query and the log of its steps."""

    desk: Desk
    clock: DemoClock
    setup: list[Done]
    log: list[Done]


def _step(name: str, department: str, days: int = 0, hours: float = 0) -> ProcessStep:
    budget = WorkingBudget.working_days(days) if days else WorkingBudget.hours(hours)
    return ProcessStep(name, DepartmentId(department), budget)


def guides() -> tuple[DraftGuide, ...]:
    """One guide of each kind: immediate, promised, joint and escalated."""
    id_card = Material("id_card", _("Identity card"), MaterialForm.ORIGINAL_AND_COPY)
    photo = Material("photo", _("Photograph, 2 inch"), MaterialForm.ORIGINAL, count=2)
    deed = Material("deed", _("Property deed"), MaterialForm.ORIGINAL)
    return (
        DraftGuide(
            item_id="residence",
            name=_("Residence certificate"),
            kind="immediate",
            legal_basis=(_("Residence Certificate Regulation art. 5"),),
            materials=(id_card,),
            steps=(_step(_("Checked and issued at the window"), "civil", hours=1),),
            time_limit=WorkingBudget.hours(2),
        ),
        DraftGuide(
            item_id="marriage",
            name=_("Marriage record copy"),
            kind="promised",
            legal_basis=(_("Marriage Registration Regulation art. 12"),),
            materials=(id_card, photo),
            steps=(_step(_("Review"), "civil", days=1), _step(_("Approval"), "civil", days=2)),
            time_limit=WorkingBudget.working_days(5),
        ),
        DraftGuide(
            item_id="transfer",
            name=_("House transfer"),
            kind="joint",
            legal_basis=(_("Real Property Registration Regulation art. 14"),),
            materials=(id_card, deed),
            steps=(
                _step(_("Registration"), "housing", days=3),
                _step(_("Deed tax"), "tax", days=2),
            ),
            flow=Flow.PARALLEL,
            time_limit=WorkingBudget.working_days(10),
        ),
        DraftGuide(
            item_id="subsidy",
            name=_("Hardship subsidy"),
            kind="escalated",
            legal_basis=(_("Social Assistance Measures art. 9"),),
            materials=(id_card,),
            steps=(_step(_("Preliminary review"), "civil", days=3),),
            time_limit=WorkingBudget.working_days(20),
            higher_authority=_("District Civil Affairs Bureau"),
        ),
    )


def before_opening() -> tuple[Step, ...]:
    """08:30: departments and their staff, the guides published, the windows opened."""
    names = {"civil": _("Civil Affairs Bureau"), "housing": _("Housing Bureau"), "tax": _("Tax")}
    steps: list[Step] = []
    for department, (head, staff) in DEPARTMENTS.items():
        steps.append(
            Step(
                "08:30",
                MANAGER,
                RegisterDepartment(department_id=department, name=names[department], head=head),
                _("department registered"),
            )
        )
        steps += [
            Step(
                "08:30",
                MANAGER,
                SecondStaff(department_id=department, staff=member),
                _("{staff} seconded to the hall").format(staff=member),
            )
            for member in staff
        ]
    for guide in guides():
        steps.append(Step("08:40", MANAGER, guide, _("guide drafted")))
        steps.append(Step("08:40", MANAGER, PublishGuide(item_id=guide.item_id), _("published")))
    windows: tuple[tuple[str, str, str, str | None, tuple[str, ...]], ...] = (
        (
            "A",
            _("Comprehensive window"),
            "comprehensive",
            None,
            ("residence", "subsidy", "marriage"),
        ),
        ("B", _("Civil affairs window"), "specialised", "civil", ("residence", "marriage")),
        ("C", _("Housing window"), "specialised", "housing", ("transfer",)),
    )
    for window, name, kind, seconding, items in windows:
        steps.append(
            Step(
                "08:50",
                MANAGER,
                OpenWindow(
                    window_id=window,
                    name=name,
                    kind=kind,
                    department_id=seconding,
                    items=items,
                    prefix=window,
                    hours=HOURS,
                ),
                _("window opened, numbers {prefix}001 on").format(prefix=window),
            )
        )
        steps.append(
            Step(
                "08:55",
                clerk(ON_DUTY[window]),
                GoOnDuty(window_id=window),
                _("{clerk} on duty").format(clerk=ON_DUTY[window]),
            )
        )
    return tuple(steps)


def take(at: str, item: str, window: str) -> Step:
    return Step(
        at,
        KIOSK,
        TakeNumber(item_id=item, window_id=window),
        _("number taken at the kiosk for window {window}").format(window=window),
    )


def queue_and_intake() -> tuple[Step, ...]:
    """The morning's numbers, and what each window did with the one it called."""
    a, b, c = (clerk(ON_DUTY[w]) for w in "ABC")
    return (
        take("09:00", "marriage", "B"),
        take("09:01", "residence", "B"),
        take("09:02", "marriage", "B"),
        take("09:05", "transfer", "C"),
        take("09:10", "subsidy", "A"),
        take("09:12", "marriage", "A"),
        Step("09:05", b, CallNext(window_id="B"), _("called at window B")),
        Step(
            "09:08",
            b,
            ReceiveApplication(
                application_id=MARRIAGE,
                item_id="marriage",
                applicant=applicant("李梅", "13900139000"),
                window_id="B",
                ticket="B001",
                presented=("id_card",),
                told_by="printed",
            ),
            _("received; photographs missing: one-time notice printed, the clock stopped"),
        ),
        Step("09:15", b, CallNext(window_id="B"), _("called at window B")),
        Step("09:18", b, SkipNumber(window_id="B"), _("did not come: skipped")),
        Step("09:18", b, CallNext(window_id="B"), _("called at window B")),
        Step(
            "09:20",
            b,
            ReceiveApplication(
                application_id=REFUSED,
                item_id="marriage",
                applicant=applicant("赵强", "13700137000"),
                window_id="B",
                ticket="B003",
                presented=("id_card", "photo"),
            ),
            _("received, materials complete"),
        ),
        Step(
            "09:25",
            b,
            RefuseApplication(
                application_id=REFUSED,
                reason=_("The marriage was registered in another province"),
                legal_basis=_("Marriage Registration Regulation art. 4"),
            ),
            _("refused (not accepted), with reason and legal basis"),
        ),
        Step(
            "09:25",
            b,
            TellApplicant(application_id=REFUSED, about="refused", channel="printed"),
            _("applicant told of the refusal"),
        ),
        Step("09:26", b, FinishNumber(window_id="B"), _("served")),
        Step("09:30", b, RecallNumber(window_id="B", number="B002"), _("recalled: came back")),
        Step(
            "09:32",
            b,
            ReceiveApplication(
                application_id=RESIDENCE,
                item_id="residence",
                applicant=applicant("钱宇", "13811112222"),
                window_id="B",
                ticket="B002",
                presented=("id_card",),
            ),
            _("received, materials complete"),
        ),
        Step(
            "09:40",
            b,
            DecideAtWindow(application_id=RESIDENCE, document_number="JZ-2026-0511"),
            _("decided at the window in the same visit"),
        ),
        Step("09:41", b, FinishNumber(window_id="B"), _("served")),
        Step("09:10", c, CallNext(window_id="C"), _("called at window C")),
        Step(
            "09:12",
            c,
            ReceiveApplication(
                application_id=TRANSFER,
                item_id="transfer",
                applicant=applicant("孙红", "13600136000"),
                window_id="C",
                ticket="C001",
                presented=("id_card", "deed"),
            ),
            _("received at one window for housing and tax"),
        ),
        Step("09:20", c, AcceptApplication(application_id=TRANSFER), _("accepted")),
        Step("09:21", c, FinishNumber(window_id="C"), _("served")),
        Step("09:15", a, CallNext(window_id="A"), _("called at window A")),
        Step(
            "09:17",
            a,
            ReceiveApplication(
                application_id=SUBSIDY,
                item_id="subsidy",
                applicant=applicant("周敏", "13500135000"),
                window_id="A",
                ticket="A001",
                presented=("id_card",),
            ),
            _("received, materials complete"),
        ),
        Step("09:25", a, AcceptApplication(application_id=SUBSIDY), _("accepted")),
        Step("09:26", a, FinishNumber(window_id="A"), _("served")),
        Step("09:30", a, CallNext(window_id="A"), _("called at window A")),
    )


def the_cases() -> tuple[Step, ...]:
    """The rest of the day: the parts of the joint item, the reported item, the 补正."""
    a, b, c, t = clerk("clerk-a"), clerk("clerk-b"), clerk("clerk-c"), clerk("clerk-t")
    return (
        Step(
            "11:00",
            c,
            CompleteStep(application_id=TRANSFER, step=0),
            _("housing's part done; tax's part still open"),
        ),
        Step(
            "10:30", a, CompleteStep(application_id=SUBSIDY, step=0), _("preliminary review done")
        ),
        Step(
            "10:45",
            a,
            SubmitToAuthority(application_id=SUBSIDY, reference="QMZ-2026-117"),
            _("submitted to the district bureau; the clock stopped while it holds it"),
        ),
        Step(
            "10:46",
            a,
            TellApplicant(application_id=SUBSIDY, about="submitted", channel="sms"),
            _("applicant told by SMS"),
        ),
        Step(
            "14:00",
            t,
            CompleteStep(application_id=TRANSFER, step=1),
            _("tax's part done: every part is done"),
        ),
        Step(
            "14:10",
            c,
            ConcludeApplication(
                application_id=TRANSFER, outcome="approved", document_number="FC-2026-0389"
            ),
            _("concluded by the lead department"),
        ),
        Step(
            "14:10",
            c,
            TellApplicant(application_id=TRANSFER, about="result", channel="sms"),
            _("applicant told the result by SMS"),
        ),
        Step(
            "14:30",
            b,
            SupplyMaterials(application_id=MARRIAGE, materials=["photo"]),
            _("photographs supplied (补正): the clock runs again"),
        ),
        Step("14:32", b, AcceptApplication(application_id=MARRIAGE), _("accepted")),
        Step(
            "15:30",
            a,
            RecordAuthorityReply(application_id=SUBSIDY, reply=_("Approved, 800 yuan a month")),
            _("the district bureau's reply recorded"),
        ),
        Step(
            "15:40",
            a,
            ConcludeApplication(
                application_id=SUBSIDY, outcome="approved", document_number="DB-2026-0042"
            ),
            _("concluded"),
        ),
        Step(
            "15:40",
            a,
            TellApplicant(application_id=SUBSIDY, about="result", channel="sms"),
            _("applicant told the result by SMS"),
        ),
    )


def run_hall_day(store: Store | None = None) -> HallDay:
    """Run the hall's day and return it; nothing is printed here."""
    clock = DemoClock(HALL_DAY, TIME_ZONE)
    desk = Desk(store or open_store(), clock=clock, entry_points=False)
    setup = walk(desk, clock, before_opening())
    log = walk(desk, clock, chain(queue_and_intake(), the_cases()))
    clock.at("17:00")
    return HallDay(desk=desk, clock=clock, setup=setup, log=log)
