"""servicedesk: the service desk of property, community and government service centres.

This module is the public API: everything an embedding application needs is
importable from here, grouped by area below.  Start with ``Desk``::

    desk = Desk(MemoryStore())            # or Desk(open_store("desk.db"))
    desk.handle(RegisterRequest(...), actor=clerk)
    desk.queries.open_requests()

The other public modules are ``servicedesk.policies`` (for plugin authors:
``hookimpl`` and the types hooks take and return) with its ``hookspecs``,
``servicedesk.adapters.sql`` (for those who extend the SQL schema),
``servicedesk.adapters.memory`` and ``servicedesk.testing`` (Hypothesis
strategies and scenario builders for your own tests).  Every other module is
internal and may change without notice.
"""

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # -- the desk and its wiring -------------------------------------------------------------------
    from servicedesk.adapters.memory import MemoryStore
    from servicedesk.adapters.sql import SqlStore, open_store, upgrade

    # -- billing -----------------------------------------------------------------------------------
    from servicedesk.app.billing.commands import (
        AuditCharge,
        CloseAccount,
        CloseMonth,
        ConfirmCharge,
        DeliverInvoice,
        EndAgreement,
        GiveEstimate,
        IssueInvoice,
        IssueReceiptBook,
        OpenAccount,
        PayDeposit,
        RecordAgreementVisit,
        RecordCharge,
        RecordCost,
        RecordPayment,
        RefundDeposit,
        RequestInvoice,
        ReturnStubs,
        ReverseCharge,
        SignAgreement,
        VoidPayment,
    )
    from servicedesk.app.billing.queries import (
        AccountView,
        BillingQueries,
        BookView,
        ChargeView,
        HistoryEntry,
        HistoryKind,
        InvoiceView,
        ItemResult,
        ReceiptView,
        StatementView,
        VisitDue,
    )
    from servicedesk.app.bootstrap import WIRING, command_types

    # -- callbacks ---------------------------------------------------------------------------------
    from servicedesk.app.callbacks.commands import (
        PlanCallbacks,
        RaisedComplaint,
        RecordCallback,
    )
    from servicedesk.app.callbacks.queries import (
        CallbackView,
        QualityQueries,
        QualityReport,
        QualityRow,
        ReviewInput,
    )

    # -- catalogue ---------------------------------------------------------------------------------
    from servicedesk.app.catalogue.commands import (
        ApproveFee,
        ProposeFeeChange,
        ProposeItem,
        RejectFee,
        ResumeItem,
        SuspendItem,
        WithdrawItem,
    )
    from servicedesk.app.command import Command

    # -- complaints --------------------------------------------------------------------------------
    from servicedesk.app.complaints.commands import (
        AcknowledgeComplaint,
        AnswerComplaint,
        CloseComplaint,
        EscalateOverdue,
        FileComplaint,
        HandOverComplaint,
        PauseComplaint,
        RecordFinding,
        ReopenComplaint,
        ResumeComplaint,
    )
    from servicedesk.app.complaints.queries import (
        ComplaintQueries,
        ComplaintView,
    )
    from servicedesk.app.context import Wiring
    from servicedesk.app.desk import Desk, Outcome

    # -- records -----------------------------------------------------------------------------------
    from servicedesk.app.records.commands import (
        ClaimFoundItem,
        EraseRequester,
        GiveFoundItemToFinder,
        LogFoundItem,
        PlaceHold,
        PurgeExpired,
        ReleaseHold,
    )
    from servicedesk.app.records.queries import (
        ErasureCheck,
        FeedbackForm,
        FoundItemView,
        JobArchive,
        RecordFileView,
        RecordQueries,
        RequestForm,
    )

    # -- requests ----------------------------------------------------------------------------------
    from servicedesk.app.requests.commands import (
        AcceptWork,
        AddExtraFee,
        CancelRequest,
        ChangeScope,
        CloseRequest,
        CompleteWork,
        DeclineRequest,
        DispatchDue,
        DispatchRequest,
        RecordConsent,
        RegisterRequest,
        RegisterWorker,
        RejectWork,
        SetWorkerAvailability,
        StartWork,
        TriageRequest,
    )
    from servicedesk.app.requests.queries import (
        Handover,
        ItemView,
        Queries,
        RequestView,
    )

    # -- values the commands and views carry -------------------------------------------------------
    from servicedesk.domain.accounts import AccountStatus, DepositRule
    from servicedesk.domain.agreements import AgreementTerms
    from servicedesk.domain.billing import (
        AccountId,
        AgreementId,
        BillingMode,
        ChargeId,
        CostId,
        InvoiceId,
        PaymentId,
        Period,
        ReceiptBookId,
        ReceiptId,
        StatementId,
    )
    from servicedesk.domain.calendar import WorkingCalendar
    from servicedesk.domain.callbacks import Month
    from servicedesk.domain.catalogue import FeeKind, FeeStandard, ItemStatus
    from servicedesk.domain.charges import ChargeStatus, LineKind, LineSpec
    from servicedesk.domain.complaints import CallbackId, ComplaintId, PauseReason

    # -- errors: every refusal is a ServiceDeskError -----------------------------------------------
    from servicedesk.domain.errors import (
        ApprovalRefused,
        ConcurrencyConflict,
        ConsentRequired,
        IdempotencyConflict,
        IllegalTransition,
        InvalidValue,
        NotFound,
        NotOrderable,
        PermissionDenied,
        PluginRefused,
        PolicyError,
        SchemaVersionError,
        ServiceDeskError,
        StoreBusy,
        StoreConfigurationError,
        StoreError,
        StoreUnavailable,
    )
    from servicedesk.domain.events import Event
    from servicedesk.domain.lost_found import Finder, FoundItemId
    from servicedesk.domain.money import FEN, Money, Rounding, total
    from servicedesk.domain.payments import PaymentPurpose
    from servicedesk.domain.requests import Channel, ConsentKind, ItemKind, Status, Urgency
    from servicedesk.domain.retention import RecordKind
    from servicedesk.domain.statements import StatementStatus
    from servicedesk.domain.values import (
        Actor,
        ActorId,
        Contact,
        ItemId,
        NotAChoice,
        Requester,
        RequesterKind,
        RequestId,
        Role,
        TimeWindow,
        WorkerId,
        WorkOrderId,
    )
    from servicedesk.domain.workers import WorkerKind

    # -- plugins -----------------------------------------------------------------------------------
    from servicedesk.policies import hookimpl

#: Where each public name lives; it is imported on first use, so that ``import servicedesk``
#: (and the command line's ``--version``) does not load the whole library.
_EXPORTS: dict[str, str] = {
    "MemoryStore": "servicedesk.adapters.memory",
    "SqlStore": "servicedesk.adapters.sql",
    "open_store": "servicedesk.adapters.sql",
    "upgrade": "servicedesk.adapters.sql",
    "AuditCharge": "servicedesk.app.billing.commands",
    "CloseAccount": "servicedesk.app.billing.commands",
    "CloseMonth": "servicedesk.app.billing.commands",
    "ConfirmCharge": "servicedesk.app.billing.commands",
    "DeliverInvoice": "servicedesk.app.billing.commands",
    "EndAgreement": "servicedesk.app.billing.commands",
    "GiveEstimate": "servicedesk.app.billing.commands",
    "IssueInvoice": "servicedesk.app.billing.commands",
    "IssueReceiptBook": "servicedesk.app.billing.commands",
    "OpenAccount": "servicedesk.app.billing.commands",
    "PayDeposit": "servicedesk.app.billing.commands",
    "RecordAgreementVisit": "servicedesk.app.billing.commands",
    "RecordCharge": "servicedesk.app.billing.commands",
    "RecordCost": "servicedesk.app.billing.commands",
    "RecordPayment": "servicedesk.app.billing.commands",
    "RefundDeposit": "servicedesk.app.billing.commands",
    "RequestInvoice": "servicedesk.app.billing.commands",
    "ReturnStubs": "servicedesk.app.billing.commands",
    "ReverseCharge": "servicedesk.app.billing.commands",
    "SignAgreement": "servicedesk.app.billing.commands",
    "VoidPayment": "servicedesk.app.billing.commands",
    "AccountView": "servicedesk.app.billing.queries",
    "BillingQueries": "servicedesk.app.billing.queries",
    "BookView": "servicedesk.app.billing.queries",
    "ChargeView": "servicedesk.app.billing.queries",
    "HistoryEntry": "servicedesk.app.billing.queries",
    "HistoryKind": "servicedesk.app.billing.queries",
    "InvoiceView": "servicedesk.app.billing.queries",
    "ItemResult": "servicedesk.app.billing.queries",
    "ReceiptView": "servicedesk.app.billing.queries",
    "StatementView": "servicedesk.app.billing.queries",
    "VisitDue": "servicedesk.app.billing.queries",
    "WIRING": "servicedesk.app.bootstrap",
    "command_types": "servicedesk.app.bootstrap",
    "PlanCallbacks": "servicedesk.app.callbacks.commands",
    "RaisedComplaint": "servicedesk.app.callbacks.commands",
    "RecordCallback": "servicedesk.app.callbacks.commands",
    "CallbackView": "servicedesk.app.callbacks.queries",
    "QualityQueries": "servicedesk.app.callbacks.queries",
    "QualityReport": "servicedesk.app.callbacks.queries",
    "QualityRow": "servicedesk.app.callbacks.queries",
    "ReviewInput": "servicedesk.app.callbacks.queries",
    "ApproveFee": "servicedesk.app.catalogue.commands",
    "ProposeFeeChange": "servicedesk.app.catalogue.commands",
    "ProposeItem": "servicedesk.app.catalogue.commands",
    "RejectFee": "servicedesk.app.catalogue.commands",
    "ResumeItem": "servicedesk.app.catalogue.commands",
    "SuspendItem": "servicedesk.app.catalogue.commands",
    "WithdrawItem": "servicedesk.app.catalogue.commands",
    "Command": "servicedesk.app.command",
    "AcknowledgeComplaint": "servicedesk.app.complaints.commands",
    "AnswerComplaint": "servicedesk.app.complaints.commands",
    "CloseComplaint": "servicedesk.app.complaints.commands",
    "EscalateOverdue": "servicedesk.app.complaints.commands",
    "FileComplaint": "servicedesk.app.complaints.commands",
    "HandOverComplaint": "servicedesk.app.complaints.commands",
    "PauseComplaint": "servicedesk.app.complaints.commands",
    "RecordFinding": "servicedesk.app.complaints.commands",
    "ReopenComplaint": "servicedesk.app.complaints.commands",
    "ResumeComplaint": "servicedesk.app.complaints.commands",
    "ComplaintQueries": "servicedesk.app.complaints.queries",
    "ComplaintView": "servicedesk.app.complaints.queries",
    "Wiring": "servicedesk.app.context",
    "Desk": "servicedesk.app.desk",
    "Outcome": "servicedesk.app.desk",
    "ClaimFoundItem": "servicedesk.app.records.commands",
    "EraseRequester": "servicedesk.app.records.commands",
    "GiveFoundItemToFinder": "servicedesk.app.records.commands",
    "LogFoundItem": "servicedesk.app.records.commands",
    "PlaceHold": "servicedesk.app.records.commands",
    "PurgeExpired": "servicedesk.app.records.commands",
    "ReleaseHold": "servicedesk.app.records.commands",
    "ErasureCheck": "servicedesk.app.records.queries",
    "FeedbackForm": "servicedesk.app.records.queries",
    "FoundItemView": "servicedesk.app.records.queries",
    "JobArchive": "servicedesk.app.records.queries",
    "RecordFileView": "servicedesk.app.records.queries",
    "RecordQueries": "servicedesk.app.records.queries",
    "RequestForm": "servicedesk.app.records.queries",
    "AcceptWork": "servicedesk.app.requests.commands",
    "AddExtraFee": "servicedesk.app.requests.commands",
    "CancelRequest": "servicedesk.app.requests.commands",
    "ChangeScope": "servicedesk.app.requests.commands",
    "CloseRequest": "servicedesk.app.requests.commands",
    "CompleteWork": "servicedesk.app.requests.commands",
    "DeclineRequest": "servicedesk.app.requests.commands",
    "DispatchDue": "servicedesk.app.requests.commands",
    "DispatchRequest": "servicedesk.app.requests.commands",
    "RecordConsent": "servicedesk.app.requests.commands",
    "RegisterRequest": "servicedesk.app.requests.commands",
    "RegisterWorker": "servicedesk.app.requests.commands",
    "RejectWork": "servicedesk.app.requests.commands",
    "SetWorkerAvailability": "servicedesk.app.requests.commands",
    "StartWork": "servicedesk.app.requests.commands",
    "TriageRequest": "servicedesk.app.requests.commands",
    "Handover": "servicedesk.app.requests.queries",
    "ItemView": "servicedesk.app.requests.queries",
    "Queries": "servicedesk.app.requests.queries",
    "RequestView": "servicedesk.app.requests.queries",
    "AccountStatus": "servicedesk.domain.accounts",
    "DepositRule": "servicedesk.domain.accounts",
    "AgreementTerms": "servicedesk.domain.agreements",
    "AccountId": "servicedesk.domain.billing",
    "AgreementId": "servicedesk.domain.billing",
    "BillingMode": "servicedesk.domain.billing",
    "ChargeId": "servicedesk.domain.billing",
    "CostId": "servicedesk.domain.billing",
    "InvoiceId": "servicedesk.domain.billing",
    "PaymentId": "servicedesk.domain.billing",
    "Period": "servicedesk.domain.billing",
    "ReceiptBookId": "servicedesk.domain.billing",
    "ReceiptId": "servicedesk.domain.billing",
    "StatementId": "servicedesk.domain.billing",
    "WorkingCalendar": "servicedesk.domain.calendar",
    "Month": "servicedesk.domain.callbacks",
    "FeeKind": "servicedesk.domain.catalogue",
    "FeeStandard": "servicedesk.domain.catalogue",
    "ItemStatus": "servicedesk.domain.catalogue",
    "ChargeStatus": "servicedesk.domain.charges",
    "LineKind": "servicedesk.domain.charges",
    "LineSpec": "servicedesk.domain.charges",
    "CallbackId": "servicedesk.domain.complaints",
    "ComplaintId": "servicedesk.domain.complaints",
    "PauseReason": "servicedesk.domain.complaints",
    "ApprovalRefused": "servicedesk.domain.errors",
    "ConcurrencyConflict": "servicedesk.domain.errors",
    "ConsentRequired": "servicedesk.domain.errors",
    "IdempotencyConflict": "servicedesk.domain.errors",
    "IllegalTransition": "servicedesk.domain.errors",
    "InvalidValue": "servicedesk.domain.errors",
    "NotFound": "servicedesk.domain.errors",
    "NotOrderable": "servicedesk.domain.errors",
    "PermissionDenied": "servicedesk.domain.errors",
    "PluginRefused": "servicedesk.domain.errors",
    "PolicyError": "servicedesk.domain.errors",
    "SchemaVersionError": "servicedesk.domain.errors",
    "ServiceDeskError": "servicedesk.domain.errors",
    "StoreBusy": "servicedesk.domain.errors",
    "StoreConfigurationError": "servicedesk.domain.errors",
    "StoreError": "servicedesk.domain.errors",
    "StoreUnavailable": "servicedesk.domain.errors",
    "Event": "servicedesk.domain.events",
    "Finder": "servicedesk.domain.lost_found",
    "FoundItemId": "servicedesk.domain.lost_found",
    "FEN": "servicedesk.domain.money",
    "Money": "servicedesk.domain.money",
    "Rounding": "servicedesk.domain.money",
    "total": "servicedesk.domain.money",
    "PaymentPurpose": "servicedesk.domain.payments",
    "Channel": "servicedesk.domain.requests",
    "ConsentKind": "servicedesk.domain.requests",
    "ItemKind": "servicedesk.domain.requests",
    "Status": "servicedesk.domain.requests",
    "Urgency": "servicedesk.domain.requests",
    "RecordKind": "servicedesk.domain.retention",
    "StatementStatus": "servicedesk.domain.statements",
    "Actor": "servicedesk.domain.values",
    "ActorId": "servicedesk.domain.values",
    "Contact": "servicedesk.domain.values",
    "ItemId": "servicedesk.domain.values",
    "NotAChoice": "servicedesk.domain.values",
    "Requester": "servicedesk.domain.values",
    "RequesterKind": "servicedesk.domain.values",
    "RequestId": "servicedesk.domain.values",
    "Role": "servicedesk.domain.values",
    "TimeWindow": "servicedesk.domain.values",
    "WorkerId": "servicedesk.domain.values",
    "WorkOrderId": "servicedesk.domain.values",
    "WorkerKind": "servicedesk.domain.workers",
    "hookimpl": "servicedesk.policies",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__version__ = "0.1.0"

__all__ = [  # noqa: RUF022 - grouped by area, sorted within each group
    # the desk and its wiring
    "Command",
    "Desk",
    "MemoryStore",
    "Outcome",
    "SqlStore",
    "WIRING",
    "Wiring",
    "command_types",
    "open_store",
    "upgrade",
    # catalogue
    "ApproveFee",
    "ProposeFeeChange",
    "ProposeItem",
    "RejectFee",
    "ResumeItem",
    "SuspendItem",
    "WithdrawItem",
    # requests
    "AcceptWork",
    "AddExtraFee",
    "CancelRequest",
    "ChangeScope",
    "CloseRequest",
    "CompleteWork",
    "DeclineRequest",
    "DispatchDue",
    "DispatchRequest",
    "Handover",
    "ItemView",
    "Queries",
    "RecordConsent",
    "RegisterRequest",
    "RegisterWorker",
    "RejectWork",
    "RequestView",
    "SetWorkerAvailability",
    "StartWork",
    "TriageRequest",
    # billing
    "AccountView",
    "AuditCharge",
    "BillingQueries",
    "BookView",
    "ChargeView",
    "CloseAccount",
    "CloseMonth",
    "ConfirmCharge",
    "DeliverInvoice",
    "EndAgreement",
    "GiveEstimate",
    "HistoryEntry",
    "HistoryKind",
    "InvoiceView",
    "IssueInvoice",
    "IssueReceiptBook",
    "ItemResult",
    "OpenAccount",
    "PayDeposit",
    "ReceiptView",
    "RecordAgreementVisit",
    "RecordCharge",
    "RecordCost",
    "RecordPayment",
    "RefundDeposit",
    "RequestInvoice",
    "ReturnStubs",
    "ReverseCharge",
    "SignAgreement",
    "StatementView",
    "VisitDue",
    "VoidPayment",
    # complaints
    "AcknowledgeComplaint",
    "AnswerComplaint",
    "CloseComplaint",
    "ComplaintQueries",
    "ComplaintView",
    "EscalateOverdue",
    "FileComplaint",
    "HandOverComplaint",
    "PauseComplaint",
    "RecordFinding",
    "ReopenComplaint",
    "ResumeComplaint",
    # callbacks
    "CallbackView",
    "PlanCallbacks",
    "QualityQueries",
    "QualityReport",
    "QualityRow",
    "RaisedComplaint",
    "RecordCallback",
    "ReviewInput",
    # records
    "ClaimFoundItem",
    "EraseRequester",
    "ErasureCheck",
    "FeedbackForm",
    "FoundItemView",
    "GiveFoundItemToFinder",
    "JobArchive",
    "LogFoundItem",
    "PlaceHold",
    "PurgeExpired",
    "RecordFileView",
    "RecordQueries",
    "ReleaseHold",
    "RequestForm",
    # values the commands and views carry
    "FEN",
    "AccountId",
    "AccountStatus",
    "Actor",
    "ActorId",
    "AgreementId",
    "AgreementTerms",
    "BillingMode",
    "CallbackId",
    "Channel",
    "ChargeId",
    "ChargeStatus",
    "ComplaintId",
    "ConsentKind",
    "Contact",
    "CostId",
    "DepositRule",
    "Event",
    "FeeKind",
    "FeeStandard",
    "Finder",
    "FoundItemId",
    "InvoiceId",
    "ItemId",
    "ItemKind",
    "ItemStatus",
    "LineKind",
    "LineSpec",
    "Money",
    "Month",
    "PauseReason",
    "PaymentId",
    "PaymentPurpose",
    "Period",
    "ReceiptBookId",
    "ReceiptId",
    "RecordKind",
    "RequestId",
    "Requester",
    "RequesterKind",
    "Role",
    "Rounding",
    "StatementId",
    "StatementStatus",
    "Status",
    "TimeWindow",
    "Urgency",
    "WorkOrderId",
    "WorkerId",
    "WorkerKind",
    "WorkingCalendar",
    "total",
    # errors: every refusal is a ServiceDeskError
    "ApprovalRefused",
    "ConcurrencyConflict",
    "ConsentRequired",
    "IdempotencyConflict",
    "IllegalTransition",
    "InvalidValue",
    "NotAChoice",
    "NotFound",
    "NotOrderable",
    "PermissionDenied",
    "PluginRefused",
    "PolicyError",
    "SchemaVersionError",
    "ServiceDeskError",
    "StoreBusy",
    "StoreConfigurationError",
    "StoreError",
    "StoreUnavailable",
    # plugins
    "hookimpl",
]

# A library logs but never decides where logs go: without this, Python's last-resort handler
# would print the desk's warnings (a refused command) on the embedding program's stderr.
logging.getLogger(__name__).addHandler(logging.NullHandler())
