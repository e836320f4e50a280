"""Public ratings (好差评): a requester's rating of one service, and a bad one's follow-up.

After a job, a hall application or a visit to a window, its requester (the applicant, the
visitor) rates the service once, on the organisation's scale (rule ratings.public-rating):
非常满意 / 满意 / 基本满意 / 不满意 / 非常不满意 by default.  A rating's id is derived from the
service it rates (``RatingId.of``), so a second rating of the same service is refused by the
key itself (rule ratings.once-per-service).  A rating on one of the scale's bad levels opens
a follow-up (整改) with an owner and a deadline in working time; its outcome is recorded and
the rater is told (rule ratings.bad-rating-follow-up).  The rating carries what it rates by
(item, window, department, member of staff) and its month, so that the month's figures are
counted from the ratings alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar, Self
from zoneinfo import ZoneInfo

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.calendar import WorkingCalendar
from servicedesk.domain.callbacks import Month
from servicedesk.domain.deadlines import WorkingBudget
from servicedesk.domain.errors import IllegalTransition, InvalidValue, PolicyError
from servicedesk.domain.events import Event
from servicedesk.domain.values import (
    ActorId,
    Choice,
    Identifier,
    RequesterEvidence,
    check_text,
)
from servicedesk.i18n import N_, _


class RatingLevel(Choice):
    """The five levels of the public rating, best first (the scale's policy orders them)."""

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"


#: How a clerk reads each level (translated where shown).
LEVEL_LABELS = {
    RatingLevel.VERY_SATISFIED: N_("very satisfied"),
    RatingLevel.SATISFIED: N_("satisfied"),
    RatingLevel.BASICALLY_SATISFIED: N_("basically satisfied"),
    RatingLevel.DISSATISFIED: N_("dissatisfied"),
    RatingLevel.VERY_DISSATISFIED: N_("very dissatisfied"),
}


class RatingChannel(Choice):
    """Where the rating was given."""

    IN_PERSON = "in_person"
    SMS_LINK = "sms_link"
    APP = "app"
    QR_CODE = "qr_code"  # the code at the window


class ServiceKind(Choice):
    """What is rated: a job (service request), a hall application, a visit to a window."""

    JOB = "job"
    APPLICATION = "application"
    VISIT = "visit"


class ToldBy(Choice):
    """How the rater was told the follow-up's outcome."""

    PHONE = "phone"
    SMS = "sms"
    IN_PERSON = "in_person"
    APP = "app"


@attrs.frozen
class RatingScale:
    """The levels a rating may take, best first; which count as satisfied, which are bad.

    The satisfaction rate is the satisfied ratings over all ratings; a bad rating opens a
    follow-up.  No level is both.
    """

    levels: tuple[RatingLevel, ...] = tuple(RatingLevel)
    satisfied: frozenset[RatingLevel] = frozenset(
        {RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.BASICALLY_SATISFIED}
    )
    bad: frozenset[RatingLevel] = frozenset(
        {RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED}
    )

    def __attrs_post_init__(self) -> None:
        levels = self.levels
        ok = (
            isinstance(levels, tuple)
            and len(levels) >= 2
            and all(isinstance(level, RatingLevel) for level in levels)
            and len(set(levels)) == len(levels)
            and isinstance(self.satisfied, frozenset)
            and isinstance(self.bad, frozenset)
            and bool(self.satisfied)
            and self.satisfied <= set(levels)
            and self.bad <= set(levels)
            and not self.satisfied & self.bad
        )
        if not ok:
            raise PolicyError(
                _(
                    "A rating scale needs two or more distinct levels, some of them satisfied, "
                    "and no level both satisfied and bad."
                ),
                code="rating.policy_unusable",
            )

    def check(self, level: object) -> RatingLevel:
        """The level, if the scale has it; a typed error otherwise."""
        if isinstance(level, RatingLevel) and level in self.levels:
            return level
        raise InvalidValue(
            _("A rating is one of: {levels}."),
            field="level",
            code="rating.invalid",
            levels=", ".join(level.value for level in self.levels),
        )

    def is_bad(self, level: RatingLevel) -> bool:
        return level in self.bad

    def is_satisfied(self, level: RatingLevel) -> bool:
        return level in self.satisfied


_VISIT = re.compile(r"(\d{4}-\d{2}-\d{2}):([A-Za-z0-9]{1,12})")


@attrs.frozen
class VisitId(Identifier):
    """Identifies one visit to a window: the day's queue and the ticket's number."""

    @classmethod
    def of(cls, day: date, number: str) -> VisitId:
        return cls(f"{day.isoformat()}:{number}")

    def parts(self) -> tuple[date, str]:
        """The day and the ticket's number; a typed error when the id is not a visit's."""
        match = _VISIT.fullmatch(self.value)
        if match is not None:
            try:
                return date.fromisoformat(match[1]), match[2]
            except ValueError:
                pass
        raise InvalidValue(
            _("A visit is named by its day and its number, like 2026-05-11:A003."),
            field="visit_id",
            code="rating.invalid",
        )


@attrs.frozen
class RatingId(Identifier):
    """Identifies the rating of one service: ``job:r-1``; one service, one rating id."""

    longest_given: ClassVar[int] = 64  # derived, and given back whole

    @classmethod
    def of(cls, kind: ServiceKind, service_id: Identifier | str) -> RatingId:
        return cls(f"{ServiceKind(kind).value}:{service_id}")


@attrs.frozen(kw_only=True)
class RatedService:
    """The service a rating is about, and what its figures are counted by.

    Ids are plain text: a job's item is a catalogue item, an application's a hall item.
    """

    kind: ServiceKind = attrs.field(converter=ServiceKind)
    service_id: str
    item_id: str | None = None
    window_id: str | None = None
    department_id: str | None = None
    staff_id: str | None = None
    served_at: datetime


@attrs.frozen
class FollowUpTerms:
    """What the policy gives a bad rating's follow-up: who owns it, and in what working time."""

    owner: ActorId
    within: WorkingBudget

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.owner, ActorId) or not isinstance(self.within, WorkingBudget):
            raise PolicyError(
                _("A follow-up needs an owner (an ActorId) and a WorkingBudget."),
                code="rating.policy_unusable",
            )


@attrs.frozen(kw_only=True)
class FollowUp:
    """The rectification (整改) of a bad rating: opened, closed with its outcome, told."""

    owner: ActorId
    opened_at: datetime
    due: datetime
    closed_at: datetime | None = None
    closed_by: ActorId | None = None
    outcome: str = ""
    told_at: datetime | None = None
    told_by: ToldBy | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and self.due < now


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RatingGiven(Event):
    rating_id: RatingId
    service: RatedService
    level: RatingLevel
    channel: RatingChannel
    month: Month
    rated_by: ActorId
    #: How the requester gave it, when a member of staff recorded it for him.
    evidence: RequesterEvidence | None = None


@attrs.frozen(kw_only=True)
class FollowUpOpened(Event):
    rating_id: RatingId
    owner: ActorId
    due: datetime


@attrs.frozen(kw_only=True)
class FollowUpClosed(Event):
    rating_id: RatingId
    by: ActorId
    outcome: str


@attrs.frozen(kw_only=True)
class RaterTold(Event):
    rating_id: RatingId
    by: ActorId
    channel: ToldBy


# --- the aggregate -------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class Rating(Aggregate[RatingId]):
    service: RatedService
    level: RatingLevel
    channel: RatingChannel
    month: Month
    rated_by: ActorId
    evidence: RequesterEvidence | None = None
    given_at: datetime
    follow_up: FollowUp | None = None

    @classmethod
    def give(
        cls,
        service: RatedService,
        *,
        level: RatingLevel,
        channel: RatingChannel,
        by: ActorId,
        by_requester: bool,
        evidence: RequesterEvidence | None,
        scale: RatingScale,
        zone: ZoneInfo,
        at: datetime,
        follow_up: FollowUpTerms | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> Rating:
        """The rating of ``service`` by its requester (``by_requester``), or recorded for him.

        A bad level needs the follow-up's terms and the calendar its deadline is counted in;
        any other level opens none.
        """
        level = scale.check(level)
        if not by_requester and evidence is None:
            raise InvalidValue(
                _(
                    "A rating is the requester's own: given by him, or recorded with how he "
                    "gave it and who witnessed it."
                ),
                field="evidence",
                code="rating.invalid",
            )
        if at < service.served_at:
            raise IllegalTransition(
                _("Service {id} is rated after it is served, not before."),
                code="rating.illegal_transition",
                id=service.service_id,
            )
        bad = scale.is_bad(level)
        if bad and (follow_up is None or calendar is None):
            raise PolicyError(
                _("A bad rating opens a follow-up: its terms and calendar are needed."),
                code="rating.policy_unusable",
            )
        local = at.astimezone(zone)
        rating = cls._create(
            RatingGiven(
                at=at,
                rating_id=RatingId.of(service.kind, service.service_id),
                service=service,
                level=level,
                channel=RatingChannel(channel),
                month=Month(local.year, local.month),
                rated_by=by,
                evidence=evidence,
            )
        )
        if bad:
            assert follow_up is not None
            assert calendar is not None
            due = follow_up.within.due(calendar, at)
            rating._record(
                FollowUpOpened(at=at, rating_id=rating.id, owner=follow_up.owner, due=due)
            )
        return rating

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up is not None and self.follow_up.is_open

    def close_follow_up(self, *, by: ActorId, outcome: str, overrule: bool, at: datetime) -> None:
        """The follow-up's outcome, by its owner (or by a manager, ``overrule``)."""
        follow_up = self._open_follow_up()
        if by != follow_up.owner and not overrule:
            raise IllegalTransition(
                _("The follow-up of rating {id} is {owner}'s; its owner or a manager closes it."),
                code="rating.illegal_transition",
                id=self.id,
                owner=follow_up.owner,
            )
        text = check_text(outcome, "follow-up outcome", 1000)
        self._record(FollowUpClosed(at=at, rating_id=self.id, by=by, outcome=text))

    def tell_rater(self, *, by: ActorId, channel: ToldBy, at: datetime) -> None:
        """The rater was told the outcome: once, after it was recorded."""
        follow_up = self.follow_up
        if follow_up is None or follow_up.is_open or follow_up.told_at is not None:
            raise IllegalTransition(
                _("Rating {id}'s rater is told a follow-up's outcome once, after it is recorded."),
                code="rating.illegal_transition",
                id=self.id,
            )
        self._record(RaterTold(at=at, rating_id=self.id, by=by, channel=ToldBy(channel)))

    def _open_follow_up(self) -> FollowUp:
        if self.follow_up is None or not self.follow_up.is_open:
            raise IllegalTransition(
                _("Rating {id} has no open follow-up."),
                code="rating.illegal_transition",
                id=self.id,
            )
        return self.follow_up

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case RatingGiven():
                return cls(
                    event.rating_id,
                    service=event.service,
                    level=event.level,
                    channel=event.channel,
                    month=event.month,
                    rated_by=event.rated_by,
                    evidence=event.evidence,
                    given_at=event.at,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case FollowUpOpened():
                self.follow_up = FollowUp(owner=event.owner, opened_at=event.at, due=event.due)
            case FollowUpClosed():
                assert self.follow_up is not None
                self.follow_up = attrs.evolve(
                    self.follow_up, closed_at=event.at, closed_by=event.by, outcome=event.outcome
                )
            case RaterTold():
                assert self.follow_up is not None
                self.follow_up = attrs.evolve(
                    self.follow_up, told_at=event.at, told_by=event.channel
                )
            case _:
                super().apply(event)


class Dimension(StrEnum):
    """What the month's ratings are rolled up by."""

    ITEM = "item"
    WINDOW = "window"
    DEPARTMENT = "department"
    STAFF = "staff"


def key_of(service: RatedService, dimension: Dimension) -> str | None:
    return {
        Dimension.ITEM: service.item_id,
        Dimension.WINDOW: service.window_id,
        Dimension.DEPARTMENT: service.department_id,
        Dimension.STAFF: service.staff_id,
    }[dimension]


def counts_of(levels: Iterable[RatingLevel], scale: RatingScale) -> dict[RatingLevel, int]:
    """How many of ``levels`` fall on each level of ``scale`` (zeros included), best first."""
    counts = dict.fromkeys(scale.levels, 0)
    for level in levels:
        counts[level] = counts.get(level, 0) + 1
    return counts
