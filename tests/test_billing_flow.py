"""How money moves through the desk: statements, deposits, agreements, receipts, paperwork."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime, timedelta
from unittest import mock

import attrs
import pytest

from servicedesk import convert
from servicedesk.adapters.memory import MemoryUnitOfWork
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
    PayDeposit,
    RecordAgreementVisit,
    RecordCharge,
    RecordCost,
    RecordPayment,
    RequestInvoice,
    ReturnStubs,
    ReverseCharge,
    SignAgreement,
    VoidPayment,
)
from servicedesk.domain.accounts import Account, DepositRule
from servicedesk.domain.agreements import AgreementTerms
from servicedesk.domain.billing import AccountId, BillingMode, ChargeId, Period, SeriesId
from servicedesk.domain.charges import Charge, LineKind, LineSpec
from servicedesk.domain.errors import ConcurrencyConflict, IllegalTransition, PolicyError
from servicedesk.domain.invoices import BookStatus
from servicedesk.domain.money import Money
from servicedesk.domain.statements import StatementLineKind, StatementStatus
from servicedesk.domain.values import RequesterKind
from servicedesk.policies import hookimpl
from servicedesk.testing import (
    IN_PERSON,
    BillingScenario,
    audit_trail_length,
    check_books,
    store_state,
)
from servicedesk.testing.scenario import CLEANING, SHANGHAI, TAP_REPAIR, WIRING
from support import DESK_CLERK


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


def washer(quantity: str = "2", price: str = "1.50") -> LineSpec:
    return LineSpec(LineKind.MATERIAL, "washer", quantity, Money.of(price))  # type: ignore[arg-type]


def charge(s: BillingScenario, unit: str, **kwargs: object) -> str:
    """A tap repair for ``unit``, charged, confirmed and audited now; returns the charge id."""
    kind = kwargs.pop("kind", RequesterKind.OWNER)
    audit = kwargs.pop("audit", True)
    request = s.accepted_request(unit, kind)  # type: ignore[arg-type]
    charge_id = s.desk.handle(RecordCharge(request_id=request, **kwargs)).id  # type: ignore[arg-type]
    assert charge_id is not None
    s.desk.handle(
        ConfirmCharge(charge_id=charge_id, signed_by="Resident", evidence=IN_PERSON),
        actor=DESK_CLERK,
    )
    if audit:  # the assistant audits before the month is summed or the deposit drawn
        s.desk.handle(AuditCharge(charge_id=charge_id), actor=s.assistant)
    s.advance(timedelta(minutes=10))
    return charge_id


@pytest.fixture
def s() -> BillingScenario:
    return BillingScenario()


# --- on account: the monthly statement -----------------------------------------------------------


def test_closing_a_month_makes_one_statement_per_account_with_lines_and_due_date(
    s: BillingScenario,
) -> None:
    a, unit_a = s.open_account()
    b, unit_b = s.open_account()
    first = charge(s, unit_a)
    second = charge(s, unit_a, lines=(washer(),))
    third = charge(s, unit_b)
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))

    statement = s.desk.billing.statement(f"{a}:2026-03")
    assert [line.reference for line in statement.lines] == [first, second]
    assert [line.amount for line in statement.lines] == [Money.of("30.00"), Money.of("33.00")]
    assert statement.total == Money.of("63.00")
    assert statement.due == at(4, 16, 0)  # 15 days after the month ends
    assert statement.status is StatementStatus.OPEN
    other = s.desk.billing.statement(f"{b}:2026-03")
    assert [line.reference for line in other.lines] == [third]
    assert s.desk.billing.charge(first).statement_id == statement.id
    check_books(s.desk)


def test_closing_a_closed_month_again_changes_nothing(s: BillingScenario) -> None:
    account, unit = s.open_account()
    charge(s, unit)
    s.move_to(at(4, 2))
    s.desk.handle(CloseMonth(period="2026-03"))
    before = store_state(s.store)
    trail = audit_trail_length(s.store)
    statements = s.desk.billing.statements(account)
    outcome = s.desk.handle(CloseMonth(period="2026-03"))
    assert outcome.events == ()
    assert store_state(s.store) == before
    [rerun] = s.desk.records.trail(after=trail)  # the re-run is on the trail, changing nothing
    assert (rerun.command, rerun.refused, rerun.event_refs) == ("CloseMonth", None, ())
    assert s.desk.billing.statements(account) == statements


def test_a_late_charge_goes_to_the_next_open_month(s: BillingScenario) -> None:
    account, unit = s.open_account()
    march = charge(s, unit)
    request = s.accepted_request(unit)  # work done in March ...
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    late = s.desk.handle(RecordCharge(request_id=request)).id  # ... confirmed in April
    s.desk.handle(
        ConfirmCharge(charge_id=late, signed_by="Resident", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.desk.handle(AuditCharge(charge_id=late), actor=s.assistant)
    s.desk.handle(CloseMonth(period="2026-03"))  # re-run: the March statement is untouched
    march_statement = s.desk.billing.statement(f"{account}:2026-03")
    assert [line.reference for line in march_statement.lines] == [march]
    s.move_to(at(5, 1, 9))
    s.desk.handle(CloseMonth(period="2026-04"))
    april = s.desk.billing.statement(f"{account}:2026-04")
    assert [line.reference for line in april.lines] == [late]
    check_books(s.desk)


def test_worklists_charges_to_audit_and_overdue_statements(s: BillingScenario) -> None:
    account, unit = s.open_account()
    audited, waiting = charge(s, unit, audit=False), charge(s, unit, audit=False)
    s.desk.handle(AuditCharge(charge_id=audited), actor=s.assistant)
    assert [v.id for v in s.desk.billing.charges_to_audit()] == [ChargeId(waiting)]
    s.desk.handle(AuditCharge(charge_id=waiting), actor=s.assistant)
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    assert s.desk.billing.overdue_statements() == []
    s.move_to(at(4, 16, 9))
    (late,) = s.desk.billing.overdue_statements()
    assert late.id.value == f"{account}:2026-03"
    assert late.overdue
    s.desk.handle(RecordPayment(account_id=account, amount="60.00"), actor=s.cashier)
    assert s.desk.billing.overdue_statements() == []


def test_a_charge_confirmed_after_the_month_ended_but_before_the_close_waits(
    s: BillingScenario,
) -> None:
    account, unit = s.open_account()
    march = charge(s, unit)
    request = s.accepted_request(unit)
    s.move_to(at(4, 1, 8))
    april = s.desk.handle(RecordCharge(request_id=request)).id
    s.desk.handle(
        ConfirmCharge(charge_id=april, signed_by="Resident", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.move_to(at(4, 2, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    statement = s.desk.billing.statement(f"{account}:2026-03")
    assert [line.reference for line in statement.lines] == [march]
    assert s.desk.billing.charge(april).statement_id is None


def test_a_reversal_after_billing_is_a_credit_carried_into_a_later_statement(
    s: BillingScenario,
) -> None:
    account, unit = s.open_account()
    wrong = charge(s, unit, lines=(washer("10", "5.00"),))  # 30.00 + 50.00
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    reversal = s.desk.handle(
        ReverseCharge(charge_id=wrong, reason="no washers used"), actor=s.assistant
    ).id
    original = s.desk.billing.charge(wrong)
    assert original.total == Money.of("80.00")  # the original is left exactly as it was
    assert s.desk.billing.charge(reversal).total == Money.of("-80.00")
    s.move_to(at(5, 1, 9))
    s.desk.handle(CloseMonth(period="2026-04"))
    april = s.desk.billing.statement(f"{account}:2026-04")
    assert april.total == Money.of("-80.00")
    assert april.status is StatementStatus.CREDIT
    charge(s, unit)  # 30.00 in May
    s.move_to(at(6, 1, 9))
    s.desk.handle(CloseMonth(period="2026-05"))
    may = s.desk.billing.statement(f"{account}:2026-05")
    assert [line.kind for line in may.lines] == [StatementLineKind.CHARGE, StatementLineKind.CREDIT]
    assert may.total == Money.of("-50.00")
    assert s.desk.billing.statement(f"{account}:2026-04").status is StatementStatus.CARRIED
    check_books(s.desk)


def test_partial_payments_with_gapless_receipts_in_the_policys_format(s: BillingScenario) -> None:
    account, unit = s.open_account()
    charge(s, unit)
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    charge(s, unit, lines=(washer(),))
    s.move_to(at(5, 1, 9))
    s.desk.handle(CloseMonth(period="2026-04"))
    for amount in ("20.00", "20.00", "23.00"):
        s.desk.handle(RecordPayment(account_id=account, amount=amount), actor=s.cashier)
    march = s.desk.billing.statement(f"{account}:2026-03")
    april = s.desk.billing.statement(f"{account}:2026-04")
    assert (march.status, april.status) == (StatementStatus.PAID, StatementStatus.PAID)
    receipts = s.desk.billing.receipts("PSC-2026")
    assert [r.number for r in receipts] == [1, 2, 3]
    assert [r.text for r in receipts] == ["PSC-2026-000001", "PSC-2026-000002", "PSC-2026-000003"]
    assert s.desk.billing.account(account).outstanding == Money.zero()
    check_books(s.desk)


class HallReceipts:
    """Another organisation: its own series per year and its own number format."""

    @hookimpl
    def servicedesk_receipt_series(self, at: datetime, calendar: object) -> str:
        return f"HALL-{at.year}"

    @hookimpl
    def servicedesk_receipt_number(self, series: str, number: int) -> str:
        return f"No.{number:04d}/{series}"


def test_the_receipt_format_and_series_are_a_policy() -> None:
    s = BillingScenario(plugins=[HallReceipts()])
    account, _unit = s.open_account(RequesterKind.TENANT)
    s.desk.handle(PayDeposit(account_id=account, amount="300.00"), actor=s.cashier)
    s.move_to(at(12, 31, 16))
    s.desk.handle(PayDeposit(account_id=account, amount="50.00"), actor=s.cashier)
    s.move_to(datetime(2027, 1, 4, 10, tzinfo=SHANGHAI))
    s.desk.handle(PayDeposit(account_id=account, amount="50.00"), actor=s.cashier)
    assert [r.text for r in s.desk.billing.receipts("HALL-2026")] == [
        "No.0001/HALL-2026",
        "No.0002/HALL-2026",
    ]
    assert [r.text for r in s.desk.billing.receipts("HALL-2027")] == ["No.0001/HALL-2027"]


class FailingFormat:
    """Fails after the number was taken: the payment must take no number at all."""

    fail = True

    @hookimpl
    def servicedesk_receipt_number(self, series: str, number: int) -> str | None:
        if self.fail:
            raise RuntimeError("printer offline")
        return None


def test_a_payment_that_fails_takes_no_number() -> None:
    plugin = FailingFormat()
    s = BillingScenario(plugins=[plugin])
    account, _unit = s.open_account(RequesterKind.TENANT)
    before = store_state(s.store)
    with pytest.raises(PolicyError, match="servicedesk_receipt_number"):
        s.desk.handle(PayDeposit(account_id=account, amount="300.00"), actor=s.cashier)
    assert store_state(s.store) == before
    plugin.fail = False
    s.desk.handle(PayDeposit(account_id=account, amount="300.00"), actor=s.cashier)
    assert [r.number for r in s.desk.billing.receipts("PSC-2026")] == [1]


def test_two_cashiers_at_once_never_share_a_number(s: BillingScenario) -> None:
    series = SeriesId("PSC-2026")
    with s.store.unit_of_work() as first, s.store.unit_of_work() as second:
        assert first.counters.next(series, at=s.now) == 1
        assert second.counters.next(series, at=s.now) == 1  # both read the same row ...
        first.commit()
        with pytest.raises(ConcurrencyConflict):  # ... the second must not commit it
            second.commit()
    with s.store.unit_of_work() as third:
        assert third.counters.next(series, at=s.now) == 2
        third.commit()


# --- deposits ------------------------------------------------------------------------------------


def test_a_tenants_deposit_from_payment_to_refund(s: BillingScenario) -> None:
    account, unit = s.open_account(RequesterKind.TENANT)
    assert s.desk.billing.account(account).mode is BillingMode.DEPOSIT
    s.desk.handle(PayDeposit(account_id=account, amount="200.00"), actor=s.cashier)
    s.advance(timedelta(minutes=10))
    charge(s, unit, kind=RequesterKind.TENANT, lines=(washer("10", "8.00"),))  # 110.00
    view = s.desk.billing.account(account)
    assert view.balance == Money.of("90.00")
    assert view.needs_top_up  # below 100.00
    assert [v.id for v in s.desk.billing.accounts_to_top_up()] == [AccountId(account)]
    s.desk.handle(PayDeposit(account_id=account, amount="50.00"), actor=s.cashier)
    s.desk.handle(CloseAccount(account_id=account), actor=s.cashier)
    view = s.desk.billing.account(account)
    assert view.balance == Money.zero()
    assert view.status == "closed"
    kinds = [e.kind for e in s.desk.billing.account_history(account)]
    assert kinds == ["deposit", "charge", "draw", "deposit", "refund"]
    refund = s.desk.billing.account_history(account)[-1]
    assert refund.amount == Money.of("-140.00")
    check_books(s.desk)


def test_deposit_charges_are_never_on_a_statement(s: BillingScenario) -> None:
    account, unit = s.open_account(RequesterKind.TENANT)
    s.desk.handle(PayDeposit(account_id=account, amount="200.00"), actor=s.cashier)
    drawn = charge(s, unit, kind=RequesterKind.TENANT)
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    assert s.desk.billing.statements(account) == []
    assert s.desk.billing.charge(drawn).statement_id is None


def test_a_reversed_deposit_charge_is_credited_back(s: BillingScenario) -> None:
    account, unit = s.open_account(RequesterKind.TENANT)
    s.desk.handle(PayDeposit(account_id=account, amount="200.00"), actor=s.cashier)
    drawn = charge(s, unit, kind=RequesterKind.TENANT)
    s.desk.handle(ReverseCharge(charge_id=drawn, reason="free"), actor=s.assistant)
    assert s.desk.billing.account(account).balance == Money.of("200.00")


class Overdraft:
    @hookimpl
    def servicedesk_deposit_rule(self, account: Account) -> DepositRule:
        return DepositRule(Money.of("100.00"), Money.of("50.00"), Money.of("40.00"))


def test_a_policy_may_allow_a_deposit_below_zero_up_to_a_limit() -> None:
    s = BillingScenario(plugins=[Overdraft()])
    account, unit = s.open_account(RequesterKind.TENANT)
    s.desk.handle(PayDeposit(account_id=account, amount="100.00"), actor=s.cashier)
    charge(s, unit, kind=RequesterKind.TENANT, lines=(washer("1", "110.00"),))  # 140.00
    assert s.desk.billing.account(account).balance == Money.of("-40.00")
    with pytest.raises(IllegalTransition, match=r"-40\.00"):
        charge(s, unit, kind=RequesterKind.TENANT, lines=(washer("1", "0.01"),))
    with pytest.raises(IllegalTransition, match="not yet drawn"):  # the refused draw waits
        s.desk.handle(CloseAccount(account_id=account), actor=s.cashier)


# --- charges -------------------------------------------------------------------------------------


def test_estimate_then_charge_with_consented_extra_fee_then_audit(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.triaged_request(unit, item=WIRING)
    labour = LineSpec(LineKind.SERVICE, "labour", "2", Money.of("50.00"))  # type: ignore[arg-type]
    estimate = s.desk.handle(GiveEstimate(request_id=request, lines=(labour, washer()))).id
    assert s.desk.billing.charge(estimate).estimate == Money.of("103.00")
    s.finish(request, extra_fee=Money.of("15.00"))
    charged = s.desk.handle(RecordCharge(request_id=request, lines=(labour, washer("3")))).id
    assert charged == estimate  # one charge per request: the estimate became the charge
    view = s.desk.billing.charge(charged)
    assert [line.kind for line in view.lines] == ["service", "material", "extra"]
    assert view.total == Money.of("119.50")
    s.desk.handle(
        ConfirmCharge(charge_id=charged, signed_by="Resident", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.desk.handle(AuditCharge(charge_id=charged), actor=s.assistant)
    assert s.desk.billing.charge(charged).audited


def test_an_estimated_job_is_charged_again_after_a_reversal(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.triaged_request(unit, item=WIRING)
    labour = LineSpec(LineKind.SERVICE, "labour", "1", Money.of("50.00"))  # type: ignore[arg-type]
    s.desk.handle(GiveEstimate(request_id=request, lines=(labour,)))
    s.finish(request)
    first = s.desk.handle(RecordCharge(request_id=request, lines=(labour, washer()))).id
    s.desk.handle(
        ConfirmCharge(charge_id=first, signed_by="Resident", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.desk.handle(ReverseCharge(charge_id=first, reason="no washers"), actor=s.assistant)
    second = s.desk.handle(RecordCharge(request_id=request, lines=(labour,))).id
    assert s.desk.billing.charge(second).total == Money.of("50.00")


def test_a_charge_is_re_recorded_freely_until_confirmed(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.accepted_request(unit, item=CLEANING)
    first = s.desk.handle(RecordCharge(request_id=request)).id
    assert s.desk.billing.charge(first).total == Money.of("2.50")  # 1 m² at triage
    area = LineSpec(LineKind.SERVICE, "cleaning", "12.5", Money.of("2.50"))  # type: ignore[arg-type]
    again = s.desk.handle(RecordCharge(request_id=request, lines=(area,))).id
    assert again == first
    assert s.desk.billing.charge(first).total == Money.of("31.25")


def test_after_a_reversal_the_request_is_charged_again(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.accepted_request(unit)
    wrong = s.desk.handle(RecordCharge(request_id=request, lines=(washer("9"),))).id
    s.desk.handle(
        ConfirmCharge(charge_id=wrong, signed_by="Resident", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.desk.handle(ReverseCharge(charge_id=wrong, reason="two washers"), actor=s.assistant)
    right = s.desk.handle(RecordCharge(request_id=request, lines=(washer("2"),))).id
    assert right != wrong
    views = s.desk.billing.charges_of_request(request)
    assert [v.id for v in views] == [ChargeId(wrong), ChargeId(f"{wrong}:rev"), ChargeId(right)]


def test_events_replay_to_the_same_charge(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    charged = charge(s, unit, lines=(washer(),))
    with s.store.unit_of_work() as uow:
        stored = uow.charges.get(ChargeId(charged))
        replayed = Charge.replay(stored.id, uow.events.history("charge", stored.id))
    assert attrs.evolve(replayed, version=stored.version) == stored


# --- agreements, invoices, receipt books, reports ------------------------------------------------


def test_an_agreement_is_billed_monthly_and_per_visit_by_the_statement_run(
    s: BillingScenario,
) -> None:
    account, unit = s.open_account()
    terms = AgreementTerms(
        "Weekly cleaning",
        monthly_fee=Money.of("100.00"),
        visit_fee=Money.of("20.00"),
        visit_days=(7, 14, 21, 28),
    )
    agreement = s.desk.handle(
        SignAgreement(account_id=account, item_id=CLEANING, terms=terms, start="2026-03")
    ).id
    assert [v.on.day for v in s.desk.billing.visits_due("2026-03")] == [7, 14, 21, 28]
    for day in (9, 16):
        s.move_to(at(3, day))
        s.desk.handle(RecordAgreementVisit(agreement_id=agreement))
    charge(s, unit)
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    s.desk.handle(CloseMonth(period="2026-03"))
    march = s.desk.billing.statement(f"{account}:2026-03")
    assert [(line.kind, line.amount) for line in march.lines] == [
        (StatementLineKind.CHARGE, Money.of("30.00")),
        (StatementLineKind.AGREEMENT, Money.of("100.00")),
        (StatementLineKind.AGREEMENT, Money.of("40.00")),
    ]
    s.desk.handle(EndAgreement(agreement_id=agreement, last="2026-04"))
    s.move_to(at(5, 1, 9))
    s.desk.handle(CloseMonth(period="2026-04"))
    april = s.desk.billing.statement(f"{account}:2026-04")
    assert april.total == Money.of("100.00")
    s.move_to(at(6, 1, 9))
    s.desk.handle(CloseMonth(period="2026-05"))
    assert [v.period for v in s.desk.billing.statements(account)] == [
        Period(2026, 3),
        Period(2026, 4),
    ]
    assert s.desk.billing.visits_due("2026-05") == []


def test_an_invoice_is_due_within_24_hours_and_its_number_is_kept_on_the_job(
    s: BillingScenario,
) -> None:
    _account, unit = s.open_account()
    charged = charge(s, unit)
    invoice = s.desk.handle(RequestInvoice(charge_id=charged)).id
    late = s.desk.handle(RequestInvoice(charge_id=charge(s, unit))).id
    s.desk.handle(IssueInvoice(invoice_id=invoice, number="No. 04417"), actor=s.cashier)
    s.advance(timedelta(hours=23))
    s.desk.handle(DeliverInvoice(invoice_id=invoice))
    s.advance(timedelta(hours=2))
    assert [v.id for v in s.desk.billing.overdue_invoices()] == [late]
    request = s.desk.billing.charge(charged).request_id
    (on_job,) = s.desk.billing.invoices_of_request(request)
    assert on_job.number == "No. 04417"
    assert not on_job.overdue
    assert not on_job.delivered_late
    s.desk.handle(IssueInvoice(invoice_id=late, number="No. 04418"), actor=s.cashier)
    s.desk.handle(DeliverInvoice(invoice_id=late))
    assert s.desk.billing.overdue_invoices() == []
    late_request = s.desk.billing.charge(late).request_id
    (delivered,) = s.desk.billing.invoices_of_request(late_request)
    assert delivered.delivered_late


def test_receipt_books_are_reconciled_against_collected_payments(s: BillingScenario) -> None:
    account, _unit = s.open_account(RequesterKind.TENANT)
    s.desk.handle(
        IssueReceiptBook(book_id="B-7", collector="collector-1", first=101, last=150),
        actor=s.cashier,
    )
    for stub, amount in ((101, "300.00"), (102, "50.00")):
        s.desk.handle(
            PayDeposit(
                account_id=account, amount=amount, collection="collected", book_id="B-7", stub=stub
            ),
            actor=s.cashier,
        )
    with pytest.raises(IllegalTransition, match="already used"):
        s.desk.handle(
            PayDeposit(
                account_id=account, amount="1.00", collection="collected", book_id="B-7", stub=102
            ),
            actor=s.cashier,
        )
    s.desk.handle(ReturnStubs(book_id="B-7", written=(101, 102, 103)), actor=s.cashier)
    (book,) = s.desk.billing.receipt_books()
    assert book.status is BookStatus.DISCREPANT
    assert book.unrecorded == (103,)  # written, but the money never reached the cashier
    assert book.missing == ()


def test_revenue_and_cost_per_item_flags_loss_making_items(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    tap = s.accepted_request(unit)
    charged = s.desk.handle(RecordCharge(request_id=tap)).id
    s.desk.handle(
        ConfirmCharge(charge_id=charged, signed_by="Resident", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.desk.handle(RecordCost(request_id=tap, amount="12.00", description="washer and tape"))
    wiring = s.triaged_request(unit, item=WIRING)
    labour = LineSpec(LineKind.SERVICE, "labour", "1", Money.of("50.00"))  # type: ignore[arg-type]
    s.desk.handle(GiveEstimate(request_id=wiring, lines=(labour,)))
    s.finish(wiring)
    wired = s.desk.handle(RecordCharge(request_id=wiring, lines=(labour,))).id
    s.desk.handle(
        ConfirmCharge(charge_id=wired, signed_by="Resident", evidence=IN_PERSON), actor=DESK_CLERK
    )
    s.desk.handle(RecordCost(request_id=wiring, amount="80.00", description="contractor"))
    report = {r.item_id.value: r for r in s.desk.billing.revenue_and_cost("2026-03")}
    assert report[TAP_REPAIR].margin == Money.of("18.00")
    assert not report[TAP_REPAIR].loss_making
    assert report[WIRING].margin == Money.of("-30.00")
    assert report[WIRING].loss_making
    assert [r.item_id.value for r in s.desk.billing.loss_making_items("2026-03")] == [WIRING]
    assert s.desk.billing.revenue_and_cost("2026-04") == []


def test_a_voided_payment_keeps_its_number_and_its_money_goes_back(s: BillingScenario) -> None:
    account, unit = s.open_account()
    charge(s, unit)
    s.move_to(at(4, 1, 9))
    s.desk.handle(CloseMonth(period="2026-03"))
    wrong = s.desk.handle(RecordPayment(account_id=account, amount="30.00"), actor=s.cashier).id
    s.desk.handle(VoidPayment(payment_id=wrong, reason="paid by the neighbour"), actor=s.cashier)
    statement = s.desk.billing.statement(f"{account}:2026-03")
    assert statement.status is StatementStatus.OPEN
    assert statement.amount_due == Money.of("30.00")
    s.desk.handle(RecordPayment(account_id=account, amount="30.00"), actor=s.cashier)
    receipts = s.desk.billing.receipts("PSC-2026")
    assert [(r.number, r.voided) for r in receipts] == [(1, True), (2, False)]
    check_books(s.desk)


def test_a_voided_deposit_payment_leaves_the_deposit(s: BillingScenario) -> None:
    account, _unit = s.open_account(RequesterKind.TENANT)
    first = s.desk.handle(PayDeposit(account_id=account, amount="300.00"), actor=s.cashier).id
    s.advance(timedelta(minutes=5))
    s.desk.handle(VoidPayment(payment_id=first, reason="wrong tenant"), actor=s.cashier)
    assert s.desk.billing.account(account).balance == Money.zero()
    history = s.desk.billing.account_history(account)
    assert [(e.kind, e.amount) for e in history] == [
        ("deposit", Money.of("300.00")),
        ("void", Money.of("-300.00")),
    ]
    check_books(s.desk)


class SlowPrinter:
    """Holds a number for a moment before printing it, so that cashiers overlap."""

    @hookimpl
    def servicedesk_receipt_number(self, series: str, number: int) -> None:
        time.sleep(0.002)


def test_cashiers_paying_in_parallel_get_numbers_without_gaps_or_doubles(
    caplog: pytest.LogCaptureFixture,
) -> None:
    s = BillingScenario(plugins=[SlowPrinter()])
    accounts = [s.open_account(RequesterKind.TENANT)[0] for _ in range(4)]
    s.desk.retries = 200  # conflicts are expected here: every payment takes the same counter
    caplog.set_level(logging.INFO, logger="servicedesk")

    def pay(account: str) -> None:
        for _ in range(5):
            s.desk.handle(PayDeposit(account_id=account, amount="200.00"), actor=s.cashier)

    threads = [threading.Thread(target=pay, args=(a,)) for a in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.number for r in s.desk.billing.receipts("PSC-2026")] == list(range(1, 21))
    assert "retrying" in caplog.text  # the cashiers did collide, and were made to wait
    check_books(s.desk)


def test_commands_and_views_travel_as_json(s: BillingScenario) -> None:
    _account, unit = s.open_account()
    request = s.accepted_request(unit)
    data = {
        "request_id": request,
        "lines": [
            {
                "kind": "material",
                "description": "washer",
                "quantity": "2.5",
                "unit_price": {"amount": "1.10", "currency": "CNY"},
            }
        ],
    }
    command = convert.structure(data, RecordCharge)
    charge_id = s.desk.handle(command).id
    view = convert.unstructure(s.desk.billing.charge(charge_id))
    assert view["total"] == {"amount": "32.75", "currency": "CNY"}
    assert json.loads(json.dumps(view)) == view


def test_two_closes_of_one_month_at_once_make_one_set_of_statements(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each close dawdles before it commits, so that the three overlap.

    (The close asks the due date once, before it reads anything, so a slow policy no
    longer makes closes overlap; a slow commit does.)
    """
    s = BillingScenario()
    accounts = [s.open_account() for _ in range(3)]
    for _account, unit in accounts:
        charge(s, unit)
    s.move_to(at(4, 1, 9))
    s.desk.retries = 50
    caplog.set_level(logging.INFO, logger="servicedesk")
    threads = [
        threading.Thread(target=s.desk.handle, args=(CloseMonth(period="2026-03"),))
        for _ in range(3)
    ]
    commit = MemoryUnitOfWork._commit

    def slow_commit(uow: MemoryUnitOfWork) -> None:
        time.sleep(0.05)
        commit(uow)

    with mock.patch.object(MemoryUnitOfWork, "_commit", slow_commit):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert "retrying" in caplog.text
    for account, _unit in accounts:
        assert [v.period for v in s.desk.billing.statements(account)] == [Period(2026, 3)]
    check_books(s.desk)
