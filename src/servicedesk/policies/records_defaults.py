"""Default values of the records rules: who may do what, how long records are kept.

Roles follow rule staff.roles and rule records.access-by-role: the front desk registers and steers
requests, workers report their work on their own orders (rule requests.own-work-order), managers
approve; money is taken only by a cashier (rule billing.cashier-only) and fees are approved only
by managers of the approval chain.  The requester's consent, acceptance and signature come from
the requester (``Role.REQUESTER``) or from desk staff recording his evidence (rule
requests.requesters-own-acts).  ``Role.SYSTEM`` is the embedding application acting for staff it
has already authenticated (rule records.system-actor): it runs the scheduled sweeps, takes
numbers at a kiosk and takes in online requests, but never does what the domain reserves to a
person: approvals, money, the requester's own acts, releasing a hold, erasure, auditing charges,
giving a found item away.  Every command and every query of the library is named here explicitly
(a test checks it, and docs/records.md shows the table), so a new one never falls through to a
default unnoticed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from servicedesk.domain import reserved
from servicedesk.domain.retention import RecordKind, RetentionRule
from servicedesk.domain.values import Role

R = Role
#: Members of staff: everyone but the requester and the embedding application.
PEOPLE: Final = frozenset(Role) - {Role.SYSTEM, Role.REQUESTER}
#: The front desk's people: they register, steer and record what the requester says.
DESK_PEOPLE: Final = frozenset(
    {R.CLERK, R.ASSISTANT, R.DEPARTMENT_HEAD, R.CENTRE_MANAGER, R.BRANCH_MANAGER}
)
FRONT_DESK: Final = DESK_PEOPLE | {R.SYSTEM}
FIELD: Final = FRONT_DESK | {R.WORKER, R.CONTRACTOR}
MANAGERS: Final = frozenset({R.DEPARTMENT_HEAD, R.CENTRE_MANAGER, R.BRANCH_MANAGER})
#: Deciding what the catalogue offers (suspend, resume, withdraw): not the clerks' call.
CATALOGUE: Final = MANAGERS | {R.ASSISTANT, R.SYSTEM}
RECORDS: Final = reserved.RECORDS_PEOPLE
#: Money taken or paid back, and the numbered paper that proves it (rule billing.cashier-only, rule
#: billing.receipt-books).
CASHIER: Final = frozenset({R.CASHIER})
#: Billing paperwork that moves no money: the desk, the cashier and the system keep it.
BOOKKEEPING: Final = FRONT_DESK | CASHIER
#: Complaints: first-responder duty (首问负责制), so any member of staff who takes one acts on
#: it; the complaint itself then admits only its owner (or a manager handing it on).
STAFF: Final = PEOPLE - {R.AUDITOR}
COMPLAINTS: Final = STAFF | {R.SYSTEM}
#: The requester's own word (consent, acceptance, rejection): the requester, or the desk's people
#: recording how he gave it and who witnessed it; never a worker, never the system.
REQUESTERS_WORD: Final = DESK_PEOPLE | {R.REQUESTER}
#: The signature on a charge: the same, and the cashier at whose counter it is often given.
SIGNATURE: Final = REQUESTERS_WORD | CASHIER

#: The service hall: its management sets it up and approves seconded staff (rule
#: staff.seconded-staff); the windows' and departments' staff serve (the window admits only
#: whoever is on duty, a step only its department's staff).
HALL_MANAGEMENT: Final = frozenset({R.CENTRE_MANAGER, R.BRANCH_MANAGER})
HALL_SET_UP: Final = HALL_MANAGEMENT | {R.SYSTEM}
HALL_STAFF: Final = FRONT_DESK
#: Who draws an appraisal from the records: managers, the assistant, the system's job.
APPRAISAL_DRAFTERS: Final = MANAGERS | {R.ASSISTANT, R.SYSTEM}
#: Staff files (qualifications, training, the roster): the managers and the assistant who
#: keeps them, and the system importing them from a personnel system.
STAFF_RECORDS: Final = MANAGERS | {R.ASSISTANT, R.SYSTEM}

#: Command class name -> roles that may give it.
PERMISSIONS: Final[dict[str, frozenset[Role]]] = {
    # catalogue: proposals by the centre, approvals by the chain's people (rule
    # catalogue.approval-chain)
    "ProposeItem": FRONT_DESK,
    "ProposeFeeChange": FRONT_DESK,
    "ApproveFee": MANAGERS,
    "RejectFee": MANAGERS,
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
    "RecordConsent": REQUESTERS_WORD,
    "ChangeScope": FIELD,
    "AddExtraFee": FIELD,
    "CompleteWork": FIELD,
    "AcceptWork": REQUESTERS_WORD,
    "RejectWork": REQUESTERS_WORD,
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
    "ConfirmCharge": SIGNATURE,
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
    "ReleaseHold": RECORDS,
    "PurgeExpired": frozenset({R.CENTRE_MANAGER, R.SYSTEM}),
    "EraseRequester": frozenset({R.CENTRE_MANAGER, R.BRANCH_MANAGER}),
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
    # staff appraisal: the assistant (or the system's monthly job) draws from the records,
    # managers note discipline, sign (a reserved act) and close rectifications
    "DrawAppraisal": APPRAISAL_DRAFTERS,
    "RecordDisciplineNote": MANAGERS,
    "SignAppraisal": MANAGERS,
    "CloseRectification": MANAGERS,
    # public ratings: the requester rates (an app, an SMS link, the window's code log him in
    # as himself) or the desk records his word; the follow-up's owner or a manager closes it
    # (rule ratings.by-the-requester, rule ratings.bad-rating-follow-up)
    "GiveRating": REQUESTERS_WORD,
    "CloseFollowUp": STAFF,
    "TellRater": STAFF,
    # enquiries (rule complaints.enquiries): as complaints, whoever is asked first takes one
    # and the aggregate admits only its owner (or a manager handing it on)
    "TakeEnquiry": COMPLAINTS,
    "HandOverEnquiry": COMPLAINTS,
    "AnswerEnquiry": COMPLAINTS,
    "ReferEnquiry": COMPLAINTS,
    # staff files and the duty roster: the managers and the assistant keep them
    "RecordQualification": STAFF_RECORDS,
    "RecordTraining": STAFF_RECORDS,
    "RosterShift": STAFF_RECORDS,
    "CancelShift": STAFF_RECORDS,
    "SetItemRequirement": CATALOGUE,
    # the visit: whoever arranges it calls ahead (rule requests.call-ahead)
    "RecordCallAhead": FRONT_DESK | FIELD,
}

#: Commands no table names (another area's, a plugin's): staff and the system, not auditors,
#: who read but never act, nor requesters.  An organisation tightens this with its own plugin.
UNLISTED: Final = frozenset(Role) - {Role.AUDITOR, Role.REQUESTER}

# --- reading -------------------------------------------------------------------------------------

#: Anyone, the requester too: what a centre publishes (its catalogue, the hall's guides,
#: queue and results).
PUBLIC: Final = frozenset(Role)
#: Every member of staff and the system: the work of the day.
READERS: Final = PEOPLE | {R.SYSTEM}
#: The same and the requester, who reads only the records ``Actor.acts_for`` names.
OWN_RECORDS: Final = READERS | {R.REQUESTER}
#: Money and its paper: the desk, the cashier, managers and auditors; not the field.
MONEY_READERS: Final = BOOKKEEPING | {R.AUDITOR}
#: Quality figures feed staff appraisal: managers, the assistant who prepares them, auditors.
APPRAISAL: Final = MANAGERS | {R.ASSISTANT, R.AUDITOR, R.SYSTEM}
#: The trail, retention and exports (masked): the records' people and the system's jobs.
RECORD_READERS: Final = RECORDS | {R.SYSTEM}
#: Seeing a requester's data unmasked (a subject-access export): managers only, and each time
#: it leaves an audit record naming who saw whose records (rule records.reveal-audited).
REVEAL: Final = frozenset({R.CENTRE_MANAGER, R.BRANCH_MANAGER})
#: The permission ``requester_export(reveal=True)`` asks for besides the query's own.
REVEAL_PERSONAL_DATA: Final = "records.reveal_personal_data"
#: Who reads a statement's unit and holder whole (the desk sends it, the cashier takes its
#: payment); anyone else who reads statements (an auditor) sees them masked.
STATEMENT_ADDRESSEE: Final = "billing.statement_addressee"
#: Who reads the event feed (``desk.events``): everybody's events, personal data included.
EVENT_FEED: Final = "events.after"

#: What the centre publishes: a requester reads these about anyone's records (a hall's results
#: by their number), not only about his own.
OPEN_TO_THE_PUBLIC: Final = frozenset(
    {
        "queries.catalogue",
        "queries.item",
        "hall.guides",
        "hall.guide",
        "hall.result",
        "hall.windows",
        "hall.queue",
    }
)

#: Query (``<desk attribute>.<method>``) -> roles that may ask it.
QUERY_PERMISSIONS: Final[dict[str, frozenset[Role]]] = {
    # requests and the catalogue
    "queries.request": OWN_RECORDS,
    "queries.open_requests": READERS,
    "queries.overdue_requests": READERS,
    "queries.request_history": OWN_RECORDS,
    "queries.shift_handover": READERS,
    "queries.requests_page": READERS,
    "queries.jobs_page": READERS,
    "queries.workers_page": READERS,
    "queries.catalogue": PUBLIC,
    "queries.item": PUBLIC,
    # billing
    "billing.account": MONEY_READERS | {R.REQUESTER},
    "billing.accounts_to_top_up": MONEY_READERS,
    "billing.account_history": MONEY_READERS | {R.REQUESTER},
    "billing.charge": MONEY_READERS,
    "billing.charges_of_request": MONEY_READERS | {R.REQUESTER},
    "billing.charges_to_audit": MONEY_READERS,
    "billing.overdue_statements": MONEY_READERS,
    "billing.statement": MONEY_READERS,
    "billing.statements": MONEY_READERS,
    "billing.receipts": MONEY_READERS,
    "billing.invoices_of_request": MONEY_READERS | {R.REQUESTER},
    "billing.overdue_invoices": MONEY_READERS,
    "billing.receipt_books": MONEY_READERS,
    "billing.visits_due": MONEY_READERS | {R.WORKER, R.CONTRACTOR},
    "billing.revenue_and_cost": MONEY_READERS,
    "billing.loss_making_items": MONEY_READERS,
    "billing.accounts_page": MONEY_READERS,
    "billing.statements_page": MONEY_READERS,
    "billing.payments_page": MONEY_READERS,
    "billing.receipts_page": MONEY_READERS,
    # complaints and quality
    "complaints.complaint": READERS,
    "complaints.open_complaints": READERS,
    "complaints.overdue_complaints": READERS,
    "complaints.history": READERS,
    "complaints.complaints_page": READERS,
    "quality.callbacks": READERS,
    "quality.callbacks_page": READERS,
    "quality.report": APPRAISAL,
    "quality.trend": APPRAISAL,
    "quality.review_input": APPRAISAL,
    # records
    "records.verify": RECORD_READERS,
    "records.head": RECORD_READERS,
    "records.trail": RECORD_READERS,
    # the event feed: everybody's events, personal data included (rule records.feed-readers)
    EVENT_FEED: READERS,
    "records.file": RECORD_READERS,
    "records.purge_plan": RECORD_READERS,
    "records.erasure_plan": RECORD_READERS,
    "records.requester_export": RECORD_READERS,
    REVEAL_PERSONAL_DATA: REVEAL,
    STATEMENT_ADDRESSEE: BOOKKEEPING,
    "records.archive": RECORD_READERS | DESK_PEOPLE,
    "records.archive_json": RECORD_READERS | DESK_PEOPLE,
    "records.found_items_kept": FRONT_DESK | {R.AUDITOR},
    # the service hall
    "hall.guides": PUBLIC,
    "hall.guide": PUBLIC,
    "hall.result": PUBLIC,
    "hall.windows": PUBLIC,
    "hall.queue": PUBLIC,
    "hall.waiting_times": READERS,
    "hall.application": OWN_RECORDS,
    "hall.open_applications": READERS,
    # staff appraisal
    "appraisal.appraisal": APPRAISAL,
    "appraisal.of_staff": APPRAISAL,
    "appraisal.report": APPRAISAL,
    # public ratings: the rater reads his own; the figures feed appraisal
    "ratings.rating": OWN_RECORDS,
    "ratings.overdue_follow_ups": READERS,
    "ratings.report": APPRAISAL,
    "ratings.staff": APPRAISAL,
    # enquiries
    "enquiries.enquiry": READERS,
    "enquiries.history": READERS,
    "enquiries.overdue": READERS,
    "enquiries.enquiries_page": READERS,
    # staff files: certificates are read by those who keep them and by auditors; the
    # roster and the handover by every member of staff
    "staff.staff_file": STAFF_RECORDS | {R.AUDITOR},
    "staff.roster": READERS,
    "staff.handover": READERS,
    "staff.expiring_qualifications": STAFF_RECORDS | {R.AUDITOR},
    # the property centre's audit step
    "billing.waiting_for_audit": MONEY_READERS,
}

#: Queries no table names (a plugin's own reader): staff and the system, not requesters.
UNLISTED_QUERY: Final = READERS

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
    # a consultation or suggestion: kept like a callback, erased on the asker's request
    RecordKind.ENQUIRY: RetentionRule(YEAR),
}

#: Ordinary items 3-6 months, valuables 1-2 years, the shorter end by default (rule
#: records.found-item-keeping).
FOUND_ITEM_KEEPING: Final = {False: timedelta(days=90), True: YEAR}
