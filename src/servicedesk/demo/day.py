"""A day at a property service centre, run through the public API only.

``servicedesk demo`` prints what this module does; newcomers read it as the
longest worked example of the library, so it uses nothing a caller could not:
``Desk``, the commands and ``desk.queries``.  The clock is fixed and moved by
hand through Thursday 30 April 2026, the eve of the Labour Day holiday, so the
output is the same on every machine and shows deadlines carried over five
days off to Wednesday 6 May.

The day is written as tables of steps (``servicedesk.demo.steps``): the
catalogue and the workers before opening, then each request's story in one
piece, as a clerk would tell it, then what a service hall on the same core
would promise.  ``walk`` interleaves the stories by time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from itertools import chain
from zoneinfo import ZoneInfo

import attrs

from servicedesk import (
    AcceptWork,
    Actor,
    ActorId,
    AddExtraFee,
    ApproveFee,
    CancelRequest,
    Channel,
    CloseRequest,
    CompleteWork,
    ConsentKind,
    Contact,
    DeclineRequest,
    Desk,
    DispatchDue,
    DispatchRequest,
    EvidenceChannel,
    FeeStandard,
    MemoryStore,
    Money,
    ProposeFeeChange,
    ProposeItem,
    RecordConsent,
    RegisterRequest,
    RegisterWorker,
    RejectFee,
    RejectWork,
    Requester,
    RequesterEvidence,
    RequesterKind,
    Role,
    StartWork,
    TriageRequest,
    WorkerKind,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.demo.steps import DemoClock, Done, Step, walk
from servicedesk.i18n import N_, _
from servicedesk.i18n import label as enum_label
from servicedesk.policies.service_hall import ServiceHall

TIME_ZONE = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 4, 30)
END_OF_DAY = "17:30"

CLERK = Actor(ActorId("sun"), "Sun", {Role.CLERK})
#: What the clerk records with a requester's word given at the counter, and on the phone.
AT_THE_COUNTER = RequesterEvidence(EvidenceChannel.IN_PERSON, witnessed_by=CLERK.id)
ON_THE_PHONE = RequesterEvidence(EvidenceChannel.PHONE, witnessed_by=CLERK.id)
#: Lin Hui, signed in to the estate's app, acting for her own request and account.
LIN_IN_THE_APP = Actor.requester("app-lin-hui", "Lin Hui", acts_for={"SR-02", "ACC-2"})
CENTRE_MANAGER = Actor(ActorId("wang"), "Wang", {Role.CENTRE_MANAGER})
BRANCH_MANAGER = Actor(ActorId("li"), "Li", {Role.BRANCH_MANAGER})
#: The centre's assistant, who draws up the catalogue the managers approve (never their own).
ASSISTANT = Actor(ActorId("qian"), "Qian", {Role.ASSISTANT})

#: The centre's workers: id, name, skills, staff or contractor.
WORKERS: tuple[tuple[str, str, frozenset[str], WorkerKind], ...] = (
    ("w-zhang", "Zhang", frozenset({N_("plumbing"), N_("electrical")}), WorkerKind.STAFF),
    ("w-liu", "Liu", frozenset({N_("plumbing")}), WorkerKind.STAFF),
    ("w-zhao", "Zhao", frozenset({N_("cleaning")}), WorkerKind.STAFF),
    ("c-anxin", "Anxin Locks", frozenset({N_("locksmith")}), WorkerKind.CONTRACTOR),
)

#: Each worker as the actor who starts and completes the jobs they were given.
WORKER_ACTORS = {
    worker_id: Actor(
        ActorId(worker_id),
        name,
        {Role.CONTRACTOR if kind is WorkerKind.CONTRACTOR else Role.WORKER},
    )
    for worker_id, name, _skills, kind in WORKERS
}

#: The service hall's one request, registered after the centre's day.
HALL_REQUEST = "H-01"


@attrs.frozen
class Day:
    """What the day left behind: the desk to query, the log, and the service hall."""

    desk: Desk
    clock: DemoClock
    log: list[Done]
    request_ids: list[str]
    hall: Desk
    hall_request: str
    hall_working_days: int | None


def open_store() -> Store:
    """The store when none is given: in memory (``servicedesk demo`` passes an SQLite one)."""
    return MemoryStore()


def worker_of(request_id: str) -> Callable[[Desk], Actor]:
    """The worker holding the request's work order when the step runs."""

    def worker(desk: Desk) -> Actor:
        worker_id = desk.queries.request(request_id).worker_id
        assert worker_id is not None, request_id
        return WORKER_ACTORS[worker_id.value]

    return worker


def requester(name: str, unit: str, phone: str, tenant: bool = False) -> Requester:
    """An owner of the estate, or with ``tenant`` one who rents."""
    kind = RequesterKind.TENANT if tenant else RequesterKind.OWNER
    return Requester(name, unit, Contact(phone), kind)


def registered(at: str, request_id: str, requester: Requester, need: str, channel: Channel) -> Step:
    """The first step of a story: the clerk registers what came in from ``channel``."""
    return Step(
        at,
        CLERK,
        RegisterRequest(request_id=request_id, requester=requester, need=need, channel=channel),
        _("registered from {channel}").format(channel=label(channel)),
    )


def hourly_batch(at: str) -> Step:
    """The hourly run of ``DispatchDue`` that sends out the ordinary repairs."""
    return Step(at, CLERK, DispatchDue(), _("hourly batch: {n} dispatched"), counts=True)


def before_opening() -> tuple[Step, ...]:
    """08:00-08:45: the catalogue proposed and approved twice over, the workers registered."""
    catalogue = (
        ("pipe-leak", _("Pipe leak repair"), N_("plumbing"), FeeStandard.fixed(Money.of("80.00"))),
        ("tap-repair", _("Tap repair"), N_("plumbing"), FeeStandard.fixed(Money.of("30.00"))),
        (
            "light-fitting",
            _("Light fitting"),
            N_("electrical"),
            FeeStandard.fixed(Money.of("20.00")),
        ),
        (
            "window-cleaning",
            _("Window cleaning"),
            N_("cleaning"),
            FeeStandard.per_unit(Money.of("8.00"), "m²"),
        ),
        (
            "water-heater",
            _("Water heater repair"),
            N_("appliances"),
            FeeStandard.labour_and_materials(Money.of("40.00")),
        ),
        (
            "lock-repair",
            _("Door lock repair"),
            N_("locksmith"),
            FeeStandard.fixed(Money.of("60.00")),
        ),
        ("car-wash", _("Car washing"), N_("cleaning"), FeeStandard.fixed(Money.of("25.00"))),
    )
    published = [item_id for item_id, *_rest in catalogue if item_id != "car-wash"]
    return (
        *(
            Step(
                "08:00",
                ASSISTANT,
                ProposeItem(item_id=item_id, name=name, category=category, fee=fee),
                _("item proposed"),
            )
            for item_id, name, category, fee in catalogue
        ),
        *(
            Step(
                "08:10",
                CENTRE_MANAGER,
                ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER),
                _("approved by the centre manager"),
            )
            for item_id in published
        ),
        *(
            Step(
                "08:20",
                BRANCH_MANAGER,
                ApproveFee(item_id=item_id, role=Role.BRANCH_MANAGER),
                _("approved by the branch manager: published"),
            )
            for item_id in published
        ),
        Step(
            "08:20",
            CENTRE_MANAGER,
            RejectFee(
                item_id="car-wash", role=Role.CENTRE_MANAGER, reason=_("Not a property service")
            ),
            _("rejected by the centre manager"),
        ),
        Step(
            "08:25",
            ASSISTANT,
            ProposeFeeChange(
                item_id="light-fitting",
                fee=FeeStandard.fixed(Money.of("25.00")),
                reason=_("LED fittings now used"),
            ),
            _("price change proposed"),
        ),
        Step(
            "08:30",
            CENTRE_MANAGER,
            ApproveFee(item_id="light-fitting", role=Role.CENTRE_MANAGER),
            _("price change approved by the centre manager"),
        ),
        Step(
            "08:40",
            BRANCH_MANAGER,
            ApproveFee(item_id="light-fitting", role=Role.BRANCH_MANAGER),
            _("price change approved by the branch manager: new price in force"),
        ),
        *(
            Step(
                "08:45",
                CLERK,
                RegisterWorker(worker_id=worker_id, name=name, skills=skills, kind=kind),
                _("worker registered"),
            )
            for worker_id, name, skills, kind in WORKERS
        ),
    )


def stories() -> tuple[tuple[Step, ...], ...]:
    """The twelve requests of the day, each told in one piece from its registration."""
    return (
        # An urgent leak: dispatched at once, done, accepted and closed.
        (
            registered(
                "09:05",
                "SR-01",
                requester("Chen Jing", "3-502", "13800138000"),
                _("Water dripping from the kitchen ceiling"),
                Channel.HOTLINE,
            ),
            Step(
                "09:08",
                CLERK,
                TriageRequest(request_id="SR-01", item_id="pipe-leak", urgency="urgent"),
                _("triaged urgent"),
            ),
            Step("09:10", CLERK, DispatchRequest(request_id="SR-01"), _("dispatched at once")),
            Step("09:35", worker_of("SR-01"), StartWork(request_id="SR-01"), _("work started")),
            Step(
                "10:20",
                worker_of("SR-01"),
                CompleteWork(request_id="SR-01", notes=_("Joint resealed")),
                _("completed"),
            ),
            Step(
                "10:30",
                CLERK,
                AcceptWork(request_id="SR-01", signed_by="Chen Jing", evidence=AT_THE_COUNTER),
                _("accepted at the counter"),
            ),
            Step("10:35", CLERK, CloseRequest(request_id="SR-01"), _("closed")),
        ),
        # An ordinary tap repair: batched at ten, then an extra fee with consent.
        (
            registered(
                "09:20",
                "SR-02",
                requester("Lin Hui", "5-1201", "13912345678", tenant=True),
                _("Bathroom tap drips"),
                Channel.APP,
            ),
            Step(
                "09:25",
                CLERK,
                TriageRequest(request_id="SR-02", item_id="tap-repair"),
                _("triaged ordinary"),
            ),
            hourly_batch("10:00"),
            Step("10:40", worker_of("SR-02"), StartWork(request_id="SR-02"), _("work started")),
            Step(
                "10:50",
                LIN_IN_THE_APP,
                RecordConsent(
                    request_id="SR-02",
                    consent_id="c-1",
                    kind=ConsentKind.EXTRA_FEE,
                    description=_("New cartridge needed"),
                    amount=Money.of("15.00"),
                ),
                _("the requester consented in the app"),
            ),
            Step(
                "10:55",
                worker_of("SR-02"),
                AddExtraFee(
                    request_id="SR-02",
                    consent_id="c-1",
                    amount=Money.of("15.00"),
                    description=_("Cartridge"),
                ),
                _("extra fee added under the consent"),
            ),
            Step("11:20", worker_of("SR-02"), CompleteWork(request_id="SR-02"), _("completed")),
            Step(
                "11:30",
                LIN_IN_THE_APP,
                AcceptWork(request_id="SR-02", signed_by="Lin Hui"),
                _("accepted in the app"),
            ),
        ),
        # Out of scope: declined with a reason.
        (
            registered(
                "09:40",
                "SR-03",
                requester("Guo Wei", "2-301", "13700001111"),
                _("Service my car's air conditioning"),
                Channel.FRONT_DESK,
            ),
            Step(
                "09:42",
                CLERK,
                DeclineRequest(
                    request_id="SR-03", reason=_("Vehicle repair is not a service of the centre")
                ),
                _("declined: out of scope"),
            ),
        ),
        # Window cleaning by the square metre, then cancelled by the requester.
        (
            registered(
                "09:50",
                "SR-04",
                requester("Xu Ming", "7-802", "13600002222"),
                _("Clean the balcony windows"),
                Channel.WECHAT,
            ),
            Step(
                "09:55",
                CLERK,
                TriageRequest(request_id="SR-04", item_id="window-cleaning", quantity="12"),
                _("triaged: 12 m²"),
            ),
            Step(
                "09:58",
                CLERK,
                CancelRequest(request_id="SR-04", reason=_("Requester away")),
                _("cancelled by the requester"),
            ),
        ),
        # A light repaired, rejected by the requester, reworked until accepted.
        (
            registered(
                "10:10",
                "SR-05",
                requester("He Fang", "1-1502", "13500003333"),
                _("Living room light flickers"),
                Channel.OWNER_GROUP,
            ),
            Step(
                "10:12",
                CLERK,
                TriageRequest(request_id="SR-05", item_id="light-fitting"),
                _("triaged"),
            ),
            Step(
                "10:15",
                CLERK,
                DispatchRequest(request_id="SR-05", worker_id="w-zhang"),
                _("dispatched"),
            ),
            Step("11:00", worker_of("SR-05"), StartWork(request_id="SR-05"), _("work started")),
            Step("11:40", worker_of("SR-05"), CompleteWork(request_id="SR-05"), _("completed")),
            Step(
                "11:50",
                CLERK,
                RejectWork(request_id="SR-05", reason=_("Still flickers"), evidence=ON_THE_PHONE),
                _("rejected by the requester: rework"),
            ),
            Step("13:10", worker_of("SR-05"), StartWork(request_id="SR-05"), _("rework started")),
            Step(
                "13:40",
                worker_of("SR-05"),
                CompleteWork(request_id="SR-05", notes=_("Driver replaced")),
                _("completed"),
            ),
            Step(
                "13:50",
                CLERK,
                AcceptWork(request_id="SR-05", signed_by="He Fang", evidence=AT_THE_COUNTER),
                _("accepted at the counter"),
            ),
            Step("13:55", CLERK, CloseRequest(request_id="SR-05"), _("closed")),
        ),
        # A lock repair by the contractor, still in progress at the handover.
        (
            registered(
                "10:25",
                "SR-06",
                requester("Ma Li", "4-601", "13400004444"),
                _("Front door lock sticks"),
                Channel.FRONT_DESK,
            ),
            Step(
                "10:28",
                CLERK,
                TriageRequest(request_id="SR-06", item_id="lock-repair"),
                _("triaged"),
            ),
            hourly_batch("11:00"),
            Step("14:00", worker_of("SR-06"), StartWork(request_id="SR-06"), _("work started")),
        ),
        # A blocked drain batched at noon that nobody starts: overdue by evening.
        (
            registered(
                "11:05",
                "SR-07",
                requester("Song Tao", "6-201", "13300005555"),
                _("Kitchen sink drains slowly"),
                Channel.HOTLINE,
            ),
            Step(
                "11:10",
                CLERK,
                TriageRequest(request_id="SR-07", item_id="tap-repair"),
                _("triaged ordinary"),
            ),
            hourly_batch("12:00"),
        ),
        # A completed job the requester accepts: the window cleaning of a shop.
        (
            registered(
                "13:05",
                "SR-08",
                requester("Yang Lu", "Shop 3", "13200006666", tenant=True),
                _("Clean the shop front windows"),
                Channel.ON_SITE,
            ),
            Step(
                "13:08",
                CLERK,
                TriageRequest(request_id="SR-08", item_id="window-cleaning", quantity="20.5"),
                _("triaged: 20.5 m²"),
            ),
            Step("13:10", CLERK, DispatchRequest(request_id="SR-08"), _("dispatched")),
            Step("13:30", worker_of("SR-08"), StartWork(request_id="SR-08"), _("work started")),
            Step("15:00", worker_of("SR-08"), CompleteWork(request_id="SR-08"), _("completed")),
            Step(
                "15:10",
                CLERK,
                AcceptWork(request_id="SR-08", signed_by="Yang Lu", evidence=AT_THE_COUNTER),
                _("accepted at the counter"),
            ),
            Step("15:15", CLERK, CloseRequest(request_id="SR-08"), _("closed")),
        ),
        # Labour and materials: no price until the estimate, no skilled worker yet.
        (
            registered(
                "14:10",
                "SR-09",
                requester("Zhou Qin", "8-1001", "13100007777"),
                _("Water heater shows error E4"),
                Channel.APP,
            ),
            Step(
                "14:20",
                CLERK,
                TriageRequest(request_id="SR-09", item_id="water-heater"),
                _("triaged: estimate first"),
            ),
            hourly_batch("15:00"),
        ),
        # The new light price applies; the job waits for tomorrow.
        (
            registered(
                "15:20",
                "SR-10",
                requester("Wu Yan", "2-1103", "13000008888"),
                _("Replace the hallway light"),
                Channel.WECHAT,
            ),
            Step(
                "15:25",
                CLERK,
                TriageRequest(request_id="SR-10", item_id="light-fitting"),
                _("triaged at the new price"),
            ),
        ),
        # An urgent repair late in the day: dispatched, on site after the holiday at worst.
        (
            registered(
                "16:10",
                "SR-11",
                requester("Feng Jie", "9-302", "15900009999"),
                _("Toilet cistern overflowing"),
                Channel.HOTLINE,
            ),
            Step(
                "16:12",
                CLERK,
                TriageRequest(request_id="SR-11", item_id="pipe-leak", urgency="urgent"),
                _("triaged urgent"),
            ),
            Step(
                "16:15",
                CLERK,
                DispatchRequest(request_id="SR-11", worker_id="w-liu"),
                _("dispatched"),
            ),
        ),
        # Registered at closing time, triaged by the next shift.
        (
            registered(
                "16:55",
                "SR-12",
                requester("Deng Hao", "5-402", "15800001234"),
                _("Ask about a parcel locker fault"),
                Channel.MAILBOX,
            ),
        ),
    )


def service_hall() -> tuple[Step, ...]:
    """17:00, what a service hall would promise: a free certificate, registered and triaged."""
    item = "residence-cert"
    return (
        Step(
            "17:00",
            ASSISTANT,
            ProposeItem(
                item_id=item,
                name=_("Residence certificate"),
                category=N_("civil_affairs"),
                fee=FeeStandard.free(),
            ),
        ),
        Step("17:00", CENTRE_MANAGER, ApproveFee(item_id=item, role=Role.CENTRE_MANAGER)),
        Step("17:00", BRANCH_MANAGER, ApproveFee(item_id=item, role=Role.BRANCH_MANAGER)),
        Step(
            "17:00",
            CLERK,
            RegisterRequest(
                request_id=HALL_REQUEST,
                requester=Requester(
                    "Qian Yu", "Xinhua St 12", Contact("13811112222"), RequesterKind.PUBLIC
                ),
                need=_("Residence certificate for school enrolment"),
                channel=Channel.FRONT_DESK,
            ),
        ),
        Step("17:00", CLERK, TriageRequest(request_id=HALL_REQUEST, item_id=item)),
    )


def run_day(store: Store | None = None) -> Day:
    """Run the whole day and return it; nothing is printed here."""
    clock = DemoClock(DAY, TIME_ZONE)
    desk = Desk(store or open_store(), clock=clock, entry_points=False)
    log = walk(desk, clock, chain(before_opening(), *stories()))
    # The same core with the ServiceHall plugin, on a desk of its own.
    plugin = ServiceHall()
    hall = Desk(open_store(), plugins=[plugin], clock=clock, entry_points=False)
    walk(hall, clock, service_hall())
    kind = hall.queries.request(HALL_REQUEST).item_kind
    clock.at(END_OF_DAY)
    return Day(
        desk=desk,
        clock=clock,
        log=log,
        request_ids=[done.record for done in log if isinstance(done.command, RegisterRequest)],
        hall=hall,
        hall_request=HALL_REQUEST,
        hall_working_days=plugin.working_days.get(kind) if kind is not None else None,
    )


def label(value: object) -> str:
    """An enum member as a person reads it (its translated label); ``-`` or text as it is."""
    return enum_label(value) if isinstance(value, Enum) else _(str(value))


#: The weekdays as the desk abbreviates them, Monday first.
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def local(at: datetime) -> str:
    """A time as the desk reads it: local, to the minute, with the weekday."""
    moment = at.astimezone(TIME_ZONE)
    return f"{_(WEEKDAYS[moment.weekday()])} {moment:%Y-%m-%d %H:%M}"
