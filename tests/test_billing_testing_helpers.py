"""The helpers shipped for users' suites work, and their checks can fail."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from servicedesk.app.billing.commands import ConfirmCharge, RecordCharge
from servicedesk.domain.billing import ChargeId
from servicedesk.domain.charges import LineSpec
from servicedesk.domain.money import Money
from servicedesk.testing import IN_PERSON, BillingScenario, check_books, run_steps
from servicedesk.testing import strategies as sds
from servicedesk.testing.strategies import Step
from support import DESK_CLERK


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story=sds.command_sequences(max_size=20))
def test_any_drawn_story_keeps_the_books(story: list[Step]) -> None:
    s = BillingScenario()
    results = run_steps(s, story)
    assert len(results) == len(story)
    check_books(s.desk)


def test_a_story_with_refusals_runs_to_the_end() -> None:
    s = BillingScenario()
    story = [
        Step("open_tenant"),
        Step("pay_deposit", amount=Money.of("10.00")),  # below the minimum: refused
        Step("pay_deposit", amount=Money.of("250.00")),
        Step("job", lines=()),
        Step("confirm"),
        Step("refund", amount=Money.of("500.00")),  # more than the balance: refused
        Step("open_owner"),
        Step("job", account=1, lines=()),
        Step("confirm", target=1),
        Step("advance", days=31),
        Step("close_month"),
        Step("pay", account=1, amount=Money.of("30.00")),
    ]
    results = run_steps(s, story)
    refused = [r.step.action for r in results if r.refused is not None]
    assert refused == ["pay_deposit", "refund"]
    check_books(s.desk)


@given(amount=sds.money("-1.00", "1.00"), positive=sds.positive_money("1.00"))
def test_money_strategies_stay_in_range(amount: Money, positive: Money) -> None:
    assert Money.of("-1.00") <= amount <= Money.of("1.00")
    assert Money.of("0.01") <= positive <= Money.of("1.00")


@given(line=sds.line_specs())
def test_line_specs_are_valid_and_priceable(line: LineSpec) -> None:
    assert line.quantity > 0
    assert not line.unit_price.is_negative


def test_check_books_catches_a_charge_billed_twice() -> None:
    s = BillingScenario()
    _account, unit = s.open_account()
    charge = s.desk.handle(RecordCharge(request_id=s.accepted_request(unit))).id
    s.desk.handle(
        ConfirmCharge(charge_id=charge, signed_by="Chen", evidence=IN_PERSON), actor=DESK_CLERK
    )
    check_books(s.desk)
    rows = s.store.tables["charge"]  # corrupt the store behind the desk's back
    version, document = rows[ChargeId(charge)]
    rows[ChargeId(charge)] = (version, {**document, "statement_id": "nowhere:2026-03"})
    with pytest.raises(AssertionError, match="disagree"):
        check_books(s.desk)
