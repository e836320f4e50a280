"""The one place that wires the desk: every command's handler, every event's filer.

Read this module to find what serves a command: ``RecordPayment`` is served by
``billing.record_payment``, in ``servicedesk/app/billing/handlers.py``.
Nothing registers itself when imported; ``Desk`` is given ``WIRING`` (or a
table of the caller's own) and dispatches by the command's type.
"""

from __future__ import annotations

from typing import Final

from servicedesk.app.appraisal import handlers as appraisal
from servicedesk.app.appraisal.commands import (
    CloseRectification,
    DrawAppraisal,
    RecordDisciplineNote,
    SignAppraisal,
)
from servicedesk.app.billing import handlers as billing
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
from servicedesk.app.billing.queries import settlement_vouchers
from servicedesk.app.callbacks import handlers as callbacks
from servicedesk.app.callbacks.commands import (
    PlanCallbacks,
    RecordCallback,
)
from servicedesk.app.catalogue import handlers as catalogue
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
from servicedesk.app.complaints import handlers as complaints
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
from servicedesk.app.context import Filer, Handler, Wiring
from servicedesk.app.enquiries import handlers as enquiries
from servicedesk.app.enquiries.commands import (
    AnswerEnquiry,
    HandOverEnquiry,
    ReferEnquiry,
    TakeEnquiry,
)
from servicedesk.app.hall import handlers as hall
from servicedesk.app.hall.commands import (
    AcceptApplication,
    CallNext,
    CompleteStep,
    ConcludeApplication,
    DecideAtWindow,
    DraftGuide,
    FinishNumber,
    GoOffDuty,
    GoOnDuty,
    NoticeDefective,
    OpenWindow,
    PublishGuide,
    RecallNumber,
    ReceiveApplication,
    RecordAuthorityReply,
    RefuseApplication,
    RegisterDepartment,
    SecondStaff,
    SetWindowHours,
    SetWindowItems,
    SkipNumber,
    SubmitToAuthority,
    SupplyMaterials,
    SweepHallDeadlines,
    TakeNumber,
    TellApplicant,
    TransferNumber,
    WithdrawGuide,
    WithdrawStaff,
)
from servicedesk.app.ratings import handlers as ratings
from servicedesk.app.ratings.commands import CloseFollowUp, GiveRating, TellRater
from servicedesk.app.ratings.queries import appraisal_ratings
from servicedesk.app.records import filing
from servicedesk.app.records import handlers as records
from servicedesk.app.records.commands import (
    ClaimFoundItem,
    EraseRequester,
    GiveFoundItemToFinder,
    LogFoundItem,
    PlaceHold,
    PurgeExpired,
    ReleaseHold,
)
from servicedesk.app.requests import handlers as requests
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
from servicedesk.app.staff import handlers as staff
from servicedesk.app.staff.commands import (
    CancelShift,
    RecordQualification,
    RecordTraining,
    RosterShift,
    SetItemRequirement,
)
from servicedesk.app.visits import handlers as visits
from servicedesk.app.visits.commands import RecordCallAhead
from servicedesk.domain import accounts as ac
from servicedesk.domain import callbacks as cb
from servicedesk.domain import charges as ch
from servicedesk.domain import complaints as cp
from servicedesk.domain import enquiries as eq
from servicedesk.domain import hall_cases as hc
from servicedesk.domain import lost_found as lf
from servicedesk.domain import requests as rq
from servicedesk.domain.billing import AccountId, ChargeId
from servicedesk.domain.events import Event
from servicedesk.domain.values import Identifier, RequestId

#: Command class -> the function that carries it out, one line per command.
HANDLERS: Final[dict[type[Command], Handler]] = {
    # catalogue
    ProposeItem: catalogue.propose_item,
    ProposeFeeChange: catalogue.propose_fee_change,
    ApproveFee: catalogue.approve_fee,
    RejectFee: catalogue.reject_fee,
    SuspendItem: catalogue.suspend_item,
    ResumeItem: catalogue.resume_item,
    WithdrawItem: catalogue.withdraw_item,
    # requests
    RegisterWorker: requests.register_worker,
    SetWorkerAvailability: requests.set_worker_availability,
    RegisterRequest: requests.register_request,
    TriageRequest: requests.triage_request,
    DeclineRequest: requests.decline_request,
    DispatchRequest: requests.dispatch_request,
    DispatchDue: requests.dispatch_due,
    StartWork: requests.start_work,
    RecordConsent: requests.record_consent,
    ChangeScope: requests.change_scope,
    AddExtraFee: requests.add_extra_fee,
    CompleteWork: requests.complete_work,
    AcceptWork: requests.accept_work,
    RejectWork: requests.reject_work,
    CloseRequest: requests.close_request,
    CancelRequest: requests.cancel_request,
    # billing
    OpenAccount: billing.open_account,
    PayDeposit: billing.pay_deposit,
    RefundDeposit: billing.refund_deposit,
    CloseAccount: billing.close_account,
    RecordPayment: billing.record_payment,
    VoidPayment: billing.void_payment,
    GiveEstimate: billing.give_estimate,
    RecordCharge: billing.record_charge,
    ConfirmCharge: billing.confirm_charge,
    AuditCharge: billing.audit_charge,
    ReverseCharge: billing.reverse_charge,
    RecordCost: billing.record_cost,
    CloseMonth: billing.close_month,
    SignAgreement: billing.sign_agreement,
    RecordAgreementVisit: billing.record_agreement_visit,
    EndAgreement: billing.end_agreement,
    RequestInvoice: billing.request_invoice,
    IssueInvoice: billing.issue_invoice,
    DeliverInvoice: billing.deliver_invoice,
    IssueReceiptBook: billing.issue_receipt_book,
    ReturnStubs: billing.return_stubs,
    # complaints
    FileComplaint: complaints.file_complaint,
    HandOverComplaint: complaints.hand_over_complaint,
    AcknowledgeComplaint: complaints.acknowledge_complaint,
    RecordFinding: complaints.record_finding,
    PauseComplaint: complaints.pause_complaint,
    ResumeComplaint: complaints.resume_complaint,
    AnswerComplaint: complaints.answer_complaint,
    CloseComplaint: complaints.close_complaint,
    ReopenComplaint: complaints.reopen_complaint,
    EscalateOverdue: complaints.escalate_overdue,
    # callbacks
    PlanCallbacks: callbacks.plan_callbacks,
    RecordCallback: callbacks.record_callback,
    # records
    PlaceHold: records.place_hold,
    ReleaseHold: records.release_hold,
    PurgeExpired: records.purge_expired,
    EraseRequester: records.erase_requester,
    LogFoundItem: records.log_found_item,
    ClaimFoundItem: records.claim_found_item,
    GiveFoundItemToFinder: records.give_found_item_to_finder,
    # the service hall
    RegisterDepartment: hall.register_department,
    SecondStaff: hall.second_staff,
    WithdrawStaff: hall.withdraw_staff,
    OpenWindow: hall.open_window,
    SetWindowItems: hall.set_window_items,
    SetWindowHours: hall.set_window_hours,
    GoOnDuty: hall.go_on_duty,
    GoOffDuty: hall.go_off_duty,
    DraftGuide: hall.draft_guide,
    PublishGuide: hall.publish_guide,
    WithdrawGuide: hall.withdraw_guide,
    TakeNumber: hall.take_number,
    CallNext: hall.call_next,
    RecallNumber: hall.recall_number,
    SkipNumber: hall.skip_number,
    FinishNumber: hall.finish_number,
    TransferNumber: hall.transfer_number,
    ReceiveApplication: hall.receive_application,
    NoticeDefective: hall.notice_defective,
    SupplyMaterials: hall.supply_materials,
    AcceptApplication: hall.accept_application,
    RefuseApplication: hall.refuse_application,
    DecideAtWindow: hall.decide_at_window,
    CompleteStep: hall.complete_step,
    SubmitToAuthority: hall.submit_to_authority,
    RecordAuthorityReply: hall.record_authority_reply,
    ConcludeApplication: hall.conclude_application,
    TellApplicant: hall.tell_applicant,
    SweepHallDeadlines: hall.sweep_hall_deadlines,
    # staff appraisal
    DrawAppraisal: appraisal.draw_appraisal,
    RecordDisciplineNote: appraisal.record_discipline_note,
    SignAppraisal: appraisal.sign_appraisal,
    CloseRectification: appraisal.close_rectification,
    # public ratings
    GiveRating: ratings.give_rating,
    CloseFollowUp: ratings.close_follow_up,
    TellRater: ratings.tell_rater,
    # enquiries
    TakeEnquiry: enquiries.take_enquiry,
    HandOverEnquiry: enquiries.hand_over_enquiry,
    AnswerEnquiry: enquiries.answer_enquiry,
    ReferEnquiry: enquiries.refer_enquiry,
    # staff files and the duty roster
    RecordQualification: staff.record_qualification,
    RecordTraining: staff.record_training,
    RosterShift: staff.roster_shift,
    CancelShift: staff.cancel_shift,
    SetItemRequirement: staff.set_item_requirement,
    RecordCallAhead: visits.record_call_ahead,
}

#: Event class -> what it does to the record files it concerns (``records.filing``).
FILERS: Final[dict[type[Event], Filer]] = {
    rq.RequestRegistered: filing.request_registered,
    rq.WorkOrderDispatched: filing.work_order_dispatched,
    rq.WorkAccepted: filing.feedback_given,
    rq.WorkRejected: filing.feedback_given,
    rq.RequestClosed: filing.request_ended,
    rq.RequestDeclined: filing.request_ended,
    rq.RequestCancelled: filing.request_ended,
    lf.FoundItemLogged: filing.found_item_logged,
    lf.FoundItemClaimed: filing.found_item_ended,
    lf.FoundItemGivenToFinder: filing.found_item_ended,
    cp.ComplaintFiled: filing.complaint_filed,
    cp.ComplaintClosed: filing.complaint_closed,
    cb.CallbackScheduled: filing.callback_scheduled,
    cb.CallbackReached: filing.callback_ended,
    cb.CallbackAbandoned: filing.callback_ended,
    hc.ApplicationReceived: filing.application_received,
    hc.ApplicationRefused: filing.application_ended,
    hc.ApplicationConcluded: filing.application_ended,
    ac.AccountOpened: filing.account_opened,
    ac.AccountClosed: filing.account_closed,
    ch.ChargeRecorded: filing.charge_recorded,
    ch.ChargeConfirmed: filing.charge_confirmed,
    eq.EnquiryTaken: filing.enquiry_taken,
    eq.EnquiryAnswered: filing.enquiry_ended,
    eq.EnquiryReferred: filing.enquiry_ended,
}

#: Store kind -> (aggregate class, id class): what a record file of that kind holds, and so
#: what a hold, an export or a purge reads and rewrites.
RECORD_SOURCES: Final[dict[str, tuple[type[object], type[Identifier]]]] = {
    filing.REQUEST: (rq.ServiceRequest, RequestId),
    filing.FOUND_ITEM: (lf.FoundItem, lf.FoundItemId),
    filing.COMPLAINT: (cp.Complaint, cp.ComplaintId),
    filing.CALLBACK: (cb.Callback, cp.CallbackId),
    filing.APPLICATION: (hc.Application, hc.ApplicationId),
    filing.ACCOUNT: (ac.Account, AccountId),
    filing.CHARGE: (ch.Charge, ChargeId),
    filing.ENQUIRY: (eq.Enquiry, eq.EnquiryId),
}

#: The library's wiring; ``Desk`` runs on it unless given another.
WIRING: Final = Wiring(
    handlers=HANDLERS,
    filers=FILERS,
    record_sources=RECORD_SOURCES,
    voucher_sources=(settlement_vouchers,),
    rating_figures=appraisal_ratings,
)


def command_types() -> dict[str, type[Command]]:
    """Every command the library handles, by class name."""
    return {command.__name__: command for command in HANDLERS}
