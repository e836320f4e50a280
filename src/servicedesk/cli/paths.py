"""Which ``servicedesk`` command sends each command of the library.

A test holds this table equal to the library's commands (``bootstrap.command_types``)
and checks that each path is a command of ``servicedesk`` that uses that class, so
that a command added to the library without a way to send it from a terminal fails CI.
"""

from __future__ import annotations

from typing import Final

#: Command class name -> the ``servicedesk`` command (group and subcommand) that sends it.
CLI_PATHS: Final[dict[str, str]] = {
    # catalogue
    "ProposeItem": "catalogue load",
    "ProposeFeeChange": "catalogue change-fee",
    "ApproveFee": "catalogue approve",
    "RejectFee": "catalogue reject",
    "SuspendItem": "catalogue suspend",
    "ResumeItem": "catalogue resume",
    "WithdrawItem": "catalogue withdraw",
    # requests
    "RegisterWorker": "worker add",
    "SetWorkerAvailability": "worker availability",
    "RegisterRequest": "request register",
    "TriageRequest": "request triage",
    "DeclineRequest": "request decline",
    "DispatchRequest": "request dispatch",
    "DispatchDue": "request dispatch-due",
    "StartWork": "request start",
    "RecordConsent": "request consent",
    "ChangeScope": "request scope",
    "AddExtraFee": "request extra-fee",
    "CompleteWork": "request complete",
    "AcceptWork": "request accept",
    "RejectWork": "request reject",
    "CloseRequest": "request close",
    "CancelRequest": "request cancel",
    # billing
    "OpenAccount": "account open",
    "PayDeposit": "account deposit",
    "RefundDeposit": "account refund",
    "CloseAccount": "account close",
    "RecordPayment": "payment record",
    "VoidPayment": "payment void",
    "GiveEstimate": "charge estimate",
    "RecordCharge": "charge record",
    "ConfirmCharge": "charge confirm",
    "AuditCharge": "charge audit",
    "ReverseCharge": "charge reverse",
    "RecordCost": "charge cost",
    "CloseMonth": "month close",
    "SignAgreement": "agreement sign",
    "RecordAgreementVisit": "agreement visit",
    "EndAgreement": "agreement end",
    "RequestInvoice": "invoice request",
    "IssueInvoice": "invoice issue",
    "DeliverInvoice": "invoice deliver",
    "IssueReceiptBook": "receipt-book issue",
    "ReturnStubs": "receipt-book return",
    # complaints and callbacks
    "FileComplaint": "complaint file",
    "HandOverComplaint": "complaint hand-over",
    "AcknowledgeComplaint": "complaint acknowledge",
    "RecordFinding": "complaint finding",
    "PauseComplaint": "complaint pause",
    "ResumeComplaint": "complaint resume",
    "AnswerComplaint": "complaint answer",
    "CloseComplaint": "complaint close",
    "ReopenComplaint": "complaint reopen",
    "EscalateOverdue": "escalate",
    "PlanCallbacks": "callback plan",
    "RecordCallback": "callback record",
    # records
    "PlaceHold": "records hold",
    "ReleaseHold": "records release",
    "PurgeExpired": "records purge",
    "EraseRequester": "records erase",
    "LogFoundItem": "found log",
    "ClaimFoundItem": "found claim",
    "GiveFoundItemToFinder": "found give-to-finder",
    # the service hall
    "TakeNumber": "hall take-number",
    "CallNext": "hall call-next",
    "RecallNumber": "hall recall",
    "SkipNumber": "hall skip",
    "FinishNumber": "hall finish",
    "TransferNumber": "hall transfer",
    "GoOnDuty": "hall on-duty",
    "GoOffDuty": "hall off-duty",
}

#: Commands of the library that no terminal sends, each with the reason.
NOT_FROM_THE_TERMINAL: Final[dict[str, str]] = {}

#: The service hall's set-up and case work, sent through the library (``demo --hall``) but
#: not yet one command each; the test refuses an entry here that has a path, so it only shrinks.
HALL_WITHOUT_A_PATH_YET: Final = frozenset(
    {
        "RegisterDepartment",
        "SecondStaff",
        "WithdrawStaff",
        "OpenWindow",
        "SetWindowItems",
        "SetWindowHours",
        "DraftGuide",
        "PublishGuide",
        "WithdrawGuide",
        "ReceiveApplication",
        "NoticeDefective",
        "SupplyMaterials",
        "AcceptApplication",
        "RefuseApplication",
        "DecideAtWindow",
        "CompleteStep",
        "SubmitToAuthority",
        "RecordAuthorityReply",
        "ConcludeApplication",
        "TellApplicant",
        "SweepHallDeadlines",
    }
)
