"""Quality evaluation (rule callbacks.quality-rates): rates per item, per worker and per month.

The figures a centre manager bases a quality evaluation and a performance review on: of the
jobs the requesters accepted in a month, how many met their deadline, how many needed no
rework (first-time fix), how many drew a complaint, and how satisfied the requesters called
back were.  Rates are exact decimals (4 places), ``None`` where nothing was measured: a
worker with no callback has no satisfaction rate, not a rate of zero.

A month's figures are the jobs accepted in it, the complaints filed in it and the callbacks
planned for it (those jobs); a complaint raised in April about a March job counts in April.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

import attrs

from servicedesk.app.complaints.handlers import request_cases
from servicedesk.app.complaints.lists import CALLBACKS, CallbackFilter, CallbackRow
from servicedesk.app.page_queries import DeskQueries
from servicedesk.app.pages import DEFAULT_LIMIT, Page
from servicedesk.domain.callbacks import Callback, CallbackStatus, Month
from servicedesk.domain.complaints import CallbackId, Complaint, ComplaintId
from servicedesk.domain.requests import ServiceRequest
from servicedesk.domain.satisfaction import SatisfactionScale
from servicedesk.domain.values import Actor, ItemId, RequestId, WorkerId

_PLACES = Decimal("0.0001")


def rate(part: int, whole: int) -> Decimal | None:
    """``part / whole`` to 4 places, half up; ``None`` when there is nothing to measure."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_PLACES, rounding=ROUND_HALF_UP)


@attrs.frozen
class QualityRow:
    """The counts behind the rates, so that a reader can check every rate."""

    jobs: int = 0
    on_time: int = 0
    first_time_fix: int = 0
    complaints: int = 0
    callbacks_reached: int = 0
    satisfied: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.jobs)

    @property
    def first_time_fix_rate(self) -> Decimal | None:
        return rate(self.first_time_fix, self.jobs)

    @property
    def complaint_rate(self) -> Decimal | None:
        return rate(self.complaints, self.jobs)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return rate(self.satisfied, self.callbacks_reached)

    def __add__(self, other: QualityRow) -> QualityRow:
        return QualityRow(
            *(a + b for a, b in zip(attrs.astuple(self), attrs.astuple(other), strict=True))
        )


@attrs.frozen
class QualityReport:
    month: Month
    total: QualityRow
    by_item: dict[ItemId, QualityRow]
    by_worker: dict[WorkerId, QualityRow]


@attrs.frozen
class ReviewInput:
    """What a performance review of one worker draws on for one month (rule
    staff.quality-in-appraisal).
    """

    worker_id: WorkerId
    month: Month
    figures: QualityRow
    complaints: tuple[ComplaintId, ...]
    scores: tuple[int, ...]


@attrs.frozen
class CallbackView:
    id: CallbackId
    month: Month
    request_id: RequestId
    item_id: ItemId
    worker_id: WorkerId | None
    status: CallbackStatus
    attempts: int
    next_attempt_at: datetime | None
    satisfaction: int | None
    remarks: str
    complaint_id: ComplaintId | None
    ended_reason: str

    @classmethod
    def of(cls, callback: Callback) -> CallbackView:
        return cls(
            id=callback.id,
            month=callback.month,
            request_id=callback.job.request_id,
            item_id=callback.job.item_id,
            worker_id=callback.job.worker_id,
            status=callback.status,
            attempts=len(callback.attempts),
            next_attempt_at=callback.next_attempt_at,
            satisfaction=callback.satisfaction,
            remarks=callback.remarks,
            complaint_id=callback.complaint_id,
            ended_reason=callback.ended_reason,
        )


def _tally(
    jobs: Iterable[ServiceRequest],
    complaints: Iterable[Complaint],
    callbacks: Iterable[Callback],
    scale: SatisfactionScale,
    key: Callable[[ItemId | None, WorkerId | None], Hashable | None],
) -> dict[Hashable, QualityRow]:
    rows: dict[Hashable, QualityRow] = defaultdict(QualityRow)

    def add(k: Hashable | None, row: QualityRow) -> None:
        if k is not None:
            rows[k] = rows[k] + row

    for job in jobs:
        add(
            key(job.item_id, job.worker_id),
            QualityRow(
                jobs=1,
                on_time=int(not job.deadline_missed),
                first_time_fix=int(job.rework_count == 0),
            ),
        )
    for complaint in complaints:
        add(key(complaint.item_id, complaint.worker_id), QualityRow(complaints=1))
    for callback in callbacks:
        if callback.status is CallbackStatus.REACHED and callback.job is not None:
            assert callback.satisfaction is not None
            satisfied = int(scale.satisfied(callback.satisfaction))
            row = QualityRow(callbacks_reached=1, satisfied=satisfied)
            add(key(callback.job.item_id, callback.job.worker_id), row)
    return dict(rows)


class QualityQueries(DeskQueries):
    """``desk.quality``: callbacks of a month and the quality evaluation built on them."""

    def callbacks_page(
        self,
        filter: CallbackFilter | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        cursor: str | None = None,
        sort: str | None = None,
        descending: bool | None = None,
        with_count: bool = False,
        actor: Actor | None = None,
    ) -> Page[CallbackRow]:
        """A page of callbacks by id (or month), of a status and next-attempt range if asked."""
        return self._pager.page(
            "quality.callbacks_page",
            CALLBACKS,
            lambda uow: uow.callbacks,
            CallbackFilter,
            filter,
            lambda f: f.conditions(),
            lambda _who, zone: partial(CallbackRow.of, zone=zone),
            actor=actor,
            limit=limit,
            cursor=cursor,
            sort=sort,
            descending=descending,
            with_count=with_count,
        )

    def callbacks(self, month: Month | str, *, actor: Actor | None = None) -> list[CallbackView]:
        self.access.check("quality.callbacks", actor)
        with self.store.reading() as uow:
            return [CallbackView.of(c) for c in uow.callbacks.list_for_month(Month.parse(month))]

    def _month(self, month: Month) -> tuple[list[ServiceRequest], list[Complaint], list[Callback]]:
        start, end = month.bounds(self.policies.calendar().tz)
        with self.store.reading() as uow:
            jobs = request_cases(uow).list_accepted_between(start, end)
            complaints = uow.complaints.list_filed_between(start, end)
            callbacks = uow.callbacks.list_for_month(month)
        return jobs, complaints, callbacks

    def report(self, month: Month | str, *, actor: Actor | None = None) -> QualityReport:
        """The month's figures, added up by the store per item and worker (one query)."""
        self.access.check("quality.report", actor)
        month = Month.parse(month)
        start, end = month.bounds(self.policies.calendar().tz)
        satisfied_from = self.policies.satisfaction_scale().satisfied_from
        with self.store.reading() as uow:
            tallies = uow.quality_reports.tallies(month, start, end, satisfied_from)
        total = QualityRow()
        by_item: dict[ItemId, QualityRow] = {}
        by_worker: dict[WorkerId, QualityRow] = {}
        for tally in tallies:
            row = QualityRow(*attrs.astuple(tally)[2:])
            total = total + row
            if tally.item_id is not None:
                by_item[tally.item_id] = by_item.get(tally.item_id, QualityRow()) + row
            if tally.worker_id is not None:
                by_worker[tally.worker_id] = by_worker.get(tally.worker_id, QualityRow()) + row
        return QualityReport(
            month,
            total,
            dict(sorted(by_item.items(), key=lambda kv: kv[0].value)),
            dict(sorted(by_worker.items(), key=lambda kv: kv[0].value)),
        )

    def trend(
        self, first: Month | str, last: Month | str, *, actor: Actor | None = None
    ) -> list[tuple[Month, QualityRow]]:
        """The month's totals, month by month from ``first`` to ``last`` included."""
        self.access.check("quality.trend", actor)
        month, end = Month.parse(first), Month.parse(last)
        rows = []
        while month <= end:
            rows.append((month, self.report(month, actor=actor).total))
            month = month.next()
        return rows

    def review_input(
        self, worker_id: WorkerId | str, month: Month | str, *, actor: Actor | None = None
    ) -> ReviewInput:
        self.access.check("quality.review_input", actor)
        worker_id = WorkerId(worker_id)
        month = Month.parse(month)
        jobs, complaints, callbacks = self._month(month)
        scale = self.policies.satisfaction_scale()
        rows = _tally(jobs, complaints, callbacks, scale, key=lambda _i, worker: worker)
        mine = [c for c in callbacks if c.job is not None and c.job.worker_id == worker_id]
        return ReviewInput(
            worker_id,
            month,
            rows.get(worker_id, QualityRow()),
            tuple(c.id for c in complaints if c.worker_id == worker_id),
            tuple(c.satisfaction for c in mine if c.satisfaction is not None),
        )
