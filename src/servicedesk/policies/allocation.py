"""An alternative allocation of payments: in proportion to what each statement is due.

Register ``ProportionalAllocation()`` to spread a partial payment over all open
statements instead of paying the oldest first.  The split is by largest
remainder (``servicedesk.domain.money.allocate``), so the parts add up to the
payment to the fen and none exceeds what its statement is due.
"""

from __future__ import annotations

from collections.abc import Sequence

from servicedesk.domain.money import Money, allocate
from servicedesk.domain.statements import Statement
from servicedesk.policies.hookspecs import hookimpl


class ProportionalAllocation:
    @hookimpl
    def servicedesk_allocate_payment(
        self, amount: Money, statements: Sequence[Statement]
    ) -> list[Money]:
        return allocate(amount, [s.amount_due.amount for s in statements])
