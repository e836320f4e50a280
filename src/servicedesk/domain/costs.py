"""Costs the centre paid for a job: materials bought, a contractor's bill.

They are what the revenue of an item is compared with, so that loss-making
items come up for review (保本微利, rule catalogue.loss-review).  A cost is recorded
once and never changed; a mistake is corrected by a negative cost entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self

import attrs

from servicedesk.domain.aggregate import Aggregate
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


@attrs.define(kw_only=True)
class Cost(Aggregate[CostId]):
    request_id: RequestId
    item_id: ItemId
    amount: Money
    description: str
    at: datetime

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
            raise InvalidValue(
                _("A cost is an amount of money other than zero."), code="cost.invalid"
            )
        return cls._create(
            CostRecorded(
                at=at,
                cost_id=cost_id,
                request_id=request_id,
                item_id=item_id,
                amount=amount,
                description=description,
            )
        )

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case CostRecorded():
                return cls(
                    event.cost_id,
                    request_id=event.request_id,
                    item_id=event.item_id,
                    amount=event.amount,
                    description=event.description,
                    at=event.at,
                )
            case _:
                return super().created(event)
