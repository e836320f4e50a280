"""Filing: what each event does to the record files it concerns.

After every command the audit step hands the events about to be committed to
``file_events``, which runs the filer the wiring names for each event type
(``servicedesk.app.bootstrap.FILERS``).  Filers open, extend or close record
files, so that every area's records are kept, held, purged and erased by the
same rules:

- a request opens a file when registered (linked to the requester's phone, so
  an erasure request finds it); a work order or the requester's signature adds
  a form; closing, declining or cancelling starts its retention period;
- a complaint opens a record file when it is taken (linked to the
  complainant's phone); its period starts when the complainant accepts the
  answer and closes it (a disputed answer reopens the complaint before it
  closes, so a closed file stays closed);
- a callback opens a file when it is scheduled and closes when the requester
  was reached or the retry policy gave up; it holds no phone number (the job
  names its requester by a digest only), so no erasure request reaches it;
- a found item opens a file when logged and closes when claimed or given to
  its finder;
- a hall application opens a file when received (linked to the applicant's
  phone) and closes when refused or concluded;
- an enquiry (a consultation or suggestion) opens a file when taken (linked to the
  asker's phone, if given) and closes when answered or referred;
- an account opens a settlement file when opened (linked to the holder's
  phone) and closes with the account; a charge opens one when recorded (linked
  to its account holder's phone: the requester signs it) and closes when
  confirmed.  Accounting rules keep both for their full period, so an erasure
  request leaves them and the purge at its end takes the names and signature.
"""

from __future__ import annotations

from typing import Any

from servicedesk.app.context import Context
from servicedesk.app.unit_of_work import UnitOfWork
from servicedesk.domain import accounts as ac
from servicedesk.domain import callbacks as cb
from servicedesk.domain import charges as ch
from servicedesk.domain import complaints as cp
from servicedesk.domain import enquiries as eq
from servicedesk.domain import hall_cases as hc
from servicedesk.domain import lost_found as lf
from servicedesk.domain import requests as rq
from servicedesk.domain.events import Event
from servicedesk.domain.privacy import subject_key, subject_keys
from servicedesk.domain.retention import RecordFile, RecordFileId, RecordKind
from servicedesk.domain.values import Contact, Identifier

#: The store kinds of the records filed here, which a purge rewrites.
REQUEST = "request"
FOUND_ITEM = "found_item"
COMPLAINT = "complaint"
CALLBACK = "callback"
APPLICATION = "hall_application"
ACCOUNT = "account"
CHARGE = "charge"
ENQUIRY = "enquiry"


def file_events(ctx: Context, events: list[Event]) -> None:
    """Run the filer of each event the wiring names one for (``Wiring.filers``)."""
    for event in events:
        filer = ctx.wiring.filers.get(type(event))
        if filer is not None:
            filer(event, ctx)


def record_file(ctx: Context, kind: str, record_id: Identifier, at: Any) -> RecordFile:
    """The record's file, opened empty if the record predates filing."""
    file_id = RecordFileId.of(kind, record_id)
    found = ctx.uow.record_files.find(file_id)
    if found is None:
        found = RecordFile.open(file_id, kind=kind, record_id=record_id.value, forms=(), at=at)
        ctx.uow.record_files.add(found)
    return found


def phone_key(contact: Contact | None) -> list[str]:
    """The lookup keys of a person reached at ``contact`` (none without one)."""
    return [] if contact is None else [subject_key(contact.phone)]


def files_of_phone(uow: UnitOfWork, phone: str) -> list[RecordFileId]:
    """The files linked to this number however it was spelled, each once, in order."""
    found: dict[RecordFileId, None] = {}
    for key in subject_keys(Contact(phone).phone):
        found.update(dict.fromkeys(uow.personal_data.files_of(key)))
    return sorted(found, key=lambda f: f.value)


def request_registered(event: rq.RequestRegistered, ctx: Context) -> None:
    record = record_file(ctx, REQUEST, event.request_id, event.at)
    record.extend(forms=[RecordKind.REQUEST_FORM], at=event.at)
    ctx.uow.personal_data.link(record.id, phone_key(event.requester.contact))


def work_order_dispatched(event: rq.WorkOrderDispatched, ctx: Context) -> None:
    record = record_file(ctx, REQUEST, event.request_id, event.at)
    record.extend(forms=[RecordKind.WORK_ORDER], at=event.at)


def feedback_given(event: rq.WorkAccepted | rq.WorkRejected, ctx: Context) -> None:
    record = record_file(ctx, REQUEST, event.request_id, event.at)
    record.extend(forms=[RecordKind.FEEDBACK_FORM], at=event.at)


def request_ended(
    event: rq.RequestClosed | rq.RequestDeclined | rq.RequestCancelled, ctx: Context
) -> None:
    record = record_file(ctx, REQUEST, event.request_id, event.at)
    record.extend(forms=[RecordKind.REQUEST_FORM], at=event.at)  # also a request filed late
    record.close(at=event.at, rules=ctx.policies.retention_rules())


def found_item_logged(event: lf.FoundItemLogged, ctx: Context) -> None:
    record = record_file(ctx, FOUND_ITEM, event.item_id, event.at)
    record.extend(forms=[RecordKind.LOST_PROPERTY], at=event.at)
    ctx.uow.personal_data.link(record.id, phone_key(event.finder.contact))


def found_item_ended(event: lf.FoundItemClaimed | lf.FoundItemGivenToFinder, ctx: Context) -> None:
    record = record_file(ctx, FOUND_ITEM, event.item_id, event.at)
    if isinstance(event, lf.FoundItemClaimed):
        ctx.uow.personal_data.link(record.id, phone_key(event.claimant.contact))
    record.extend(forms=[RecordKind.LOST_PROPERTY], at=event.at)
    record.close(at=event.at, rules=ctx.policies.retention_rules())


# --- complaints --------------------------------------------------------------------------------


def complaint_filed(event: cp.ComplaintFiled, ctx: Context) -> None:
    record = record_file(ctx, COMPLAINT, event.complaint_id, event.at)
    record.extend(forms=[RecordKind.COMPLAINT], at=event.at)
    ctx.uow.personal_data.link(record.id, phone_key(event.complainant.contact))


def complaint_closed(event: cp.ComplaintClosed, ctx: Context) -> None:
    record = record_file(ctx, COMPLAINT, event.complaint_id, event.at)
    record.extend(forms=[RecordKind.COMPLAINT], at=event.at)  # also one taken before filing
    record.close(at=event.at, rules=ctx.policies.retention_rules())


# --- callbacks ---------------------------------------------------------------------------------


def callback_scheduled(event: cb.CallbackScheduled, ctx: Context) -> None:
    record = record_file(ctx, CALLBACK, event.callback_id, event.at)
    record.extend(forms=[RecordKind.CALLBACK], at=event.at)


def callback_ended(event: cb.CallbackReached | cb.CallbackAbandoned, ctx: Context) -> None:
    record = record_file(ctx, CALLBACK, event.callback_id, event.at)
    record.extend(forms=[RecordKind.CALLBACK], at=event.at)
    record.close(at=event.at, rules=ctx.policies.retention_rules())


# --- the service hall ----------------------------------------------------------------------------


def application_received(event: hc.ApplicationReceived, ctx: Context) -> None:
    record = record_file(ctx, APPLICATION, event.application_id, event.at)
    record.extend(forms=[RecordKind.REQUEST_FORM], at=event.at)
    ctx.uow.personal_data.link(record.id, phone_key(event.applicant.contact))


def application_ended(event: hc.ApplicationRefused | hc.ApplicationConcluded, ctx: Context) -> None:
    record = record_file(ctx, APPLICATION, event.application_id, event.at)
    record.extend(forms=[RecordKind.REQUEST_FORM], at=event.at)
    record.close(at=event.at, rules=ctx.policies.retention_rules())


# --- money ---------------------------------------------------------------------------------------


def account_opened(event: ac.AccountOpened, ctx: Context) -> None:
    record = record_file(ctx, ACCOUNT, event.account_id, event.at)
    record.extend(forms=[RecordKind.SETTLEMENT_VOUCHER], at=event.at)
    ctx.uow.personal_data.link(record.id, phone_key(event.requester.contact))


def account_closed(event: ac.AccountClosed, ctx: Context) -> None:
    record = record_file(ctx, ACCOUNT, event.account_id, event.at)
    record.extend(forms=[RecordKind.SETTLEMENT_VOUCHER], at=event.at)
    record.close(at=event.at, rules=ctx.policies.retention_rules())


def charge_recorded(event: ch.ChargeRecorded, ctx: Context) -> None:
    record = record_file(ctx, CHARGE, event.charge_id, event.at)
    record.extend(forms=[RecordKind.SETTLEMENT_VOUCHER], at=event.at)  # once, if re-recorded
    holder = ctx.uow.accounts.get(event.account_id).requester
    ctx.uow.personal_data.link(record.id, phone_key(holder.contact))


def charge_confirmed(event: ch.ChargeConfirmed, ctx: Context) -> None:
    record = record_file(ctx, CHARGE, event.charge_id, event.at)
    record.extend(forms=[RecordKind.SETTLEMENT_VOUCHER], at=event.at)
    record.close(at=event.at, rules=ctx.policies.retention_rules())


# --- enquiries -----------------------------------------------------------------------------------


def enquiry_taken(event: eq.EnquiryTaken, ctx: Context) -> None:
    record = record_file(ctx, ENQUIRY, event.enquiry_id, event.at)
    record.extend(forms=[RecordKind.ENQUIRY], at=event.at)
    ctx.uow.personal_data.link(record.id, phone_key(event.contact))


def enquiry_ended(event: eq.EnquiryAnswered | eq.EnquiryReferred, ctx: Context) -> None:
    record = record_file(ctx, ENQUIRY, event.enquiry_id, event.at)
    record.extend(forms=[RecordKind.ENQUIRY], at=event.at)
    record.close(at=event.at, rules=ctx.policies.retention_rules())
