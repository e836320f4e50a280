"""Run a drawn sequence of billing steps against a ``BillingScenario``.

Refusals are part of the story (a draw past the limit, a payment of nothing
due): ``run_steps`` records them and goes on, and a refused step must leave
the store exactly as it was.  Check the books after (``check_books``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import timedelta

import attrs

from servicedesk.app.billing.commands import (
    AuditCharge,
    CloseMonth,
    ConfirmCharge,
    PayDeposit,
    RecordCharge,
    RecordPayment,
    RefundDeposit,
    ReverseCharge,
)
from servicedesk.app.command import Command
from servicedesk.domain.billing import Period
from servicedesk.domain.errors import IllegalTransition, PermissionDenied, ServiceDeskError
from servicedesk.domain.values import Actor, RequesterKind
from servicedesk.testing.scenario import IN_PERSON, BillingScenario, audit_trail_length, store_state
from servicedesk.testing.strategies import Step

FIRST_PERIOD = Period(2026, 3)


@attrs.frozen
class StepResult:
    step: Step
    outcome: str | None  # the id the command returned, if it ran
    refused: ServiceDeskError | None


@attrs.define
class _Seen:
    accounts: list[tuple[str, str, RequesterKind]] = attrs.field(factory=list)
    recorded: list[str] = attrs.field(factory=list)
    confirmed: list[str] = attrs.field(factory=list)


def run_steps(scenario: BillingScenario, steps: Iterable[Step]) -> list[StepResult]:
    """Carry out each step through ``Desk.handle``; refused steps must change nothing."""
    seen = _Seen()
    results = []
    for step in steps:
        before = store_state(scenario.store)
        trail = audit_trail_length(scenario.store)
        try:
            outcome = _run(scenario, seen, step)
        except ServiceDeskError as refusal:
            after = store_state(scenario.store)
            assert before == after, f"the refused step {step.action} changed the store"
            audited = 1 if isinstance(refusal, PermissionDenied) else 0  # a role refusal, once
            assert audit_trail_length(scenario.store) == trail + audited, (
                f"the refused step {step.action} was audited wrongly"
            )
            results.append(StepResult(step, None, refusal))
        else:
            results.append(StepResult(step, outcome, None))
    return results


def _handle(scenario: BillingScenario, command: Command, actor: Actor) -> str | None:
    return scenario.desk.handle(command, actor=actor).id


def _run(scenario: BillingScenario, seen: _Seen, step: Step) -> str | None:
    s, action = scenario, step.action
    if action in ("open_owner", "open_tenant"):
        kind = RequesterKind.OWNER if action == "open_owner" else RequesterKind.TENANT
        account, unit = s.open_account(kind)
        seen.accounts.append((account, unit, kind))
        return account
    if action == "advance":
        s.advance(timedelta(days=step.days))
        return None
    if action == "close_month":
        period = Period.of(s.now, s.desk.policies.calendar().tz)
        previous = period.previous()
        if previous < FIRST_PERIOD:
            return None
        return _handle(s, CloseMonth(period=previous), s.clerk)
    if not seen.accounts:
        return None
    account, unit, kind = seen.accounts[step.account % len(seen.accounts)]
    if action == "job":
        request = s.accepted_request(unit, kind)
        charge = _handle(s, RecordCharge(request_id=request, lines=step.lines), s.clerk)
        assert charge is not None
        seen.recorded.append(charge)
        return charge
    if action == "confirm" and seen.recorded:
        charge = seen.recorded[step.target % len(seen.recorded)]
        result = _handle(
            s, ConfirmCharge(charge_id=charge, signed_by="Resident", evidence=IN_PERSON), s.clerk
        )
        seen.confirmed.append(charge)
        # the assistant audits at once: the month sums the charge, a deposit pays it; a
        # deposit short of the charge refuses, and the charge waits for a top-up
        with contextlib.suppress(IllegalTransition):
            _handle(s, AuditCharge(charge_id=charge), s.assistant)
        return result
    if action == "reverse" and seen.confirmed:
        charge = seen.confirmed[step.target % len(seen.confirmed)]
        return _handle(s, ReverseCharge(charge_id=charge, reason="wrong price"), s.assistant)
    if action == "pay_deposit":
        return _handle(s, PayDeposit(account_id=account, amount=step.amount), s.cashier)
    if action == "refund":
        return _handle(s, RefundDeposit(account_id=account, amount=step.amount), s.cashier)
    if action == "pay":
        return _handle(s, RecordPayment(account_id=account, amount=step.amount), s.cashier)
    return None
