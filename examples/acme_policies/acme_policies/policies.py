"""Acme's house rules: what Acme decides differently from a default property centre.

Only these questions are answered here; every other one falls through to the
built-in defaults.  The core is not touched: the package is found through the
``servicedesk.policies`` entry point declared in its ``pyproject.toml``.

- Fees: a job priced by the unit is rounded up to the whole yuan and costs at
  least 50.00 (a van does not come for less); fixed prices stay as approved.
  (A call-out fee for urgent jobs is not possible through ``servicedesk_price``:
  the hook is asked before the request is triaged, so it does not see the
  urgency being set.)
- Calendar: Acme works 08:00-12:00 and 13:30-18:00 on China's working days,
  and closes on its founders' day, 20 March.
- Escalation: an overdue complaint goes straight to the centre manager after 2
  working hours, then to the branch manager; an overdue request goes to the
  department head after 1 working hour, then to the centre manager.
- Retention: Acme keeps a job's forms (request form, work order, feedback) and
  complaints 5 years after they close instead of 3; every other kind keeps the
  default period.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from servicedesk import FeeKind, Money, Role
from servicedesk.policies import (
    Complaint,
    EscalationStep,
    RecordKind,
    RetentionRule,
    Rounding,
    ServiceItem,
    WorkingCalendar,
    china_is_working_day,
    hookimpl,
)

MINIMUM_PER_UNIT = Money.of("50.00")
HOURS = (("08:00", "12:00"), ("13:30", "18:00"))
FOUNDERS_DAY = (3, 20)

COMPLAINT_CHAIN = (
    EscalationStep(Role.CENTRE_MANAGER, timedelta(hours=2)),
    EscalationStep(Role.BRANCH_MANAGER, timedelta(hours=8)),
)
YEAR = timedelta(days=365)
RETENTION = {
    RecordKind.REQUEST_FORM: RetentionRule(5 * YEAR),
    RecordKind.WORK_ORDER: RetentionRule(5 * YEAR),
    RecordKind.FEEDBACK_FORM: RetentionRule(5 * YEAR),
    RecordKind.COMPLAINT: RetentionRule(5 * YEAR, erasable_on_request=False),
}
REQUEST_CHAIN = (
    EscalationStep(Role.DEPARTMENT_HEAD, timedelta(hours=1)),
    EscalationStep(Role.CENTRE_MANAGER, timedelta(hours=8)),
)


def acme_is_working_day(day: date) -> bool:
    return (day.month, day.day) != FOUNDERS_DAY and china_is_working_day(day)


class AcmePolicies:
    @hookimpl
    def servicedesk_price(self, item: ServiceItem, quantity: str) -> Money | None:
        fee = item.fee
        if fee is None or fee.kind is not FeeKind.PER_UNIT or fee.price is None:
            return None  # not Acme's question: the defaults answer it
        price = fee.price.times(Decimal(quantity), Rounding.UP)
        whole_yuan = Money.of(price.amount.to_integral_value(ROUND_CEILING), price.currency)
        return max(whole_yuan, MINIMUM_PER_UNIT)

    @hookimpl
    def servicedesk_calendar(self) -> WorkingCalendar:
        return WorkingCalendar.from_hours("Asia/Shanghai", HOURS, acme_is_working_day)

    @hookimpl
    def servicedesk_escalation_chain(self, case: object) -> Sequence[EscalationStep]:
        return COMPLAINT_CHAIN if isinstance(case, Complaint) else REQUEST_CHAIN

    @hookimpl
    def servicedesk_retention(self, kind: RecordKind) -> RetentionRule | None:
        return RETENTION.get(kind)  # None: the default period for the other kinds


#: The entry point names this instance (pluggy registers objects, not classes).
plugin = AcmePolicies()
