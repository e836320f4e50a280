"""Policies: defaults, a second organisation, third-party plugins, garbage answers."""

from __future__ import annotations

import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from servicedesk import (
    ApproveFee,
    Desk,
    FeeStandard,
    Money,
    ProposeItem,
    RegisterRequest,
    Role,
    TriageRequest,
    Urgency,
)
from servicedesk.adapters.memory import MemoryStore
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.errors import ApprovalRefused, PolicyError, ServiceDeskError
from servicedesk.domain.requests import Deadline, ItemKind, Milestone
from servicedesk.policies import hookimpl
from servicedesk.policies.default import china_is_working_day
from servicedesk.policies.service_hall import ServiceHall
from support import BRANCH_MANAGER, CENTRE_MANAGER, SHANGHAI, Clock, publish, requester


class EarlyCentre:
    """A centre open 08:30-17:30 with a one-man approval chain."""

    @hookimpl
    def servicedesk_calendar(self) -> WorkingCalendar:
        return WorkingCalendar.from_hours(
            "Asia/Shanghai", [("08:30", "12:00"), ("13:00", "17:30")], china_is_working_day
        )

    @hookimpl
    def servicedesk_approval_chain(self, item: object, change: str) -> list[Role]:
        return [Role.CENTRE_MANAGER]


def test_a_registered_plugin_overrides_only_what_it_implements(store: MemoryStore) -> None:
    clock = Clock(datetime(2026, 3, 2, 17, 0, tzinfo=SHANGHAI))
    desk = Desk(store, clock=clock, plugins=[EarlyCentre()], entry_points=False)
    item_id = desk.handle(
        ProposeItem(name="Tap", category="plumbing", fee=FeeStandard.fixed(Money.of(30)))
    ).id
    outcome = desk.handle(ApproveFee(item_id=item_id, role="centre_manager"), actor=CENTRE_MANAGER)
    assert type(outcome.events[-1]).__name__ == "ItemPublished"  # one signature sufficed
    request_id = desk.handle(RegisterRequest(requester=requester(), need="tap")).id
    desk.handle(TriageRequest(request_id=request_id, item_id=item_id, urgency=Urgency.URGENT))
    deadline = desk.queries.request(request_id).deadline
    assert deadline is not None  # 30 min left today (17:00-17:30), 30 more from 08:30 tomorrow
    assert deadline.due == datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI)


def test_service_hall_free_items_kinds_and_working_days(store: MemoryStore) -> None:
    clock = Clock(datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI))  # before National Day
    hall = ServiceHall(kinds={"certificates": ItemKind.PROMISED, "enquiry": ItemKind.IMMEDIATE})
    desk = Desk(store, clock=clock, plugins=[hall], entry_points=False)
    item_id = publish(desk, "Residence certificate", "certificates", FeeStandard.fixed(Money.of(5)))
    request_id = desk.handle(RegisterRequest(requester=requester(), need="certificate")).id
    desk.handle(TriageRequest(request_id=request_id, item_id=item_id))
    view = desk.queries.request(request_id)
    assert view.price == Money.zero()
    assert view.item_kind is ItemKind.PROMISED
    assert view.deadline is not None
    # 5 working days after 09-30: 10-08 and 10-09 (Thu, Fri after the holiday), the make-up
    # Saturday 10-10, then Mon 10-12 and Tue 10-13; due at the close of 10-13.
    assert view.deadline == Deadline(
        datetime(2026, 10, 13, 17, 0, tzinfo=SHANGHAI), Milestone.COMPLETED
    )


class BadDeadline:
    @hookimpl
    def servicedesk_response_deadline(self) -> object:
        return datetime(2026, 3, 2, 10, 0)  # not a Deadline


class PastDeadline:
    @hookimpl
    def servicedesk_response_deadline(self, now: datetime) -> Deadline:
        return Deadline(now - timedelta(hours=1))


class CrashingPrice:
    @hookimpl
    def servicedesk_price(self) -> Money:
        raise ZeroDivisionError("oops")


class FloatPrice:
    @hookimpl
    def servicedesk_price(self) -> float:
        return 30.0


class StrangerWorker:
    @hookimpl
    def servicedesk_dispatch_due(self) -> str:
        return "soon"


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        (
            BadDeadline(),
            "servicedesk_response_deadline returned 'datetime'; it must return a Deadline",
        ),
        (PastDeadline(), "is not after the triage time"),
        (CrashingPrice(), "servicedesk_price failed: ZeroDivisionError"),
        (FloatPrice(), "servicedesk_price returned 'float'"),
        (StrangerWorker(), "servicedesk_dispatch_due returned 'str'"),
    ],
)
def test_a_plugin_returning_garbage_is_refused_and_nothing_stored(
    store: MemoryStore, clock: Clock, plugin: object, message: str
) -> None:
    setup = Desk(store, clock=clock, entry_points=False)
    item_id = publish(setup)
    request_id = setup.handle(RegisterRequest(requester=requester(), need="tap")).id
    desk = Desk(store, clock=clock, plugins=[plugin], entry_points=False)
    before = store.snapshot()
    with pytest.raises(ServiceDeskError, match=message):
        desk.handle(TriageRequest(request_id=request_id, item_id=item_id))
    assert store.snapshot() == before


def test_an_empty_approval_chain_is_a_policy_error(store: MemoryStore, clock: Clock) -> None:
    class NoChain:
        @hookimpl
        def servicedesk_approval_chain(self) -> list[Role]:
            return []

    with pytest.raises(PolicyError, match="non-empty sequence of roles"):
        Desk(store, clock=clock, plugins=[NoChain()], entry_points=False)  # asked at start-up
    assert store.snapshot()["tables"] == {}


def test_an_entry_point_plugin_is_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: MemoryStore, clock: Clock
) -> None:
    """Install a plugin package the way users do: a distribution with an entry point."""
    (tmp_path / "acme_rules.py").write_text(
        textwrap.dedent(
            """
            from servicedesk.domain.values import Role
            from servicedesk.policies import hookimpl

            @hookimpl
            def servicedesk_approval_chain(item, change):
                return [Role.BRANCH_MANAGER]
            """
        )
    )
    dist = tmp_path / "acme_rules-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[servicedesk.policies]\nacme = acme_rules\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        desk = Desk(store, clock=clock)
        assert "acme" in {name for name, _ in desk.plugins.list_name_plugin()}
        item_id = desk.handle(
            ProposeItem(name="Tap", category="plumbing", fee=FeeStandard.free())
        ).id
        with pytest.raises(ApprovalRefused, match="waits for approval by the branch manager"):
            desk.handle(ApproveFee(item_id=item_id, role="centre_manager"), actor=CENTRE_MANAGER)
        desk.handle(ApproveFee(item_id=item_id, role="branch_manager"), actor=BRANCH_MANAGER)
        assert desk.queries.item(item_id).status.value == "published"
    finally:
        sys.modules.pop("acme_rules", None)
