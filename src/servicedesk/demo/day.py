"""A day at a property service centre, run through the public API only.

``servicedesk demo`` prints what this module does; newcomers read it as the
longest worked example of the library, so it uses nothing a caller could not:
``Desk``, the commands and ``desk.queries``.  The clock is fixed and moved by
hand through Thursday 30 April 2026, the eve of the Labour Day holiday, so the
output is the same on every machine and shows deadlines carried over five
days off to Wednesday 6 May.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
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
    Command,
    CompleteWork,
    ConsentKind,
    Contact,
    DeclineRequest,
    Desk,
    DispatchDue,
    DispatchRequest,
    FeeStandard,
    Money,
    ProposeFeeChange,
    ProposeItem,
    RecordConsent,
    RegisterRequest,
    RegisterWorker,
    RejectFee,
    RejectWork,
    Requester,
    RequesterKind,
    Role,
    StartWork,
    TriageRequest,
    WorkerKind,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.i18n import _

TIME_ZONE = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 4, 30)
END_OF_DAY = "17:30"

CLERK = Actor(ActorId("sun"), "Sun", {Role.CLERK})
CENTRE_MANAGER = Actor(ActorId("wang"), "Wang", {Role.CENTRE_MANAGER})
BRANCH_MANAGER = Actor(ActorId("li"), "Li", {Role.BRANCH_MANAGER})


def open_store() -> Store:
    """The store when none is given: in memory (``servicedesk demo`` passes an SQLite one)."""
    from servicedesk.adapters.memory import MemoryStore

    return MemoryStore()


class DemoClock:
    """A wall clock the demo moves by hand: ``Desk(MemoryStore(), clock=clock)`` reads it."""

    def __init__(self, day: date, tz: ZoneInfo) -> None:
        self.day = day
        self.tz = tz
        self.now = datetime.combine(day, time(8, 0), tzinfo=tz)

    def __call__(self) -> datetime:
        return self.now

    def at(self, hhmm: str) -> datetime:
        """Move to ``hhmm`` of the demo day; time only runs forwards."""
        moved = datetime.combine(self.day, time.fromisoformat(hhmm), tzinfo=self.tz)
        if moved < self.now:
            raise ValueError(
                _("The demo clock cannot go back from {now} to {moved}.").format(
                    now=self.now, moved=moved
                )
            )
        self.now = moved
        return moved


@attrs.frozen
class Step:
    """One line of the day's log: when, which record, what happened."""

    at: datetime
    record: str
    what: str


Who = Actor | Callable[[], Actor]
"""An actor, or how to find one when the step runs (the worker a request went to)."""


@attrs.define
class Day:
    """The day's plan, then what it left behind: the desk to query and the log.

    Each request's story is written in one piece, as a clerk would tell it;
    ``run`` interleaves the stories by time, so the clock only moves forwards.
    """

    desk: Desk
    clock: DemoClock
    steps: list[Step] = attrs.Factory(list)
    request_ids: list[str] = attrs.Factory(list)
    hall: Desk | None = None
    hall_request: str | None = None
    hall_working_days: int | None = None
    workers: dict[str, Actor] = attrs.Factory(dict)
    _plan: list[tuple[str, int, Callable[[], None]]] = attrs.Factory(list)

    def do(self, hhmm: str, command: Command, who: Who, what: str) -> None:
        """Plan ``command`` for ``hhmm``, logged as ``what``."""

        def step() -> None:
            actor = who if isinstance(who, Actor) else who()
            outcome = self.desk.handle(command, actor=actor)
            self.steps.append(Step(self.clock.now, outcome.id or "", what))

        self._plan.append((hhmm, len(self._plan), step))

    def batch(self, hhmm: str) -> None:
        """Plan the hourly run of ``DispatchDue`` that sends out the ordinary repairs."""

        def step() -> None:
            count = self.desk.handle(DispatchDue(), actor=CLERK).id
            what = _("hourly batch: {n} dispatched").format(n=count)
            self.steps.append(Step(self.clock.now, "", what))

        self._plan.append((hhmm, len(self._plan), step))

    def worker(self, request_id: str) -> Callable[[], Actor]:
        """The worker holding the request's work order when the step runs."""

        def lookup() -> Actor:
            worker_id = self.desk.queries.request(request_id).worker_id
            assert worker_id is not None, request_id
            return self.workers[worker_id.value]

        return lookup

    def run(self) -> None:
        """Carry out the plan in time order (stories keep their order within a minute)."""
        for hhmm, _order, step in sorted(self._plan, key=lambda p: (p[0], p[1])):
            self.clock.at(hhmm)
            step()
        self._plan.clear()


def _requester(name: str, unit: str, phone: str, tenant: bool = False) -> Requester:
    kind = RequesterKind.TENANT if tenant else RequesterKind.OWNER
    return Requester(name, unit, Contact(phone), kind)


def _catalogue(day: Day) -> None:
    items = [
        ("pipe-leak", _("Pipe leak repair"), "plumbing", FeeStandard.fixed(Money.of("80.00"))),
        ("tap-repair", _("Tap repair"), "plumbing", FeeStandard.fixed(Money.of("30.00"))),
        ("light-fitting", _("Light fitting"), "electrical", FeeStandard.fixed(Money.of("20.00"))),
        (
            "window-cleaning",
            _("Window cleaning"),
            "cleaning",
            FeeStandard.per_unit(Money.of("8.00"), "m²"),
        ),
        (
            "water-heater",
            _("Water heater repair"),
            "appliances",
            FeeStandard.labour_and_materials(Money.of("40.00")),
        ),
        ("lock-repair", _("Door lock repair"), "locksmith", FeeStandard.fixed(Money.of("60.00"))),
        ("car-wash", _("Car washing"), "cleaning", FeeStandard.fixed(Money.of("25.00"))),
    ]
    for item_id, name, category, fee in items:
        day.do(
            "08:00",
            ProposeItem(item_id=item_id, name=name, category=category, fee=fee),
            CENTRE_MANAGER,
            _("item proposed"),
        )
    published = [item[0] for item in items[:-1]]
    for item_id in published:
        day.do(
            "08:10",
            ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER),
            CENTRE_MANAGER,
            _("approved by the centre manager"),
        )
    for item_id in published:
        day.do(
            "08:20",
            ApproveFee(item_id=item_id, role=Role.BRANCH_MANAGER),
            BRANCH_MANAGER,
            _("approved by the branch manager: published"),
        )
    day.do(
        "08:20",
        RejectFee(item_id="car-wash", role=Role.CENTRE_MANAGER, reason="Not a property service"),
        CENTRE_MANAGER,
        _("rejected by the centre manager"),
    )
    day.do(
        "08:25",
        ProposeFeeChange(
            item_id="light-fitting",
            fee=FeeStandard.fixed(Money.of("25.00")),
            reason="LED fittings now used",
        ),
        CENTRE_MANAGER,
        _("price change proposed"),
    )
    day.do(
        "08:30",
        ApproveFee(item_id="light-fitting", role=Role.CENTRE_MANAGER),
        CENTRE_MANAGER,
        _("price change approved by the centre manager"),
    )
    day.do(
        "08:40",
        ApproveFee(item_id="light-fitting", role=Role.BRANCH_MANAGER),
        BRANCH_MANAGER,
        _("price change approved by the branch manager: new price in force"),
    )


def _workers(day: Day) -> None:
    workers: list[tuple[str, str, frozenset[str], WorkerKind]] = [
        ("w-zhang", "Zhang", frozenset({"plumbing", "electrical"}), WorkerKind.STAFF),
        ("w-liu", "Liu", frozenset({"plumbing"}), WorkerKind.STAFF),
        ("w-zhao", "Zhao", frozenset({"cleaning"}), WorkerKind.STAFF),
        ("c-anxin", "Anxin Locks", frozenset({"locksmith"}), WorkerKind.CONTRACTOR),
    ]
    for worker_id, name, skills, kind in workers:
        role = Role.CONTRACTOR if kind is WorkerKind.CONTRACTOR else Role.WORKER
        day.workers[worker_id] = Actor(ActorId(worker_id), name, {role})
        day.do(
            "08:45",
            RegisterWorker(worker_id=worker_id, name=name, skills=skills, kind=kind),
            CLERK,
            _("worker registered"),
        )


def _register(
    day: Day, hhmm: str, request_id: str, requester: Requester, need: str, channel: Channel
) -> str:
    day.do(
        hhmm,
        RegisterRequest(request_id=request_id, requester=requester, need=need, channel=channel),
        CLERK,
        _("registered from {channel}").format(channel=label(channel)),
    )
    day.request_ids.append(request_id)
    return request_id


def _requests(day: Day) -> None:
    do, worker = day.do, day.worker

    # An urgent leak: dispatched at once, done, accepted and closed.
    r1 = _register(
        day,
        "09:05",
        "SR-01",
        _requester("Chen Jing", "3-502", "13800138000"),
        "Water dripping from the kitchen ceiling",
        Channel.HOTLINE,
    )
    do(
        "09:08",
        TriageRequest(request_id=r1, item_id="pipe-leak", urgency="urgent"),
        CLERK,
        _("triaged urgent"),
    )
    do("09:10", DispatchRequest(request_id=r1), CLERK, _("dispatched at once"))
    do("09:35", StartWork(request_id=r1), worker(r1), _("work started"))
    do("10:20", CompleteWork(request_id=r1, notes="Joint resealed"), worker(r1), _("completed"))
    do("10:30", AcceptWork(request_id=r1, signed_by="Chen Jing"), CLERK, _("accepted"))
    do("10:35", CloseRequest(request_id=r1), CLERK, _("closed"))

    # An ordinary tap repair: batched at ten, then an extra fee with consent.
    r2 = _register(
        day,
        "09:20",
        "SR-02",
        _requester("Lin Hui", "5-1201", "13912345678", tenant=True),
        "Bathroom tap drips",
        Channel.APP,
    )
    do("09:25", TriageRequest(request_id=r2, item_id="tap-repair"), CLERK, _("triaged ordinary"))
    day.batch("10:00")
    do("10:40", StartWork(request_id=r2), worker(r2), _("work started"))
    do(
        "10:50",
        RecordConsent(
            request_id=r2,
            consent_id="c-1",
            kind=ConsentKind.EXTRA_FEE,
            description="New cartridge needed",
            amount=Money.of("15.00"),
        ),
        CLERK,
        _("requester's consent recorded"),
    )
    do(
        "10:55",
        AddExtraFee(
            request_id=r2, consent_id="c-1", amount=Money.of("15.00"), description="Cartridge"
        ),
        CLERK,
        _("extra fee added under the consent"),
    )
    do("11:20", CompleteWork(request_id=r2), worker(r2), _("completed"))
    do("11:30", AcceptWork(request_id=r2, signed_by="Lin Hui"), CLERK, _("accepted"))

    # Out of scope: declined with a reason.
    r3 = _register(
        day,
        "09:40",
        "SR-03",
        _requester("Guo Wei", "2-301", "13700001111"),
        "Service my car's air conditioning",
        Channel.FRONT_DESK,
    )
    do(
        "09:42",
        DeclineRequest(request_id=r3, reason="Vehicle repair is not a service of the centre"),
        CLERK,
        _("declined: out of scope"),
    )

    # Window cleaning by the square metre, then cancelled by the requester.
    r4 = _register(
        day,
        "09:50",
        "SR-04",
        _requester("Xu Ming", "7-802", "13600002222"),
        "Clean the balcony windows",
        Channel.WECHAT,
    )
    do(
        "09:55",
        TriageRequest(request_id=r4, item_id="window-cleaning", quantity="12"),
        CLERK,
        _("triaged: 12 m²"),
    )
    do(
        "09:58",
        CancelRequest(request_id=r4, reason="Requester away"),
        CLERK,
        _("cancelled by the requester"),
    )

    # A light repaired, rejected by the requester, reworked until accepted.
    r5 = _register(
        day,
        "10:10",
        "SR-05",
        _requester("He Fang", "1-1502", "13500003333"),
        "Living room light flickers",
        Channel.OWNER_GROUP,
    )
    do("10:12", TriageRequest(request_id=r5, item_id="light-fitting"), CLERK, _("triaged"))
    do("10:15", DispatchRequest(request_id=r5, worker_id="w-zhang"), CLERK, _("dispatched"))
    do("11:00", StartWork(request_id=r5), worker(r5), _("work started"))
    do("11:40", CompleteWork(request_id=r5), worker(r5), _("completed"))
    do(
        "11:50",
        RejectWork(request_id=r5, reason="Still flickers"),
        CLERK,
        _("rejected by the requester: rework"),
    )
    do("13:10", StartWork(request_id=r5), worker(r5), _("rework started"))
    do("13:40", CompleteWork(request_id=r5, notes="Driver replaced"), worker(r5), _("completed"))
    do("13:50", AcceptWork(request_id=r5, signed_by="He Fang"), CLERK, _("accepted"))
    do("13:55", CloseRequest(request_id=r5), CLERK, _("closed"))

    # A lock repair by the contractor, still in progress at the handover.
    r6 = _register(
        day,
        "10:25",
        "SR-06",
        _requester("Ma Li", "4-601", "13400004444"),
        "Front door lock sticks",
        Channel.FRONT_DESK,
    )
    do("10:28", TriageRequest(request_id=r6, item_id="lock-repair"), CLERK, _("triaged"))
    day.batch("11:00")
    do("14:00", StartWork(request_id=r6), worker(r6), _("work started"))

    # A blocked drain batched at noon that nobody starts: overdue by evening.
    r7 = _register(
        day,
        "11:05",
        "SR-07",
        _requester("Song Tao", "6-201", "13300005555"),
        "Kitchen sink drains slowly",
        Channel.HOTLINE,
    )
    do("11:10", TriageRequest(request_id=r7, item_id="tap-repair"), CLERK, _("triaged ordinary"))
    day.batch("12:00")

    # A completed job the requester accepts: the window cleaning of a shop.
    r8 = _register(
        day,
        "13:05",
        "SR-08",
        _requester("Yang Lu", "Shop 3", "13200006666", tenant=True),
        "Clean the shop front windows",
        Channel.ON_SITE,
    )
    do(
        "13:08",
        TriageRequest(request_id=r8, item_id="window-cleaning", quantity="20.5"),
        CLERK,
        _("triaged: 20.5 m²"),
    )
    do("13:10", DispatchRequest(request_id=r8), CLERK, _("dispatched"))
    do("13:30", StartWork(request_id=r8), worker(r8), _("work started"))
    do("15:00", CompleteWork(request_id=r8), worker(r8), _("completed"))
    do("15:10", AcceptWork(request_id=r8, signed_by="Yang Lu"), CLERK, _("accepted"))
    do("15:15", CloseRequest(request_id=r8), CLERK, _("closed"))

    # Labour and materials: no price until the estimate, no skilled worker yet.
    r9 = _register(
        day,
        "14:10",
        "SR-09",
        _requester("Zhou Qin", "8-1001", "13100007777"),
        "Water heater shows error E4",
        Channel.APP,
    )
    do(
        "14:20",
        TriageRequest(request_id=r9, item_id="water-heater"),
        CLERK,
        _("triaged: estimate first"),
    )
    day.batch("15:00")

    # The new light price applies; the job waits for tomorrow.
    r10 = _register(
        day,
        "15:20",
        "SR-10",
        _requester("Wu Yan", "2-1103", "13000008888"),
        "Replace the hallway light",
        Channel.WECHAT,
    )
    do(
        "15:25",
        TriageRequest(request_id=r10, item_id="light-fitting"),
        CLERK,
        _("triaged at the new price"),
    )

    # An urgent repair late in the day: dispatched, on site after the holiday at worst.
    r11 = _register(
        day,
        "16:10",
        "SR-11",
        _requester("Feng Jie", "9-302", "15900009999"),
        "Toilet cistern overflowing",
        Channel.HOTLINE,
    )
    do(
        "16:12",
        TriageRequest(request_id=r11, item_id="pipe-leak", urgency="urgent"),
        CLERK,
        _("triaged urgent"),
    )
    do("16:15", DispatchRequest(request_id=r11, worker_id="w-liu"), CLERK, _("dispatched"))

    # Registered at closing time, triaged by the next shift.
    _register(
        day,
        "16:55",
        "SR-12",
        _requester("Deng Hao", "5-402", "15800001234"),
        "Ask about a parcel locker fault",
        Channel.MAILBOX,
    )


def _service_hall(day: Day) -> None:
    """What a service hall would promise: the same core with the ServiceHall plugin."""
    from servicedesk.policies.service_hall import ServiceHall

    plugin = ServiceHall()
    hall = Desk(open_store(), plugins=[plugin], clock=day.clock, entry_points=False)
    item = "residence-cert"
    hall.handle(
        ProposeItem(
            item_id=item,
            name=_("Residence certificate"),
            category="civil_affairs",
            fee=FeeStandard.free(),
        ),
        actor=CENTRE_MANAGER,
    )
    hall.handle(ApproveFee(item_id=item, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)
    hall.handle(ApproveFee(item_id=item, role=Role.BRANCH_MANAGER), actor=BRANCH_MANAGER)
    requester = Requester("Qian Yu", "Xinhua St 12", Contact("13811112222"), RequesterKind.PUBLIC)
    register = RegisterRequest(
        request_id="H-01",
        requester=requester,
        need="Residence certificate for school enrolment",
        channel=Channel.FRONT_DESK,
    )
    request = hall.handle(register, actor=CLERK).id
    assert request is not None
    hall.handle(TriageRequest(request_id=request, item_id=item), actor=CLERK)
    kind = hall.queries.request(request).item_kind
    day.hall, day.hall_request = hall, request
    day.hall_working_days = plugin.working_days.get(kind) if kind is not None else None


def run_day(store: Store | None = None) -> Day:
    """Run the whole day and return it; nothing is printed here."""
    clock = DemoClock(DAY, TIME_ZONE)
    desk = Desk(store or open_store(), clock=clock, entry_points=False)
    day = Day(desk, clock)
    _catalogue(day)
    _workers(day)
    _requests(day)
    day.run()
    day.clock.at("17:00")
    _service_hall(day)
    day.clock.at(END_OF_DAY)
    return day


def label(value: str) -> str:
    """An enum value as a person reads it: ``front_desk`` -> ``front desk``."""
    return _(value.replace("_", " "))


def local(at: datetime) -> str:
    """A time as the desk reads it: local, to the minute, with the weekday."""
    moment = at.astimezone(TIME_ZONE)
    return f"{_(moment.strftime('%a'))} {moment:%Y-%m-%d %H:%M}"
