"""The books, step by step: the stateful test shipped in ``servicedesk.testing``.

Run once with the default property-centre policies and once with plugins that
change rounding, allow an overdraft, lower the deposit minimum and spread
payments proportionally: the invariants must hold for both.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from servicedesk.domain.accounts import Account, DepositRule
from servicedesk.domain.money import Money, Rounding
from servicedesk.policies import hookimpl
from servicedesk.policies.allocation import ProportionalAllocation
from servicedesk.testing import BillingMachine

MACHINE_SETTINGS = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class DefaultBooks(BillingMachine):
    pass


DefaultBooks.TestCase.settings = MACHINE_SETTINGS
TestDefaultBooks = DefaultBooks.TestCase


class Overdraft:
    """A centre that lets a tenant's deposit go 100.00 below zero and takes 50.00 first."""

    @hookimpl
    def servicedesk_deposit_rule(self, account: Account) -> DepositRule:
        return DepositRule(Money.of("50.00"), Money.of("80.00"), Money.of("100.00"))


class HalfEven:
    @hookimpl
    def servicedesk_rounding(self) -> Rounding:
        return Rounding.HALF_EVEN


class PluggedBooks(BillingMachine):
    plugins = (Overdraft(), HalfEven(), ProportionalAllocation())


PluggedBooks.TestCase.settings = MACHINE_SETTINGS
TestPluggedBooks = PluggedBooks.TestCase
