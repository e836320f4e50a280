"""servicedesk: the service desk of property, community and government service centres.

Start with ``Desk``: ``desk.handle(RegisterRequest(...))`` and ``desk.queries``.
"""

import logging

from servicedesk.app.desk import Desk, Outcome
from servicedesk.app.requests.commands import (
    AcceptWork,
    AddExtraFee,
    ApproveFee,
    CancelRequest,
    ChangeScope,
    CloseRequest,
    Command,
    CompleteWork,
    DeclineRequest,
    DispatchDue,
    DispatchRequest,
    ProposeFeeChange,
    ProposeItem,
    RecordConsent,
    RegisterRequest,
    RegisterWorker,
    RejectFee,
    RejectWork,
    ResumeItem,
    SetWorkerAvailability,
    StartWork,
    SuspendItem,
    TriageRequest,
    WithdrawItem,
)
from servicedesk.domain.catalogue import FeeKind, FeeStandard
from servicedesk.domain.errors import ServiceDeskError
from servicedesk.domain.money import Money
from servicedesk.domain.requests import Channel, ConsentKind, Status, Urgency
from servicedesk.domain.values import (
    Actor,
    ActorId,
    Contact,
    Requester,
    RequesterKind,
    Role,
    TimeWindow,
)
from servicedesk.domain.workers import WorkerKind

__version__ = "0.1.0"

__all__ = [
    "AcceptWork",
    "Actor",
    "ActorId",
    "AddExtraFee",
    "ApproveFee",
    "CancelRequest",
    "ChangeScope",
    "Channel",
    "CloseRequest",
    "Command",
    "CompleteWork",
    "ConsentKind",
    "Contact",
    "DeclineRequest",
    "Desk",
    "DispatchDue",
    "DispatchRequest",
    "FeeKind",
    "FeeStandard",
    "Money",
    "Outcome",
    "ProposeFeeChange",
    "ProposeItem",
    "RecordConsent",
    "RegisterRequest",
    "RegisterWorker",
    "RejectFee",
    "RejectWork",
    "Requester",
    "RequesterKind",
    "ResumeItem",
    "Role",
    "ServiceDeskError",
    "SetWorkerAvailability",
    "StartWork",
    "Status",
    "SuspendItem",
    "TimeWindow",
    "TriageRequest",
    "Urgency",
    "WithdrawItem",
    "WorkerKind",
]

# --- complaints, escalation and callbacks (issue 5) --------------------------------------------
from servicedesk.app.callbacks.handlers import PlanCallbacks, RaisedComplaint, RecordCallback
from servicedesk.app.complaints.handlers import (
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
from servicedesk.domain.complaints import PauseReason

__all__ += [
    "AcknowledgeComplaint",
    "AnswerComplaint",
    "CloseComplaint",
    "EscalateOverdue",
    "FileComplaint",
    "HandOverComplaint",
    "PauseComplaint",
    "PauseReason",
    "PlanCallbacks",
    "RaisedComplaint",
    "RecordCallback",
    "RecordFinding",
    "ReopenComplaint",
    "ResumeComplaint",
]

# A library logs but never decides where logs go: without this, Python's last-resort handler
# would print the desk's warnings (a refused command) on the embedding program's stderr.
logging.getLogger(__name__).addHandler(logging.NullHandler())
