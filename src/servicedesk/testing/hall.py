"""A small service hall to test against: three departments, three windows, four items.

``open_hall(desk)`` sets it up through the desk's own commands, so that a test starts
where a hall's first morning would: departments with their heads and seconded staff, a
comprehensive window A and two specialised windows B (civil affairs) and C (housing),
open 09:00-12:00 and 13:30-17:00 on the hall's working days, each with its clerk on duty,
and one published guide of each kind (``IMMEDIATE``, ``PROMISED``, ``JOINT``,
``ESCALATED``).  The names are the ids, so that a test reads like the hall.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from servicedesk.app.desk import Desk
from servicedesk.app.hall.commands import (
    DraftGuide,
    GoOnDuty,
    OpenWindow,
    PublishGuide,
    RegisterDepartment,
    SecondStaff,
)
from servicedesk.domain.calendar import WorkingBlock
from servicedesk.domain.deadlines import WorkingBudget
from servicedesk.domain.hall import (
    DepartmentId,
    Flow,
    Material,
    MaterialForm,
    OpeningHours,
    ProcessStep,
)
from servicedesk.domain.hall_cases import Applicant
from servicedesk.domain.requests import ItemKind
from servicedesk.domain.values import Actor, ActorId, Contact, Role

#: Monday 11 May 2026, 10:00 in Shanghai: the hall is open.
MORNING = datetime(2026, 5, 11, 2, 0, tzinfo=UTC)
HOURS = OpeningHours((WorkingBlock(time(9), time(12)), WorkingBlock(time(13, 30), time(17))))

MANAGER = Actor(ActorId("hall-manager"), "Hall manager", {Role.CENTRE_MANAGER})
#: Department -> its head and its seconded clerks.
DEPARTMENTS = {
    "civil": ("civil-head", ("clerk-a", "clerk-b")),
    "housing": ("housing-head", ("clerk-c",)),
    "tax": ("tax-head", ("clerk-t",)),
}
#: Window -> (kind, department, items, its clerk on duty).
WINDOWS = {
    "A": ("comprehensive", None, ("residence", "marriage", "transfer", "subsidy"), "clerk-a"),
    "B": ("specialised", "civil", ("residence", "marriage", "subsidy"), "clerk-b"),
    "C": ("specialised", "housing", ("transfer",), "clerk-c"),
}
IMMEDIATE, PROMISED, JOINT, ESCALATED = "residence", "marriage", "transfer", "subsidy"
ID_CARD = Material("id_card", "Identity card", MaterialForm.ORIGINAL_AND_COPY, 1)
PHOTO = Material("photo", "Photograph, 2 inch", MaterialForm.ORIGINAL, 2)
DEED = Material("deed", "Property deed", MaterialForm.ORIGINAL, 1)


def clerk(actor_id: str) -> Actor:
    return Actor(ActorId(actor_id), actor_id, {Role.CLERK})


def head(department: str) -> Actor:
    return Actor(ActorId(DEPARTMENTS[department][0]), department, {Role.DEPARTMENT_HEAD})


def applicant(name: str = "Li Lei", phone: str = "13900139000") -> Applicant:
    return Applicant(name=name, contact=Contact(phone), id_number="110101199001011234")


def step(name: str, department: str, days: int = 0, hours: float = 0) -> ProcessStep:
    budget = WorkingBudget.working_days(days) if days else WorkingBudget.hours(hours)
    return ProcessStep(name, DepartmentId(department), budget)


GUIDES = (
    DraftGuide(
        item_id=IMMEDIATE,
        name="Residence certificate",
        kind=ItemKind.IMMEDIATE,
        legal_basis=("Residence Certificate Regulation art. 5",),
        conditions=("Lives in the district",),
        materials=(ID_CARD,),
        steps=(step("Checked and issued at the window", "civil", hours=1),),
        time_limit=WorkingBudget.hours(2),
    ),
    DraftGuide(
        item_id=PROMISED,
        name="Marriage record copy",
        kind=ItemKind.PROMISED,
        legal_basis=("Marriage Registration Regulation art. 12",),
        materials=(ID_CARD, PHOTO),
        steps=(step("Review", "civil", days=1), step("Approval", "civil", days=2)),
        time_limit=WorkingBudget.working_days(5),
    ),
    DraftGuide(
        item_id=JOINT,
        name="House transfer",
        kind=ItemKind.JOINT,
        legal_basis=("Real Property Registration Regulation art. 14",),
        materials=(ID_CARD, DEED),
        steps=(step("Registration", "housing", days=3), step("Deed tax", "tax", days=2)),
        flow=Flow.PARALLEL,
        time_limit=WorkingBudget.working_days(10),
    ),
    DraftGuide(
        item_id=ESCALATED,
        name="Hardship subsidy",
        kind=ItemKind.ESCALATED,
        legal_basis=("Social Assistance Measures art. 9",),
        materials=(ID_CARD,),
        steps=(step("Preliminary review", "civil", days=3),),
        time_limit=WorkingBudget.working_days(20),
        higher_authority="District Civil Affairs Bureau",
    ),
)


def open_hall(desk: Desk) -> None:
    """Set the hall up and put each window's clerk on duty (the desk's clock must be open)."""
    for department, (head_id, staff) in DEPARTMENTS.items():
        desk.handle(
            RegisterDepartment(department_id=department, name=department, head=head_id),
            actor=MANAGER,
        )
        for member in staff:
            desk.handle(SecondStaff(department_id=department, staff=member), actor=MANAGER)
    for guide in GUIDES:
        desk.handle(guide, actor=MANAGER)
        desk.handle(PublishGuide(item_id=guide.item_id), actor=MANAGER)
    for window, (kind, seconding, items, _clerk) in WINDOWS.items():
        desk.handle(
            OpenWindow(
                window_id=window,
                name=f"Window {window}",
                kind=kind,
                department_id=seconding,
                items=items,
                prefix=window,
                hours=HOURS,
            ),
            actor=MANAGER,
        )
    for window, (*_rest, on_duty) in WINDOWS.items():
        desk.handle(GoOnDuty(window_id=window), actor=clerk(on_duty))


def guide(item_id: str) -> DraftGuide:
    """The draft command of one of the hall's guides, to change and draft again."""
    return next(g for g in GUIDES if g.item_id.value == item_id)
