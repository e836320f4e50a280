"""``desk.ratings``: one rating, the follow-ups overdue, and the month's figures.

A month's figures are the ratings given in it (in the organisation's zone), counted by
the store per item, window, department and member of staff and level (rule
ratings.monthly-figures).  The satisfaction rate is the satisfied ratings over all of
them, to 4 places; ``None`` where nobody rated, not a rate of zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import cast

import attrs

from servicedesk.app.appraisal.ports import RatingFigure
from servicedesk.app.callbacks.queries import rate
from servicedesk.app.permissions import Access
from servicedesk.app.ratings.ports import RatingCount
from servicedesk.app.unit_of_work import Store, UnitOfWork
from servicedesk.app.zone import ZonedQueries
from servicedesk.domain.appraisal import AppraisalPeriod
from servicedesk.domain.callbacks import Month
from servicedesk.domain.ratings import (
    Dimension,
    FollowUp,
    RatedService,
    Rating,
    RatingChannel,
    RatingId,
    RatingLevel,
    RatingScale,
)
from servicedesk.domain.values import Actor, ActorId, aware
from servicedesk.policies.manager import Policies


def _frozen_counts(value: Mapping[RatingLevel, int]) -> Mapping[RatingLevel, int]:
    return MappingProxyType(dict(value))


@attrs.frozen
class RatingFigures:
    """How many ratings fell on each level of the scale (best first), and the rate."""

    counts: Mapping[RatingLevel, int] = attrs.field(converter=_frozen_counts)
    total: int
    satisfied: int
    bad: int

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return rate(self.satisfied, self.total)

    @classmethod
    def of(cls, counts: Mapping[RatingLevel, int], scale: RatingScale) -> RatingFigures:
        full = {level: counts.get(level, 0) for level in scale.levels}
        return cls(
            full,
            sum(full.values()),
            sum(n for level, n in full.items() if scale.is_satisfied(level)),
            sum(n for level, n in full.items() if scale.is_bad(level)),
        )


@attrs.frozen
class RatingReport:
    """The month's ratings in all, and per item, window, department and member of staff."""

    month: Month
    total: RatingFigures
    by_item: dict[str, RatingFigures]
    by_window: dict[str, RatingFigures]
    by_department: dict[str, RatingFigures]
    by_staff: dict[str, RatingFigures]


@attrs.frozen
class StaffRatings:
    """One member of staff's ratings of one month: what an appraisal reads.

    ``counts`` has every level of the scale, best first; ``satisfaction_rate`` is ``None``
    when nobody rated him that month.
    """

    staff_id: str
    month: Month
    counts: Mapping[RatingLevel, int] = attrs.field(converter=_frozen_counts)
    total: int
    satisfied: int
    bad: int
    satisfaction_rate: Decimal | None


@attrs.frozen
class RatingView:
    id: RatingId
    service: RatedService
    level: RatingLevel
    channel: RatingChannel
    month: Month
    rated_by: ActorId
    by_requester: bool
    given_at: datetime
    follow_up: FollowUp | None
    overdue: bool

    @classmethod
    def of(cls, rating: Rating, now: datetime) -> RatingView:
        return cls(
            id=rating.id,
            service=rating.service,
            level=rating.level,
            channel=rating.channel,
            month=rating.month,
            rated_by=rating.rated_by,
            by_requester=rating.evidence is None,
            given_at=rating.given_at,
            follow_up=rating.follow_up,
            overdue=rating.follow_up is not None and rating.follow_up.is_overdue(now),
        )


def roll_up(
    counts: Iterable[RatingCount], scale: RatingScale
) -> tuple[dict[RatingLevel, int], dict[Dimension, dict[str, dict[RatingLevel, int]]]]:
    """The counts in all and per dimension and key (a rating without a key is left out)."""
    total: dict[RatingLevel, int] = defaultdict(int)
    by: dict[Dimension, dict[str, dict[RatingLevel, int]]] = {d: {} for d in Dimension}
    for row in counts:
        total[row.level] += row.count
        keys = {
            Dimension.ITEM: row.item_id,
            Dimension.WINDOW: row.window_id,
            Dimension.DEPARTMENT: row.department_id,
            Dimension.STAFF: row.staff_id,
        }
        for dimension, key in keys.items():
            if key is not None:
                level_counts = by[dimension].setdefault(key, defaultdict(int))
                level_counts[row.level] += row.count
    return dict(total), by


class RatingQueries(ZonedQueries):
    """``desk.ratings``: public ratings and their follow-ups."""

    def __init__(
        self, store: Store, policies: Policies, clock: Callable[[], datetime], access: Access
    ) -> None:
        self.store = store
        self.policies = policies
        self.clock = clock
        self.access = access

    def rating(self, rating_id: RatingId | str, *, actor: Actor | None = None) -> RatingView:
        """One rating and its follow-up; a requester reads the ratings of his own services."""
        rating_id = RatingId(rating_id)
        service_id = rating_id.value.partition(":")[2]
        self.access.check("ratings.rating", actor, rating_id, service_id or None)
        now = aware(self.clock(), "clock time")
        with self.store.reading() as uow:
            rating = uow.ratings.get(rating_id)
        return RatingView.of(rating, now)

    def overdue_follow_ups(
        self, *, now: datetime | None = None, actor: Actor | None = None
    ) -> list[RatingView]:
        """Bad ratings whose follow-up is still open past its deadline, the longest due first."""
        self.access.check("ratings.overdue_follow_ups", actor)
        at = aware(now if now is not None else self.clock(), "time")
        with self.store.reading() as uow:
            ratings = uow.ratings.overdue_follow_ups(at)
        return [RatingView.of(rating, at) for rating in ratings]

    def report(self, month: Month | str, *, actor: Actor | None = None) -> RatingReport:
        """The month's ratings per item, window, department and member of staff."""
        self.access.check("ratings.report", actor)
        month = Month.parse(month)
        scale = self.policies.rating_scale()
        with self.store.reading() as uow:
            counts = uow.ratings.counts(month)
        total, by = roll_up(counts, scale)

        def figures(dimension: Dimension) -> dict[str, RatingFigures]:
            rows = by[dimension]
            return {key: RatingFigures.of(rows[key], scale) for key in sorted(rows)}

        return RatingReport(
            month,
            RatingFigures.of(total, scale),
            figures(Dimension.ITEM),
            figures(Dimension.WINDOW),
            figures(Dimension.DEPARTMENT),
            figures(Dimension.STAFF),
        )

    def staff(
        self, staff_id: ActorId | str, month: Month | str, *, actor: Actor | None = None
    ) -> StaffRatings:
        """One member of staff's ratings of ``month`` (a worker's by his worker id)."""
        self.access.check("ratings.staff", actor)
        scale = self.policies.rating_scale()
        with self.store.reading() as uow:
            return staff_ratings(uow, scale, staff_id, month)


def staff_ratings(
    uow: UnitOfWork, scale: RatingScale, staff_id: ActorId | str, month: Month | str
) -> StaffRatings:
    """One member of staff's ratings of ``month``, read in ``uow``: what ``desk.ratings.staff``
    answers, for a handler that needs them inside its own unit of work (an appraisal)."""
    staff = ActorId(staff_id).value
    month = Month.parse(month)
    total, _by = roll_up(uow.ratings.counts(month, staff_id=staff), scale)
    figures = RatingFigures.of(total, scale)
    return StaffRatings(
        staff,
        month,
        figures.counts,
        figures.total,
        figures.satisfied,
        figures.bad,
        figures.satisfaction_rate,
    )


def appraisal_ratings(
    uow: object, policies: object, staff: ActorId, period: AppraisalPeriod
) -> RatingFigure:
    """A person's ratings over every month of an appraisal's period, read in its drawing ``uow``.

    What the desk wires as the appraisal's ``rating_figures`` port: the months' counts added up,
    and the satisfaction rate of the sum (``None`` when nobody rated).
    """
    # The port is typed loosely (the unit of work imports the appraisal port): these are the desk's.
    work, rules = cast(UnitOfWork, uow), cast(Policies, policies)
    scale = rules.rating_scale()
    counts: dict[RatingLevel, int] = defaultdict(int)
    for month in period.months():
        for level, count in staff_ratings(work, scale, staff, month).counts.items():
            counts[level] += count
    figures = RatingFigures.of(counts, scale)
    return RatingFigure(figures.total, figures.satisfaction_rate)
