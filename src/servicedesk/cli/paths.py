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
    "RecordCallAhead": "request call-ahead",
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

#: Query name (``<area>.<method>``, as ``Desk.query_names``) -> the ``servicedesk`` command
#: that asks it; a test checks that command's callback calls that method.
QUERY_PATHS: Final[dict[str, str]] = {
    "queries.catalogue": "catalogue list",
    "queries.open_requests": "request list",
    "queries.overdue_requests": "report overdue",
    "queries.request": "request show",
    "queries.shift_handover": "report handover",
    "queries.requests_page": "request page",
    "queries.jobs_page": "worker jobs",
    "queries.workers_page": "worker page",
    "billing.account": "account show",
    "billing.statement": "statement show",
    "complaints.open_complaints": "complaint list",
    "quality.callbacks": "callback list",
    "quality.report": "report quality",
    "records.found_items_kept": "found list",
    "records.purge_plan": "records purge",
    "records.verify": "audit verify",
    "hall.queue": "hall queue",
    "billing.accounts_page": "account page",
    "billing.statements_page": "statement page",
    "billing.payments_page": "payment page",
    "billing.receipts_page": "payment receipts",
    "complaints.complaints_page": "complaint page",
    "quality.callbacks_page": "callback page",
    "queries.request_history": "request history",
    "complaints.complaint": "complaint show",
    "complaints.overdue_complaints": "complaint overdue",
    "complaints.history": "complaint history",
    "billing.accounts_to_top_up": "account top-up",
    "billing.charge": "charge show",
    "billing.charges_to_audit": "charge to-audit",
    "billing.receipt_books": "receipt-book list",
    "queries.item": "catalogue show",
    "hall.windows": "hall windows",
    "hall.guides": "hall guides",
    "billing.waiting_for_audit": "month waiting",
}

#: Queries of the library that no terminal asks, each with the reason.
QUERIES_NOT_FROM_THE_TERMINAL: Final[dict[str, str]] = {}

#: Queries the library answers that no command asks yet; the test refuses an entry here
#: that has a path, so it only shrinks.
QUERIES_WITHOUT_A_PATH_YET: Final = frozenset(
    {
        "billing.account_history",
        "billing.charges_of_request",
        "billing.invoices_of_request",
        "billing.loss_making_items",
        "billing.overdue_invoices",
        "billing.overdue_statements",
        "billing.receipts",
        "billing.revenue_and_cost",
        "billing.statements",
        "billing.visits_due",
        "quality.review_input",
        "quality.trend",
        "records.archive",
        "records.archive_json",
        "records.erasure_plan",
        "records.file",
        "records.head",
        "records.requester_export",
        "records.trail",
        "hall.application",
        "hall.guide",
        "hall.open_applications",
        "hall.result",
        "hall.waiting_times",
    }
)
