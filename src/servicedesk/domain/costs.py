"""Costs the centre paid for a job: materials bought, a contractor's bill.

They are what the revenue of an item is compared with, so that loss-making
items come up for review (保本微利, rule catalogue.loss-review).  A cost is recorded
once and never changed; a mistake is corrected by a negative cost entry.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from servicedesk.domain.billing import CostId
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.money import Money
from servicedesk.domain.values import ItemId, RequestId, check_text
from servicedesk.i18n import _


@attrs.frozen(kw_only=True)
class CostRecorded(Event):
    cost_id: CostId
    request_id: RequestId
    item_id: ItemId
    amount: Money
    description: str


@attrs.define
class Cost:
    id: CostId
    request_id: RequestId | None = None
    item_id: ItemId | None = None
    amount: Money | None = None
    description: str = ""
    at: datetime | None = None
    version: int = 0
    events: list[Event] = attrs.field(factory=list, eq=False, repr=False)

    @classmethod
    def record(
        cls,
        cost_id: CostId,
        *,
        request_id: RequestId,
        item_id: ItemId,
        amount: Money,
        description: str,
        at: datetime,
    ) -> Cost:
        description = check_text(description, "cost description", 200)
        if not isinstance(amount, Money) or amount.is_zero:
            raise InvalidValue(_("A cost is an amount of money other than zero."))
        cost = cls(cost_id)
        cost._record(
            CostRecorded(
                at=at,
                cost_id=cost_id,
                request_id=request_id,
                item_id=item_id,
                amount=amount,
                description=description,
            )
        )
        return cost

    def _record(self, event: Event) -> None:
        self.apply(event)
        self.events.append(event)

    def apply(self, event: Event) -> None:
        match event:
            case CostRecorded():
                self.request_id, self.item_id = event.request_id, event.item_id
                self.amount, self.description, self.at = event.amount, event.description, event.at
            case _:
                raise TypeError(f"Cost cannot apply {type(event).__name__}")
