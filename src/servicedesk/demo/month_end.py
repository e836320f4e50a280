"""The month-end after the demo day, through the public API only.

After Thursday 30 April the centre bills April and looks back on it: accounts
are opened for the requesters whose jobs were accepted, tenants pay deposits
that their charges are drawn from, owners' charges wait for the month close;
on Wednesday 6 May, the first working day after Labour Day, the month is
closed, a cashier takes a payment, the escalation sweep finds a complaint and
a request nobody acted on over the holiday, and April's callbacks are drawn
and made.  The printed summary is in ``cli.py``.
"""

from __future__ import annotations

from datetime import datetime, time

import attrs

from servicedesk import (
    Actor,
    ActorId,
    EscalateOverdue,
    FileComplaint,
    PlanCallbacks,
    RecordCallback,
    Role,
)
from servicedesk.app.billing.commands import (
    CloseMonth,
    ConfirmCharge,
    OpenAccount,
    PayDeposit,
    RecordCharge,
    RecordPayment,
)
from servicedesk.app.billing.queries import AccountView, StatementView
from servicedesk.app.callbacks.queries import CallbackView, QualityReport
from servicedesk.app.complaints.queries import ComplaintView
from servicedesk.app.requests.queries import RequestView
from servicedesk.demo.day import CLERK, TIME_ZONE, Day

CASHIER = Actor(ActorId("zhao"), "Zhao", {Role.CASHIER})
MONTH = "2026-04"

#: The accepted jobs of the day, each billed on its requester's account.
JOBS = {"SR-01": "ACC-1", "SR-02": "ACC-2", "SR-05": "ACC-3", "SR-08": "ACC-4"}
#: What the tenants pay into their deposits before their charges are confirmed.
DEPOSITS = {"ACC-2": "200.00", "ACC-4": "300.00"}
#: How April's callbacks go: the score each requester gives, by request (None: not reached).
SCORES = {"SR-01": 5, "SR-02": 4, "SR-05": 2, "SR-08": None}


@attrs.frozen
class MonthEnd:
    """What the month-end left behind, for printing."""

    statements: list[StatementView]
    deposits: list[AccountView]
    overdue: list[RequestView]
    escalated: int
    complaints: list[ComplaintView]
    callbacks: list[CallbackView]
    quality: QualityReport
    closed_at: datetime


def _at(month: int, day: int, hhmm: str) -> datetime:
    return datetime.combine(datetime(2026, month, day).date(), time.fromisoformat(hhmm), TIME_ZONE)


def run_month_end(day: Day) -> MonthEnd:
    """Bill April, sweep for escalations, make the callbacks; returns what to print."""
    desk, clock = day.desk, day.clock
    clock.at("17:40")
    for request_id, account_id in JOBS.items():
        requester = desk.queries.request(request_id).requester
        desk.handle(OpenAccount(account_id=account_id, requester=requester), actor=CLERK)
    for account_id, amount in DEPOSITS.items():
        desk.handle(PayDeposit(account_id=account_id, amount=amount), actor=CASHIER)
    clock.at("17:45")
    for request_id in JOBS:
        charge = desk.handle(RecordCharge(request_id=request_id), actor=CLERK).id
        assert charge is not None
        signed_by = desk.queries.request(request_id).requester.name
        desk.handle(ConfirmCharge(charge_id=charge, signed_by=signed_by), actor=CLERK)
    # The drain of SR-07 was never started: its requester complains before closing time.
    drain = desk.queries.request("SR-07")
    desk.handle(
        FileComplaint(
            complaint_id="CP-01",
            complainant=drain.requester,
            category="timeliness",
            description="Nobody came about the kitchen sink",
            channel="hotline",
            request_id=drain.id,
        ),
        actor=CLERK,
    )

    # Wednesday 6 May, the first working day after the holiday.
    clock.now = closed_at = _at(5, 6, "09:00")
    desk.handle(CloseMonth(period=MONTH), actor=CLERK)
    desk.handle(RecordPayment(account_id="ACC-1", amount="80.00"), actor=CASHIER)
    clock.now = _at(5, 6, "15:00")
    escalated = int(desk.handle(EscalateOverdue(), actor=Actor.system()).id or 0)
    clock.now = _at(5, 6, "15:30")
    desk.handle(PlanCallbacks(month=MONTH), actor=CLERK)
    for callback in desk.quality.callbacks(MONTH):
        score = SCORES.get(callback.request_id.value)
        desk.handle(
            RecordCallback(callback_id=callback.id, reached=score is not None, satisfaction=score),
            actor=CLERK,
        )
    return MonthEnd(
        statements=[s for a in JOBS.values() for s in desk.billing.statements(a)],
        deposits=[desk.billing.account(a) for a in DEPOSITS],
        overdue=desk.queries.overdue_requests(),
        escalated=escalated,
        complaints=desk.complaints.open_complaints(),
        callbacks=desk.quality.callbacks(MONTH),
        quality=desk.quality.report(MONTH),
        closed_at=closed_at,
    )
