"""Loading plugins and asking them, with every answer checked.

The core never trusts a plugin's answer blindly: ``Policies`` checks the type
and sense of each result and turns a plugin's crash or garbage into a
``PolicyError`` that names the hook.  A wrong answer stops the command; it
never reaches a bill or a deadline.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Collection, Iterable, Mapping, Sequence, Set
from datetime import datetime, timedelta
from random import Random
from typing import Any, TypeVar

import pluggy

from servicedesk.domain import reserved
from servicedesk.domain.accounts import Account, DepositRule
from servicedesk.domain.appraisal import (
    Appraisal,
    AppraisalScale,
    Consequence,
    Figures,
    PeriodKind,
)
from servicedesk.domain.billing import BillingMode, Period, SeriesId
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.callbacks import Callback, Job, RetryPolicy
from servicedesk.domain.catalogue import FeeKind, ServiceItem
from servicedesk.domain.complaints import Complaint, ComplaintDeadlines, PauseReason
from servicedesk.domain.deadlines import EscalationStep, WorkingBudget
from servicedesk.domain.enquiries import EnquiryKind
from servicedesk.domain.errors import InvalidValue, PluginRefused, PolicyError, ServiceDeskError
from servicedesk.domain.hall import ServiceGuide, Window
from servicedesk.domain.hall_cases import Application
from servicedesk.domain.money import Money, Rounding, total
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
from servicedesk.domain.staff import StaffRules, required_kinds
from servicedesk.domain.statements import Statement
from servicedesk.domain.values import ActorId, ItemId, Requester, Role, WorkerId
from servicedesk.domain.visits import OutsideWindow
from servicedesk.domain.workers import Worker
from servicedesk.i18n import _
from servicedesk.policies import hookspecs
from servicedesk.policies.default import PropertyCentreDefaults

ENTRY_POINT_GROUP = "servicedesk.policies"
DEFAULT_PLUGIN_NAME = "servicedesk.default"

T = TypeVar("T")


def plugin_manager(
    plugins: Iterable[object] = (), *, entry_points: bool = True
) -> pluggy.PluginManager:
    """Defaults first, then entry-point plugins, then ``plugins`` (asked first)."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(PropertyCentreDefaults(), name=DEFAULT_PLUGIN_NAME)
    if entry_points:
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if manager.has_plugin(entry_point.name) or manager.is_blocked(entry_point.name):
                continue
            try:
                loaded = entry_point.load()
            except Exception as error:  # a plugin's own bug, whatever it is: one line, no trace
                raise PluginRefused(
                    _("The plugin {plugin} ({target}) cannot be loaded: {error}"),
                    plugin=entry_point.name,
                    target=entry_point.value,
                    error=f"{type(error).__name__}: {error}",
                ) from None
            _register(manager, loaded, entry_point.name)
    for plugin in plugins:
        _register(manager, plugin, None)
    try:
        manager.check_pending()  # a hook name no hookspec declares: a misspelling
    except pluggy.PluginValidationError as error:
        raise _refused(manager, error.plugin, _unknown_hook(manager, error.plugin)) from None
    return manager


def _register(manager: pluggy.PluginManager, plugin: object, name: str | None) -> None:
    try:
        manager.register(plugin, name=name)
    except pluggy.PluginValidationError as error:
        hook = re.search(r"hook '([^']+)'", str(error))
        why = str(error).splitlines()[-1]  # pluggy's last line says what is wrong
        raise _refused(manager, plugin, hook.group(1) if hook else None, why) from None


def _unknown_hook(manager: pluggy.PluginManager, plugin: object) -> str | None:
    for name, caller in vars(manager.hook).items():
        if getattr(caller, "spec", True) is None and any(
            impl.plugin is plugin for impl in caller.get_hookimpls()
        ):
            return str(name)
    return None


def _refused(
    manager: pluggy.PluginManager, plugin: object, hook: str | None, why: str | None = None
) -> PluginRefused:
    """The one-line refusal of a plugin; ``why`` is pluggy's reason, none for an unknown hook."""
    name = manager.get_name(plugin)
    if name is None or name == str(id(plugin)):  # pluggy names an unnamed instance by its id
        name = getattr(plugin, "__name__", type(plugin).__name__)
    if why is None:
        message = _("The plugin {plugin} implements {hook}, which is no hook of servicedesk.")
    else:
        message = _("The plugin {plugin} implements {hook} wrongly: {why}")
    return PluginRefused(message.format(plugin=name, hook=hook, why=why), plugin=name, hook=hook)


def _garbage(hook: str, got: object, wanted: str) -> PolicyError:
    return PolicyError(
        _("The policy hook {hook} returned {got!r}; it must return {wanted}."),
        code="policy.unusable",
        hook=hook,
        got=type(got).__name__,
        wanted=_(wanted),
    )


class Policies:
    """The application layer's one door to the plugins."""

    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager
        self.hook: Any = manager.hook

    def _call(self, name: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.hook, name)(**kwargs)
        except ServiceDeskError:
            raise
        except Exception as error:  # a plugin's bug must not look like ours
            raise PolicyError(
                _("The policy hook {hook} failed: {error}"),
                code="policy.unusable",
                hook=name,
                error=type(error).__name__,
            ) from error

    def _typed(self, name: str, kind: type[T], wanted: str, **kwargs: Any) -> T:
        result = self._call(name, **kwargs)
        if not isinstance(result, kind):
            raise _garbage(name, result, wanted)
        return result

    def approval_chain(self, item: ServiceItem, change: str) -> tuple[Role, ...]:
        name = "servicedesk_approval_chain"
        result = self._call(name, item=item, change=change)
        if not isinstance(result, Sequence) or isinstance(result, str) or not result:
            raise _garbage(name, result, "a non-empty sequence of roles")
        try:
            chain = tuple(Role(role) for role in result)
        except ValueError:
            raise _garbage(name, result, "a non-empty sequence of roles") from None
        if not set(chain) <= reserved.APPROVERS:
            raise PolicyError(
                _(
                    "The policy hook {hook} names {roles} in an approval chain; approvals are "
                    "given by managers only ({approvers}), never by the system or a proposer's "
                    "desk (rule records.reserved-acts)."
                ),
                code="policy.unusable",
                hook=name,
                roles=", ".join(sorted(set(chain) - reserved.APPROVERS)),
                approvers=", ".join(sorted(reserved.APPROVERS)),
            )
        return chain

    def price(self, item: ServiceItem, request: ServiceRequest, quantity: str) -> Money | None:
        name = "servicedesk_price"
        result = self._call(name, item=item, request=request, quantity=quantity)
        if result is not None and (not isinstance(result, Money) or result.is_negative):
            raise _garbage(name, result, "Money that is not negative, or None")
        return result

    def calendar(self) -> WorkingCalendar:
        return self._typed("servicedesk_calendar", WorkingCalendar, "a WorkingCalendar")

    def response_deadline(
        self,
        request: ServiceRequest,
        item: ServiceItem,
        item_kind: ItemKind | None,
        urgency: Urgency,
        calendar: WorkingCalendar,
        now: datetime,
    ) -> Deadline:
        name = "servicedesk_response_deadline"
        result = self._typed(
            name,
            Deadline,
            "a Deadline",
            request=request,
            item=item,
            item_kind=item_kind,
            urgency=urgency,
            calendar=calendar,
            now=now,
        )
        if (
            not isinstance(result.due, datetime)
            or result.due.tzinfo is None
            or not isinstance(result.milestone, Milestone)
        ):
            raise _garbage(name, result.due, "a Deadline with an aware due time")
        return result

    def item_kind(self, item: ServiceItem, request: ServiceRequest) -> ItemKind | None:
        name = "servicedesk_item_kind"
        result = self._call(name, item=item, request=request)
        if result is not None and not isinstance(result, ItemKind):
            raise _garbage(name, result, "an ItemKind or None")
        return result

    def dispatch_choice(
        self,
        request: ServiceRequest,
        item: ServiceItem,
        candidates: Sequence[Worker],
        open_orders: Mapping[WorkerId, int],
        now: datetime,
    ) -> Worker | None:
        name = "servicedesk_dispatch_choice"
        result = self._call(
            name,
            request=request,
            item=item,
            candidates=tuple(candidates),
            open_orders=dict(open_orders),
            now=now,
        )
        if result is None:
            return None
        for candidate in candidates:
            if result is candidate or result == candidate:
                return candidate
        raise _garbage(name, result, "one of the candidate workers, or None")

    def dispatch_due(
        self, request: ServiceRequest, urgency: Urgency, calendar: WorkingCalendar, now: datetime
    ) -> datetime:
        name = "servicedesk_dispatch_due"
        result = self._typed(
            name,
            datetime,
            "an aware datetime",
            request=request,
            urgency=urgency,
            calendar=calendar,
            now=now,
        )
        if result.tzinfo is None:
            raise _garbage(name, result, "an aware datetime")
        return result

    # --- complaints, escalation and callbacks ----------------------------------------------------

    def complaint_categories(self) -> tuple[str, ...]:
        name = "servicedesk_complaint_categories"
        result = self._call(name)
        if (
            not isinstance(result, Sequence)
            or isinstance(result, str)
            or not result
            or not all(isinstance(c, str) and c.strip() for c in result)
        ):
            raise _garbage(name, result, "a non-empty sequence of category names")
        return tuple(result)

    def complaint_channels(self) -> frozenset[Channel]:
        name = "servicedesk_complaint_channels"
        result = self._call(name)
        wanted = "a non-empty sequence of channels"
        if not isinstance(result, Sequence | Set) or isinstance(result, str) or not result:
            raise _garbage(name, result, wanted)
        try:
            return frozenset(Channel(channel) for channel in result)
        except ValueError:
            raise _garbage(name, result, wanted) from None

    def complaint_deadlines(self, category: str, urgency: Urgency) -> ComplaintDeadlines:
        name = "servicedesk_complaint_deadlines"
        wanted = "ComplaintDeadlines of two WorkingBudget values"
        result = self._typed(name, ComplaintDeadlines, wanted, category=category, urgency=urgency)
        if not all(isinstance(b, WorkingBudget) for b in (result.acknowledge, result.answer)):
            raise _garbage(name, result, wanted)
        return result

    def pause_allowed(self, complaint: Complaint, reason: PauseReason) -> bool:
        return self._typed(
            "servicedesk_pause_allowed", bool, "True or False", complaint=complaint, reason=reason
        )

    def escalation_chain(self, case: Complaint | ServiceRequest) -> tuple[EscalationStep, ...]:
        name = "servicedesk_escalation_chain"
        result = self._call(name, case=case)
        if (
            not isinstance(result, Sequence)
            or not result
            or not all(isinstance(step, EscalationStep) for step in result)
        ):
            raise _garbage(name, result, "a non-empty sequence of escalation steps")
        return tuple(result)

    def callback_sample_size(self, item_id: ItemId, completed: int) -> int:
        name = "servicedesk_callback_sample_size"
        result = self._typed(name, int, "a whole number", item_id=item_id, completed=completed)
        if isinstance(result, bool) or not 0 <= result <= completed:
            raise _garbage(name, result, "a whole number from 0 to the jobs completed")
        return result

    def callback_selection(
        self, item_id: ItemId, jobs: Sequence[Job], size: int, rng: Random, called: Set[str]
    ) -> tuple[Job, ...]:
        name = "servicedesk_callback_selection"
        result = self._call(
            name, item_id=item_id, jobs=tuple(jobs), size=size, rng=rng, called=frozenset(called)
        )
        if not isinstance(result, Sequence) or len(result) != size:
            raise _garbage(name, result, "as many jobs as the sample size")
        chosen = tuple(result)
        if not all(isinstance(job, Job) for job in chosen):
            raise _garbage(name, result, "jobs out of those offered")
        if len(set(chosen)) != size or not set(chosen) <= set(jobs):
            raise _garbage(name, result, "distinct jobs out of those offered")
        return chosen

    def callback_retry(self, callback: Callback) -> RetryPolicy:
        return self._typed(
            "servicedesk_callback_retry", RetryPolicy, "a RetryPolicy", callback=callback
        )

    def satisfaction_scale(self) -> SatisfactionScale:
        return self._typed(
            "servicedesk_satisfaction_scale", SatisfactionScale, "a SatisfactionScale"
        )

    # --- billing ---------------------------------------------------------------------------------

    def billing_mode(self, requester: Requester) -> BillingMode:
        name = "servicedesk_billing_mode"
        result = self._call(name, requester=requester)
        try:
            return BillingMode(result)
        except ValueError:
            raise _garbage(name, result, "a BillingMode") from None

    def currency(self) -> str:
        name = "servicedesk_currency"
        result = self._call(name)
        try:
            return Money.zero(result).currency
        except InvalidValue:
            raise _garbage(name, result, "a three-letter currency code") from None

    def largest_amount(self) -> Money:
        name = "servicedesk_largest_amount"
        result = self._typed(name, Money, "an amount of money")
        if result.currency != self.currency() or not (
            Money.zero(result.currency) < result <= Money.of("10000000000.00", result.currency)
        ):
            raise _garbage(name, result, "a positive amount in the organisation's currency")
        return result

    def rounding(self) -> Rounding:
        name = "servicedesk_rounding"
        result = self._call(name)
        try:
            return Rounding(result)
        except ValueError:
            raise _garbage(name, result, "a Rounding") from None

    def deposit_rule(self, account: Account) -> DepositRule:
        name = "servicedesk_deposit_rule"
        result = self._typed(name, DepositRule, "a DepositRule", account=account)
        amounts = (result.minimum, result.top_up_below, result.limit)
        if any(m.currency != account.currency for m in amounts):
            raise _garbage(name, result, "a DepositRule in the account's currency")
        return result

    def _instant(self, name: str, after: datetime | None, **kwargs: Any) -> datetime:
        result = self._typed(name, datetime, "an aware datetime", **kwargs)
        if result.tzinfo is None or result.utcoffset() is None:
            raise _garbage(name, result, "an aware datetime")
        if after is not None and result <= after:
            raise PolicyError(
                _("The policy hook {hook} returned a time that is not after {at}."),
                code="policy.unusable",
                hook=name,
                at=after.isoformat(timespec="minutes"),
            )
        return result

    def statement_day(self, period: Period, calendar: WorkingCalendar) -> datetime:
        return self._instant("servicedesk_statement_day", None, period=period, calendar=calendar)

    def statement_due(
        self, period: Period, calendar: WorkingCalendar, issued_at: datetime
    ) -> datetime:
        return self._instant(
            "servicedesk_statement_due",
            issued_at,
            period=period,
            calendar=calendar,
            issued_at=issued_at,
        )

    def receipt_series(self, at: datetime, calendar: WorkingCalendar) -> SeriesId:
        name = "servicedesk_receipt_series"
        result = self._typed(name, str, "an identifier", at=at, calendar=calendar)
        try:
            return SeriesId(result)
        except ServiceDeskError:
            raise _garbage(name, result, "an identifier") from None

    def receipt_number(self, series: SeriesId, number: int) -> str:
        name = "servicedesk_receipt_number"
        result = self._typed(name, str, "a text", series=series.value, number=number)
        if not result.strip() or len(result) > 64:
            raise _garbage(name, result, "a non-empty text of at most 64 characters")
        return result

    def invoice_deadline(self, requested_at: datetime, calendar: WorkingCalendar) -> datetime:
        return self._instant(
            "servicedesk_invoice_deadline",
            requested_at,
            requested_at=requested_at,
            calendar=calendar,
        )

    def allocate_payment(self, amount: Money, statements: Sequence[Statement]) -> list[Money]:
        """The policy's split, checked to the fen: no part above its due, none lost or made."""
        name = "servicedesk_allocate_payment"
        result = self._call(name, amount=amount, statements=tuple(statements))
        wanted = "one Money per statement, none above its due, adding up to the payment"
        if (
            not isinstance(result, Sequence)
            or len(result) != len(statements)
            or not all(isinstance(m, Money) for m in result)
        ):
            raise _garbage(name, result, wanted)
        parts = list(result)
        for part, statement in zip(parts, statements, strict=True):
            if part.currency != amount.currency or part.is_negative or part > statement.amount_due:
                raise _garbage(name, result, wanted)
        if total(parts, amount.currency) != amount:
            raise _garbage(name, result, wanted)
        return parts

    # --- records ---------------------------------------------------------------------------------

    def permitted_roles(self, command: str) -> frozenset[Role]:
        return self._roles("servicedesk_permitted_roles", "a collection of roles", command=command)

    def permitted_readers(self, query: str) -> frozenset[Role]:
        return self._roles("servicedesk_permitted_readers", "a collection of roles", query=query)

    def _roles(
        self, name: str, wanted: str, *, empty: bool = True, **kwargs: Any
    ) -> frozenset[Role]:
        """A hook's answer as a set of roles, or a ``PolicyError`` saying what was ``wanted``."""
        result = self._call(name, **kwargs)
        if isinstance(result, str) or not isinstance(result, Collection) or not (result or empty):
            raise _garbage(name, result, wanted)
        if type(result) is frozenset and all(type(role) is Role for role in result):
            return result  # already the answer (the defaults'): every query asks
        try:
            return frozenset(Role(role) for role in result)
        except ValueError:
            raise _garbage(name, result, wanted) from None

    def retention(self, kind: RecordKind) -> RetentionRule:
        name = "servicedesk_retention"
        result = self._call(name, kind=kind)
        if not isinstance(result, RetentionRule):
            raise _garbage(name, result, "a RetentionRule")
        return result

    def retention_rules(self) -> dict[RecordKind, RetentionRule]:
        return {kind: self.retention(kind) for kind in RecordKind}

    def found_item_keeping(self, valuable: bool) -> timedelta:
        name = "servicedesk_found_item_keeping"
        result = self._typed(name, timedelta, "a timedelta", valuable=valuable)
        if result <= timedelta(0):
            raise _garbage(name, result, "a period longer than zero")
        return result

    # --- the service hall ------------------------------------------------------------------------

    def hall_publishers(self, guide: ServiceGuide) -> frozenset[Role]:
        wanted = "a non-empty collection of roles of staff"
        name = "servicedesk_hall_publishers"
        roles = self._roles(name, wanted, empty=False, guide=guide)
        if roles & {Role.SYSTEM, Role.REQUESTER}:  # publishing is a person's approval
            raise _garbage(name, roles, wanted)
        return roles

    def hall_pause_while_held(self, application: Application) -> bool:
        return self._typed(
            "servicedesk_hall_pause_while_held", bool, "True or False", application=application
        )

    # --- staff appraisal -------------------------------------------------------------------------

    def appraisal_period(self) -> PeriodKind:
        name = "servicedesk_appraisal_period"
        result = self._call(name)
        try:
            return PeriodKind(result)
        except ValueError:
            raise _garbage(name, result, "month, quarter or year") from None

    def appraisal_scale(self) -> AppraisalScale:
        return self._typed("servicedesk_appraisal_scale", AppraisalScale, "an AppraisalScale")

    def appraisal_result(self, figures: Figures, scale: AppraisalScale) -> str:
        name = "servicedesk_appraisal_result"
        result = self._call(name, figures=figures, scale=scale)
        if not isinstance(result, str) or result not in scale.levels:
            raise _garbage(name, result, "a result of the appraisal scale")
        return result

    def appraisal_consequence(
        self, appraisal: Appraisal, previous: Appraisal | None
    ) -> Consequence:
        name = "servicedesk_appraisal_consequence"
        result = self._call(name, appraisal=appraisal, previous=previous)
        if result not in (Consequence.RECTIFY.value, Consequence.RETURN.value):
            raise _garbage(name, result, "rectify or return")
        return Consequence(result)

    def rectification_time(self, appraisal: Appraisal) -> WorkingBudget:
        return self._typed(
            "servicedesk_rectification_time", WorkingBudget, "a WorkingBudget", appraisal=appraisal
        )

    # --- public ratings --------------------------------------------------------------------------

    def rating_scale(self) -> RatingScale:
        return self._typed("servicedesk_rating_scale", RatingScale, "a RatingScale")

    def rating_follow_up(
        self, service: RatedService, level: RatingLevel, department_head: ActorId | None
    ) -> FollowUpTerms:
        return self._typed(
            "servicedesk_rating_follow_up",
            FollowUpTerms,
            "FollowUpTerms(owner, within)",
            service=service,
            level=level,
            department_head=department_head,
        )

    # --- enquiries -------------------------------------------------------------------------------

    def enquiry_deadline(self, kind: EnquiryKind, channel: Channel) -> WorkingBudget:
        name = "servicedesk_enquiry_deadline"
        result = self._call(name, kind=kind, channel=channel)
        if not isinstance(result, WorkingBudget):
            raise _garbage(name, result, "a WorkingBudget")
        return result

    # --- fees ------------------------------------------------------------------------------------

    def fee_kinds(self) -> frozenset[FeeKind]:
        name = "servicedesk_fee_kinds"
        wanted = "a non-empty collection of fee kinds"
        result = self._call(name)
        if isinstance(result, str) or not isinstance(result, Collection) or not result:
            raise _garbage(name, result, wanted)
        try:
            return frozenset(FeeKind(kind) for kind in result)
        except ValueError:
            raise _garbage(name, result, wanted) from None

    # --- staff: qualifications, training and the duty roster -------------------------------------

    def staff_rules(self) -> StaffRules:
        return self._typed("servicedesk_staff_rules", StaffRules, "a StaffRules")

    def _kinds(self, name: str, **kwargs: Any) -> frozenset[str]:
        result = self._call(name, **kwargs)
        wanted = "a collection of qualification kinds"
        if result is None or isinstance(result, str) or not isinstance(result, Collection):
            raise _garbage(name, result, wanted)
        try:
            return required_kinds(result)
        except InvalidValue:
            raise _garbage(name, result, wanted) from None

    def item_requirement(self, item: ServiceItem, recorded: frozenset[str]) -> frozenset[str]:
        """What the item requires: the recorded kinds and whatever the policy adds."""
        added = self._kinds("servicedesk_item_requirement", item=item, recorded=recorded)
        return recorded | added

    def adds_item_requirements(self) -> bool:
        """Whether a plugin other than the defaults answers ``servicedesk_item_requirement``:
        if none does, what an item requires is what was recorded, and the item need not be
        read to ask."""
        impls = self.hook.servicedesk_item_requirement.get_hookimpls()
        return any(impl.plugin_name != DEFAULT_PLUGIN_NAME for impl in impls)

    def window_requirement(self, window: Window) -> frozenset[str]:
        return self._kinds("servicedesk_window_requirement", window=window)

    def audit_before_settlement(self, mode: BillingMode) -> bool:
        return self._typed("servicedesk_audit_before_settlement", bool, "True or False", mode=mode)

    def agreement_from_deposit(self, account: Account) -> bool:
        return self._typed(
            "servicedesk_agreement_from_deposit", bool, "True or False", account=account
        )

    def price_rise_as_new(self, item: ServiceItem) -> bool:
        return self._typed("servicedesk_price_rise_as_new", bool, "True or False", item=item)

    def outside_expected_window(self, request: ServiceRequest) -> OutsideWindow:
        return self._typed(
            "servicedesk_outside_expected_window",
            OutsideWindow,
            "OutsideWindow.REFUSE or OutsideWindow.WARN",
            request=request,
        )


def describe(manager: pluggy.PluginManager) -> list[tuple[str, list[str]]]:
    """Which plugin implements which hook, for docs and the CLI."""
    rows: list[tuple[str, list[str]]] = []
    for name, plugin in manager.list_name_plugin():
        hooks = [c.name for c in manager.get_hookcallers(plugin) or []]
        rows.append((name, sorted(hooks)))
    return rows
