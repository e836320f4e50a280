"""Callbacks (回访): a monthly sample of completed jobs, called back and scored (rule
callbacks.monthly-sample).

The sample is drawn per service item, reproducibly from a seed, preferring requesters not
called yet that month.  A callback records only what a person reported: reached or not, the
score and remarks (rule callbacks.as-reported).  An unreached callback
stays open until the retry policy ends it, and the record says that the policy ended it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence, Set
from datetime import date, datetime, timedelta
from enum import StrEnum
from random import Random
from typing import Self
from zoneinfo import ZoneInfo

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.complaints import CallbackId, ComplaintId
from servicedesk.domain.errors import IllegalTransition, InvalidValue, PolicyError
from servicedesk.domain.events import Event
from servicedesk.domain.privacy import personal
from servicedesk.domain.satisfaction import SatisfactionScale
from servicedesk.domain.values import (
    ActorId,
    Identifier,
    ItemId,
    Requester,
    RequestId,
    WorkerId,
)
from servicedesk.i18n import _

_MONTH = re.compile(r"(\d{4})-(\d{2})")


@attrs.frozen(order=True)
class Month:
    """A calendar month of the organisation, e.g. ``Month.parse("2026-03")``."""

    year: int
    month: int

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 2000 <= self.year <= 9999:
            raise InvalidValue(
                _("{value!r} is not a month."), code="callback.invalid", value=str(self)
            )

    @classmethod
    def parse(cls, text: Month | str) -> Month:
        if isinstance(text, Month):
            return text
        match = _MONTH.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidValue(
                _("A month is written like 2026-03, not {value!r}."),
                code="callback.invalid",
                value=text,
            )
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) of the month in the organisation's zone."""
        start = datetime.combine(self.first_day(), datetime.min.time(), tzinfo=tz)
        end = datetime.combine(self.next().first_day(), datetime.min.time(), tzinfo=tz)
        return start, end


def requester_key(requester: Requester) -> str:
    """Who is called, without keeping their phone number twice: a digest of the number."""
    digits = "".join(ch for ch in requester.contact.phone if ch.isdigit())
    return hashlib.sha256(digits.encode()).hexdigest()[:16]


@attrs.frozen
class Job:
    """A completed, accepted job that may be called back."""

    request_id: RequestId
    item_id: ItemId
    worker_id: WorkerId | None
    requester_key: str


def default_sample_size(completed: int) -> int:
    """5 jobs per item and month, or all of them if fewer (rule callbacks.monthly-sample)."""
    return min(completed, 5)


def draw_sample(jobs: Sequence[Job], size: int, rng: Random, called: Set[str]) -> list[Job]:
    """``size`` jobs, drawn by ``rng``; requesters not yet ``called`` come first.

    The jobs are put in a canonical order before shuffling, so the same seed draws the same
    sample whatever order a store listed them in.
    """
    order = sorted(jobs, key=lambda job: job.request_id.value)
    rng.shuffle(order)
    fresh: list[Job] = []
    again: list[Job] = []
    seen = set(called)
    for job in order:
        if job.requester_key in seen:
            again.append(job)
        else:
            fresh.append(job)
            seen.add(job.requester_key)
    return (fresh + again)[:size]


@attrs.frozen
class RetryPolicy:
    """How often an unreached requester is tried, and how long to wait between tries."""

    attempts: int = 3
    wait: timedelta = timedelta(hours=4)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.attempts, bool) or not isinstance(self.attempts, int):
            raise PolicyError(
                _("A retry policy needs a whole number of attempts."),
                code="callback.policy_unusable",
            )
        if self.attempts < 1 or not isinstance(self.wait, timedelta) or self.wait <= timedelta(0):
            raise PolicyError(
                _("A retry policy needs at least one attempt and a positive wait."),
                code="callback.policy_unusable",
            )


class CallbackStatus(StrEnum):
    OPEN = "open"
    REACHED = "reached"
    UNREACHED = "unreached"  # ended by the retry policy


@attrs.frozen
class Attempt:
    at: datetime
    by: ActorId
    reached: bool


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CallbackScheduled(Event):
    callback_id: CallbackId
    month: Month
    job: Job


@attrs.frozen(kw_only=True)
class CallbackNotReached(Event):
    callback_id: CallbackId
    by: ActorId
    next_attempt_at: datetime | None


@attrs.frozen(kw_only=True)
class CallbackAbandoned(Event):
    """The retry policy ended the callback: the record says so, nobody claims a call."""

    callback_id: CallbackId
    attempts: int


@attrs.frozen(kw_only=True)
class CallbackReached(Event):
    callback_id: CallbackId
    by: ActorId
    satisfaction: int
    remarks: str = personal(default="")
    complaint_id: ComplaintId | None = None


# --- aggregate -----------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class Callback(Aggregate[CallbackId]):
    month: Month
    job: Job
    status: CallbackStatus = CallbackStatus.OPEN
    attempts: tuple[Attempt, ...] = ()
    next_attempt_at: datetime | None = None
    satisfaction: int | None = None
    remarks: str = personal(default="")
    complaint_id: ComplaintId | None = None
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status is CallbackStatus.OPEN

    @property
    def ended_reason(self) -> str:
        """Why an unreached callback is closed, in words for the callback list."""
        if self.status is not CallbackStatus.UNREACHED:
            return ""
        return _("Not reached after {n} attempts; the retry policy ended the callback.").format(
            n=len(self.attempts)
        )

    @classmethod
    def schedule(cls, callback_id: CallbackId, *, month: Month, job: Job, at: datetime) -> Callback:
        return cls._create(CallbackScheduled(at=at, callback_id=callback_id, month=month, job=job))

    def record_reached(
        self,
        *,
        by: ActorId,
        satisfaction: int,
        scale: SatisfactionScale,
        at: datetime,
        remarks: str = "",
        complaint_id: ComplaintId | None = None,
    ) -> None:
        """What the requester said, as the caller reports it."""
        self._still_open()
        satisfaction = scale.check(satisfaction)
        if remarks and (not isinstance(remarks, str) or len(remarks) > 1000):
            raise InvalidValue(
                _("The remarks are longer than 1000 characters."), code="callback.invalid"
            )
        self._record(
            CallbackReached(
                at=at,
                callback_id=self.id,
                by=by,
                satisfaction=satisfaction,
                remarks=remarks.strip(),
                complaint_id=complaint_id,
            )
        )

    def record_not_reached(
        self, *, by: ActorId, retry: RetryPolicy, calendar: WorkingCalendar, at: datetime
    ) -> None:
        """One more unanswered call; the last one the policy allows ends the callback.

        Tries are spaced as the policy says, so that three calls in three minutes cannot end
        a callback nobody really tried to make.
        """
        self._still_open()
        if self.next_attempt_at is not None and at < self.next_attempt_at:
            raise IllegalTransition(
                _("Callback {id} is to be tried again from {when}, not before."),
                code="callback.illegal_transition",
                id=self.id,
                when=self.next_attempt_at.isoformat(timespec="minutes"),
            )
        tried = len(self.attempts) + 1
        final = tried >= retry.attempts
        next_at = None if final else calendar.add(at, retry.wait)
        self._record(CallbackNotReached(at=at, callback_id=self.id, by=by, next_attempt_at=next_at))
        if final:
            self._record(CallbackAbandoned(at=at, callback_id=self.id, attempts=tried))

    def _still_open(self) -> None:
        if not self.is_open:
            raise IllegalTransition(
                _("Callback {id} is {status}; nothing more can be recorded."),
                code="callback.illegal_transition",
                id=self.id,
                status=self.status,
            )

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case CallbackScheduled():
                return cls(event.callback_id, month=event.month, job=event.job, updated_at=event.at)
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        self.updated_at = event.at
        match event:
            case CallbackNotReached():
                self.attempts = (*self.attempts, Attempt(event.at, event.by, reached=False))
                self.next_attempt_at = event.next_attempt_at
            case CallbackAbandoned():
                self.status = CallbackStatus.UNREACHED
            case CallbackReached():
                self.attempts = (*self.attempts, Attempt(event.at, event.by, reached=True))
                self.satisfaction, self.remarks = event.satisfaction, event.remarks
                self.complaint_id, self.next_attempt_at = event.complaint_id, None
                self.status = CallbackStatus.REACHED
            case _:
                super().apply(event)


# --- the monthly plan ----------------------------------------------------------------------------


@attrs.frozen
class CallbackPlanId(Identifier):
    """Identifies the callback plan of one month: one plan per month, by construction."""

    @classmethod
    def of(cls, month: Month) -> CallbackPlanId:
        return cls(f"callbacks-{month}")


@attrs.frozen
class ItemDraw:
    """What was drawn for one item: out of how many completed jobs, which ones."""

    item_id: ItemId
    completed: int
    drawn: tuple[RequestId, ...]


@attrs.frozen
class ScheduledVisit:
    """A visit a long-term agreement promises this month (rule billing.agreement-visits)."""

    agreement_id: str
    due: date
    note: str = ""


@attrs.frozen(kw_only=True)
class CallbacksPlanned(Event):
    plan_id: CallbackPlanId
    month: Month
    seed: str
    draws: tuple[ItemDraw, ...]
    visits: tuple[ScheduledVisit, ...] = ()


@attrs.define(kw_only=True)
class CallbackPlan(Aggregate[CallbackPlanId]):
    """The month's draw, kept so that anyone can check it and nobody can draw twice."""

    month: Month
    seed: str
    draws: tuple[ItemDraw, ...]
    visits: tuple[ScheduledVisit, ...]

    @classmethod
    def plan(
        cls,
        month: Month,
        *,
        seed: str,
        draws: Iterable[ItemDraw],
        visits: Iterable[ScheduledVisit],
        at: datetime,
    ) -> CallbackPlan:
        return cls._create(
            CallbacksPlanned(
                at=at,
                plan_id=CallbackPlanId.of(month),
                month=month,
                seed=seed,
                draws=tuple(draws),
                visits=tuple(visits),
            )
        )

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case CallbacksPlanned():
                return cls(
                    event.plan_id,
                    month=event.month,
                    seed=event.seed,
                    draws=event.draws,
                    visits=event.visits,
                )
            case _:
                return super().created(event)
