"""Default values of the records rules: who may do what, how long records are kept.

Roles follow rule staff.roles and rule records.access-by-role: the front desk registers and steers
requests, workers
report their work, managers approve; money is taken only by a cashier
(rule billing.cashier-only) and fees are approved only by people of the approval chain.
``Role.SYSTEM`` is the embedding application acting for staff it has
already authenticated, so it may do what staff do, except what the domain
reserves to a person: approvals, money, auditing charges, giving a found item away.
Every command of the library is named here explicitly (a test checks it), so
a new command never falls through to ``UNLISTED`` unnoticed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from servicedesk.domain.retention import RecordKind, RetentionRule
from servicedesk.domain.values import Role

R = Role
PEOPLE: Final = frozenset(Role) - {Role.SYSTEM}
FRONT_DESK: Final = frozenset(
    {R.CLERK, R.ASSISTANT, R.DEPARTMENT_HEAD, R.CENTRE_MANAGER, R.BRANCH_MANAGER, R.SYSTEM}
)
FIELD: Final = FRONT_DESK | {R.WORKER, R.CONTRACTOR}
MANAGERS: Final = frozenset({R.DEPARTMENT_HEAD, R.CENTRE_MANAGER, R.BRANCH_MANAGER})
#: Deciding what the catalogue offers (suspend, resume, withdraw): not the clerks' call.
CATALOGUE: Final = MANAGERS | {R.ASSISTANT, R.SYSTEM}
RECORDS: Final = frozenset({R.CENTRE_MANAGER, R.BRANCH_MANAGER, R.AUDITOR})
#: Money taken or paid back, and the numbered paper that proves it (rule billing.cashier-only, rule
#: billing.receipt-books).
CASHIER: Final = frozenset({R.CASHIER})
#: Billing paperwork that moves no money: the desk, the cashier and the system keep it.
BOOKKEEPING: Final = FRONT_DESK | CASHIER
#: Complaints: first-responder duty (首问负责制), so any member of staff who takes one acts on
#: it; the complaint itself then admits only its owner (or a manager handing it on).
STAFF: Final = PEOPLE - {R.AUDITOR}
COMPLAINTS: Final = STAFF | {R.SYSTEM}

#: The service hall: its management sets it up and approves seconded staff (rule
#: staff.seconded-staff); the windows' and departments' staff serve (the window admits only
#: whoever is on duty, a step only its department's staff).
HALL_MANAGEMENT: Final = frozenset({R.CENTRE_MANAGER, R.BRANCH_MANAGER})
HALL_SET_UP: Final = HALL_MANAGEMENT | {R.SYSTEM}
HALL_STAFF: Final = FRONT_DESK

#: Command class name -> roles that may give it.
PERMISSIONS: Final[dict[str, frozenset[Role]]] = {
    # catalogue: proposals by the centre, approvals by the chain's people (rule
    # catalogue.approval-chain)
    "ProposeItem": FRONT_DESK,
    "ProposeFeeChange": FRONT_DESK,
    "ApproveFee": PEOPLE,
    "RejectFee": PEOPLE,
    "SuspendItem": CATALOGUE,
    "ResumeItem": CATALOGUE,
    "WithdrawItem": CATALOGUE,
    # workers
    "RegisterWorker": FRONT_DESK,
    "SetWorkerAvailability": FIELD,
    # requests (rule requests.registration)
    "RegisterRequest": FRONT_DESK,
    "TriageRequest": FRONT_DESK,
    "DeclineRequest": FRONT_DESK,
    "DispatchRequest": FRONT_DESK,
    "DispatchDue": FRONT_DESK,
    "StartWork": FIELD,
    "RecordConsent": FIELD,
    "ChangeScope": FIELD,
    "AddExtraFee": FIELD,
    "CompleteWork": FIELD,
    "AcceptWork": FIELD,
    "RejectWork": FIELD,
    "CloseRequest": FRONT_DESK,
    "CancelRequest": FRONT_DESK,
    # billing: only a cashier takes or pays back money (rule billing.cashier-only); only the
    # assistant audits or reverses a charge (rule billing.assistant-audits).  These are
    # reserved acts (domain/reserved.py): a plugin that loosens this table still cannot let
    # anyone else settle money.
    "OpenAccount": BOOKKEEPING,
    "PayDeposit": CASHIER,
    "RefundDeposit": CASHIER,
    "CloseAccount": CASHIER,  # it pays the rest of a deposit back
    "GiveEstimate": FIELD,
    "RecordCharge": FIELD | CASHIER,
    "ConfirmCharge": FIELD | CASHIER,
    "AuditCharge": frozenset({R.ASSISTANT}),
    "ReverseCharge": frozenset({R.ASSISTANT}),
    "RecordCost": BOOKKEEPING,
    "CloseMonth": BOOKKEEPING,
    "SignAgreement": FRONT_DESK,
    "RecordAgreementVisit": FIELD,
    "EndAgreement": FRONT_DESK,
    "RecordPayment": CASHIER,
    "VoidPayment": CASHIER,
    "RequestInvoice": BOOKKEEPING,
    "IssueInvoice": CASHIER,
    "DeliverInvoice": BOOKKEEPING,
    "IssueReceiptBook": CASHIER,
    "ReturnStubs": CASHIER,
    # complaints (rule complaints.first-asked-owner): whoever takes one owns it; the aggregate
    # checks
    # the owner, so the table only keeps auditors out
    "FileComplaint": COMPLAINTS,
    "HandOverComplaint": COMPLAINTS,
    "AcknowledgeComplaint": COMPLAINTS,
    "RecordFinding": COMPLAINTS,
    "PauseComplaint": COMPLAINTS,
    "ResumeComplaint": COMPLAINTS,
    "AnswerComplaint": COMPLAINTS,
    "CloseComplaint": COMPLAINTS,  # the complainant's verdict, recorded by the owner
    "ReopenComplaint": COMPLAINTS,
    "EscalateOverdue": MANAGERS | {R.SYSTEM},  # the scheduler's sweep
    # callbacks (rule callbacks.monthly-sample): the desk plans and makes the calls
    "PlanCallbacks": FRONT_DESK,
    "RecordCallback": FRONT_DESK,
    # records
    "PlaceHold": RECORDS | {R.SYSTEM},
    "ReleaseHold": RECORDS | {R.SYSTEM},
    "PurgeExpired": frozenset({R.CENTRE_MANAGER, R.SYSTEM}),
    "EraseRequester": frozenset({R.CENTRE_MANAGER, R.BRANCH_MANAGER, R.SYSTEM}),
    "LogFoundItem": FRONT_DESK,
    "ClaimFoundItem": FRONT_DESK,
    "GiveFoundItemToFinder": frozenset({R.CENTRE_MANAGER, R.BRANCH_MANAGER}),
    # the service hall
    "RegisterDepartment": HALL_SET_UP,
    "SecondStaff": HALL_MANAGEMENT,
    "WithdrawStaff": HALL_MANAGEMENT,
    "OpenWindow": HALL_SET_UP,
    "SetWindowItems": HALL_SET_UP,
    "SetWindowHours": HALL_SET_UP,
    "GoOnDuty": HALL_STAFF,
    "GoOffDuty": HALL_STAFF,
    "DraftGuide": HALL_STAFF,
    "PublishGuide": PEOPLE,  # the hall's policy names who (servicedesk_hall_publishers)
    "WithdrawGuide": PEOPLE,
    "TakeNumber": HALL_STAFF,  # a kiosk is the system
    "CallNext": HALL_STAFF,
    "RecallNumber": HALL_STAFF,
    "SkipNumber": HALL_STAFF,
    "FinishNumber": HALL_STAFF,
    "TransferNumber": HALL_STAFF,
    "ReceiveApplication": HALL_STAFF,  # online and self-service intake is the system
    "NoticeDefective": HALL_STAFF,
    "SupplyMaterials": HALL_STAFF,
    "AcceptApplication": HALL_STAFF,
    "RefuseApplication": HALL_STAFF,
    "DecideAtWindow": HALL_STAFF,
    "CompleteStep": HALL_STAFF,
    "SubmitToAuthority": HALL_STAFF,
    "RecordAuthorityReply": HALL_STAFF,
    "ConcludeApplication": HALL_STAFF,
    "TellApplicant": HALL_STAFF,
    "SweepHallDeadlines": MANAGERS | {R.SYSTEM},
}

#: Commands no table names (another area's, a plugin's): staff and the system, not auditors,
#: who read but never act.  An organisation tightens this with its own plugin.
UNLISTED: Final = frozenset(Role) - {Role.AUDITOR}

YEAR: Final = timedelta(days=365)
#: Per kind: how long personal data is kept after the record closes.
RETENTION: Final[dict[RecordKind, RetentionRule]] = {
    RecordKind.REQUEST_FORM: RetentionRule(3 * YEAR),
    RecordKind.WORK_ORDER: RetentionRule(3 * YEAR),
    RecordKind.FEEDBACK_FORM: RetentionRule(3 * YEAR),
    # accounting vouchers are kept by law; the requester cannot have them erased early
    RecordKind.SETTLEMENT_VOUCHER: RetentionRule(10 * YEAR, erasable_on_request=False),
    RecordKind.COMPLAINT: RetentionRule(3 * YEAR, erasable_on_request=False),
    RecordKind.CALLBACK: RetentionRule(YEAR),
    RecordKind.LOST_PROPERTY: RetentionRule(YEAR),
    # audit records hold no personal data (see docs/records.md): nothing to anonymise
    RecordKind.AUDIT_RECORD: RetentionRule(30 * YEAR, erasable_on_request=False),
}

#: Ordinary items 3-6 months, valuables 1-2 years, the shorter end by default (rule
#: records.found-item-keeping).
FOUND_ITEM_KEEPING: Final = {False: timedelta(days=90), True: YEAR}
