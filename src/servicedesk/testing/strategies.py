"""Hypothesis strategies for billing tests in your own suite.

Everything here produces valid values of servicedesk's money side: amounts
exact to the fen, quantities above zero, charge lines, requesters, account
openings, and whole sequences of billing commands for a ``BillingScenario``.
Use them to check that your plugins (rounding, allocation, deposit rules)
keep the books straight::

    from hypothesis import given
    from servicedesk.testing import strategies as sds

    @given(sds.money(max_value="500.00"))
    def test_pay_in(amount): ...
"""

from __future__ import annotations

from decimal import Decimal

import attrs
from hypothesis import strategies as st

from servicedesk.app.billing.commands import OpenAccount
from servicedesk.domain.charges import LineKind, LineSpec
from servicedesk.domain.money import DEFAULT_CURRENCY, Money, Rounding
from servicedesk.domain.values import Contact, Requester, RequesterKind


def money(
    min_value: str = "0.00", max_value: str = "100000.00", currency: str = DEFAULT_CURRENCY
) -> st.SearchStrategy[Money]:
    """Exact amounts between ``min_value`` and ``max_value``, to the fen."""
    low, high = Money.of(min_value).fen, Money.of(max_value).fen
    return st.integers(low, high).map(lambda fen: Money.from_fen(fen, currency))


def positive_money(
    max_value: str = "100000.00", currency: str = DEFAULT_CURRENCY
) -> st.SearchStrategy[Money]:
    """Amounts above zero: what a payment, a deposit or a refund may be."""
    return money("0.01", max_value, currency)


def quantities(max_value: str = "1000", places: int = 3) -> st.SearchStrategy[Decimal]:
    """Exact quantities above zero with up to ``places`` decimals (2.5 m², 3 hours)."""
    step = Decimal(1).scaleb(-places)
    return st.decimals(
        min_value=step, max_value=Decimal(max_value), places=places, allow_nan=False
    ).filter(lambda q: q > 0)


def roundings() -> st.SearchStrategy[Rounding]:
    return st.sampled_from(list(Rounding))


def line_specs(
    kinds: tuple[LineKind, ...] = (LineKind.SERVICE, LineKind.MATERIAL),
    max_price: str = "5000.00",
    currency: str = DEFAULT_CURRENCY,
) -> st.SearchStrategy[LineSpec]:
    """Charge lines a clerk may type: service and material lines (extras need consent)."""
    return st.builds(
        LineSpec,
        kind=st.sampled_from(kinds),
        description=st.sampled_from(["labour", "washer", "pipe", "cable", "paint"]),
        quantity=quantities(),
        unit_price=money("0.00", max_price, currency),
    )


def charge_lines(
    max_lines: int = 8, max_price: str = "5000.00", currency: str = DEFAULT_CURRENCY
) -> st.SearchStrategy[tuple[LineSpec, ...]]:
    """The lines of one charge: one to ``max_lines`` of them."""
    lines = line_specs(max_price=max_price, currency=currency)
    return st.lists(lines, min_size=1, max_size=max_lines).map(tuple)


def requesters(kind: RequesterKind | None = None) -> st.SearchStrategy[Requester]:
    """Requesters with a unit like ``3-502``; names and phones are placeholders."""
    kinds = st.just(kind) if kind is not None else st.sampled_from(list(RequesterKind))
    units = st.builds(
        lambda block, room: f"{block}-{room}", st.integers(1, 30), st.integers(101, 2808)
    )
    return st.builds(
        Requester,
        name=st.sampled_from(["Chen", "Wang", "Li", "Zhang"]),
        unit=units,
        contact=st.just(Contact("13800138000")),
        kind=kinds,
    )


def open_account_commands(kind: RequesterKind | None = None) -> st.SearchStrategy[OpenAccount]:
    """``OpenAccount`` commands; the policy decides the billing mode of each."""
    return st.builds(OpenAccount, requester=requesters(kind))


# --- command sequences ---------------------------------------------------------------------------


@attrs.frozen
class Step:
    """One step of a billing story, resolved against a ``BillingScenario`` when run.

    ``account`` and ``target`` are indices into what exists when the step runs
    (taken modulo the number of accounts or charges), so every drawn sequence
    can be run, and shrinks well.
    """

    action: str
    account: int = 0
    target: int = 0
    amount: Money = attrs.field(factory=Money.zero)
    lines: tuple[LineSpec, ...] = ()
    days: int = 0


ACTIONS = (
    "open_owner",
    "open_tenant",
    "job",
    "confirm",
    "reverse",
    "pay_deposit",
    "refund",
    "pay",
    "advance",
    "close_month",
)


def steps(max_amount: str = "500.00") -> st.SearchStrategy[Step]:
    return st.builds(
        Step,
        action=st.sampled_from(ACTIONS),
        account=st.integers(0, 7),
        target=st.integers(0, 15),
        amount=positive_money(max_amount),
        lines=charge_lines(max_lines=3, max_price="200.00"),
        days=st.integers(1, 40),
    )


def command_sequences(
    min_size: int = 1, max_size: int = 30, max_amount: str = "500.00"
) -> st.SearchStrategy[list[Step]]:
    """Sequences of billing steps; run them with ``servicedesk.testing.run_steps``."""
    return st.lists(steps(max_amount), min_size=min_size, max_size=max_size)
