"""For plugin authors: ``hookimpl``, and the types the hooks take and return.

A plugin is an object (or module) whose methods are marked ``@hookimpl`` and named
after the hooks of ``servicedesk.policies.hookspecs`` (docs/hooks.md lists them);
pass it to ``Desk(store, plugins=[...])`` or publish it under the entry point
group ``servicedesk.policies``.  Everything a hook receives or may answer is
importable from here.
"""

from servicedesk.domain.accounts import Account, DepositRule
from servicedesk.domain.billing import BillingMode, Period
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.callbacks import Callback, Job, RetryPolicy
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.complaints import Complaint, ComplaintDeadlines, PauseReason
from servicedesk.domain.deadlines import EscalationStep, WorkingBudget
from servicedesk.domain.hall import Window
from servicedesk.domain.money import Money, Rounding
from servicedesk.domain.requests import Deadline, ItemKind, Milestone, ServiceRequest, Urgency
from servicedesk.domain.retention import RecordKind, RetentionRule
from servicedesk.domain.satisfaction import SatisfactionScale
from servicedesk.domain.staff import StaffRules
from servicedesk.domain.statements import Statement
from servicedesk.domain.values import ItemId, Requester, Role, WorkerId
from servicedesk.domain.workers import Worker
from servicedesk.policies.default import china_calendar, china_is_working_day
from servicedesk.policies.hookspecs import hookimpl
from servicedesk.policies.manager import ENTRY_POINT_GROUP, Policies, describe, plugin_manager

__all__ = [
    "ENTRY_POINT_GROUP",
    "Account",
    "BillingMode",
    "Callback",
    "Complaint",
    "ComplaintDeadlines",
    "Deadline",
    "DepositRule",
    "EscalationStep",
    "ItemId",
    "ItemKind",
    "Job",
    "Milestone",
    "Money",
    "PauseReason",
    "Period",
    "Policies",
    "RecordKind",
    "Requester",
    "RetentionRule",
    "RetryPolicy",
    "Role",
    "Rounding",
    "SatisfactionScale",
    "ServiceItem",
    "ServiceRequest",
    "StaffRules",
    "Statement",
    "Urgency",
    "Window",
    "Worker",
    "WorkerId",
    "WorkingBudget",
    "WorkingCalendar",
    "china_calendar",
    "china_is_working_day",
    "describe",
    "hookimpl",
    "plugin_manager",
]
