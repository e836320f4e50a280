"""A day at a community convenience-service centre, run through the public API only.

``servicedesk demo --community`` prints what this module does.  Tuesday 12 May 2026 in
Shanghai, on the ``CommunityCentre`` plugin: the centre publishes its free services, and a
proposal to charge for one is refused; residents ask and suggest by phone, at the counter,
by WeChat and through the suggestion box.  Whoever is asked first owns the enquiry: one is
handed to the colleague who knows the answer, one is referred to the neighbourhood
committee, one becomes a service request, one is reassigned by the department head, and one
is still unanswered at closing time.  Deadlines count the centre's own opening hours
(08:30-12:00, 14:00-17:30).
"""

from __future__ import annotations

from datetime import date, datetime

import attrs

from servicedesk import (
    Actor,
    ActorId,
    AnswerEnquiry,
    ApproveFee,
    Contact,
    Desk,
    FeeStandard,
    HandOverEnquiry,
    Money,
    ProposeItem,
    ReferEnquiry,
    RegisterRequest,
    RegisterWorker,
    Requester,
    RequesterKind,
    Role,
    TakeEnquiry,
    TriageRequest,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.demo.day import TIME_ZONE, label, open_store
from servicedesk.demo.steps import DemoClock, Done, Step, walk
from servicedesk.domain.enquiries import EnquiryKind
from servicedesk.domain.errors import ServiceDeskError
from servicedesk.domain.requests import Channel
from servicedesk.i18n import N_, _
from servicedesk.policies.community_centre import OPENING_HOURS, CommunityCentre

#: Tuesday 12 May 2026, an ordinary working day.
COMMUNITY_DAY = date(2026, 5, 12)
CLOSING = "17:30"

MANAGER = Actor(ActorId("gao"), "Gao", {Role.CENTRE_MANAGER})
BRANCH = Actor(ActorId("li"), "Li", {Role.BRANCH_MANAGER})
HEAD = Actor(ActorId("head-xu"), "Xu", {Role.DEPARTMENT_HEAD})
CHEN = Actor(ActorId("clerk-chen"), "Chen", {Role.CLERK})
HE = Actor(ActorId("clerk-he"), "He", {Role.CLERK})

#: The enquiries of the day, in the order they are taken.
ELDERLY_CARD, BENCHES, TAP, SUNDAY, NEWBORN = "E-01", "E-02", "E-03", "E-04", "E-05"
ENQUIRIES = (ELDERLY_CARD, SUNDAY, BENCHES, TAP, NEWBORN)
REQUEST = "SR-01"
#: The item whose proposal with a price is refused.
PRICED = "haircut-home"


@attrs.frozen
class Refusal:
    """A command the centre's rules refused, and what the desk said."""

    at: datetime
    record: str
    line: str


@attrs.frozen
class CommunityDay:
    """What the centre's day left behind: the desk to query and the log of its steps."""

    desk: Desk
    clock: DemoClock
    setup: list[Done]
    refused: list[Refusal]
    log: list[Done]
    closing: datetime


def resident(name: str, unit: str, phone: str) -> Requester:
    return Requester(name, unit, Contact(phone), RequesterKind.PUBLIC)


def catalogue() -> tuple[tuple[str, str, str], ...]:
    """The centre's services: id, name, category; every one free."""
    return (
        ("utility-bills", _("Paying utility bills for elderly residents"), N_("errands")),
        ("legal-advice", _("Legal advice"), N_("legal")),
        ("tap-repair", _("Tap repair"), N_("plumbing")),
    )


def before_opening() -> tuple[Step, ...]:
    """08:00-08:20: the free services proposed and approved, the handyman registered."""
    steps: list[Step] = []
    for item_id, name, category in catalogue():
        steps.append(
            Step(
                "08:00",
                CHEN,
                ProposeItem(item_id=item_id, name=name, category=category, fee=FeeStandard.free()),
                _("free service proposed"),
            )
        )
        steps.append(
            Step(
                "08:10",
                MANAGER,
                ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER),
                _("approved by the centre manager"),
            )
        )
        steps.append(
            Step(
                "08:15",
                BRANCH,
                ApproveFee(item_id=item_id, role=Role.BRANCH_MANAGER),
                _("approved by the branch manager: published"),
            )
        )
    steps.append(
        Step(
            "08:20",
            MANAGER,
            RegisterWorker(worker_id="w-ma", name="Ma", skills={N_("plumbing")}),
            _("handyman registered"),
        )
    )
    return tuple(steps)


def take(at: str, actor: Actor, enquiry_id: str, kind: str, channel: str, **fields: str) -> Step:
    phone = fields.pop("phone", None)
    return Step(
        at,
        actor,
        TakeEnquiry(
            enquiry_id=enquiry_id,
            kind=kind,
            channel=channel,
            contact=Contact(phone) if phone else None,
            **fields,
        ),
        _("{kind} taken ({channel}): {owner} was asked first and owns it").format(
            kind=label(EnquiryKind(kind)), channel=label(Channel(channel)), owner=actor.id.value
        ),
    )


def the_day() -> tuple[Step, ...]:
    """From opening to closing: five enquiries and the request one of them became."""
    return (
        take(
            "08:40",
            CHEN,
            ELDERLY_CARD,
            "consultation",
            "hotline",
            asker_name="王秀英",
            phone="13912345678",
            question=_("How do I apply for the senior citizen card?"),
        ),
        Step(
            "08:45",
            CHEN,
            HandOverEnquiry(
                enquiry_id=ELDERLY_CARD, to="clerk-he", reason=_("handles elderly affairs")
            ),
            _("handed over to clerk-he, who owns it from now on"),
        ),
        Step(
            "09:20",
            HE,
            AnswerEnquiry(
                enquiry_id=ELDERLY_CARD,
                answer=_("Bring your identity card and one photograph to window 2"),
            ),
            _("answered by its owner, clerk-he"),
        ),
        take(
            "09:05",
            HE,
            SUNDAY,
            "consultation",
            "wechat",
            asker_name="刘军",
            phone="13687654321",
            question=_("Is the centre open on Sundays?"),
        ),
        take(
            "10:00",
            CHEN,
            BENCHES,
            "suggestion",
            "suggestion_box",
            asker_name="赵磊",
            question=_("Please put more benches in the small park"),
        ),
        Step(
            "10:30",
            CHEN,
            ReferEnquiry(
                enquiry_id=BENCHES,
                to="department",
                department=_("Neighbourhood committee"),
                note=_("the committee decides on the park"),
            ),
            _("referred to the neighbourhood committee, which decides on the park"),
        ),
        take(
            "10:45",
            HE,
            TAP,
            "consultation",
            "front_desk",
            asker_name="孙丽",
            phone="13500001111",
            question=_("My kitchen tap drips; can someone come?"),
        ),
        Step(
            "10:50",
            HE,
            RegisterRequest(
                request_id=REQUEST,
                requester=resident("孙丽", "5-302", "13500001111"),
                need=_("Kitchen tap drips"),
                channel="front_desk",
            ),
            _("service request registered for it"),
        ),
        Step(
            "10:52",
            HE,
            TriageRequest(request_id=REQUEST, item_id="tap-repair"),
            _("accepted as a free tap repair"),
        ),
        Step(
            "10:55",
            HE,
            ReferEnquiry(enquiry_id=TAP, to="request", request_id=REQUEST),
            _("referred to the service request SR-01"),
        ),
        take(
            "11:50",
            CHEN,
            NEWBORN,
            "consultation",
            "front_desk",
            asker_name="周婷",
            phone="13311112222",
            question=_("Where do I register my newborn?"),
        ),
        Step(
            "15:00",
            HEAD,
            HandOverEnquiry(enquiry_id=NEWBORN, to="clerk-he", reason=_("clerk-chen is out")),
            _("reassigned by the department head: clerk-chen is out"),
        ),
    )


def _refused_price(desk: Desk, clock: DemoClock) -> list[Refusal]:
    """08:25: someone proposes to charge for a service; the centre's rules refuse it."""
    at = clock.at("08:25")
    priced = ProposeItem(
        item_id=PRICED,
        name=_("Haircut at home"),
        category=N_("errands"),
        fee=FeeStandard.fixed(Money.of("15.00")),
    )
    try:
        desk.handle(priced, actor=CHEN)
    except ServiceDeskError as refused:
        line = _("proposed at {price}: refused ({why})").format(
            price=Money.of("15.00"), why=str(refused)
        )
        return [Refusal(at, PRICED, line)]
    raise AssertionError("a priced service was accepted at a community centre")


def run_community_day(store: Store | None = None) -> CommunityDay:
    """Run the centre's day and return it; nothing is printed here."""
    clock = DemoClock(COMMUNITY_DAY, TIME_ZONE)
    desk = Desk(store or open_store(), clock=clock, plugins=[CommunityCentre()], entry_points=False)
    setup = walk(desk, clock, before_opening())
    refused = _refused_price(desk, clock)
    log = walk(desk, clock, the_day())
    closing = clock.at(CLOSING)
    return CommunityDay(
        desk=desk, clock=clock, setup=setup, refused=refused, log=log, closing=closing
    )


def opening_hours() -> str:
    """The centre's hours as a person reads them: ``08:30-12:00, 14:00-17:30``."""
    return ", ".join(f"{start}-{end}" for start, end in OPENING_HOURS)
