"""The default plugin: a property service centre with the values of ``domain.md``.

Every hook here is ``trylast`` so that any plugin an organisation registers
is asked first; this one answers only what nobody else did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache

import holidays

from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.catalogue import FeeKind, ServiceItem
from servicedesk.domain.money import Money, Rounding
from servicedesk.domain.requests import Deadline, ItemKind, Milestone, ServiceRequest, Urgency
from servicedesk.domain.values import Role, WorkerId
from servicedesk.domain.workers import Worker
from servicedesk.policies.hookspecs import hookimpl

TIME_ZONE = "Asia/Shanghai"
#: 001 服务中心规章 §二: 09:00-17:00 with lunch 12:00-13:00.
WORKING_HOURS = (("09:00", "12:00"), ("13:00", "17:00"))
APPROVAL_CHAIN = (Role.CENTRE_MANAGER, Role.BRANCH_MANAGER)
RESPONSE_TIME = {Urgency.URGENT: timedelta(hours=1), Urgency.ORDINARY: timedelta(hours=4)}
BATCH_INTERVAL = timedelta(hours=1)
ROUNDING = Rounding.HALF_UP


@cache
def _china() -> holidays.HolidayBase:
    china: holidays.HolidayBase = holidays.country_holidays("CN")
    return china


def china_is_working_day(day: date) -> bool:
    """China's working days: weekends and public holidays off, make-up days (调休) on."""
    return bool(_china().is_working_day(day))


@cache
def china_calendar(
    hours: tuple[tuple[str, str], ...] = WORKING_HOURS, tz: str = TIME_ZONE
) -> WorkingCalendar:
    return WorkingCalendar.from_hours(tz, hours, china_is_working_day)


def price_by_fee_standard(item: ServiceItem, quantity: str, rounding: Rounding) -> Money | None:
    fee = item.fee
    if fee is None:
        return None
    if fee.kind is FeeKind.FREE:
        return Money.zero()
    if fee.kind is FeeKind.FIXED and fee.price is not None:
        return fee.price
    if fee.kind is FeeKind.PER_UNIT and fee.price is not None:
        return fee.price.times(Decimal(quantity), rounding)
    return None


class PropertyCentreDefaults:
    """Rules of a property service centre (物业服务中心)."""

    @hookimpl(trylast=True)
    def servicedesk_approval_chain(self, item: ServiceItem, change: str) -> Sequence[Role]:
        return APPROVAL_CHAIN

    @hookimpl(trylast=True)
    def servicedesk_price(
        self, item: ServiceItem, request: ServiceRequest, quantity: str
    ) -> Money | None:
        return price_by_fee_standard(item, quantity, ROUNDING)

    @hookimpl(trylast=True)
    def servicedesk_calendar(self) -> WorkingCalendar:
        return china_calendar()

    @hookimpl(trylast=True)
    def servicedesk_response_deadline(
        self,
        request: ServiceRequest,
        item: ServiceItem,
        item_kind: ItemKind | None,
        urgency: Urgency,
        calendar: WorkingCalendar,
        now: datetime,
    ) -> Deadline:
        return Deadline(calendar.add(now, RESPONSE_TIME[urgency]), Milestone.STARTED)

    @hookimpl(trylast=True)
    def servicedesk_item_kind(self, item: ServiceItem, request: ServiceRequest) -> None:
        return None

    @hookimpl(trylast=True)
    def servicedesk_dispatch_choice(
        self,
        request: ServiceRequest,
        item: ServiceItem,
        candidates: Sequence[Worker],
        open_orders: Mapping[WorkerId, int],
        now: datetime,
    ) -> Worker | None:
        skilled = [w for w in candidates if w.available and w.can_do(item.category)]
        if not skilled:
            return None
        return min(skilled, key=lambda w: (open_orders.get(w.id, 0), w.id.value))

    @hookimpl(trylast=True)
    def servicedesk_dispatch_due(
        self, request: ServiceRequest, urgency: Urgency, calendar: WorkingCalendar, now: datetime
    ) -> datetime:
        if urgency is Urgency.URGENT:
            return now
        local = now.astimezone(calendar.tz)
        top = local.replace(minute=0, second=0, microsecond=0)
        return top if top == local else top + BATCH_INTERVAL
