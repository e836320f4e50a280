"""Billing on every store: the same commands give the same statements, deposits, receipts."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from contract_billing import (
    ASSISTANT,
    CASHIER,
    at,
    billing_desk,
    confirmed_charge,
    open_account,
    resident,
)
from contract_scenario import Clock

from servicedesk import Desk
from servicedesk.adapters.sql import SqlStore
from servicedesk.app.billing.commands import (
    AuditCharge,
    CloseMonth,
    OpenAccount,
    PayDeposit,
    RecordCost,
    RecordPayment,
    RequestInvoice,
)
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.billing import (
    AccountId,
    ChargeId,
    Period,
    ReceiptId,
    SeriesId,
    StatementId,
)
from servicedesk.domain.errors import ConcurrencyConflict, IllegalTransition, NotFound
from servicedesk.domain.money import Money
from servicedesk.domain.statements import StatementStatus
from servicedesk.domain.values import RequesterKind, RequestId


def test_charges_a_month_close_twice_and_a_payment_with_its_receipt(store: Store) -> None:
    clock = Clock(at(3, 2, 9))
    d = billing_desk(store, clock)
    a = open_account(d, "1-101")
    b = open_account(d, "2-101")
    first = confirmed_charge(d, "r-1", "1-101", audit=False)
    clock.advance(minutes=10)
    second = confirmed_charge(d, "r-2", "1-101", audit=False)
    third = confirmed_charge(d, "r-3", "2-101", audit=False)
    d.handle(AuditCharge(charge_id=first), actor=ASSISTANT)
    assert sorted(v.id.value for v in d.billing.charges_to_audit()) == sorted([second, third])
    for charge in (second, third):  # audited before the close: the month sums them
        d.handle(AuditCharge(charge_id=charge), actor=ASSISTANT)

    clock.now = at(4, 1, 9)
    d.handle(CloseMonth(period="2026-03"))
    with store.unit_of_work() as uow:  # two statements issued, three charges billed; a SQL
        # store issues them in bulk, so the events are in the event log, not in the outcome
        history = uow.events.history
        issued = [type(e).__name__ for e in history("statement", StatementId(f"{b}:2026-03"))]
        billed = [type(e).__name__ for e in history("charge", ChargeId(third))]
    # the statement's event names its charges; a charge gets no event of its own, only its link
    assert (issued, billed[-1]) == (["StatementIssued"], "ChargeAudited")
    assert d.billing.charge(third).statement_id == StatementId(f"{b}:2026-03")
    again = d.handle(CloseMonth(period="2026-03"))
    assert again.events == ()  # the close is idempotent: nothing new, nothing twice

    statement = d.billing.statement(f"{a}:2026-03")
    assert [line.reference for line in statement.lines] == [first, second]
    assert statement.total == Money.of("60.00")
    assert [line.reference for line in d.billing.statement(f"{b}:2026-03").lines] == [third]
    assert d.billing.charge(first).statement_id == StatementId(f"{a}:2026-03")

    d.handle(RecordPayment(account_id=a, amount="60.00"), actor=CASHIER)
    d.handle(RecordPayment(account_id=b, amount="10.00"), actor=CASHIER)
    assert d.billing.statement(f"{a}:2026-03").status is StatementStatus.PAID
    receipts = d.billing.receipts("PSC-2026")
    assert [(r.number, r.text) for r in receipts] == [
        (1, "PSC-2026-000001"),
        (2, "PSC-2026-000002"),
    ]

    with store.unit_of_work() as uow:  # every query a store answers, asked directly
        assert [c.id.value for c in uow.charges.for_request(RequestId("r-1"))] == [first]
        assert [c.id.value for c in uow.charges.for_account(AccountId(a))] == [first, second]
        assert uow.charges.billable(AccountId(a), at(5, 1)) == []
        march = uow.charges.confirmed_between(at(3, 1, 0), at(4, 1, 0))
        assert [c.id.value for c in march] == [first, second, third]
        assert [s.period for s in uow.statements.for_account(AccountId(a))] == [Period(2026, 3)]
        assert [p.amount for p in uow.payments.for_account(AccountId(a))] == [Money.of("60.00")]
        assert [r.number for r in uow.receipts.in_series(SeriesId("PSC-2026"))] == [1, 2]
        assert [x.id.value for x in uow.accounts.list()] == sorted([a, b])
        found = uow.accounts.open_for("1-101", RequesterKind.OWNER)
        assert found is not None
        assert found.id.value == a
        assert uow.accounts.open_for("1-101", RequesterKind.TENANT) is None


def test_a_deposit_is_paid_in_then_drawn_by_a_confirmed_charge(store: Store) -> None:
    clock = Clock(at(3, 2, 9))
    d = billing_desk(store, clock)
    account = open_account(d, "5-501", RequesterKind.TENANT)
    d.handle(PayDeposit(account_id=account, amount="200.00"), actor=CASHIER)
    clock.advance(minutes=10)
    charge = confirmed_charge(d, "r-1", "5-501", RequesterKind.TENANT)
    view = d.billing.account(account)
    assert view.balance == Money.of("170.00")
    assert [e.kind for e in d.billing.account_history(account)] == ["deposit", "charge", "draw"]
    clock.now = at(4, 1, 9)
    d.handle(CloseMonth(period="2026-03"))
    assert d.billing.statements(account) == []  # a deposit account is never on a statement
    assert d.billing.charge(charge).statement_id is None
    assert [r.number for r in d.billing.receipts("PSC-2026")] == [1]


def test_a_second_open_account_for_a_unit_is_refused(store: Store) -> None:
    d = billing_desk(store)
    open_account(d, "1-101")
    with pytest.raises(IllegalTransition):
        d.handle(OpenAccount(requester=resident("1-101")))
    open_account(d, "1-101", RequesterKind.TENANT)  # the tenant of the unit has their own


def test_costs_and_invoices_are_found_by_time_and_request(store: Store) -> None:
    clock = Clock(at(3, 2, 9))
    d = billing_desk(store, clock)
    open_account(d, "1-101")
    charge = confirmed_charge(d, "r-1", "1-101")
    d.handle(RecordCost(request_id="r-1", amount="12.00", description="washers"))
    invoice = d.handle(RequestInvoice(charge_id=charge)).id
    with store.unit_of_work() as uow:
        costs = uow.costs.between(at(3, 1), at(4, 1))
        assert [c.amount for c in costs] == [Money.of("12.00")]
        assert uow.costs.between(at(4, 1), at(5, 1)) == []
        assert [i.id.value for i in uow.invoices.for_request(RequestId("r-1"))] == [invoice]
        assert uow.invoices.list_overdue(clock.now) == []
        overdue = uow.invoices.list_overdue(clock.now + timedelta(days=400))
        assert [i.id.value for i in overdue] == [invoice]


def march_closed(store: Store) -> tuple[Desk, Clock, str]:
    """One account of unit 1-101 with a confirmed charge, and March closed; the account id."""
    clock = Clock(at(3, 2, 9))
    d = billing_desk(store, clock)
    account = open_account(d, "1-101")
    confirmed_charge(d, "r-1", "1-101")
    clock.now = at(4, 1, 9)
    d.handle(CloseMonth(period="2026-03"))
    return d, clock, account


# --- what only the database can hold: rules across rows two transactions could break -------------


def test_the_database_holds_the_billing_rules_two_transactions_could_break(
    sql_store: SqlStore,
) -> None:
    """Rows that passed no handler's check (as a racing transaction's would) are refused."""
    d, _clock, a = march_closed(sql_store)
    d.handle(RecordPayment(account_id=a, amount="30.00"), actor=CASHIER)
    with sql_store.unit_of_work() as uow:
        account = uow.accounts.get(AccountId(a))
        statement = uow.statements.get(StatementId(f"{a}:2026-03"))
        (receipt,) = uow.receipts.in_series(SeriesId("PSC-2026"))
    twins = {
        "another open owner account of the unit": (
            "accounts",
            attrs.evolve(account, id=AccountId("twin")),
        ),
        "a second statement of the account for March": (
            "statements",
            attrs.evolve(statement, id=StatementId("twin")),
        ),
        "an April statement billing March's charge again": (
            "statements",
            attrs.evolve(statement, id=StatementId("twin"), period=Period(2026, 4)),
        ),
        "a second receipt numbered 1 in the series": (
            "receipts",
            attrs.evolve(receipt, id=ReceiptId("twin")),
        ),
    }
    for what, (attribute, twin) in twins.items():
        with sql_store.unit_of_work() as uow:
            repository = getattr(uow, attribute)
            try:
                uow._save(repository, twin, True)
            except ConcurrencyConflict:
                continue
            pytest.fail(f"the database took {what}")
    with sql_store.unit_of_work() as uow:
        assert [x.id.value for x in uow.accounts.list()] == [a]
        assert [s.id.value for s in uow.statements.for_account(AccountId(a))] == [f"{a}:2026-03"]
        assert [r.id for r in uow.receipts.in_series(SeriesId("PSC-2026"))] == [receipt.id]


def test_statements_are_addressed_to_unit_and_holder_masked_as_the_reader_may_see_them(
    store: Store,
) -> None:
    from servicedesk.domain.statements import Statement
    from servicedesk.domain.values import Actor, ActorId, Role

    d, clock, account = march_closed(store)
    auditor = Actor(ActorId("u1"), "Auditor", {Role.AUDITOR})

    [whole] = d.billing.statements(account, actor=CASHIER)
    assert (whole.unit, whole.holder) == ("1-101", "Resident")
    assert d.billing.statement(whole.id, actor=CASHIER) == whole
    [masked] = d.billing.statements(account, actor=auditor)
    assert (masked.unit, masked.holder) == ("1-***", "R*******")
    assert d.billing.statement(whole.id, actor=auditor) == masked
    assert attrs.evolve(masked, unit=whole.unit, holder=whole.holder) == whole
    clock.now = at(6, 1, 9)
    [overdue] = d.billing.overdue_statements(actor=auditor)
    assert (overdue.unit, overdue.holder) == ("1-***", "R*******")
    # Referenced from the account, never copied into the statement.
    assert not {"unit", "holder", "requester"} & {f.name for f in attrs.fields(Statement)}


def test_preloaded_accounts_are_got_as_loaded_and_a_missing_one_still_refused(
    store: Store,
) -> None:
    d = billing_desk(store)
    first, second = open_account(d, "1-101"), open_account(d, "1-102")
    with store.reading() as uow:
        uow.accounts.preload([AccountId(first), AccountId(second), AccountId("nobody")])
        got = [uow.accounts.get(AccountId(a)) for a in (first, second)]
        assert [a.id.value for a in got] == [first, second]
        assert uow.accounts.get(AccountId(first)) is got[0]
        with pytest.raises(NotFound):
            uow.accounts.get(AccountId("nobody"))


def test_the_overdue_statements_are_one_query_with_their_accounts(sql_store: SqlStore) -> None:
    import sqlalchemy as sa

    clock = Clock(at(3, 2, 9))
    d = billing_desk(sql_store, clock)
    for n in range(3):
        open_account(d, f"1-10{n}")
        confirmed_charge(d, f"r-{n}", f"1-10{n}")
    clock.now = at(4, 1, 9)
    d.handle(CloseMonth(period="2026-03"))
    sent: list[str] = []

    def count(_c: object, _k: object, statement: str, *_a: object) -> None:
        sent.append(statement)

    sa.event.listen(sql_store.reader, "before_cursor_execute", count)  # queries read on it
    try:
        overdue = d.billing.overdue_statements(at(6, 1, 9), actor=CASHIER)
    finally:
        sa.event.remove(sql_store.reader, "before_cursor_execute", count)
    assert len(overdue) == 3
    [query] = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    assert "JOIN accounts" in query
    assert "document" not in query  # figures and addressees from projection columns
