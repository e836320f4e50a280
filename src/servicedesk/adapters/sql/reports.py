"""The report ports in SQL: figures added up by the database, never by loading aggregates.

Each report is one ``GROUP BY`` (or a count and a page) over indexed projection
columns, reading from the document only the few fields a report needs of the
rows the index found (``json_scalar``).  The memory store's answers
(``adapters/memory.py``) are the reference these queries must equal.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from servicedesk.adapters.sql import cursor, fixed_statements
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.bulk.json_scalar import json_scalar
from servicedesk.adapters.sql.repository import SqlRepository
from servicedesk.adapters.sql.transaction import SqlTransaction
from servicedesk.app.billing.ports import (
    BillingReports,
    ItemMoney,
    OverdueStatementRow,
    agreement_fees,
)
from servicedesk.app.callbacks.ports import QualityReports, QualityTally
from servicedesk.app.requests.ports import OpenSummary, RequestReports
from servicedesk.domain.billing import Period
from servicedesk.domain.callbacks import CallbackStatus, Month
from servicedesk.domain.requests import ServiceRequest, Status
from servicedesk.domain.values import ItemId, WorkerId


def _fen(text: sa.ColumnElement[str]) -> sa.ColumnElement[int]:
    """An amount as its document writes it (``-12.34``, always two places) in whole fen."""
    return sa.cast(sa.func.replace(text, ".", ""), sa.BigInteger)


def _in_fen(value: Any) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


class SqlRequestReports(RequestReports):
    def __init__(self, uow: Any) -> None:
        self.uow = uow  # the unit of work, whose request repository loads the page

    def open_summary(self, now: datetime, limit: int) -> OpenSummary:
        c = t.requests.table.c
        is_open = c.is_open == sa.true()
        overdue = sa.func.sum(sa.case((c.deadline_due < now, 1), else_=0))
        counts = sa.select(c.status, sa.func.count(), overdue).where(is_open).group_by(c.status)
        by_status: dict[Status, int] = {}
        late = 0
        for status, count, overdue_count in self.uow.execute(counts):
            by_status[Status(status)] = int(count)
            late += int(overdue_count or 0)
        oldest: list[ServiceRequest] = []
        if limit > 0:
            requests: SqlRepository[ServiceRequest] = self.uow.requests
            oldest = requests._select(is_open, order_by=(c.registered_at, c.id), limit=limit)
        return OpenSummary(sum(by_status.values()), late, by_status, tuple(oldest))


class SqlQualityReports(QualityReports):
    def __init__(self, uow: SqlTransaction) -> None:
        self.uow = uow

    def tallies(
        self, month: Month, start: datetime, end: datetime, satisfied_from: int
    ) -> list[QualityTally]:
        e, r = t.events.c, t.requests.table.c
        co, cb = t.complaints.table.c, t.callbacks.table.c
        one, none = sa.literal(1), sa.literal(0)
        accepted = sa.select(e.aggregate_id).where(
            e.stream == "request", e.type == "WorkAccepted", e.at >= start, e.at < end
        )
        jobs = sa.select(
            r.item_id.label("item"),
            r.worker_id.label("worker"),
            one.label("jobs"),
            sa.case((json_scalar(r.document, "deadline_missed") == "true", 0), else_=1).label(
                "on_time"
            ),
            sa.case((json_scalar(r.document, "rework_count") == "0", 1), else_=0).label("ftf"),
            none.label("complaints"),
            none.label("reached"),
            none.label("satisfied"),
        ).where(r.id.in_(accepted))
        filed = sa.select(
            json_scalar(co.document, "item_id"),
            json_scalar(co.document, "worker_id"),
            none,
            none,
            none,
            one,
            none,
            none,
        ).where(co.filed_at >= start, co.filed_at < end)
        score = sa.cast(json_scalar(cb.document, "satisfaction"), sa.Integer)
        reached = sa.select(
            json_scalar(cb.document, "job", "item_id"),
            json_scalar(cb.document, "job", "worker_id"),
            none,
            none,
            none,
            none,
            one,
            sa.case((score >= satisfied_from, 1), else_=0),
        ).where(
            cb.month == str(month),
            json_scalar(cb.document, "status") == CallbackStatus.REACHED.value,
            json_scalar(cb.document, "satisfaction").is_not(None),
        )
        parts = sa.union_all(jobs, filed, reached).subquery()
        p = parts.c
        query = (
            sa.select(
                p.item,
                p.worker,
                *(sa.func.sum(column) for column in list(p)[2:]),
            )
            .group_by(p.item, p.worker)
            .order_by(p.item.is_not(None), p.item, p.worker.is_not(None), p.worker)
        )
        return [
            QualityTally(
                None if item is None else ItemId(item),
                None if worker is None else WorkerId(worker),
                *(int(n) for n in counts),
            )
            for item, worker, *counts in self.uow.execute(query)
        ]


class SqlBillingReports(BillingReports):
    def __init__(self, uow: Any) -> None:
        self.uow = uow  # the unit of work: the agreement fees read its repositories

    def item_money(self, period: Period, start: datetime, end: datetime) -> list[ItemMoney]:
        ch, co = t.charges.table.c, t.costs.table.c
        charge_item = json_scalar(ch.document, "item_id")
        charge_currency = json_scalar(ch.document, "currency")
        charged = (
            sa.select(charge_item, charge_currency, sa.func.sum(ch.amount))
            .where(ch.confirmed_at >= start, ch.confirmed_at < end)
            .group_by(charge_item, charge_currency)
        )
        cost_item = json_scalar(co.document, "item_id")
        cost_currency = json_scalar(co.document, "amount", "currency")
        spent = (
            sa.select(
                cost_item,
                cost_currency,
                sa.func.sum(_fen(json_scalar(co.document, "amount", "amount"))),
            )
            .where(co.recorded_at >= start, co.recorded_at < end)
            .group_by(cost_item, cost_currency)
        )
        revenue: dict[tuple[str, str], Decimal] = {}
        cost: dict[tuple[str, str], Decimal] = {}
        for item, currency, amount in self.uow.execute(charged):
            revenue[item, currency] = amount if amount is not None else Decimal("0.00")
        for item_id, fee in agreement_fees(self.uow.agreements, self.uow.statements, period):
            key = (item_id.value, fee.currency)
            revenue[key] = revenue.get(key, Decimal("0.00")) + fee.amount
        for item, currency, fen in self.uow.execute(spent):
            cost[item, currency] = _in_fen(fen)
        zero = Decimal("0.00")
        return [
            ItemMoney(ItemId(item), currency, revenue.get(key, zero), cost.get(key, zero))
            for key in sorted(revenue.keys() | cost.keys())
            for item, currency in (key,)
        ]

    def overdue_statement_rows(self, now: datetime) -> list[OverdueStatementRow]:
        query = fixed_statements.overdue_statements()
        # its columns are the port row's, in order
        return list(map(cursor.tuple_maker(OverdueStatementRow), self.uow.run(query, {"now": now})))
