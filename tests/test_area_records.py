"""Complaints and callbacks are filed for retention; a job's archive shows its vouchers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from _casework import CENTRE, CLERK, make_desk, requester, sh
from servicedesk import Actor, ActorId, Desk, Role
from servicedesk.app.billing.commands import (
    ConfirmCharge,
    GiveEstimate,
    RecordCharge,
    ReverseCharge,
)
from servicedesk.app.callbacks.commands import PlanCallbacks, RecordCallback
from servicedesk.app.complaints.commands import (
    AcknowledgeComplaint,
    AnswerComplaint,
    CloseComplaint,
    FileComplaint,
    ReopenComplaint,
)
from servicedesk.app.records.commands import PlaceHold, PurgeExpired, ReleaseHold
from servicedesk.app.requests.commands import CloseRequest
from servicedesk.domain.callbacks import CallbackStatus, Month
from servicedesk.domain.charges import LineKind, LineSpec
from servicedesk.domain.complaints import Complaint, ComplaintFiled, ComplaintId
from servicedesk.domain.errors import NotFound
from servicedesk.domain.money import Money
from servicedesk.domain.privacy import ERASED
from servicedesk.domain.retention import RecordKind
from servicedesk.testing import IN_PERSON, BillingScenario
from servicedesk.testing.scenario import WIRING
from support import CENTRE_MANAGER as RECORDS_KEEPER
from support import DESK_CLERK
from test_callbacks import seed_jobs, spec_for

MONDAY = sh(2026, 3, 9, 10)
YEAR = timedelta(days=365)


def filed(desk: Desk) -> str:
    complaint = FileComplaint(
        complainant=requester(1), category="attitude", description="rude", complaint_id="c-1"
    )
    desk.handle(complaint, actor=CLERK)
    return "c-1"


def answered(desk: Desk) -> str:
    complaint = filed(desk)
    desk.handle(AcknowledgeComplaint(complaint_id=complaint), actor=CLERK)
    desk.handle(AnswerComplaint(complaint_id=complaint, result="apologised"), actor=CLERK)
    return complaint


# --- complaints ----------------------------------------------------------------------------------


def test_a_complaint_is_filed_when_taken_and_its_period_runs_from_the_close() -> None:
    desk, clock, _ = make_desk(MONDAY)
    complaint = answered(desk)
    record = desk.records.file("complaint", complaint)
    assert (record.forms, record.closed_at) == (frozenset({RecordKind.COMPLAINT}), None)
    clock.now = MONDAY + timedelta(hours=2)
    desk.handle(CloseComplaint(complaint_id=complaint, satisfaction=4), actor=CLERK)
    record = desk.records.file("complaint", complaint)
    assert record.closed_at == clock.now
    assert record.expires_at == clock.now + 3 * YEAR


def test_a_disputed_answer_keeps_the_complaints_file_open() -> None:
    desk, clock, _ = make_desk(MONDAY)
    complaint = answered(desk)
    clock.now = MONDAY + timedelta(days=1)
    desk.handle(ReopenComplaint(complaint_id=complaint, reason="still rude"), actor=CLERK)
    assert desk.records.file("complaint", complaint).closed_at is None
    assert desk.records.purge_plan(MONDAY + 4 * YEAR) == []


def test_an_erasure_request_finds_the_complaint_but_the_rule_keeps_it() -> None:
    desk, _, _ = make_desk(MONDAY)
    complaint = filed(desk)
    [check] = desk.records.erasure_plan(requester(1).contact.phone)
    assert check.file.id.value == f"complaint:{complaint}"
    assert not check.erasable  # complaints are not erased on request (records_defaults)


def test_a_closed_complaint_is_anonymised_by_the_purge_after_its_period_unless_held() -> None:
    desk, clock, store = make_desk(MONDAY)
    complaint = answered(desk)
    desk.handle(CloseComplaint(complaint_id=complaint, satisfaction=4), actor=CLERK)
    desk.handle(PlaceHold(kind="complaint", record_id=complaint, hold_id="h1", reason="suit"))
    clock.now = MONDAY + 3 * YEAR + timedelta(days=1)
    assert desk.handle(PurgeExpired(), actor=CENTRE).id == "0"  # held
    desk.handle(
        ReleaseHold(kind="complaint", record_id=complaint, hold_id="h1"), actor=RECORDS_KEEPER
    )
    assert desk.handle(PurgeExpired(), actor=CENTRE).id == "1"
    with store.unit_of_work() as uow:
        stored = uow.complaints.get(ComplaintId(complaint))
        [first, *_] = uow.events.history("complaint", ComplaintId(complaint))
    assert stored.complainant is not None
    assert stored.complainant.name == ERASED
    assert isinstance(first, ComplaintFiled)
    assert first.complainant.name == ERASED
    assert desk.records.file("complaint", complaint).erased_at == clock.now
    assert desk.records.erasure_plan(requester(1).contact.phone) == []  # unlinked
    assert isinstance(stored, Complaint)


def test_a_hold_on_a_complaint_that_was_never_taken_is_refused() -> None:
    desk, _, _ = make_desk(MONDAY)
    with pytest.raises(NotFound):
        desk.handle(PlaceHold(kind="complaint", record_id="c-9", hold_id="h1", reason="x"))


# --- callbacks -----------------------------------------------------------------------------------


def test_a_callback_is_filed_when_scheduled_and_closed_when_the_call_is_made() -> None:
    april = sh(2026, 4, 1, 9, 30)
    desk, clock, store = make_desk(april)
    seed_jobs(store, spec_for([1]), sh(2026, 3, 10, 10))
    desk.handle(PlanCallbacks(month="2026-03"), actor=CLERK)
    [view] = desk.quality.callbacks(Month(2026, 3))
    callback = str(view.id)
    record = desk.records.file("callback", callback)
    assert (record.forms, record.closed_at) == (frozenset({RecordKind.CALLBACK}), None)
    clock.now = april + timedelta(hours=1)
    desk.handle(RecordCallback(callback_id=callback, reached=True, satisfaction=5), actor=CLERK)
    assert desk.quality.callbacks(Month(2026, 3))[0].status is CallbackStatus.REACHED
    record = desk.records.file("callback", callback)
    assert (record.closed_at, record.expires_at) == (clock.now, clock.now + YEAR)


# --- settlement vouchers -------------------------------------------------------------------------


def test_the_archive_of_a_job_shows_its_confirmed_charges_as_settlement_vouchers() -> None:
    s = BillingScenario()
    _account, unit = s.open_account()
    request = s.accepted_request(unit)
    charge = s.desk.handle(RecordCharge(request_id=request)).id
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON), actor=DESK_CLERK
    )
    reversal = s.desk.handle(
        ReverseCharge(charge_id=charge, reason="priced wrong"), actor=s.assistant
    ).id
    s.desk.handle(CloseRequest(request_id=request))
    vouchers = s.desk.records.archive(request).settlement_vouchers
    assert [(v.id, v.total) for v in vouchers] == [
        (charge, Money.of("30.00")),
        (reversal, Money.of("-30.00")),
    ]
    assert vouchers[0].settled_at is not None
    assert vouchers[1].details["reverses"] == charge
    exported = s.desk.records.archive_json(request)["settlement_vouchers"]
    assert [v["id"] for v in exported] == [charge, reversal]
    assert "Resident" not in str(exported)  # the signature is not on the voucher


def test_an_estimate_or_an_unconfirmed_charge_is_no_settlement_voucher() -> None:
    s = BillingScenario()
    _account, unit = s.open_account()
    request = s.triaged_request(unit, item=WIRING)
    labour = LineSpec(LineKind.SERVICE, "labour", "1", Money.of("50.00"))  # type: ignore[arg-type]
    s.desk.handle(GiveEstimate(request_id=request, lines=(labour,)))
    s.finish(request)
    s.desk.handle(RecordCharge(request_id=request, lines=(labour,)))  # not confirmed
    s.desk.handle(CloseRequest(request_id=request))
    assert s.desk.records.archive(request).settlement_vouchers == ()


def test_an_auditor_may_hold_a_complaint_but_not_take_one() -> None:
    desk, _, _ = make_desk(MONDAY)
    complaint = filed(desk)
    auditor = Actor(ActorId("aud-qian"), "Qian", {Role.AUDITOR})
    desk.handle(
        PlaceHold(kind="complaint", record_id=complaint, hold_id="h1", reason="inquiry"),
        actor=auditor,
    )
    assert [h.id for h in desk.records.file("complaint", complaint).holds] == ["h1"]
