"""Records of the other areas: complaints and callbacks filed for retention, vouchers archived.

Records (``app/records/handlers.py``) files requests and found items itself; the areas
written beside it plug into its extension points here, so that their records
are kept, held, purged and erased by the same rules (001, 002 §2.6, 004 §七):

- a complaint opens a record file when it is taken (linked to the
  complainant's phone, so an erasure request finds it); its period starts
  when the complainant accepts the answer and closes it (a disputed answer
  reopens the complaint before it closes, so a closed file stays closed);
- a callback opens a file when it is scheduled and closes when the requester
  was reached or the retry policy gave up; it holds no phone number (the job
  names its requester by a digest only), so no erasure request reaches it;
- the archive of a job shows its confirmed charges (and their reversals) as
  its settlement vouchers (结算凭证): amounts, dates, audit, statement.
"""

from __future__ import annotations

from collections.abc import Sequence

from servicedesk.app.records import handlers as records
from servicedesk.app.records.queries import VOUCHER_SOURCES, SettlementVoucher
from servicedesk.app.requests.handlers import Context
from servicedesk.app.unit_of_work import UnitOfWork
from servicedesk.domain import callbacks as cb
from servicedesk.domain import complaints as cp
from servicedesk.domain.retention import RecordKind
from servicedesk.domain.values import RequestId

COMPLAINT = "complaint"  # the store kind of complaints, which a purge rewrites
CALLBACK = "callback"

records.SOURCES[COMPLAINT] = (cp.Complaint, cp.ComplaintId)
records.SOURCES[CALLBACK] = (cb.Callback, cp.CallbackId)


# --- complaints (000 §4.5.2) ----------------------------------------------------------


@records.files(cp.ComplaintFiled)
def _complaint_filed(event: cp.ComplaintFiled, ctx: Context) -> None:
    record = records.record_file(ctx, COMPLAINT, event.complaint_id, event.at)
    record.extend(forms=[RecordKind.COMPLAINT], at=event.at)
    ctx.uow.personal_data.link(record.id, records.phone_key(event.complainant.contact))


@records.files(cp.ComplaintClosed)
def _complaint_closed(event: cp.ComplaintClosed, ctx: Context) -> None:
    record = records.record_file(ctx, COMPLAINT, event.complaint_id, event.at)
    record.extend(forms=[RecordKind.COMPLAINT], at=event.at)  # also one taken before filing
    record.close(at=event.at, rules=ctx.policies.retention_rules())


# --- callbacks (003 篇七 §4.10) ---------------------------------------------------------


@records.files(cb.CallbackScheduled)
def _callback_scheduled(event: cb.CallbackScheduled, ctx: Context) -> None:
    record = records.record_file(ctx, CALLBACK, event.callback_id, event.at)
    record.extend(forms=[RecordKind.CALLBACK], at=event.at)


@records.files(cb.CallbackReached, cb.CallbackAbandoned)
def _callback_ended(event: cb.CallbackReached | cb.CallbackAbandoned, ctx: Context) -> None:
    record = records.record_file(ctx, CALLBACK, event.callback_id, event.at)
    record.extend(forms=[RecordKind.CALLBACK], at=event.at)
    record.close(at=event.at, rules=ctx.policies.retention_rules())


# --- billing: settlement vouchers in the job's archive (002 §2.6) ----------------------


def settlement_vouchers(uow: UnitOfWork, request_id: RequestId) -> Sequence[SettlementVoucher]:
    """The job's confirmed charges, reversals included, oldest first; estimates are not."""
    vouchers = []
    for charge in uow.charges.for_request(request_id):
        if not charge.is_confirmed:
            continue
        details = {"status": str(charge.status)}
        if charge.account_id is not None:
            details["account"] = charge.account_id.value
        if charge.mode is not None:
            details["billing_mode"] = str(charge.mode)
        if charge.statement_id is not None:
            details["statement"] = charge.statement_id.value
        if charge.auditor is not None:
            details["audited_by"] = charge.auditor.value
        if charge.reverses is not None:
            details["reverses"] = charge.reverses.value
        vouchers.append(
            SettlementVoucher(charge.id.value, charge.amount, charge.confirmed_at, details)
        )
    return vouchers


VOUCHER_SOURCES.append(settlement_vouchers)
