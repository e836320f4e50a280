"""The month-end after the demo day, through the public API only.

After Thursday 30 April the centre bills April and looks back on it: accounts
are opened for the requesters whose jobs were accepted, tenants pay deposits
that their charges are drawn from once the assistant has audited them, owners'
audited charges wait for the month close;
on Wednesday 6 May, the first working day after Labour Day, the month is
closed, a cashier takes a payment, the escalation sweep finds a complaint and
a request nobody acted on over the holiday, and April's callbacks are drawn
and made.  Both stretches are tables of steps (``servicedesk.demo.steps``);
``servicedesk.cli.month_end`` prints the summary.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import attrs

from servicedesk import (
    AccountView,
    Actor,
    ActorId,
    AuditCharge,
    CallbackView,
    CloseMonth,
    Command,
    ComplaintView,
    ConfirmCharge,
    Desk,
    EscalateOverdue,
    FileComplaint,
    OpenAccount,
    PayDeposit,
    PlanCallbacks,
    QualityReport,
    RecordCallback,
    RecordCharge,
    RecordPayment,
    RequestView,
    Role,
    StatementView,
)
from servicedesk.demo.day import ASSISTANT, AT_THE_COUNTER, CLERK, DAY, LIN_IN_THE_APP, Day
from servicedesk.demo.steps import Step, walk

CASHIER = Actor(ActorId("zhao"), "Zhao", {Role.CASHIER})
MONTH = "2026-04"
#: Wednesday 6 May, the first working day after the Labour Day holiday.
FIRST_WORKING_DAY = date(2026, 5, 6)


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


def account_for(account_id: str, request_id: str) -> Callable[[Desk], Command]:
    """Open an account for the requester of an accepted job."""

    def make(desk: Desk) -> Command:
        requester = desk.queries.request(request_id).requester
        return OpenAccount(account_id=account_id, requester=requester)

    return make


def confirm_charge(request_id: str, in_the_app: bool = False) -> Callable[[Desk], Command]:
    """The requester signs for the one charge recorded on their request.

    At the counter, where the clerk records that he saw it; or in the app,
    where the requester acts himself and no witness is needed.
    """

    def make(desk: Desk) -> Command:
        (charge,) = desk.billing.charges_of_request(request_id)
        signed_by = desk.queries.request(request_id).requester.name
        evidence = None if in_the_app else AT_THE_COUNTER
        return ConfirmCharge(charge_id=charge.id, signed_by=signed_by, evidence=evidence)

    return make


def audit_charge(request_id: str) -> Callable[[Desk], Command]:
    """The assistant audits the one charge of ``request_id`` (rule
    billing.audit-before-statement, rule billing.audit-before-deposit-draw)."""

    def make(desk: Desk) -> Command:
        (charge,) = desk.billing.charges_of_request(request_id)
        return AuditCharge(charge_id=charge.id)

    return make


def complaint_about(
    request_id: str, complaint_id: str, category: str, description: str, channel: str
) -> Callable[[Desk], Command]:
    """The requester of ``request_id`` complains about it."""

    def make(desk: Desk) -> Command:
        request = desk.queries.request(request_id)
        return FileComplaint(
            complaint_id=complaint_id,
            complainant=request.requester,
            category=category,
            description=description,
            channel=channel,
            request_id=request.id,
        )

    return make


def callback_made(request_id: str, score: int | None) -> Callable[[Desk], Command]:
    """The callback drawn for ``request_id``: the requester's score, or None if not reached."""

    def make(desk: Desk) -> Command:
        (callback,) = [c for c in desk.quality.callbacks(MONTH) if c.request_id.value == request_id]
        return RecordCallback(
            callback_id=callback.id, reached=score is not None, satisfaction=score
        )

    return make


#: 30 April after closing: an account per accepted job, the tenants' deposits, the charges.
THE_EVENING: tuple[Step, ...] = (
    Step("17:40", CLERK, account_for("ACC-1", "SR-01")),
    Step("17:40", CLERK, account_for("ACC-2", "SR-02")),
    Step("17:40", CLERK, account_for("ACC-3", "SR-05")),
    Step("17:40", CLERK, account_for("ACC-4", "SR-08")),
    Step("17:40", CASHIER, PayDeposit(account_id="ACC-2", amount="200.00")),
    Step("17:40", CASHIER, PayDeposit(account_id="ACC-4", amount="300.00")),
    Step("17:45", CLERK, RecordCharge(request_id="SR-01")),
    Step("17:45", CLERK, confirm_charge("SR-01")),
    Step("17:45", CLERK, RecordCharge(request_id="SR-02")),
    Step("17:45", LIN_IN_THE_APP, confirm_charge("SR-02", in_the_app=True)),
    Step("17:45", CLERK, RecordCharge(request_id="SR-05")),
    Step("17:45", CLERK, confirm_charge("SR-05")),
    Step("17:45", CLERK, RecordCharge(request_id="SR-08")),
    Step("17:45", CLERK, confirm_charge("SR-08")),
    # The assistant audits the day's charges: the month sums them, the deposits pay them.
    Step("17:50", ASSISTANT, audit_charge("SR-01")),
    Step("17:50", ASSISTANT, audit_charge("SR-02")),
    Step("17:50", ASSISTANT, audit_charge("SR-05")),
    Step("17:50", ASSISTANT, audit_charge("SR-08")),
    # The drain of SR-07 was never started: its requester complains before closing time.
    Step(
        "17:45",
        CLERK,
        complaint_about(
            "SR-07",
            complaint_id="CP-01",
            category="timeliness",
            description="Nobody came about the kitchen sink",
            channel="hotline",
        ),
    ),
)

#: 6 May: the month closed, a payment at the cashier, the escalation sweep, the callbacks.
AFTER_THE_HOLIDAY: tuple[Step, ...] = (
    Step("09:00", CLERK, CloseMonth(period=MONTH)),
    Step("09:00", CASHIER, RecordPayment(account_id="ACC-1", amount="80.00")),
    Step("15:00", Actor.system(), EscalateOverdue()),
    Step("15:30", CLERK, PlanCallbacks(month=MONTH)),
    Step("15:30", CLERK, callback_made("SR-01", 5)),
    Step("15:30", CLERK, callback_made("SR-02", 4)),
    Step("15:30", CLERK, callback_made("SR-05", 2)),
    Step("15:30", CLERK, callback_made("SR-08", None)),
)


def run_month_end(day: Day) -> MonthEnd:
    """Bill April, sweep for escalations, make the callbacks; returns what to print."""
    desk = day.desk
    done = walk(desk, day.clock, THE_EVENING, on=DAY)
    done += walk(desk, day.clock, AFTER_THE_HOLIDAY, on=FIRST_WORKING_DAY)
    accounts = [d.command.account_id for d in done if isinstance(d.command, OpenAccount)]
    deposits = [d.command.account_id for d in done if isinstance(d.command, PayDeposit)]
    return MonthEnd(
        statements=[s for a in accounts if a is not None for s in desk.billing.statements(a)],
        deposits=[desk.billing.account(a) for a in deposits],
        overdue=desk.queries.overdue_requests(),
        escalated=sum(
            int(d.outcome.id or 0) for d in done if isinstance(d.command, EscalateOverdue)
        ),
        complaints=desk.complaints.open_complaints(),
        callbacks=desk.quality.callbacks(MONTH),
        quality=desk.quality.report(MONTH),
        closed_at=next(d.at for d in done if isinstance(d.command, CloseMonth)),
    )
