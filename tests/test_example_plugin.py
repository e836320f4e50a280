"""The example plugin package of examples/acme_policies, installed: each of its rules obeyed.

The package is installed the way ``tests/test_docs_entry_point.py`` installs the
documented one: a distribution's metadata (name, version and the entry points of
its ``pyproject.toml``) on ``sys.path`` next to its source, which is what pip's
editable install amounts to, without pip's seconds.  The core is not touched:
a ``Desk`` finds the plugin through the ``servicedesk.policies`` entry point.
"""

from __future__ import annotations

import sys
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from servicedesk import (
    Actor,
    ActorId,
    Contact,
    DeclineRequest,
    Desk,
    EscalateOverdue,
    FeeStandard,
    FileComplaint,
    MemoryStore,
    Money,
    RegisterRequest,
    Requester,
    Role,
    TriageRequest,
)
from servicedesk.domain.requests import RequestEscalated
from support import Clock, publish

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "examples" / "acme_policies"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The example package installed on ``sys.path``; yields its entry point's name."""
    project = tomllib.loads((PACKAGE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    group = project["entry-points"]["servicedesk.policies"]
    dist = tmp_path / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n",
        encoding="utf-8",
    )
    lines = "".join(f"{name} = {target}\n" for name, target in group.items())
    (dist / "entry_points.txt").write_text(f"[servicedesk.policies]\n{lines}", encoding="utf-8")
    monkeypatch.syspath_prepend(str(PACKAGE))
    monkeypatch.syspath_prepend(str(tmp_path))
    for module in ("acme_policies", "acme_policies.policies"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    [name] = group
    return str(name)


def _chen() -> Requester:
    return Requester("Chen", "3-502", Contact("13800138000"))


def _prices(desk: Desk) -> list[Money | None]:
    """A tap repair, and 3 m² and 7.3 m² of window cleaning at 8.00 a m²."""
    tap = publish(desk, item_id="tap")
    windows = publish(
        desk,
        item_id="windows",
        name="Window cleaning",
        category="cleaning",
        fee=FeeStandard.per_unit(Money.of("8.00"), "m²"),
    )
    triage = [(tap, "urgent", "1"), (windows, "ordinary", "3"), (windows, "ordinary", "7.3")]
    prices = []
    for n, (item, urgency, quantity) in enumerate(triage):
        request = f"SR-{n}"
        desk.handle(RegisterRequest(request_id=request, requester=_chen(), need="help"))
        desk.handle(
            TriageRequest(request_id=request, item_id=item, urgency=urgency, quantity=quantity)
        )
        prices.append(desk.queries.request(request).price)
    return prices


def test_acme_fees_apply_and_the_defaults_stay_for_everyone_else(installed: str) -> None:
    acme = Desk(MemoryStore(), clock=Clock())
    assert acme.plugins.has_plugin(installed)
    # The fixed price as approved; 24.00 raised to the minimum; 58.40 up to the whole yuan.
    assert _prices(acme) == [Money.of("30.00"), Money.of("50.00"), Money.of("59.00")]

    core = Desk(
        MemoryStore(), clock=Clock(), entry_points=False
    )  # the same core, without the plugin
    assert not core.plugins.has_plugin(installed)
    assert _prices(core) == [Money.of("30.00"), Money.of("24.00"), Money.of("58.40")]


def test_acme_calendar_counts_its_hours_and_its_founders_day(installed: str) -> None:
    def deadline(desk: Desk) -> datetime:
        tap = publish(desk, item_id="tap")
        desk.handle(RegisterRequest(request_id="SR-1", requester=_chen(), need="Tap drips"))
        desk.handle(TriageRequest(request_id="SR-1", item_id=tap))
        view = desk.queries.request("SR-1")
        assert view.deadline is not None
        return view.deadline.due

    thursday_5pm = at(19, 17)
    # Acme: 1 hour on Thursday (17-18), Friday 20 March off, 3 hours on Monday from 08:00.
    assert deadline(Desk(MemoryStore(), clock=Clock(thursday_5pm))) == at(23, 11)
    # The default centre: closed at 17:00, so 4 hours on Friday from 09:00, lunch 12-13.
    assert deadline(Desk(MemoryStore(), clock=Clock(thursday_5pm), entry_points=False)) == at(
        20, 14
    )


def test_acme_escalation_chains(installed: str) -> None:
    clock = Clock(at(2, 9, 0))
    desk = Desk(MemoryStore(), clock=clock)
    tap = publish(desk, item_id="tap")
    desk.handle(RegisterRequest(request_id="SR-1", requester=_chen(), need="Tap drips"))
    desk.handle(TriageRequest(request_id="SR-1", item_id=tap))
    zhou = Actor(ActorId("zhou"), "Zhou", {Role.CLERK})
    lift = FileComplaint(
        complaint_id="C-1", complainant=_chen(), category="timeliness", description="lift out"
    )
    desk.handle(lift, actor=zhou)
    clock.now = at(3, 9, 0)  # both overdue: nobody started the job or acknowledged
    assert desk.handle(EscalateOverdue()).id == "2"
    [complaint_step] = desk.complaints.complaint("C-1").escalations
    assert complaint_step.role is Role.CENTRE_MANAGER  # default: the department head first
    history = desk.queries.request_history("SR-1")
    steps = [e.escalation.role for e in history if isinstance(e, RequestEscalated)]
    assert steps == [Role.DEPARTMENT_HEAD]  # the same as the default, but after 1 hour

    clock.now = at(3, 10, 30)  # Acme's department head had 1 working hour; the default 4
    assert desk.handle(EscalateOverdue()).id == "1"
    history = desk.queries.request_history("SR-1")
    steps = [e.escalation.role for e in history if isinstance(e, RequestEscalated)]
    assert steps == [Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER]


def test_acme_keeps_a_jobs_records_five_years(installed: str) -> None:
    def expiry(desk: Desk) -> datetime | None:
        desk.handle(RegisterRequest(request_id="SR-1", requester=_chen(), need="Paint the hall"))
        desk.handle(DeclineRequest(request_id="SR-1", reason="not in the catalogue"))
        return desk.records.file("request", "SR-1").expires_at

    closed = at(2, 9, 30)  # the fixture clock: the request closes when it is declined
    assert expiry(Desk(MemoryStore(), clock=Clock(closed))) == closed + 5 * timedelta(days=365)
    assert expiry(
        Desk(MemoryStore(), clock=Clock(closed), entry_points=False)
    ) == closed + 3 * timedelta(days=365)
