"""Properties of money on charges and payments, for any quantities, prices and policies."""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk.adapters.memory import MemoryStore
from servicedesk.app.billing.commands import PayDeposit, RecordCharge
from servicedesk.domain.billing import AccountId, BillingMode, ChargeId, PaymentId, Period
from servicedesk.domain.charges import Charge, LineKind, LineSpec
from servicedesk.domain.errors import PermissionDenied, PolicyError
from servicedesk.domain.money import FEN, Money, Rounding, allocate, total
from servicedesk.domain.statements import Statement, StatementLine, StatementLineKind
from servicedesk.domain.values import ActorId, ItemId, RequesterKind, RequestId
from servicedesk.policies import hookimpl, plugin_manager
from servicedesk.policies.allocation import ProportionalAllocation
from servicedesk.policies.default import oldest_first
from servicedesk.policies.manager import Policies
from servicedesk.testing import BillingScenario, audit_trail_length, store_state
from servicedesk.testing import strategies as sds
from servicedesk.testing.scenario import START

SETTINGS = settings(max_examples=100, deadline=None)


def by_hand(line: LineSpec, rounding: Rounding) -> Decimal:
    """The line amount computed independently of ``Money.times``."""
    return (line.quantity * line.unit_price.amount).quantize(FEN, rounding=str(rounding))


def draft(lines: tuple[LineSpec, ...], rounding: Rounding) -> Charge:
    charge = Charge.open(
        ChargeId("r-1:1"),
        request_id=RequestId("r-1"),
        account_id=AccountId("a-1"),
        item_id=ItemId("i-1"),
        currency="CNY",
    )
    charge.record(lines, extras=(), rounding=rounding, needs_estimate=False, at=START)
    return charge


@SETTINGS
@given(lines=sds.charge_lines(), rounding=sds.roundings())
def test_a_charge_total_is_the_sum_of_its_lines_to_the_fen(
    lines: tuple[LineSpec, ...], rounding: Rounding
) -> None:
    charge = draft(lines, rounding)
    assert charge.total is not None
    assert [line.amount.amount for line in charge.lines] == [by_hand(s, rounding) for s in lines]
    assert charge.total.amount == sum((by_hand(s, rounding) for s in lines), Decimal(0))
    assert charge.total.amount == charge.total.amount.quantize(FEN)


@SETTINGS
@given(lines=sds.charge_lines(), rounding=sds.roundings())
def test_a_reversal_cancels_the_charge_to_the_fen(
    lines: tuple[LineSpec, ...], rounding: Rounding
) -> None:
    charge = draft(lines, rounding)
    charge.confirm(signed_by="Chen", mode=BillingMode.ON_ACCOUNT, at=START)
    reversal = charge.reversal(
        ChargeId("r-1:1:rev"), reason="wrong", recorded_by=ActorId("assistant"), at=START
    )
    assert charge.total is not None
    assert reversal.total is not None
    assert (charge.total + reversal.total).is_zero
    assert reversal.reverses == charge.id


@SETTINGS
@given(
    amounts=st.lists(sds.money("-5000.00", "5000.00"), min_size=1, max_size=10),
)
def test_a_statement_total_is_the_sum_of_its_lines(amounts: list[Money]) -> None:
    lines = tuple(
        StatementLine(StatementLineKind.CHARGE, f"c-{i}", "job", amount)
        for i, amount in enumerate(amounts)
    )
    statement = Statement.issue(
        AccountId("a-1"),
        Period(2026, 3),
        currency="CNY",
        lines=lines,
        due=START.replace(month=4),
        at=START,
    )
    assert statement.total == total(amounts)
    assert statement.amount_due == statement.total


dues = st.lists(sds.money("0.01", "3000.00"), min_size=1, max_size=8)


def _statements(amounts: Sequence[Money]) -> list[Statement]:
    return [
        Statement.issue(
            AccountId("a-1"),
            Period(2026, 1 + i),
            currency="CNY",
            lines=(StatementLine(StatementLineKind.CHARGE, f"c-{i}", "job", amount),),
            due=START.replace(year=2027),
            at=START,
        )
        for i, amount in enumerate(amounts)
    ]


@SETTINGS
@given(data=st.data(), dues=dues, proportional=st.booleans())
def test_allocating_a_payment_never_loses_or_creates_a_fen(
    data: st.DataObject, dues: list[Money], proportional: bool
) -> None:
    statements = _statements(dues)
    whole = total(dues)
    amount = data.draw(sds.money("0.01", str(whole.amount)), label="payment")
    plugins = [ProportionalAllocation()] if proportional else []
    parts = Policies(plugin_manager(plugins, entry_points=False)).allocate_payment(
        amount, statements
    )
    assert total(parts) == amount
    assert all(not p.is_negative and p <= d for p, d in zip(parts, dues, strict=True))
    for statement, part in zip(statements, parts, strict=True):
        if not part.is_zero:
            statement.allocate(part, payment_id=PaymentId("p-1"), at=START)
    assert total(s.paid for s in statements) == amount
    assert total(s.amount_due for s in statements) == whole - amount


@SETTINGS
@given(
    whole=sds.money("-100000.00", "100000.00"),
    weights=st.lists(st.integers(0, 10_000), min_size=1, max_size=12).filter(any),
)
def test_largest_remainder_parts_add_up_to_the_whole(whole: Money, weights: list[int]) -> None:
    parts = allocate(whole, weights)
    assert total(parts) == whole
    assert len(parts) == len(weights)


def test_oldest_first_pays_the_oldest_statement_in_full_first() -> None:
    statements = _statements([Money.of("10.00"), Money.of("20.00"), Money.of("5.00")])
    parts = oldest_first(Money.of("25.00"), statements)
    assert parts == [Money.of("10.00"), Money.of("15.00"), Money.of("0.00")]


class FixedRounding:
    def __init__(self, rounding: Rounding) -> None:
        self.rounding = rounding

    @hookimpl
    def servicedesk_rounding(self) -> Rounding:
        return self.rounding


def test_rounding_is_half_up_by_default_and_a_plugin_changes_it() -> None:
    line = LineSpec(LineKind.MATERIAL, "washer", Decimal("2.5"), Money.of("0.01"))
    results = {}
    for plugins in ([], [FixedRounding(Rounding.HALF_EVEN)], [FixedRounding(Rounding.DOWN)]):
        policies = Policies(plugin_manager(plugins, entry_points=False))
        results[len(plugins) and plugins[0].rounding] = draft((line,), policies.rounding())
    assert results[0].total == Money.of("0.03")  # 0.025 half up
    assert results[Rounding.HALF_EVEN].total == Money.of("0.02")
    assert results[Rounding.DOWN].total == Money.of("0.02")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=sds.charge_lines(max_lines=4),
    rounding=sds.roundings(),
)
def test_charges_through_the_desk_follow_the_plugins_rounding(
    lines: tuple[LineSpec, ...], rounding: Rounding
) -> None:
    s = BillingScenario(plugins=[FixedRounding(rounding)])
    _account, unit = s.open_account()
    request = s.accepted_request(unit)
    charge = s.desk.handle(RecordCharge(request_id=request, lines=lines)).id
    assert charge is not None
    view = s.desk.billing.charge(charge)
    expected = sum((by_hand(line, rounding) for line in lines), Decimal(0))
    if not any(line.kind is LineKind.SERVICE for line in lines):
        expected += Decimal("30.00")  # the tap repair's fixed fee, set at triage
    assert view.total.amount == expected


class BadRounding:
    @hookimpl
    def servicedesk_rounding(self) -> str:
        return "to the nearest yuan"


def test_a_rounding_plugin_returning_garbage_is_refused_and_nothing_is_stored() -> None:
    s = BillingScenario(plugins=[BadRounding()])
    _account, unit = s.open_account()
    request = s.accepted_request(unit)
    before = store_state(s.store)
    with pytest.raises(PolicyError, match="servicedesk_rounding"):
        s.desk.handle(RecordCharge(request_id=request))
    assert store_state(s.store) == before


def test_store_state_sees_a_change() -> None:
    """The before/after comparison the bad-input tests rely on can fail."""
    store = MemoryStore()
    s = BillingScenario()
    before = store_state(s.store)
    trail = audit_trail_length(s.store)
    s.open_account()
    assert store_state(s.store) != before
    assert audit_trail_length(s.store) == trail + 1
    assert store_state(store) == store_state(MemoryStore())


def test_store_state_leaves_out_only_the_audit_trail() -> None:
    """A refusal writes one audit record: store_state ignores it, the trail counts it."""
    s = BillingScenario()
    account, _unit = s.open_account(RequesterKind.TENANT)
    before, trail = store_state(s.store), audit_trail_length(s.store)
    with pytest.raises(PermissionDenied):
        s.desk.handle(PayDeposit(account_id=account, amount="300.00"), actor=s.clerk)
    assert store_state(s.store) == before
    assert audit_trail_length(s.store) == trail + 1
    [refusal] = s.desk.records.trail(after=trail)
    assert (refusal.command, refusal.refused) == ("PayDeposit", "PermissionDenied")


def test_decimal_context_is_not_what_rounds() -> None:
    """Rounding comes from the policy, not from the thread's decimal context."""
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_FLOOR
        line = LineSpec(LineKind.MATERIAL, "washer", Decimal("2.5"), Money.of("0.01"))
        assert draft((line,), Rounding.HALF_UP).total == Money.of("0.03")
