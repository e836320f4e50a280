"""Hook specifications: every organisational rule the core asks a plugin for.

A property firm, a community centre and a service hall differ in their rules,
never in the core.  Each hook below is called by the application layer at the
moment named in its docstring; the default plugins answer with the defaults
docs/rules.md lists; a third-party plugin registered through the
``servicedesk.policies`` entry point (or passed to ``Desk``) overrides a hook
by implementing it.  ``firstresult`` hooks stop at the first non-``None``
answer; plugins registered later are asked first, and the defaults are marked
``trylast`` so that they are asked last.

Results are checked by ``servicedesk.policies.Policies``: a plugin that
returns garbage gets a ``PolicyError`` naming the hook, not a wrong bill.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from servicedesk.domain.accounts import Account, DepositRule
    from servicedesk.domain.appraisal import Appraisal, AppraisalScale, Figures
    from servicedesk.domain.billing import BillingMode, Period
    from servicedesk.domain.calendar import WorkingCalendar
    from servicedesk.domain.catalogue import ServiceItem
    from servicedesk.domain.deadlines import WorkingBudget
    from servicedesk.domain.hall import ServiceGuide
    from servicedesk.domain.hall_cases import Application
    from servicedesk.domain.money import Money, Rounding
    from servicedesk.domain.ratings import FollowUpTerms, RatedService, RatingLevel, RatingScale
    from servicedesk.domain.requests import Channel, Deadline, ItemKind, ServiceRequest, Urgency
    from servicedesk.domain.retention import RecordKind, RetentionRule
    from servicedesk.domain.statements import Statement
    from servicedesk.domain.values import ActorId, Requester, Role, WorkerId
    from servicedesk.domain.visits import OutsideWindow
    from servicedesk.domain.workers import Worker

PROJECT = "servicedesk"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- catalogue -----------------------------------------------------------------------------------


@hookspec(firstresult=True)
def servicedesk_approval_chain(item: ServiceItem, change: str) -> Sequence[Role] | None:
    """Who must approve a new item, a fee change or a withdrawal, in order.

    Called when an item is proposed (``change == "new"``), when a fee change
    of a published item is proposed (``change == "fee_change"``: a price rise goes up
    the same chain) and when stopping an item is proposed (``change == "withdrawal"``).
    Return the roles whose holders must sign, first to last (default: centre manager,
    then branch manager: rule catalogue.approval-chain; a withdrawal: the branch
    manager, rule catalogue.stop-needs-approval).  Only managers may be named.  The
    chain is fixed on the proposal: a later change of policy does not move proposals
    already under way.
    """


@hookspec(firstresult=True)
def servicedesk_price(item: ServiceItem, request: ServiceRequest, quantity: str) -> Money | None:
    """The price of ``item`` for this ``request``, or ``None`` to leave it to an estimate.

    Called at triage, once the item is known.  ``quantity`` is the decimal
    string of units ordered (``"1"`` unless the clerk gave one).  Return the
    service fee to tell the requester: a free item costs zero, a fixed item its
    price, a per-unit item price times quantity.  Return ``None`` where the
    price depends on materials or work (an estimate follows, rule catalogue.estimate-first, rule
    catalogue.fee-standards).
    """


# --- time ----------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def servicedesk_calendar() -> WorkingCalendar | None:
    """The organisation's working calendar.

    Called whenever a deadline is computed.  Return a ``WorkingCalendar``:
    time zone, the working blocks of a day (with the lunch break between
    them) and which dates are working days (public holidays off, make-up
    working days on).  Default: Asia/Shanghai, 09:00-12:00 and 13:00-17:00,
    Monday to Friday, China's public holidays and make-up days (rule time.working-hours, rule
    time.public-holidays).
    """


@hookspec(firstresult=True)
def servicedesk_response_deadline(
    request: ServiceRequest,
    item: ServiceItem,
    item_kind: ItemKind | None,
    urgency: Urgency,
    calendar: WorkingCalendar,
    now: datetime,
) -> Deadline | None:
    """The deadline promised to the requester at triage.

    Called when a request is accepted in scope.  Return a ``Deadline``: when
    it is due (after ``now``) and whether it promises someone on site
    (``Milestone.STARTED``) or the job done (``Milestone.COMPLETED``).
    Default: urgent within 1 working hour, ordinary within 4 working hours,
    both to start work.
    """


@hookspec(firstresult=True)
def servicedesk_item_kind(item: ServiceItem, request: ServiceRequest) -> ItemKind | None:
    """How a service hall classifies the item (即办/承诺/联办/上报).

    Called at triage.  Return an ``ItemKind``, or ``None`` where the
    organisation does not classify items (the default for property centres).
    """


# --- dispatch ------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def servicedesk_dispatch_choice(
    request: ServiceRequest,
    item: ServiceItem,
    candidates: Sequence[Worker],
    open_orders: Mapping[WorkerId, int],
    now: datetime,
) -> Worker | None:
    """Which worker or contractor gets the work order.

    Called when a request is dispatched without a named worker.
    ``candidates`` are the available workers; ``open_orders`` counts the open
    work orders each already holds.  Return one of the candidates, or ``None``
    if none fits (the request then waits).  Default: an available worker with
    the item's category among their skills, fewest open orders first.
    """


@hookspec(firstresult=True)
def servicedesk_dispatch_due(
    request: ServiceRequest, urgency: Urgency, calendar: WorkingCalendar, now: datetime
) -> datetime | None:
    """When a triaged request is due for dispatch: batching of ordinary repairs.

    Called at triage.  Urgent repairs are dispatched at once; ordinary ones
    may wait for the next batch (rule requests.urgent-at-once).  Return the instant (not
    before ``now``).  Default: urgent at ``now``, ordinary at the next full
    hour.
    """


# --- complaints, escalation and callbacks --------------------------------------------------------

if TYPE_CHECKING:
    from collections.abc import Set
    from random import Random

    from servicedesk.domain.callbacks import Callback, Job, RetryPolicy
    from servicedesk.domain.complaints import Complaint, ComplaintDeadlines, PauseReason
    from servicedesk.domain.deadlines import EscalationStep
    from servicedesk.domain.satisfaction import SatisfactionScale
    from servicedesk.domain.values import ItemId


@hookspec(firstresult=True)
def servicedesk_complaint_categories() -> Sequence[str] | None:
    """The categories a complaint is filed under (for routing and the quality report).

    Called when a complaint is filed.  Return the category codes allowed.  Default:
    service quality, staff attitude, timeliness, fees, safety, other.
    """


@hookspec(firstresult=True)
def servicedesk_complaint_channels() -> Sequence[Channel] | None:
    """The channels a complaint may come in through.

    Called when a complaint is filed.  Return the channels the centre publishes for
    complaints.  Default: every channel a request comes in through, and a callback
    (rule complaints.channels); a plugin may publish fewer.
    """


@hookspec(firstresult=True)
def servicedesk_complaint_deadlines(category: str, urgency: Urgency) -> ComplaintDeadlines | None:
    """How long a complaint may wait for acknowledgement and for an answer (限时办结制).

    Called when a complaint is filed (both clocks start then) and when it is reopened (a new
    answer clock).  Return ``ComplaintDeadlines`` of ``WorkingBudget`` values: working time
    (``WorkingBudget.hours(4)``) or working days (``WorkingBudget.working_days(3)``).
    Default: urgent 1 working hour / 1 working day, ordinary 4 working hours / 3 working days.
    """


@hookspec(firstresult=True)
def servicedesk_pause_allowed(complaint: Complaint, reason: PauseReason) -> bool | None:
    """Whether the answer clock of ``complaint`` may stop for ``reason``.

    Called when a complaint is paused.  Default: only while waiting for the complainant.
    """


@hookspec(firstresult=True)
def servicedesk_escalation_chain(case: object) -> Sequence[EscalationStep] | None:
    """Who is told, level by level, when a complaint or a request is overdue.

    Called by the escalation sweep for each overdue case (a ``Complaint`` or a
    ``ServiceRequest``).  Return the steps in order, each a role and the working time it
    gets to act before the next level is told (positive).  For a complaint, answer from its
    category and urgency only: a database store asks once per category and urgency, with one
    of the complaints due, and applies the answer to all of them.  Default: department head
    (4 working hours), centre manager (1 working day), branch manager.
    """


@hookspec(firstresult=True)
def servicedesk_callback_sample_size(item_id: ItemId, completed: int) -> int | None:
    """How many of an item's ``completed`` jobs of the month are called back.

    Called once per item when the month's callbacks are planned.  Return a whole number from
    0 to ``completed``.  Default: 5, or all if fewer (rule callbacks.monthly-sample).
    """


@hookspec(firstresult=True)
def servicedesk_callback_selection(
    item_id: ItemId, jobs: Sequence[Job], size: int, rng: Random, called: Set[str]
) -> Sequence[Job] | None:
    """Which ``size`` of ``jobs`` are called back; ``rng`` is seeded for reproducibility.

    ``called`` holds the requester keys already drawn this month.  Return ``size`` distinct
    jobs out of ``jobs``.  Default: a seeded random draw that avoids calling a requester twice
    a month where it can.
    """


@hookspec(firstresult=True)
def servicedesk_callback_retry(callback: Callback) -> RetryPolicy | None:
    """How often an unreached requester is tried before the callback is ended.

    Called when a callback attempt fails.  Default: 3 attempts, 4 working hours apart.
    """


@hookspec(firstresult=True)
def servicedesk_satisfaction_scale() -> SatisfactionScale | None:
    """The scale of satisfaction scores, and from which score a requester counts as satisfied.

    Called when a callback or a complaint records a score.  Default: 1-5, satisfied from 4.
    """


# --- billing -------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def servicedesk_billing_mode(requester: Requester) -> BillingMode | None:
    """How a requester pays: on account (monthly statement) or from a deposit.

    Called when an account is opened; the mode is fixed on the account.
    Default: tenants pay from a service deposit (服务保证金, rule billing.mode-by-requester, rule
    billing.tenant-deposit), owners
    and everyone else on account, settled monthly (记账月结, rule billing.mode-by-requester, rule
    billing.monthly-statement).
    """


@hookspec(firstresult=True)
def servicedesk_currency() -> str | None:
    """The one currency the organisation keeps its accounts in.

    Called when the desk starts: every amount of every command must be in it, or
    the command is refused before any other hook is asked.  Answer a three-letter
    ISO code.  Default: CNY.
    """


@hookspec(firstresult=True)
def servicedesk_largest_amount() -> Money | None:
    """The largest amount of money one value of a command may hold.

    Called when the desk starts; an amount beyond it (a fee, a payment, a cost)
    is refused at the door as a typing slip.  Answer a positive amount in the
    organisation's currency, at most ten billion.  Default: ten million.
    """


@hookspec(firstresult=True)
def servicedesk_rounding() -> Rounding | None:
    """How a price times a quantity is brought to the fen.

    Called whenever a charge line is priced (each line is rounded once; a
    total is the exact sum of its rounded lines).  Default: half up.
    """


@hookspec(firstresult=True)
def servicedesk_deposit_rule(account: Account) -> DepositRule | None:
    """The deposit rule of a deposit account: minimum first payment, top-up level, limit.

    Called when money is paid in, when a charge is drawn and by the top-up
    report.  ``limit`` is how far below zero a draw may take the balance.
    Default: at least 200.00 paid in first, top up below 100.00, no overdraft.
    """


@hookspec(firstresult=True)
def servicedesk_statement_day(period: Period, calendar: WorkingCalendar) -> datetime | None:
    """The earliest instant the month ``period`` may be closed into statements.

    Called by the monthly close; closing earlier is refused, so no charge of the
    month can arrive after its statement.  Default: the first instant of the
    next month, in the calendar's time zone.
    """


@hookspec(firstresult=True)
def servicedesk_statement_due(
    period: Period, calendar: WorkingCalendar, issued_at: datetime
) -> datetime | None:
    """When a statement of ``period`` issued at ``issued_at`` is due for payment.

    Called by the monthly close for every statement.  Return an instant after
    ``issued_at``.  Default: 15 days after the period ends, and never less than
    a day after the statement was issued.
    """


@hookspec(firstresult=True)
def servicedesk_receipt_series(at: datetime, calendar: WorkingCalendar) -> str | None:
    """The number series a receipt issued at ``at`` is numbered in.

    Called for every payment.  Numbers run 1, 2, 3 ... without a gap within a
    series.  Return an identifier (letters, digits, ``.``, ``_``, ``:``,
    ``-``).  Default: ``PSC-<year>``, one series per organisation and year.
    """


@hookspec(firstresult=True)
def servicedesk_receipt_number(series: str, number: int) -> str | None:
    """How receipt ``number`` of ``series`` is printed.  Default: ``PSC-2026-000042``."""


@hookspec(firstresult=True)
def servicedesk_invoice_deadline(
    requested_at: datetime, calendar: WorkingCalendar
) -> datetime | None:
    """By when an invoice asked for at ``requested_at`` must be delivered.

    Called when an invoice is asked for; later ones are listed as overdue.
    Default: 24 hours later (rule billing.invoice-within-24h).
    """


@hookspec(firstresult=True)
def servicedesk_allocate_payment(
    amount: Money, statements: Sequence[Statement]
) -> Sequence[Money] | None:
    """How a payment is split across the open statements it pays.

    Called for every payment of statements.  ``statements`` are open, oldest
    period first.  Return one amount per statement, in the same order, none
    above what that statement is due, adding up to ``amount`` exactly (use
    ``servicedesk.domain.money.allocate`` for proportional splits).
    Default: the oldest statement first.
    """


# --- records -------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def servicedesk_permitted_roles(command: str) -> Collection[Role] | None:
    """Which roles may give the command named ``command`` (a class name).

    Called before every command is carried out, and for every command the wiring
    knows when a ``Desk`` starts.  Return the roles whose holders may give it; an
    actor holding none of them is refused with ``PermissionDenied``, and the
    refusal is audited.  ``Role.SYSTEM`` is the embedding application acting for
    staff it has authenticated (``Desk.handle`` without an actor: rule
    records.system-actor); ``Role.REQUESTER`` a requester acting for himself.
    For a command the domain reserves (``Command.reserved``: money, approvals,
    the requester's own acts, releasing a hold, erasure) the answer may narrow
    the act's roles but never name another: the desk refuses to start with a
    ``PolicyError`` (rule records.reserved-acts).  Default:
    ``servicedesk.policies.records_defaults.PERMISSIONS``.
    """


@hookspec(firstresult=True)
def servicedesk_permitted_readers(query: str) -> Collection[Role] | None:
    """Which roles may ask the query named ``query`` (``"billing.account"``, ...).

    Called before every query of ``desk.queries``, ``desk.billing``,
    ``desk.complaints``, ``desk.quality``, ``desk.records`` and ``desk.hall``,
    and for ``records.reveal_personal_data`` when an export is to show personal
    data unmasked.  Return the roles whose holders may ask it; anyone else is
    refused with ``PermissionDenied``, and the refusal is audited.  A requester
    reads only the records his actor ``acts_for``.  Default:
    ``servicedesk.policies.records_defaults.QUERY_PERMISSIONS`` (rule
    records.access-by-role).
    """


@hookspec(firstresult=True)
def servicedesk_retention(kind: RecordKind) -> RetentionRule | None:
    """How long records of ``kind`` keep personal data after they close.

    Called when a record closes and when erasure is asked for.  Return a
    ``RetentionRule``: the period, and whether the requester may have the
    record erased on request before it ends.  Default:
    ``servicedesk.policies.records_defaults.RETENTION``.
    """


@hookspec(firstresult=True)
def servicedesk_found_item_keeping(valuable: bool) -> timedelta | None:
    """How long lost and found keeps an item for its owner before it may go to the finder.

    Called when an item is logged.  Default (rule records.found-item-keeping):
    ordinary items 3 months, valuables 1 year; the rule allows up to 6 months and 2 years.
    """


# --- the service hall ----------------------------------------------------------------------------


@hookspec(firstresult=True)
def servicedesk_hall_publishers(guide: ServiceGuide) -> Collection[Role] | None:
    """Who may publish a version of an item's service guide (a hall's own policy).

    Called when a guide's draft is to be published; ``guide`` holds every version, the
    draft last.  Return the roles any of whose holders may publish it; the property
    catalogue's approval chain does not apply to a hall's items.  Default: the hall's
    management (centre manager, branch manager: rule hall.service-guide).
    """


@hookspec(firstresult=True)
def servicedesk_hall_pause_while_held(application: Application) -> bool | None:
    """Whether an escalated item's clock stops while the higher authority holds it.

    Called when a 上报件 is submitted to its higher authority.  Return ``True`` to stop
    the item's clock until the reply is recorded, ``False`` to let it run.  Default:
    ``True`` (rule hall.item-flows).
    """


# --- staff appraisal -----------------------------------------------------------------------------


@hookspec(firstresult=True)
def servicedesk_appraisal_period() -> str | None:
    """How often staff are appraised: ``"month"``, ``"quarter"`` or ``"year"``.

    Called when an appraisal is drawn; a period of another length is refused.
    Default: ``"month"`` (rule staff.appraisal-figures).
    """


@hookspec(firstresult=True)
def servicedesk_appraisal_scale() -> AppraisalScale | None:
    """The results an appraisal gives, best first, and which of them fail.

    Called when an appraisal is drawn.  Default: excellent (优秀), pass (合格), fail
    (不合格), of which fail fails (rule staff.appraisal-result).  An organisation with its
    own scale implements ``servicedesk_appraisal_result`` too.
    """


@hookspec(firstresult=True)
def servicedesk_appraisal_result(figures: Figures, scale: AppraisalScale) -> str | None:
    """The result of an appraisal with ``figures`` (the period's), one of ``scale.levels``.

    Called when an appraisal is drawn.  Default: ``domain.appraisal.default_result``
    (rule staff.appraisal-result); it knows the default scale only.
    """


@hookspec(firstresult=True)
def servicedesk_appraisal_consequence(
    appraisal: Appraisal, previous: Appraisal | None
) -> str | None:
    """What a failing appraisal leads to when it is signed: ``"rectify"`` or ``"return"``.

    Called when a failing appraisal is signed; ``previous`` is the person's appraisal of the
    period before it, if drawn.  ``"return"`` sends seconded hall staff back to their home
    department (``appraisal.department_id``) and is refused for anyone else.  Default:
    rectification (整改); seconded staff failing a second period running (情节严重) are
    returned (rule staff.appraisal-outcomes).
    """


@hookspec(firstresult=True)
def servicedesk_rectification_time(appraisal: Appraisal) -> WorkingBudget | None:
    """How long, in working time, a failing appraisal's rectification (整改) may take.

    Called when a failing appraisal opens a rectification.  Return a ``WorkingBudget``.
    Default: 10 working days (rule staff.appraisal-outcomes).
    """


# --- public ratings ------------------------------------------------------------------------------


@hookspec(firstresult=True)
def servicedesk_rating_scale() -> RatingScale | None:
    """The levels a public rating (好差评) takes, which count as satisfied, which are bad.

    Called when a rating is given and when ratings are counted.  Return a ``RatingScale``.
    Default: the five levels 非常满意, 满意, 基本满意, 不满意, 非常不满意; the first three
    satisfied, the last two bad (rule ratings.public-rating).
    """


@hookspec(firstresult=True)
def servicedesk_rating_follow_up(
    service: RatedService, level: RatingLevel, department_head: ActorId | None
) -> FollowUpTerms | None:
    """Who owns the follow-up (整改) of a bad rating, and in what working time it is due.

    Called when a rating on one of the scale's bad levels is given; ``service`` is what
    was rated (its item, window, department and member of staff), ``department_head`` the
    head of its department when it has one.  Return ``FollowUpTerms(owner, within)``;
    the deadline is counted from the rating in the working calendar.  Default: the
    department's head, else the member of staff who served; 2 working days for
    非常不满意, 3 for 不满意 (rule ratings.bad-rating-follow-up).
    """


# --- enquiries -----------------------------------------------------------------------------------

if TYPE_CHECKING:
    from servicedesk.domain.deadlines import WorkingBudget
    from servicedesk.domain.enquiries import EnquiryKind


@hookspec(firstresult=True)
def servicedesk_enquiry_deadline(kind: EnquiryKind, channel: Channel) -> WorkingBudget | None:
    """How long the first person asked has to answer a consultation or suggestion.

    Called when an enquiry is taken, with its kind and the channel it came in through.
    Return a ``WorkingBudget`` (working hours or working days, counted on the
    organisation's calendar from when the enquiry was taken).  Default: a consultation
    within 1 working day, a suggestion within 5 (rule complaints.enquiry-time-limit).
    """


# --- a community centre's free services ----------------------------------------------------------

if TYPE_CHECKING:
    from servicedesk.domain.catalogue import FeeKind


@hookspec(firstresult=True)
def servicedesk_fee_kinds() -> Collection[FeeKind] | None:
    """The kinds of fee standard the organisation's items may have.

    Called when an item or a new fee is proposed, before its approval chain is asked.
    Return a non-empty collection of ``FeeKind``; a proposal of another kind is refused.
    Default: every kind; a community centre's services are free (``FeeKind.FREE`` only:
    rule catalogue.free-services).
    """


# --- staff: qualifications, training and the duty roster -----------------------------------------

if TYPE_CHECKING:
    from servicedesk.domain.hall import Window
    from servicedesk.domain.staff import StaffRules


@hookspec(firstresult=True)
def servicedesk_staff_rules() -> StaffRules | None:
    """The organisation's duty rules: off-shift dispatch, training before duty, expiry notice.

    Whether a manual dispatch to someone off shift is allowed, whether a passed training
    comes before duty, how early an expiring qualification is reported.

    Called whenever a dispatch or a window's duty is checked against the roster, and by the
    expiring-qualifications report.  Return a ``StaffRules``.  Default: off-shift dispatch
    refused, training before duty, 30 days' notice (rule staff.off-shift-dispatch, rule
    staff.training, rule staff.expiry-notice).
    """


@hookspec(firstresult=True)
def servicedesk_item_requirement(
    item: ServiceItem, recorded: frozenset[str]
) -> Collection[str] | None:
    """The qualification kinds whoever is sent to do ``item`` must hold.

    Called at every dispatch of a request for ``item``; ``recorded`` is what
    ``SetItemRequirement`` stored for it.  Return kinds to require besides ``recorded``
    (the recorded ones always apply: a plugin may add, never drop).  Default: ``recorded``
    (rule staff.item-requirements).
    """


@hookspec(firstresult=True)
def servicedesk_window_requirement(window: Window) -> Collection[str] | None:
    """The qualification kinds a member of staff must hold to go on duty at ``window``.

    Called when someone goes on duty at a hall window.  Return a collection of kinds
    (empty: none).  Default: none (rule staff.window-requirements).
    """


# --- the property centre's audit step ------------------------------------------------------------


@hookspec(firstresult=True)
def servicedesk_audit_before_settlement(mode: BillingMode) -> bool | None:
    """Whether a charge billed in ``mode`` is settled only once the assistant has audited it.

    Called by ``CloseMonth`` (``mode`` on account: only the charges audited before the
    cut-off go on the month's statements, the others wait for a later month) and by
    ``ConfirmCharge`` and ``AuditCharge`` (``mode`` deposit: a tenant's charge is drawn
    from the deposit at its audit, not at its confirmation).  Return ``True`` to wait for
    the audit, ``False`` to settle without it.  Default: ``True`` for both (rule
    billing.audit-before-statement, rule billing.audit-before-deposit-draw).
    """


@hookspec(firstresult=True)
def servicedesk_agreement_from_deposit(account: Account) -> bool | None:
    """Whether a tenant's deposit account may sign a long-term agreement its deposit pays.

    Called by ``SignAgreement`` for an account billed from a deposit.  Return ``True``
    to let the tenant sign: at each month close the agreement's fees of the month are
    drawn from the deposit, once per month; ``False`` to keep agreements to accounts
    billed monthly.  Default: ``True`` (rule billing.tenant-agreement-deposit).
    """


@hookspec(firstresult=True)
def servicedesk_price_rise_as_new(item: ServiceItem) -> bool | None:
    """Whether raising an item's price needs every approver of a new item as well.

    Called by ``ProposeFeeChange`` when the proposed fee costs the requester more
    than the current one (``FeeStandard.is_rise_from``).  Return ``True`` to add to
    the fee change's chain (``servicedesk_approval_chain`` with ``change ==
    "fee_change"``) the approvers of a new item it does not name yet, so a rise is
    never approved by fewer than a new fee; ``False`` to leave the fee change's chain
    alone.  Default: ``True`` (rule catalogue.price-rise-approval).
    """


@hookspec(firstresult=True)
def servicedesk_outside_expected_window(request: ServiceRequest) -> OutsideWindow | None:
    """What dispatch does when the requester's expected window is already over.

    Called by ``DispatchRequest`` and ``DispatchDue`` for a request whose expected
    window ended before now.  Return ``OutsideWindow.REFUSE`` to refuse the dispatch
    (``DispatchDue`` leaves the request for the desk, which calls the requester and
    records a new window with ``RecordCallAhead``), or ``OutsideWindow.WARN`` to
    dispatch it with the work order marked ``outside_window`` and a warning logged.
    Default: ``WARN`` (rule requests.expected-window).
    """
