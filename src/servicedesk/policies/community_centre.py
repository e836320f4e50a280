"""A community convenience-service centre (便民服务中心): free services, first-responder duty
for every enquiry, its own opening hours.

The same core as a property centre's with other rules plugged in, as the service hall's
(``service_hall.ServiceHall``): every item is free and a proposal of a price is refused
(rule catalogue.free-services); consultations and suggestions are owned by the first person
asked, as every enquiry is, and answered within the centre's own, shorter times (rule
complaints.enquiry-time-limit); deadlines count the centre's opening hours, not the property
office's (rule time.centre-hours).  Register it with ``Desk(..., plugins=[CommunityCentre()])``
and give it other hours or times where the centre's own regulation sets them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.catalogue import FeeKind, ServiceItem
from servicedesk.domain.deadlines import WorkingBudget
from servicedesk.domain.enquiries import EnquiryKind
from servicedesk.domain.money import Money
from servicedesk.domain.requests import Channel, ServiceRequest
from servicedesk.policies.default import TIME_ZONE, china_calendar
from servicedesk.policies.hookspecs import hookimpl

#: The centre's opening hours: mornings and afternoons with a long lunch break.
OPENING_HOURS: tuple[tuple[str, str], ...] = (("08:30", "12:00"), ("14:00", "17:30"))
#: A resident's consultation is answered the same half-day; a suggestion within three days.
ENQUIRY_TIMES: Mapping[EnquiryKind, WorkingBudget] = {
    EnquiryKind.CONSULTATION: WorkingBudget.hours(4),
    EnquiryKind.SUGGESTION: WorkingBudget.working_days(3),
}


class CommunityCentre:
    """Free items, the centre's opening hours, and its times for answering enquiries."""

    def __init__(
        self,
        hours: Sequence[tuple[str, str]] = OPENING_HOURS,
        enquiry_times: Mapping[EnquiryKind, WorkingBudget] | None = None,
        tz: str = TIME_ZONE,
    ) -> None:
        self.calendar = china_calendar(tuple((start, end) for start, end in hours), tz)
        self.enquiry_times = {**ENQUIRY_TIMES, **(enquiry_times or {})}

    @hookimpl
    def servicedesk_calendar(self) -> WorkingCalendar:
        return self.calendar

    @hookimpl
    def servicedesk_fee_kinds(self) -> frozenset[FeeKind]:
        return frozenset({FeeKind.FREE})

    @hookimpl
    def servicedesk_price(self, item: ServiceItem, request: ServiceRequest, quantity: str) -> Money:
        return Money.zero()

    @hookimpl
    def servicedesk_enquiry_deadline(self, kind: EnquiryKind, channel: Channel) -> WorkingBudget:
        return self.enquiry_times[EnquiryKind(kind)]
