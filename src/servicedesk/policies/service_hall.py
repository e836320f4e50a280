"""Hall-like rules for service requests: free items, kinds, deadlines in working days.

It shows how different rules plug into the same core: every item is free,
items are classified by kind (rule hall.item-kinds), and the deadline promised is the
job done within a number of working days, not someone on site within hours.
Register it with ``Desk(..., plugins=[ServiceHall()])``.  A hall's own workflow
(departments, windows, the queue, applications with their notices and reviews) is
the hall area (``servicedesk.app.hall``, docs/hall.md), which needs no plugin.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.money import Money
from servicedesk.domain.requests import Deadline, ItemKind, Milestone, ServiceRequest, Urgency
from servicedesk.policies.hookspecs import hookimpl

#: Working days promised per kind; an immediate item is done within working hours.
DEFAULT_WORKING_DAYS = {ItemKind.PROMISED: 5, ItemKind.JOINT: 10, ItemKind.ESCALATED: 20}
IMMEDIATE_TIME = timedelta(hours=2)


class ServiceHall:
    """Free items, item kinds by category, promised deadlines in working days."""

    def __init__(
        self,
        kinds: Mapping[str, ItemKind] | None = None,
        working_days: Mapping[ItemKind, int] | None = None,
        default_kind: ItemKind = ItemKind.PROMISED,
    ) -> None:
        self.kinds = dict(kinds or {})
        self.working_days = {**DEFAULT_WORKING_DAYS, **(working_days or {})}
        self.default_kind = default_kind

    @hookimpl
    def servicedesk_price(self, item: ServiceItem, request: ServiceRequest, quantity: str) -> Money:
        return Money.zero()

    @hookimpl
    def servicedesk_item_kind(self, item: ServiceItem, request: ServiceRequest) -> ItemKind:
        return self.kinds.get(item.category, self.default_kind)

    @hookimpl
    def servicedesk_response_deadline(
        self,
        request: ServiceRequest,
        item: ServiceItem,
        item_kind: ItemKind | None,
        urgency: Urgency,
        calendar: WorkingCalendar,
        now: datetime,
    ) -> Deadline:
        kind = item_kind or self.default_kind
        if kind is ItemKind.IMMEDIATE:
            return Deadline(calendar.add(now, IMMEDIATE_TIME), Milestone.COMPLETED)
        return Deadline(
            calendar.add_working_days(now, self.working_days[kind]), Milestone.COMPLETED
        )
