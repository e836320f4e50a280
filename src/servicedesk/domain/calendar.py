"""Working time: the clock that deadlines of the service desk run on.

Deadlines are promised in working time (rule time.working-hours): a ticket raised on Friday
evening must not breach over the weekend, the lunch break must not eat into a clerk's
time, and the Chinese make-up working days (调休) count even though they fall on a
Saturday or a Sunday.  Which days are working days is a policy (``is_working_day``,
typically ``holidays.China().is_working_day``); this module only does the arithmetic, so
it stays pure: no clock reads, no I/O, no holiday library.

Working time is measured as real elapsed time inside the blocks.  The blocks are given in
wall-clock time of the calendar's zone, and each block of each day is turned into one
absolute interval; every computation then works on those absolute intervals, which is what
keeps ``add`` and ``working_time_between`` exact inverses of each other even in zones with
daylight saving time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from servicedesk.domain.errors import InvalidValue, PolicyError
from servicedesk.i18n import _

__all__ = ["MAX_IDLE_DAYS", "WorkingBlock", "WorkingCalendar"]

#: A calendar that shows no working day for this many consecutive days is broken: scanning
#: further would only turn a bad policy into a hang.
MAX_IDLE_DAYS = 800

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
_MAX_IDLE = timedelta(days=MAX_IDLE_DAYS)
_HOURS_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")

_Interval = tuple[datetime, datetime]


def _check_block_times(
    instance: WorkingBlock, attribute: attrs.Attribute[time], value: time
) -> None:
    # A block is wall-clock time of the calendar's zone; an offset here would silently
    # contradict the zone, so it is refused rather than guessed at.
    if not isinstance(value, time):
        raise InvalidValue(
            _("A working block needs a time of day, not {value!r}."),
            code="calendar.invalid",
            value=value,
        )
    if value.tzinfo is not None:
        raise InvalidValue(
            _("A working block is local time and must not carry a time zone: {value}."),
            code="calendar.invalid",
            value=value.isoformat(),
        )


@attrs.frozen
class WorkingBlock:
    """One stretch of working time in a day, e.g. 09:00-12:00 before the lunch break."""

    start: time = attrs.field(validator=_check_block_times)
    end: time = attrs.field(validator=_check_block_times)

    def __attrs_post_init__(self) -> None:
        if not self.start < self.end:
            raise InvalidValue(
                _("A working block must start before it ends: {start}-{end}."),
                code="calendar.invalid",
                start=self.start.isoformat(),
                end=self.end.isoformat(),
            )


def _to_blocks(value: Iterable[WorkingBlock]) -> tuple[WorkingBlock, ...]:
    return tuple(value)


def _check_tz(
    instance: WorkingCalendar, attribute: attrs.Attribute[ZoneInfo], value: ZoneInfo
) -> None:
    if not isinstance(value, ZoneInfo):
        raise PolicyError(
            _("A working calendar needs an IANA time zone, not {value!r}."),
            code="calendar.policy_unusable",
            value=value,
        )


def _check_blocks(
    instance: WorkingCalendar,
    attribute: attrs.Attribute[tuple[WorkingBlock, ...]],
    value: tuple[WorkingBlock, ...],
) -> None:
    # The arithmetic walks the blocks in order and relies on them being disjoint; a policy
    # that breaks this would make deadlines count some minutes twice.
    if not value:
        raise PolicyError(
            _("A working calendar needs at least one working block."),
            code="calendar.policy_unusable",
        )
    for block in value:
        if not isinstance(block, WorkingBlock):
            raise PolicyError(
                _("A working calendar expects working blocks, not {value!r}."),
                code="calendar.policy_unusable",
                value=block,
            )
    for before, after in pairwise(value):
        if after.start < before.end:
            raise PolicyError(
                _(
                    "Working blocks must be sorted and must not overlap: "
                    "{first_start}-{first_end} and {second_start}-{second_end}."
                ),
                code="calendar.policy_unusable",
                first_start=before.start.isoformat(),
                first_end=before.end.isoformat(),
                second_start=after.start.isoformat(),
                second_end=after.end.isoformat(),
            )


def _check_callable(
    instance: WorkingCalendar,
    attribute: attrs.Attribute[Callable[[date], bool]],
    value: Callable[[date], bool],
) -> None:
    if not callable(value):
        raise PolicyError(
            _("A working calendar needs a function telling working days apart."),
            code="calendar.policy_unusable",
        )


def _parse_time(text: str) -> time:
    # Stricter than time.fromisoformat on purpose: a policy file saying "0900" or
    # "09:00+08:00" is more likely a mistake than a wish.
    match = _HOURS_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise PolicyError(
            _("Working hours must look like 09:00, not {value!r}."),
            code="calendar.policy_unusable",
            value=text,
        )
    hour, minute, second = match.groups()
    try:
        return time(int(hour), int(minute), int(second or 0))
    except ValueError:
        raise PolicyError(
            _("Working hours must look like 09:00, not {value!r}."),
            code="calendar.policy_unusable",
            value=text,
        ) from None


def _to_utc(at: datetime, what: str) -> datetime:
    # A naive datetime could be server time, Beijing time or UTC; guessing would shift a
    # deadline by hours, so it is refused.
    if not isinstance(at, datetime):
        raise InvalidValue(
            _("The {what} must be a date and time, not {value!r}."),
            code="calendar.invalid",
            what=what,
            value=at,
        )
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidValue(
            _("The {what} must carry a time zone: {value}."),
            code="calendar.invalid",
            what=what,
            value=at.isoformat(),
        )
    return at.astimezone(UTC)


def _no_working_day(since: date) -> PolicyError:
    return PolicyError(
        _(
            "The working calendar has no working day in {days} days from {day}: "
            "check its holidays policy."
        ),
        code="calendar.policy_unusable",
        days=MAX_IDLE_DAYS,
        day=since.isoformat(),
    )


def _check_duration(duration: timedelta) -> None:
    if not isinstance(duration, timedelta):
        raise InvalidValue(
            _("Working time must be a duration, not {value!r}."),
            code="calendar.invalid",
            value=duration,
        )
    if duration < _ZERO:
        raise InvalidValue(
            _("Working time must not be negative: {duration}."),
            code="calendar.invalid",
            duration=duration,
        )


@attrs.frozen
class WorkingCalendar:
    """When the service desk works: the same blocks on every working day, in one zone.

    ``is_working_day`` is a policy (public holidays and make-up working days); it is left out
    of equality and repr because functions compare by identity and print as noise.
    """

    tz: ZoneInfo = attrs.field(validator=_check_tz)
    blocks: tuple[WorkingBlock, ...] = attrs.field(converter=_to_blocks, validator=_check_blocks)
    is_working_day: Callable[[date], bool] = attrs.field(
        eq=False, repr=False, validator=_check_callable
    )

    @classmethod
    def from_hours(
        cls,
        tz: str | ZoneInfo,
        hours: Sequence[tuple[str, str]],
        is_working_day: Callable[[date], bool],
    ) -> WorkingCalendar:
        """Build a calendar from the hours as a policy writes them, e.g. ``("09:00", "12:00")``.

        Every defect is a ``PolicyError``: the hours come from configuration, not from a clerk.
        """
        if isinstance(tz, str):
            try:
                zone = ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise PolicyError(
                    _("Unknown time zone for a working calendar: {tz!r}."),
                    code="calendar.policy_unusable",
                    tz=tz,
                ) from None
        else:
            zone = tz
        blocks: list[WorkingBlock] = []
        for pair in hours:
            if isinstance(pair, str) or len(pair) != 2:
                raise PolicyError(
                    _("Working hours come in pairs like ('09:00', '12:00'), not {value!r}."),
                    code="calendar.policy_unusable",
                    value=pair,
                )
            start, end = (_parse_time(text) for text in pair)
            try:
                blocks.append(WorkingBlock(start, end))
            except InvalidValue as exc:
                raise PolicyError(exc.message, code="calendar.policy_unusable") from None
        return cls(zone, tuple(blocks), is_working_day)

    # -- the absolute intervals ---------------------------------------------------------------

    def _local_date(self, at_utc: datetime) -> date:
        return at_utc.astimezone(self.tz).date()

    def _intervals(self, day: date) -> list[_Interval]:
        """The working intervals of ``day`` as absolute (UTC) instants.

        Wall times that a DST change skips or repeats map with ``fold=0``; a block distorted
        by such a change is clipped so the intervals stay sorted and disjoint, which is all
        the arithmetic needs.
        """
        if not self.is_working_day(day):
            return []
        intervals: list[_Interval] = []
        previous_end: datetime | None = None
        for block in self.blocks:
            start = datetime.combine(day, block.start, tzinfo=self.tz).astimezone(UTC)
            end = datetime.combine(day, block.end, tzinfo=self.tz).astimezone(UTC)
            if previous_end is not None and start < previous_end:
                start = previous_end
            if start < end:
                intervals.append((start, end))
                previous_end = end
        return intervals

    def _intervals_from(self, at_utc: datetime) -> Iterator[_Interval]:
        """Working intervals that end after ``at_utc``, in order, for ever.

        Raises ``PolicyError`` after ``MAX_IDLE_DAYS`` days without working time, so that a
        calendar that never works fails loudly instead of hanging the caller.
        """
        # Start one day early: a block distorted by DST may reach into the next local date.
        day = self._local_date(at_utc) - _ONE_DAY
        idle_since = day
        while True:
            intervals = self._intervals(day)
            if intervals:
                idle_since = day + _ONE_DAY
            elif day - idle_since >= _MAX_IDLE:
                raise _no_working_day(idle_since)
            for interval in intervals:
                if interval[1] > at_utc:
                    yield interval
            day += _ONE_DAY

    # -- public arithmetic --------------------------------------------------------------------

    def is_working_instant(self, at: datetime) -> bool:
        """Whether the desk is working at ``at``; a block's start counts, its end does not."""
        at_utc = _to_utc(at, "instant")
        local = self._local_date(at_utc)
        for day in (local - _ONE_DAY, local, local + _ONE_DAY):
            for start, end in self._intervals(day):
                if start <= at_utc < end:
                    return True
        return False

    def next_working_instant(self, at: datetime) -> datetime:
        """Where a clock started at ``at`` really starts: ``at`` itself if the desk works then."""
        at_utc = _to_utc(at, "instant")
        start, _end = next(self._intervals_from(at_utc))
        return max(start, at_utc).astimezone(self.tz)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant at which ``duration`` of working time has elapsed since ``start``.

        A positive duration that exactly fills a block ends at that block's end, not at the
        start of the next one: a clerk who answers at 12:00 sharp met a 3h deadline set at
        09:00.  A zero duration is due at once, i.e. at the next working instant.
        """
        _check_duration(duration)
        start_utc = _to_utc(start, "start")
        if duration == _ZERO:
            return self.next_working_instant(start)
        remaining = duration
        for block_start, block_end in self._intervals_from(start_utc):
            begin = max(block_start, start_utc)
            available = block_end - begin
            if remaining <= available:
                return (begin + remaining).astimezone(self.tz)
            remaining -= available
        raise AssertionError("unreachable: _intervals_from never ends")  # pragma: no cover

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Deadline of a promise "done within N working days", as service halls state it.

        The day of registration does not count, however early the item was registered; the
        N-th working day after it counts in full, up to the end of its last block.
        """
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise InvalidValue(
                _("A number of working days must be at least 1, not {days!r}."),
                code="calendar.invalid",
                days=days,
            )
        day = self._local_date(_to_utc(start, "start"))
        counted = 0
        idle_since = day + _ONE_DAY
        while True:
            day += _ONE_DAY
            intervals = self._intervals(day)
            if not intervals:
                if day - idle_since >= _MAX_IDLE:
                    raise _no_working_day(idle_since)
                continue
            idle_since = day + _ONE_DAY
            counted += 1
            if counted == days:
                return intervals[-1][1].astimezone(self.tz)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time elapsed in ``[start, end)``; zero if ``end`` is not after ``start``.

        This is how a pause is measured: in working time, so a ticket paused over a weekend
        is not charged for the weekend.
        """
        start_utc = _to_utc(start, "start")
        end_utc = _to_utc(end, "end")
        if end_utc <= start_utc:
            return _ZERO
        total = _ZERO
        day = self._local_date(start_utc) - _ONE_DAY
        last_day = self._local_date(end_utc) + _ONE_DAY
        while day <= last_day:
            for block_start, block_end in self._intervals(day):
                overlap = min(block_end, end_utc) - max(block_start, start_utc)
                if overlap > _ZERO:
                    total += overlap
            day += _ONE_DAY
        return total
