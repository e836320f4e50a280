"""The books must balance: invariants of the money side, checked on a whole store.

``check_books(desk)`` reads everything the store holds and raises an
``AssertionError`` naming the first rule broken.  Call it at the end of your
own tests (or after every step of a stateful one) to check that your plugins
and your way of driving the desk keep the money straight.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from servicedesk.app.desk import Desk
from servicedesk.domain.accounts import EntryKind
from servicedesk.domain.billing import BillingMode, SeriesId
from servicedesk.domain.money import Money, total
from servicedesk.domain.payments import PaymentPurpose
from servicedesk.domain.statements import StatementLineKind, StatementStatus


def check_books(desk: Desk) -> None:
    """Assert every money invariant over everything ``desk``'s store holds."""
    with desk.store.unit_of_work() as uow:
        accounts = uow.accounts.list()
        statements = [s for a in accounts for s in uow.statements.for_account(a.id)]
        charges = [c for a in accounts for c in uow.charges.for_account(a.id)]
        payments = [p for a in accounts for p in uow.payments.for_account(a.id)]
        receipts_by_series: dict[SeriesId, list[int]] = defaultdict(list)
        for payment in payments:
            assert payment.receipt_id is not None, f"payment {payment.id} has no receipt"
            receipt = uow.receipts.get(payment.receipt_id)
            assert receipt.payment_id == payment.id, f"receipt {receipt.id} is of another payment"
            assert receipt.amount == payment.amount, f"receipt {receipt.id} amount differs"
            receipts_by_series[receipt.series].append(receipt.number)
        for series, numbers in receipts_by_series.items():
            stored = [r.number for r in uow.receipts.in_series(series)]
            assert sorted(numbers) == stored == list(range(1, len(stored) + 1)), (
                f"receipt numbers of {series} are not 1..n without gaps: {stored}"
            )
            counter = uow.counters.find(series)
            assert counter is not None, f"series {series} has receipts but no counter"
            assert counter.last == len(stored), f"counter of {series} is not at its last receipt"

        for account in accounts:
            if account.mode is BillingMode.DEPOSIT:
                rule = desk.policies.deposit_rule(account)
                assert account.balance >= -rule.limit, (
                    f"deposit of {account.id} is {account.balance}, below the limit"
                )
                paid_in = total(
                    (
                        p.amount
                        for p in payments
                        if p.account_id == account.id and p.amount and not p.voided
                    ),
                    account.currency,
                )
                kept = (EntryKind.DEPOSIT, EntryKind.VOID)
                deposited = total(
                    (e.amount for e in account.entries if e.kind in kept), account.currency
                )
                assert paid_in == deposited, f"deposit payments of {account.id} != its entries"

        billed: Counter[str] = Counter()
        for statement in statements:
            assert statement.total == total(
                (line.amount for line in statement.lines), statement.currency
            ), f"statement {statement.id} total is not the sum of its lines"
            if statement.status is not StatementStatus.CARRIED and not statement.total.is_negative:
                assert not statement.amount_due.is_negative, f"{statement.id} overpaid"
            for line in statement.lines:
                if line.kind is StatementLineKind.CHARGE:
                    billed[line.reference] += 1
        twice = [ref for ref, n in billed.items() if n > 1]
        assert not twice, f"charges billed more than once: {twice}"
        for charge in charges:
            on_statement = billed.get(charge.id.value, 0) == 1
            assert on_statement == (charge.statement_id is not None), (
                f"charge {charge.id} and the statements disagree on its billing"
            )
            if charge.statement_id is not None:
                assert charge.is_confirmed, f"unconfirmed charge {charge.id} was billed"
                assert charge.mode is BillingMode.ON_ACCOUNT

        entries = [e for a in accounts for e in a.entries]

        def moved(charge_id: str) -> list[Money]:
            return [e.amount for e in entries if e.reference == charge_id]

        for charge in charges:
            if charge.is_confirmed and charge.mode is BillingMode.DEPOSIT:
                # drawn once, or not yet: a tenant's charge may wait for its audit; a
                # reversal gives back only what its charge drew
                if charge.reverses is None:
                    drawn = bool(moved(charge.id.value))
                else:
                    drawn = bool(moved(charge.reverses.value))
                expected = [] if charge.amount.is_zero or not drawn else [-charge.amount]
                got = moved(charge.id.value)
                assert got == expected, f"deposit charge {charge.id} moved {got}"

        for payment in payments:
            if payment.purpose is PaymentPurpose.STATEMENTS:
                parts = total((p.amount for p in payment.parts), payment.amount.currency)
                assert parts == payment.amount, f"payment {payment.id} parts do not add up"
        allocated: dict[str, Money] = {}
        for statement in statements:
            for allocation in statement.allocations:
                key = allocation.payment_id.value
                allocated[key] = allocated.get(key, Money.zero()) + allocation.amount
        for payment in payments:
            if payment.purpose is PaymentPurpose.STATEMENTS:
                received = None if payment.voided else payment.amount
                assert allocated.get(payment.id.value) == received, (
                    f"payment {payment.id} is not what its statements received"
                )
            receipt = uow.receipts.get(payment.receipt_id)
            assert receipt.voided == payment.voided, f"payment {payment.id} and its receipt"
