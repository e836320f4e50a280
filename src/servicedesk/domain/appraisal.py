"""Staff appraisal (考核评价): a periodic evaluation of one member of staff, and what follows.

An appraisal is drawn once per member of staff and period from the period's records (rule
staff.appraisal-figures): the jobs done and hall items handled, on time and fixed first
time, the complaints naming them, the callbacks reached and satisfied, the public ratings
and the discipline notes a manager entered.  The figures are frozen in the appraisal when it
is drawn, with the result the organisation's policy gives them (优秀/合格/不合格 by default).
A manager signs it, never the appraised person (rule staff.appraisal-signed); a failing
result then opens a rectification (整改) with an owner and a deadline in working time, or,
in serious cases, returns seconded hall staff to their home department (rule
staff.appraisal-outcomes).  The appraisal's id is derived from the person and the period,
so a second draw is refused by the key.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Self
from zoneinfo import ZoneInfo

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.callbacks import Month
from servicedesk.domain.errors import IllegalTransition, InvalidValue, PermissionDenied, PolicyError
from servicedesk.domain.events import Event
from servicedesk.domain.hall import DepartmentId
from servicedesk.domain.privacy import personal
from servicedesk.domain.values import ActorId, Identifier, check_text
from servicedesk.i18n import N_, _

_PLACES = Decimal("0.0001")
_PERIOD = re.compile(r"(\d{4})(?:-(\d{2})|-Q([1-4]))?")


def rate(part: int, whole: int) -> Decimal | None:
    """``part / whole`` to 4 places, half up; ``None`` when there is nothing to measure."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_PLACES, rounding=ROUND_HALF_UP)


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@attrs.frozen(order=True)
class AppraisalPeriod:
    """A month (``2026-03``), a quarter (``2026-Q1``) or a year (``2026``) of the organisation."""

    year: int
    #: The first month of the period.
    first: int
    #: How many months it spans: 1, 3 or 12.
    length: int

    def __attrs_post_init__(self) -> None:
        fits = (self.length == 1 and 1 <= self.first <= 12) or (
            (self.length, (self.first - 1) % self.length) in ((3, 0), (12, 0))
        )
        if not fits or not 2000 <= self.year <= 9999:
            raise InvalidValue(
                _("{value!r} is not an appraisal period."),
                code="appraisal.invalid",
                field="period",
                value=f"{self.year}/{self.first}/{self.length}",
            )

    @classmethod
    def parse(cls, text: AppraisalPeriod | Month | str) -> AppraisalPeriod:
        if isinstance(text, AppraisalPeriod):
            return text
        if isinstance(text, Month):
            return cls(text.year, text.month, 1)
        match = _PERIOD.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidValue(
                _("An appraisal period is written 2026-03, 2026-Q1 or 2026, not {value!r}."),
                code="appraisal.invalid",
                field="period",
                value=text if isinstance(text, str) and len(text) <= 40 else type(text).__name__,
            )
        year = int(match[1])
        if match[2] is not None:
            return cls(year, int(match[2]), 1)
        if match[3] is not None:
            return cls(year, 3 * int(match[3]) - 2, 3)
        return cls(year, 1, 12)

    @property
    def kind(self) -> PeriodKind:
        return {1: PeriodKind.MONTH, 3: PeriodKind.QUARTER}.get(self.length, PeriodKind.YEAR)

    def months(self) -> tuple[Month, ...]:
        return tuple(Month(self.year, m) for m in range(self.first, self.first + self.length))

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) of the period in the organisation's zone."""
        months = self.months()
        return months[0].bounds(tz)[0], months[-1].bounds(tz)[1]

    def __str__(self) -> str:
        if self.length == 1:
            return f"{self.year:04d}-{self.first:02d}"
        if self.length == 3:
            return f"{self.year:04d}-Q{(self.first + 2) // 3}"
        return f"{self.year:04d}"


@attrs.frozen
class AppraisalId(Identifier):
    """Identifies the appraisal of one member of staff for one period: one, by construction."""

    longest_given = 64

    @classmethod
    def of(cls, staff: ActorId, period: AppraisalPeriod) -> AppraisalId:
        return cls(f"{staff.value}:{period}")


@attrs.frozen
class DisciplineNoteId(Identifier):
    """Identifies one discipline note a manager entered about a member of staff."""


@attrs.frozen
class Figures:
    """What the period's records say of one member of staff: counts, so that rates check."""

    #: Jobs the requesters accepted in the period, of which on time and fixed first time.
    jobs: int = 0
    on_time: int = 0
    first_time_fix: int = 0
    #: Hall applications the person concluded (办结) in the period.
    hall_items: int = 0
    #: Complaints filed in the period naming the person.
    complaints: int = 0
    #: The period's callbacks reached about the person's jobs, and those satisfied.
    callbacks_reached: int = 0
    satisfied: int = 0
    #: Public ratings (好差评) of the person in the period, and their satisfaction rate.
    ratings: int = 0
    ratings_rate: Decimal | None = None
    #: Discipline notes a manager entered in the period.
    discipline_notes: int = 0

    def __attrs_post_init__(self) -> None:
        counts = attrs.astuple(self, filter=lambda a, _v: a.name != "ratings_rate")
        if any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in counts):
            raise InvalidValue(_("Appraisal figures are whole numbers."), code="appraisal.invalid")
        if self.on_time > self.jobs or self.first_time_fix > self.jobs:
            raise InvalidValue(_("Appraisal figures do not add up."), code="appraisal.invalid")
        if self.satisfied > self.callbacks_reached:
            raise InvalidValue(_("Appraisal figures do not add up."), code="appraisal.invalid")
        if self.ratings_rate is not None and not (
            isinstance(self.ratings_rate, Decimal) and 0 <= self.ratings_rate <= 1
        ):
            raise InvalidValue(_("Appraisal figures do not add up."), code="appraisal.invalid")

    @property
    def volume(self) -> int:
        return self.jobs + self.hall_items

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.jobs)

    @property
    def first_time_fix_rate(self) -> Decimal | None:
        return rate(self.first_time_fix, self.jobs)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return rate(self.satisfied, self.callbacks_reached)


#: The default scale, best first; the labels are translated where they are shown.
EXCELLENT, PASS, FAIL = N_("excellent"), N_("pass"), N_("fail")


@attrs.frozen
class AppraisalScale:
    """The results an organisation gives, best first, and which of them fail."""

    levels: tuple[str, ...]
    failing: frozenset[str]

    def __attrs_post_init__(self) -> None:
        good = (
            isinstance(self.levels, tuple)
            and len(self.levels) >= 2
            and len(set(self.levels)) == len(self.levels)
            and all(isinstance(level, str) and 0 < len(level) <= 20 for level in self.levels)
            and isinstance(self.failing, frozenset)
            and self.failing <= set(self.levels)
            and self.levels[0] not in self.failing
        )
        if not good:
            raise PolicyError(
                _(
                    "An appraisal scale names two or more distinct results, best first, and "
                    "which of them fail (never the best)."
                ),
                code="appraisal.policy_unusable",
            )

    def check(self, result: object) -> str:
        if not isinstance(result, str) or result not in self.levels:
            raise PolicyError(
                _("The appraisal result {result!r} is not on the scale ({levels})."),
                code="appraisal.policy_unusable",
                result=result if isinstance(result, str) and len(result) <= 40 else "?",
                levels=", ".join(self.levels),
            )
        return result


DEFAULT_SCALE = AppraisalScale((EXCELLENT, PASS, FAIL), frozenset({FAIL}))

#: The default result's thresholds: below ``FAIL_BELOW`` a measured rate fails, from
#: ``EXCELLENT_FROM`` every measured rate is excellent.
FAIL_BELOW = Decimal("0.7000")
EXCELLENT_FROM = Decimal("0.9500")
#: Discipline notes or complaints from which a period fails.
FAILING_NOTES = 2
FAILING_COMPLAINTS = 3


def default_result(figures: Figures) -> str:
    """优秀, 合格 or 不合格 from the figures (rule staff.appraisal-result).

    不合格: two discipline notes or more, three complaints or more, or an on-time,
    satisfaction or rating rate below ``FAIL_BELOW``.  优秀: some work done, no note, no
    complaint, and each of the on-time, first-time-fix, satisfaction and rating rates at
    ``EXCELLENT_FROM`` or more.  A rate of nothing (``None``) neither fails nor excels.
    Otherwise 合格.
    """
    measured = [
        r
        for r in (
            figures.on_time_rate,
            figures.first_time_fix_rate,
            figures.satisfaction_rate,
            figures.ratings_rate,
        )
        if r is not None
    ]
    checked = [
        r
        for r in (figures.on_time_rate, figures.satisfaction_rate, figures.ratings_rate)
        if r is not None
    ]
    if (
        figures.discipline_notes >= FAILING_NOTES
        or figures.complaints >= FAILING_COMPLAINTS
        or any(r < FAIL_BELOW for r in checked)
    ):
        return FAIL
    if (
        figures.volume > 0
        and figures.discipline_notes == 0
        and figures.complaints == 0
        and all(r >= EXCELLENT_FROM for r in measured)
    ):
        return EXCELLENT
    return PASS


class Consequence(StrEnum):
    """What a failing result leads to, by policy (rule staff.appraisal-outcomes)."""

    NONE = "none"
    RECTIFY = "rectify"  # 整改
    RETURN = "return"  # 退回原部门


@attrs.frozen
class Signature:
    by: ActorId
    at: datetime
    remarks: str = personal(default="")


@attrs.frozen
class Rectification:
    """整改: who owns it, by when (working time), and how it ended."""

    owner: ActorId
    opened_at: datetime
    due: datetime
    closed_at: datetime | None = None
    closed_by: ActorId | None = None
    outcome: str = personal(default="")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def on_time(self) -> bool | None:
        return None if self.closed_at is None else self.closed_at <= self.due


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AppraisalDrawn(Event):
    appraisal_id: AppraisalId
    staff: ActorId
    period: AppraisalPeriod
    department_id: DepartmentId | None
    figures: Figures
    result: str
    failing: bool
    drawn_by: ActorId


@attrs.frozen(kw_only=True)
class AppraisalSigned(Event):
    appraisal_id: AppraisalId
    by: ActorId
    remarks: str = personal(default="")


@attrs.frozen(kw_only=True)
class RectificationOpened(Event):
    appraisal_id: AppraisalId
    owner: ActorId
    due: datetime


@attrs.frozen(kw_only=True)
class RectificationClosed(Event):
    appraisal_id: AppraisalId
    by: ActorId
    outcome: str = personal()


@attrs.frozen(kw_only=True)
class ReturnedToDepartment(Event):
    appraisal_id: AppraisalId
    staff: ActorId
    department_id: DepartmentId


@attrs.frozen(kw_only=True)
class DisciplineNoted(Event):
    note_id: DisciplineNoteId
    staff: ActorId
    by: ActorId
    note: str = personal()


# --- aggregates ----------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class DisciplineNote(Aggregate[DisciplineNoteId]):
    """A manager's note of a breach of discipline (违纪) by a member of staff."""

    staff: ActorId
    by: ActorId
    noted_at: datetime
    note: str = personal()

    @classmethod
    def enter(
        cls, note_id: DisciplineNoteId, *, staff: ActorId, by: ActorId, note: str, at: datetime
    ) -> DisciplineNote:
        if staff == by:
            raise PermissionDenied(
                _("Nobody enters a discipline note about himself."),
                code="appraisal.forbidden",
                field="staff",
            )
        note = check_text(note, "note", 1000)
        return cls._create(DisciplineNoted(at=at, note_id=note_id, staff=staff, by=by, note=note))

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case DisciplineNoted():
                return cls(
                    event.note_id,
                    staff=event.staff,
                    by=event.by,
                    noted_at=event.at,
                    note=event.note,
                )
            case _:
                return super().created(event)


@attrs.define(kw_only=True)
class Appraisal(Aggregate[AppraisalId]):
    staff: ActorId
    period: AppraisalPeriod
    department_id: DepartmentId | None = None
    figures: Figures
    result: str
    failing: bool
    drawn_at: datetime
    drawn_by: ActorId
    signature: Signature | None = None
    rectification: Rectification | None = None
    returned_to: DepartmentId | None = None

    @property
    def is_signed(self) -> bool:
        return self.signature is not None

    @property
    def consequence(self) -> Consequence:
        if self.rectification is not None:
            return Consequence.RECTIFY
        if self.returned_to is not None:
            return Consequence.RETURN
        return Consequence.NONE

    @classmethod
    def draw(
        cls,
        *,
        staff: ActorId,
        period: AppraisalPeriod,
        department_id: DepartmentId | None,
        figures: Figures,
        result: str,
        scale: AppraisalScale,
        by: ActorId,
        at: datetime,
    ) -> Appraisal:
        result = scale.check(result)
        return cls._create(
            AppraisalDrawn(
                at=at,
                appraisal_id=AppraisalId.of(staff, period),
                staff=staff,
                period=period,
                department_id=department_id,
                figures=figures,
                result=result,
                failing=result in scale.failing,
                drawn_by=by,
            )
        )

    def sign(
        self,
        *,
        by: ActorId,
        at: datetime,
        consequence: Consequence,
        owner: ActorId | None = None,
        due: datetime | None = None,
        remarks: str = "",
    ) -> None:
        """The manager signs; a failing result then opens what ``consequence`` says.

        ``owner`` and ``due`` give the rectification; ``consequence`` is ``RETURN`` only for
        staff a department seconded (``department_id``).
        """
        if self.is_signed:
            raise IllegalTransition(
                _("Appraisal {id} is already signed."),
                code="appraisal.illegal_transition",
                id=self.id,
            )
        if by == self.staff:
            raise PermissionDenied(
                _("Nobody signs his own appraisal; another manager signs appraisal {id}."),
                code="appraisal.forbidden",
                id=self.id,
            )
        if remarks:
            remarks = check_text(remarks, "remarks", 1000)
        consequence = Consequence(consequence) if self.failing else Consequence.NONE
        if consequence is Consequence.RETURN and self.department_id is None:
            raise PolicyError(
                _("Appraisal {id} is of staff no department seconded: there is none to return to."),
                code="appraisal.policy_unusable",
                id=self.id,
            )
        if consequence is Consequence.RECTIFY and (owner is None or due is None or due <= at):
            raise InvalidValue(
                _("A rectification needs an owner and a deadline after the signature."),
                code="appraisal.invalid",
                field="due",
            )
        self._record(AppraisalSigned(at=at, appraisal_id=self.id, by=by, remarks=remarks))
        if consequence is Consequence.RECTIFY:
            assert owner is not None
            assert due is not None
            self._record(RectificationOpened(at=at, appraisal_id=self.id, owner=owner, due=due))
        elif consequence is Consequence.RETURN:
            assert self.department_id is not None
            self._record(
                ReturnedToDepartment(
                    at=at, appraisal_id=self.id, staff=self.staff, department_id=self.department_id
                )
            )

    def close_rectification(self, *, by: ActorId, outcome: str, at: datetime) -> None:
        if self.rectification is None or not self.rectification.is_open:
            raise IllegalTransition(
                _("Appraisal {id} has no open rectification."),
                code="appraisal.illegal_transition",
                id=self.id,
            )
        if by == self.staff:
            raise PermissionDenied(
                _("Nobody closes the rectification of his own appraisal ({id})."),
                code="appraisal.forbidden",
                id=self.id,
            )
        outcome = check_text(outcome, "outcome", 1000)
        self._record(RectificationClosed(at=at, appraisal_id=self.id, by=by, outcome=outcome))

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case AppraisalDrawn():
                return cls(
                    event.appraisal_id,
                    staff=event.staff,
                    period=event.period,
                    department_id=event.department_id,
                    figures=event.figures,
                    result=event.result,
                    failing=event.failing,
                    drawn_at=event.at,
                    drawn_by=event.drawn_by,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case AppraisalSigned():
                self.signature = Signature(event.by, event.at, event.remarks)
            case RectificationOpened():
                self.rectification = Rectification(event.owner, event.at, event.due)
            case RectificationClosed():
                assert self.rectification is not None
                self.rectification = attrs.evolve(
                    self.rectification,
                    closed_at=event.at,
                    closed_by=event.by,
                    outcome=event.outcome,
                )
            case ReturnedToDepartment():
                self.returned_to = event.department_id
            case _:
                super().apply(event)
