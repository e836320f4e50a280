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

import logging

# -- the desk and its wiring -------------------------------------------------------------------
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore, open_store, upgrade

# -- billing ------------------------------------------------------------------------------------
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

# -- callbacks ----------------------------------------------------------------------------------
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

# -- catalogue ----------------------------------------------------------------------------------
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

# -- complaints ---------------------------------------------------------------------------------
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

# -- the event feed ----------------------------------------------------------------------------
from servicedesk.app.feed.ports import FeedEvent, Position
from servicedesk.app.feed.queries import FeedPage

# -- records ------------------------------------------------------------------------------------
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

# -- requests -----------------------------------------------------------------------------------
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
    PolicyError,
    RelayError,
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
    "PolicyError",
    "RelayError",
    "SchemaVersionError",
    "ServiceDeskError",
    "StoreBusy",
    "StoreConfigurationError",
    "StoreError",
    "StoreUnavailable",
    # the event feed
    "FeedEvent",
    "FeedPage",
    "Position",
    # plugins
    "hookimpl",
]

# A library logs but never decides where logs go: without this, Python's last-resort handler
# would print the desk's warnings (a refused command) on the embedding program's stderr.
logging.getLogger(__name__).addHandler(logging.NullHandler())
