"""The default plugin: a property service centre with the defaults of docs/rules.md.

Every hook here is ``trylast`` so that any plugin an organisation registers
is asked first; this one answers only what nobody else did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from random import Random

import holidays

from servicedesk.domain.accounts import Account, DepositRule
from servicedesk.domain.appraisal import (
    DEFAULT_SCALE,
    Appraisal,
    AppraisalScale,
    Consequence,
    Figures,
    PeriodKind,
    default_result,
)
from servicedesk.domain.billing import BillingMode, Period
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.callbacks import (
    Callback,
    Job,
    RetryPolicy,
    default_sample_size,
    draw_sample,
)
from servicedesk.domain.catalogue import FeeKind, ServiceItem
from servicedesk.domain.complaints import Complaint, ComplaintDeadlines, PauseReason
from servicedesk.domain.deadlines import EscalationStep, WorkingBudget
from servicedesk.domain.enquiries import EnquiryKind
from servicedesk.domain.errors import PolicyError
from servicedesk.domain.hall import ServiceGuide, Window
from servicedesk.domain.hall_cases import Application
from servicedesk.domain.money import DEFAULT_CURRENCY, Money, Rounding
from servicedesk.domain.ratings import FollowUpTerms, RatedService, RatingLevel, RatingScale
from servicedesk.domain.requests import (
    Channel,
    Deadline,
    ItemKind,
    Milestone,
    ServiceRequest,
    Urgency,
)
from servicedesk.domain.retention import RecordKind, RetentionRule
from servicedesk.domain.satisfaction import SatisfactionScale
from servicedesk.domain.staff import StaffRules
from servicedesk.domain.statements import Statement
from servicedesk.domain.values import ActorId, ItemId, Requester, RequesterKind, Role, WorkerId
from servicedesk.domain.visits import OutsideWindow
from servicedesk.domain.workers import Worker
from servicedesk.i18n import N_, _
from servicedesk.policies import records_defaults
from servicedesk.policies.hookspecs import hookimpl

TIME_ZONE = "Asia/Shanghai"
#: 09:00-17:00 with lunch 12:00-13:00 (rule time.working-hours).
WORKING_HOURS = (("09:00", "12:00"), ("13:00", "17:00"))
APPROVAL_CHAIN = (Role.CENTRE_MANAGER, Role.BRANCH_MANAGER)
#: The centre decides to stop an item; the branch manager approves (rule
#: catalogue.stop-needs-approval).
WITHDRAWAL_CHAIN = (Role.BRANCH_MANAGER,)
RESPONSE_TIME = {Urgency.URGENT: timedelta(hours=1), Urgency.ORDINARY: timedelta(hours=4)}
BATCH_INTERVAL = timedelta(hours=1)
ROUNDING = Rounding.HALF_UP
#: Who publishes a hall's service guides: its management (rule hall.service-guide).
HALL_PUBLISHERS = frozenset({Role.CENTRE_MANAGER, Role.BRANCH_MANAGER})
#: Beyond it an amount is taken for a typing slip (ten million yuan).
LARGEST_AMOUNT = Money.of("10000000.00")


@cache
def _china() -> holidays.HolidayBase:
    china: holidays.HolidayBase = holidays.country_holidays("CN")
    return china


@cache  # a pure answer per date, asked for every day a deadline crosses (docs/performance.md)
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
        return WITHDRAWAL_CHAIN if change == "withdrawal" else APPROVAL_CHAIN

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

    # --- complaints, escalation and callbacks ----------------------------------------------------

    @hookimpl(trylast=True)
    def servicedesk_complaint_categories(self) -> Sequence[str]:
        return COMPLAINT_CATEGORIES

    @hookimpl(trylast=True)
    def servicedesk_complaint_channels(self) -> Sequence[Channel]:
        return tuple(Channel)

    @hookimpl(trylast=True)
    def servicedesk_complaint_deadlines(
        self, category: str, urgency: Urgency
    ) -> ComplaintDeadlines:
        return COMPLAINT_DEADLINES[urgency]

    @hookimpl(trylast=True)
    def servicedesk_pause_allowed(self, complaint: Complaint, reason: PauseReason) -> bool:
        return reason is PauseReason.WAITING_FOR_COMPLAINANT

    @hookimpl(trylast=True)
    def servicedesk_escalation_chain(self, case: object) -> Sequence[EscalationStep]:
        return ESCALATION_CHAIN

    @hookimpl(trylast=True)
    def servicedesk_callback_sample_size(self, item_id: ItemId, completed: int) -> int:
        return default_sample_size(completed)

    @hookimpl(trylast=True)
    def servicedesk_callback_selection(
        self, item_id: ItemId, jobs: Sequence[Job], size: int, rng: Random, called: Set[str]
    ) -> Sequence[Job]:
        return draw_sample(jobs, size, rng, called)

    @hookimpl(trylast=True)
    def servicedesk_callback_retry(self, callback: Callback) -> RetryPolicy:
        return CALLBACK_RETRY

    @hookimpl(trylast=True)
    def servicedesk_satisfaction_scale(self) -> SatisfactionScale:
        return SATISFACTION_SCALE

    # --- billing -------------------------------------------------------------------------------

    @hookimpl(trylast=True)
    def servicedesk_billing_mode(self, requester: Requester) -> BillingMode:
        if requester.kind is RequesterKind.TENANT:
            return BillingMode.DEPOSIT
        return BillingMode.ON_ACCOUNT

    @hookimpl(trylast=True)
    def servicedesk_currency(self) -> str:
        return DEFAULT_CURRENCY

    @hookimpl(trylast=True)
    def servicedesk_largest_amount(self) -> Money:
        return LARGEST_AMOUNT

    @hookimpl(trylast=True)
    def servicedesk_rounding(self) -> Rounding:
        return ROUNDING

    @hookimpl(trylast=True)
    def servicedesk_deposit_rule(self, account: Account) -> DepositRule:
        return DepositRule(DEPOSIT_MINIMUM, DEPOSIT_TOP_UP_BELOW, DEPOSIT_LIMIT)

    @hookimpl(trylast=True)
    def servicedesk_statement_day(self, period: Period, calendar: WorkingCalendar) -> datetime:
        return period.end(calendar.tz)

    @hookimpl(trylast=True)
    def servicedesk_statement_due(
        self, period: Period, calendar: WorkingCalendar, issued_at: datetime
    ) -> datetime:
        return max(period.end(calendar.tz) + STATEMENT_DUE_AFTER, issued_at + timedelta(days=1))

    @hookimpl(trylast=True)
    def servicedesk_receipt_series(self, at: datetime, calendar: WorkingCalendar) -> str:
        return f"{ORGANISATION_CODE}-{at.astimezone(calendar.tz).year}"

    @hookimpl(trylast=True)
    def servicedesk_receipt_number(self, series: str, number: int) -> str:
        return f"{series}-{number:06d}"

    @hookimpl(trylast=True)
    def servicedesk_invoice_deadline(
        self, requested_at: datetime, calendar: WorkingCalendar
    ) -> datetime:
        return requested_at + INVOICE_DEADLINE

    @hookimpl(trylast=True)
    def servicedesk_allocate_payment(
        self, amount: Money, statements: Sequence[Statement]
    ) -> list[Money]:
        return oldest_first(amount, statements)

    # --- records ---------------------------------------------------------------------------------

    @hookimpl(trylast=True)
    def servicedesk_permitted_roles(self, command: str) -> frozenset[Role]:
        return records_defaults.PERMISSIONS.get(command, records_defaults.UNLISTED)

    @hookimpl(trylast=True)
    def servicedesk_permitted_readers(self, query: str) -> frozenset[Role]:
        return records_defaults.QUERY_PERMISSIONS.get(query, records_defaults.UNLISTED_QUERY)

    @hookimpl(trylast=True)
    def servicedesk_retention(self, kind: RecordKind) -> RetentionRule:
        return records_defaults.RETENTION[kind]

    @hookimpl(trylast=True)
    def servicedesk_found_item_keeping(self, valuable: bool) -> timedelta:
        return records_defaults.FOUND_ITEM_KEEPING[bool(valuable)]

    # --- the service hall ------------------------------------------------------------------------

    @hookimpl(trylast=True)
    def servicedesk_hall_publishers(self, guide: ServiceGuide) -> frozenset[Role]:
        return HALL_PUBLISHERS

    @hookimpl(trylast=True)
    def servicedesk_hall_pause_while_held(self, application: Application) -> bool:
        return True

    # --- staff appraisal -------------------------------------------------------------------------

    @hookimpl(trylast=True)
    def servicedesk_appraisal_period(self) -> str:
        return PeriodKind.MONTH.value

    @hookimpl(trylast=True)
    def servicedesk_appraisal_scale(self) -> AppraisalScale:
        return DEFAULT_SCALE

    @hookimpl(trylast=True)
    def servicedesk_appraisal_result(self, figures: Figures, scale: AppraisalScale) -> str:
        if scale != DEFAULT_SCALE:
            raise PolicyError(
                _(
                    "An organisation's own appraisal scale needs its own "
                    "servicedesk_appraisal_result."
                ),
                code="appraisal.policy_unusable",
            )
        return default_result(figures)

    @hookimpl(trylast=True)
    def servicedesk_appraisal_consequence(
        self, appraisal: Appraisal, previous: Appraisal | None
    ) -> str:
        seconded = appraisal.department_id is not None
        again = previous is not None and previous.failing
        return (Consequence.RETURN if seconded and again else Consequence.RECTIFY).value

    @hookimpl(trylast=True)
    def servicedesk_rectification_time(self, appraisal: Appraisal) -> WorkingBudget:
        return RECTIFICATION_TIME

    # --- public ratings --------------------------------------------------------------------------

    @hookimpl(trylast=True)
    def servicedesk_rating_scale(self) -> RatingScale:
        return RATING_SCALE

    @hookimpl(trylast=True)
    def servicedesk_rating_follow_up(
        self, service: RatedService, level: RatingLevel, department_head: ActorId | None
    ) -> FollowUpTerms:
        owner = department_head or (ActorId(service.staff_id) if service.staff_id else None)
        if owner is None:
            raise PolicyError(
                _(
                    "Nobody owns the follow-up of a bad rating of {id}: it has no department "
                    "and no member of staff; a plugin names the owner "
                    "(servicedesk_rating_follow_up)."
                ),
                code="rating.policy_unusable",
                id=service.service_id,
            )
        return FollowUpTerms(owner, FOLLOW_UP_WITHIN[level])

    # --- enquiries -------------------------------------------------------------------------------

    @hookimpl(trylast=True)
    def servicedesk_enquiry_deadline(self, kind: EnquiryKind, channel: Channel) -> WorkingBudget:
        return ENQUIRY_DEADLINES[kind]

    # --- fees ------------------------------------------------------------------------------------

    @hookimpl(trylast=True)
    def servicedesk_fee_kinds(self) -> frozenset[FeeKind]:
        return frozenset(FeeKind)

    # --- staff: qualifications, training and the duty roster -------------------------------------

    @hookimpl(trylast=True)
    def servicedesk_staff_rules(self) -> StaffRules:
        return STAFF_RULES

    @hookimpl(trylast=True)
    def servicedesk_item_requirement(
        self, item: ServiceItem, recorded: frozenset[str]
    ) -> frozenset[str]:
        return recorded

    @hookimpl(trylast=True)
    def servicedesk_window_requirement(self, window: Window) -> frozenset[str]:
        return frozenset()

    # --- the property centre's audit step --------------------------------------------------------

    @hookimpl(trylast=True)
    def servicedesk_audit_before_settlement(self, mode: BillingMode) -> bool:
        return AUDIT_BEFORE_SETTLEMENT[BillingMode(mode)]

    @hookimpl(trylast=True)
    def servicedesk_agreement_from_deposit(self, account: Account) -> bool:
        return TENANT_AGREEMENTS

    @hookimpl(trylast=True)
    def servicedesk_price_rise_as_new(self, item: ServiceItem) -> bool:
        return PRICE_RISE_AS_NEW

    @hookimpl(trylast=True)
    def servicedesk_outside_expected_window(self, request: ServiceRequest) -> OutsideWindow:
        return OUTSIDE_EXPECTED_WINDOW


# --- complaints, escalation and callbacks: defaults where the rules leave the figure --------
# to the policy; the hooks above read them at call time.
COMPLAINT_CATEGORIES = (
    N_("service_quality"),
    N_("attitude"),
    N_("timeliness"),
    N_("fees"),
    N_("safety"),
    N_("other"),
)
COMPLAINT_DEADLINES = {
    Urgency.URGENT: ComplaintDeadlines(WorkingBudget.hours(1), WorkingBudget.working_days(1)),
    Urgency.ORDINARY: ComplaintDeadlines(WorkingBudget.hours(4), WorkingBudget.working_days(3)),
}
ESCALATION_CHAIN = (
    EscalationStep(Role.DEPARTMENT_HEAD, timedelta(hours=4)),
    EscalationStep(Role.CENTRE_MANAGER, timedelta(hours=7)),
    EscalationStep(Role.BRANCH_MANAGER, timedelta(hours=7)),
)
CALLBACK_RETRY = RetryPolicy(attempts=3, wait=timedelta(hours=4))
SATISFACTION_SCALE = SatisfactionScale(lowest=1, highest=5, satisfied_from=4)


# --- billing values ------------------------------------------------------------------------------
#: The organisation's code in receipt numbers (one series per organisation and year).
ORGANISATION_CODE = "PSC"
#: The rules name no amounts for the deposit (rule billing.tenant-deposit); a centre overrides
#: these.
DEPOSIT_MINIMUM = Money.of("200.00")
DEPOSIT_TOP_UP_BELOW = Money.of("100.00")
DEPOSIT_LIMIT = Money.zero()
STATEMENT_DUE_AFTER = timedelta(days=15)
INVOICE_DEADLINE = timedelta(hours=24)  # rule billing.invoice-within-24h


def oldest_first(amount: Money, statements: Sequence[Statement]) -> list[Money]:
    """Pay the oldest statement in full, then the next, until the money is used up."""
    parts: list[Money] = []
    left = amount
    for statement in statements:
        part = min(left, statement.amount_due, key=lambda m: m.amount)
        parts.append(part)
        left = left - part
    return parts


#: How long a failing appraisal's rectification (整改) may take (rule
#: staff.appraisal-outcomes); the seeds name no figure.
RECTIFICATION_TIME = WorkingBudget.working_days(10)
# --- public ratings: the scale and the follow-up's working time are policy values ------------
RATING_SCALE = RatingScale()
FOLLOW_UP_WITHIN = {
    RatingLevel.VERY_DISSATISFIED: WorkingBudget.working_days(2),
    RatingLevel.DISSATISFIED: WorkingBudget.working_days(3),
}


#: How long an enquiry's first person asked has to answer it (rule complaints.enquiry-time-limit):
#: the regulations set no figure, so these are the policy's.
ENQUIRY_DEADLINES = {
    EnquiryKind.CONSULTATION: WorkingBudget.working_days(1),
    EnquiryKind.SUGGESTION: WorkingBudget.working_days(5),
}


# --- staff ---------------------------------------------------------------------------------------
#: Off-shift dispatch refused, a passed training before duty, 30 days' notice of a certificate's
#: expiry (rule staff.off-shift-dispatch, rule staff.training, rule staff.expiry-notice).
STAFF_RULES = StaffRules(
    off_shift_dispatch=False, training_before_duty=True, expiry_notice=timedelta(days=30)
)


#: The assistant audits before the month is summed and before a deposit is drawn (rule
#: billing.audit-before-statement, rule billing.audit-before-deposit-draw).
AUDIT_BEFORE_SETTLEMENT = {BillingMode.ON_ACCOUNT: True, BillingMode.DEPOSIT: True}
#: Tenants sign long-term agreements too; the deposit pays them (rule
#: billing.tenant-agreement-deposit).
TENANT_AGREEMENTS = True
#: A price rise is decided up the chain of a new fee (rule catalogue.price-rise-approval).
PRICE_RISE_AS_NEW = True
#: A dispatch after the requester's window goes ahead, marked for the call ahead (rule
#: requests.expected-window).
OUTSIDE_EXPECTED_WINDOW = OutsideWindow.WARN
