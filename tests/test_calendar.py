"""Working-time arithmetic: the default China calendar, policy defects and its laws."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicedesk.domain.calendar import WorkingBlock, WorkingCalendar
from servicedesk.domain.errors import InvalidValue, PolicyError

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
CHINA_DAYS = holidays.China()

CHINA = WorkingCalendar.from_hours(
    "Asia/Shanghai", [("09:00", "12:00"), ("13:00", "17:00")], CHINA_DAYS.is_working_day
)


def _weekday(day: date) -> bool:
    return day.weekday() < 5


# A second, European centre: other hours, DST, no make-up days.
GERMANY = WorkingCalendar.from_hours(BERLIN, [("08:30", "12:00"), ("13:00", "17:30")], _weekday)

H = timedelta(hours=1)


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def _never(day: date) -> bool:
    return False


def _always(day: date) -> bool:
    return True


# -- what the tests assume of holidays 0.109 --------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 1, 2), False),
        (date(2026, 1, 3), False),
        (date(2026, 1, 4), True),  # Sunday, make-up day
        (date(2026, 2, 13), True),
        (date(2026, 2, 14), True),  # Saturday, make-up day
        *((date(2026, 2, d), False) for d in range(15, 24)),  # Spring Festival
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, make-up day
        (date(2026, 9, 25), False),  # Mid-Autumn Festival (a Friday)
        (date(2026, 9, 26), False),
        (date(2026, 9, 27), False),
        (date(2026, 9, 28), True),
        *((date(2026, 10, d), False) for d in range(1, 8)),  # National Day
        (date(2026, 10, 10), True),  # Saturday, make-up day
    ],
)
def test_holidays_library_knows_the_2026_calendar(day: date, working: bool) -> None:
    assert CHINA_DAYS.is_working_day(day) is working


# -- deadlines on the default China calendar --------------------------------------------------


def test_make_up_saturday_counts_as_working_day() -> None:
    assert CHINA.add(sh(2026, 2, 13, 16), 2 * H) == sh(2026, 2, 14, 10)


def test_make_up_saturday_at_month_end_counts() -> None:
    assert CHINA.add(sh(2026, 2, 27, 16), 2 * H) == sh(2026, 2, 28, 10)


def test_make_up_sunday_counts_after_new_year() -> None:
    assert CHINA.add(sh(2025, 12, 31, 16, 30), H) == sh(2026, 1, 4, 9, 30)


def test_spring_festival_is_skipped() -> None:
    assert CHINA.add(sh(2026, 2, 15, 9), H) == sh(2026, 2, 24, 10)
    assert CHINA.add(sh(2026, 2, 14, 16), 2 * H) == sh(2026, 2, 24, 10)


def test_clock_started_on_a_holiday_night_starts_next_working_morning() -> None:
    assert CHINA.add(sh(2026, 2, 18, 22), timedelta(minutes=30)) == sh(2026, 2, 24, 9, 30)
    assert CHINA.add(sh(2026, 10, 1, 23, 59), 8 * H) == sh(2026, 10, 9, 10)


def test_lunch_break_is_skipped() -> None:
    assert CHINA.add(sh(2026, 3, 10, 11), 2 * H) == sh(2026, 3, 10, 14)


def test_clock_started_during_lunch_starts_at_13() -> None:
    assert CHINA.add(sh(2026, 3, 10, 12, 30), H) == sh(2026, 3, 10, 14)


def test_clock_started_on_weekend_evening_starts_monday() -> None:
    assert CHINA.add(sh(2026, 3, 7, 20), H) == sh(2026, 3, 9, 10)


def test_deadline_filling_a_block_ends_at_block_end() -> None:
    assert CHINA.add(sh(2026, 3, 9, 9), 3 * H) == sh(2026, 3, 9, 12)
    assert CHINA.add(sh(2026, 3, 9, 9), 7 * H) == sh(2026, 3, 9, 17)


def test_zero_duration_is_due_at_next_working_instant() -> None:
    assert CHINA.add(sh(2026, 3, 9, 10, 15), timedelta(0)) == sh(2026, 3, 9, 10, 15)
    assert CHINA.add(sh(2026, 3, 9, 12), timedelta(0)) == sh(2026, 3, 9, 13)
    assert CHINA.add(sh(2026, 3, 13, 17), timedelta(0)) == sh(2026, 3, 16, 9)


def test_start_in_another_zone_is_converted_and_result_is_local() -> None:
    start = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    deadline = CHINA.add(start, H)
    assert deadline == sh(2026, 3, 9, 10)
    assert deadline.tzinfo == SHANGHAI
    assert deadline.hour == 10


def test_add_walks_days_not_minutes() -> None:
    calls: list[date] = []

    def counting(day: date) -> bool:
        calls.append(day)
        return bool(CHINA_DAYS.is_working_day(day))

    calendar = WorkingCalendar(CHINA.tz, CHINA.blocks, counting)
    deadline = calendar.add(sh(2026, 3, 9, 9), 140 * H)  # four working weeks
    assert deadline == sh(2026, 4, 3, 17)
    assert len(calls) < 40


def test_a_year_of_working_time_is_fast_and_exact() -> None:
    start = sh(2026, 1, 1)
    end = CHINA.add(start, 1750 * H)
    assert end.year == 2027
    assert CHINA.working_time_between(start, end) == 1750 * H


# -- instants ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "working"),
    [
        (sh(2026, 3, 9, 9), True),  # block start is inclusive
        (datetime(2026, 3, 9, 11, 59, 59, 999999, tzinfo=SHANGHAI), True),
        (sh(2026, 3, 9, 12), False),  # block end is exclusive
        (sh(2026, 3, 9, 12, 30), False),
        (sh(2026, 3, 9, 13), True),
        (sh(2026, 3, 9, 17), False),
        (sh(2026, 3, 9, 8, 59), False),
        (sh(2026, 2, 14, 10), True),  # make-up Saturday
        (sh(2026, 2, 17, 10), False),  # Spring Festival
        (sh(2026, 3, 7, 10), False),  # ordinary Saturday
        (datetime(2026, 3, 9, 2, 0, tzinfo=UTC), True),  # 10:00 in Shanghai
    ],
)
def test_is_working_instant(at: datetime, working: bool) -> None:
    assert CHINA.is_working_instant(at) is working


def test_next_working_instant() -> None:
    assert CHINA.next_working_instant(sh(2026, 3, 9, 10, 5)) == sh(2026, 3, 9, 10, 5)
    assert CHINA.next_working_instant(sh(2026, 3, 9, 12)) == sh(2026, 3, 9, 13)
    assert CHINA.next_working_instant(sh(2026, 3, 13, 17)) == sh(2026, 3, 16, 9)
    assert CHINA.next_working_instant(sh(2026, 2, 14, 18)) == sh(2026, 2, 24, 9)
    assert CHINA.next_working_instant(sh(2026, 3, 9, 10)).tzinfo == SHANGHAI


# -- working days -----------------------------------------------------------------------------


def test_add_working_days_from_a_holiday_registration() -> None:
    # Registered on Friday 2026-09-25, the Mid-Autumn Festival.  holidays says 09-26 and
    # 09-27 are not working days and 09-28, 09-29, 09-30 are: the third is 09-30.
    assert CHINA.add_working_days(sh(2026, 9, 25, 10), 3) == sh(2026, 9, 30, 17)


def test_add_working_days_skips_national_day_and_counts_make_up_saturday() -> None:
    # After 09-30: 10-01..10-07 are off, 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, make-up) count.
    assert CHINA.add_working_days(sh(2026, 9, 30, 10), 3) == sh(2026, 10, 10, 17)


def test_add_working_days_registration_day_does_not_count() -> None:
    assert CHINA.add_working_days(sh(2026, 3, 9, 8), 1) == sh(2026, 3, 10, 17)
    assert CHINA.add_working_days(sh(2026, 3, 6, 16), 1) == sh(2026, 3, 9, 17)


def test_add_working_days_uses_the_local_date() -> None:
    registered = datetime(2026, 3, 8, 20, 0, tzinfo=UTC)  # Monday 2026-03-09 04:00 in Shanghai
    assert CHINA.add_working_days(registered, 1) == sh(2026, 3, 10, 17)


@pytest.mark.parametrize("days", [0, -1])
def test_add_working_days_needs_at_least_one_day(days: int) -> None:
    with pytest.raises(InvalidValue):
        CHINA.add_working_days(sh(2026, 3, 9, 9), days)


# -- pauses -----------------------------------------------------------------------------------


def test_working_time_between_skips_nights_weekends_and_lunch() -> None:
    assert CHINA.working_time_between(sh(2026, 3, 6, 16), sh(2026, 3, 9, 10)) == 2 * H
    assert CHINA.working_time_between(sh(2026, 3, 9, 11), sh(2026, 3, 9, 14)) == 2 * H
    assert CHINA.working_time_between(sh(2026, 2, 14, 16), sh(2026, 2, 24, 10)) == 2 * H


def test_working_time_between_is_zero_when_end_not_after_start() -> None:
    assert CHINA.working_time_between(sh(2026, 3, 9, 10), sh(2026, 3, 9, 10)) == timedelta(0)
    assert CHINA.working_time_between(sh(2026, 3, 9, 11), sh(2026, 3, 9, 10)) == timedelta(0)


def test_working_time_between_accepts_other_zones() -> None:
    start = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
    end = datetime(2026, 3, 9, 2, 30, tzinfo=BERLIN)  # 09:30 Shanghai
    assert CHINA.working_time_between(start, end) == timedelta(minutes=30)


# -- daylight saving time ---------------------------------------------------------------------


def test_deadline_across_spring_dst_change_in_berlin() -> None:
    deadline = GERMANY.add(datetime(2026, 3, 27, 17, 30, tzinfo=BERLIN), H)
    assert deadline == datetime(2026, 3, 30, 9, 30, tzinfo=BERLIN)
    assert deadline.utcoffset() == 2 * H


def test_working_time_is_real_time_on_dst_days() -> None:
    night = WorkingCalendar.from_hours(BERLIN, [("01:00", "04:00")], _always)
    spring = datetime(2026, 3, 29, tzinfo=BERLIN)  # 02:00 -> 03:00
    autumn = datetime(2026, 10, 25, tzinfo=BERLIN)  # 03:00 -> 02:00
    assert night.working_time_between(spring, spring + 12 * H) == 2 * H
    assert night.working_time_between(autumn, autumn + 12 * H) == 4 * H
    assert night.add(spring.replace(hour=1), 2 * H) == datetime(2026, 3, 29, 4, tzinfo=BERLIN)


# -- refusals ---------------------------------------------------------------------------------


NAIVE = datetime(2026, 3, 9, 10, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: CHINA.add(NAIVE, H),
        lambda: CHINA.next_working_instant(NAIVE),
        lambda: CHINA.is_working_instant(NAIVE),
        lambda: CHINA.add_working_days(NAIVE, 1),
        lambda: CHINA.working_time_between(NAIVE, sh(2026, 3, 10)),
        lambda: CHINA.working_time_between(sh(2026, 3, 8), NAIVE),
    ],
)
def test_naive_datetime_is_refused(call: Callable[[], object]) -> None:
    with pytest.raises(InvalidValue, match="time zone"):
        call()


def test_negative_duration_is_refused() -> None:
    with pytest.raises(InvalidValue, match="negative"):
        CHINA.add(sh(2026, 3, 9, 10), -timedelta(minutes=1))


def test_empty_blocks_are_a_policy_error() -> None:
    with pytest.raises(PolicyError):
        WorkingCalendar.from_hours("Asia/Shanghai", [], _weekday)
    with pytest.raises(PolicyError):
        WorkingCalendar(SHANGHAI, (), _weekday)


@pytest.mark.parametrize(
    "hours",
    [
        [("09:00", "12:00"), ("11:00", "17:00")],  # overlapping
        [("13:00", "17:00"), ("09:00", "12:00")],  # unsorted
        [("09:00", "17:00"), ("09:00", "17:00")],  # duplicated
    ],
)
def test_overlapping_or_unsorted_blocks_are_a_policy_error(hours: list[tuple[str, str]]) -> None:
    with pytest.raises(PolicyError, match="overlap"):
        WorkingCalendar.from_hours("Asia/Shanghai", hours, _weekday)


def test_touching_blocks_are_allowed() -> None:
    calendar = WorkingCalendar.from_hours("UTC", [("09:00", "12:00"), ("12:00", "13:00")], _always)
    start = datetime(2026, 3, 9, 11, tzinfo=UTC)
    assert calendar.add(start, 2 * H) == datetime(2026, 3, 9, 13, tzinfo=UTC)


@pytest.mark.parametrize(
    "hours",
    [
        [("9h", "12:00")],
        [("09:00", "25:00")],
        [("09:00", "12:60")],
        [("0900", "1200")],
        [("09:00+08:00", "12:00")],
        [("", "12:00")],
        [("12:00", "09:00")],  # ends before it starts
        [("09:00", "09:00")],
        [("09:00",)],
        [("09:00", "12:00", "13:00")],
    ],
)
def test_unparsable_hours_are_a_policy_error(hours: list[tuple[str, str]]) -> None:
    with pytest.raises(PolicyError):
        WorkingCalendar.from_hours("Asia/Shanghai", hours, _weekday)


def test_unknown_time_zone_is_a_policy_error() -> None:
    with pytest.raises(PolicyError):
        WorkingCalendar.from_hours("Mars/Olympus_Mons", [("09:00", "12:00")], _weekday)


def test_working_block_validates_its_times() -> None:
    with pytest.raises(InvalidValue):
        WorkingBlock(time(12), time(9))
    with pytest.raises(InvalidValue):
        WorkingBlock(time(9), time(9))
    with pytest.raises(InvalidValue):
        WorkingBlock(time(9, tzinfo=UTC), time(12))


def test_calendar_that_never_works_is_a_policy_error_not_a_hang() -> None:
    broken = WorkingCalendar.from_hours("Asia/Shanghai", [("09:00", "17:00")], _never)
    start = sh(2026, 3, 9, 10)
    with pytest.raises(PolicyError, match="no working day"):
        broken.add(start, H)
    with pytest.raises(PolicyError, match="no working day"):
        broken.add(start, timedelta(0))
    with pytest.raises(PolicyError, match="no working day"):
        broken.next_working_instant(start)
    with pytest.raises(PolicyError, match="no working day"):
        broken.add_working_days(start, 1)
    assert broken.is_working_instant(start) is False
    assert broken.working_time_between(start, start + 400 * 24 * H) == timedelta(0)


def test_calendar_with_a_long_idle_stretch_still_works() -> None:
    # 700 days without work is odd but not broken: the guard must not fire early.
    reopening = date(2028, 1, 3)
    calendar = WorkingCalendar.from_hours("UTC", [("09:00", "17:00")], lambda d: d >= reopening)
    start = datetime(2026, 2, 1, tzinfo=UTC)
    assert (reopening - start.date()).days > 690
    assert calendar.add(start, H) == datetime(2028, 1, 3, 10, tzinfo=UTC)


# -- laws -------------------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

ZONES = [SHANGHAI, ZoneInfo("UTC"), BERLIN, ZoneInfo("America/New_York")]
calendars = st.sampled_from([CHINA, GERMANY])
any_starts = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.sampled_from(ZONES),
)
# Starts on whole minutes hit block boundaries far more often than arbitrary instants.
starts = st.one_of(any_starts, any_starts.map(lambda at: at.replace(second=0, microsecond=0)))
durations = st.integers(min_value=0, max_value=200 * 60).map(lambda m: timedelta(minutes=m))
positive_durations = st.integers(min_value=1, max_value=200 * 60).map(
    lambda m: timedelta(minutes=m)
)


@PROPERTY_SETTINGS
@given(calendars, starts, durations)
def test_deadline_lands_inside_working_hours(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    deadline = calendar.add(start, duration)
    assert deadline.tzinfo == calendar.tz
    assert deadline >= start
    assert calendar.is_working_day(deadline.date())
    assert any(block.start <= deadline.time() <= block.end for block in calendar.blocks)


@PROPERTY_SETTINGS
@given(calendars, starts, positive_durations)
def test_deadline_is_the_earliest_such_instant(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    deadline = calendar.add(start, duration)
    assert calendar.working_time_between(start, deadline - timedelta(microseconds=1)) < duration


@PROPERTY_SETTINGS
@given(calendars, starts, durations, durations)
def test_add_is_monotonic_in_duration(
    calendar: WorkingCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    shorter, longer = sorted((a, b))
    assert calendar.add(start, shorter) <= calendar.add(start, longer)


@PROPERTY_SETTINGS
@given(calendars, starts, starts, durations)
def test_add_is_monotonic_in_start(
    calendar: WorkingCalendar, s1: datetime, s2: datetime, duration: timedelta
) -> None:
    earlier, later = sorted((s1, s2))
    assert calendar.add(earlier, duration) <= calendar.add(later, duration)


@PROPERTY_SETTINGS
@given(calendars, starts, durations, positive_durations)
def test_add_is_additive(
    calendar: WorkingCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    # b > 0: a zero duration is due at the next working instant, so a deadline that ends at
    # a block's end (12:00) and then adds 0 moves to 13:00 while add(s, a + 0) stays at 12:00.
    assert calendar.add(calendar.add(start, a), b) == calendar.add(start, a + b)


@PROPERTY_SETTINGS
@given(calendars, starts, durations)
def test_working_time_between_inverts_add(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    assert calendar.working_time_between(start, calendar.add(start, duration)) == duration


@PROPERTY_SETTINGS
@given(calendars, starts, starts, starts)
def test_working_time_between_is_additive(
    calendar: WorkingCalendar, x: datetime, y: datetime, z: datetime
) -> None:
    a, b, c = sorted((x, y, z))
    between = calendar.working_time_between
    assert between(a, c) == between(a, b) + between(b, c)


@PROPERTY_SETTINGS
@given(calendars, starts, st.integers(min_value=1, max_value=30))
def test_add_working_days_ends_at_close_of_a_later_working_day(
    calendar: WorkingCalendar, start: datetime, days: int
) -> None:
    deadline = calendar.add_working_days(start, days)
    assert deadline.date() > start.astimezone(calendar.tz).date()
    assert calendar.is_working_day(deadline.date())
    assert deadline.time() == calendar.blocks[-1].end
    assert calendar.add_working_days(start, days + 1) > deadline
