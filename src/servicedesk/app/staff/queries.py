"""Queries of staff files: one member's file, the roster, the handover, expiring certificates.

``desk.staff.roster(first, last, window_id=)`` lists the shifts that touch the days
``first`` to ``last`` (the organisation's days); ``handover(at)`` says who is on shift at
``at`` and who comes on next, beside the open requests ``desk.queries.shift_handover``
counts; ``expiring_qualifications(within)`` lists every certificate expiring within
``within`` of today (the policy's notice by default) or expired already.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import attrs

from servicedesk.app.permissions import Access
from servicedesk.app.unit_of_work import Store
from servicedesk.app.zone import ZonedQueries
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.hall import WindowId
from servicedesk.domain.staff import Qualification, Shift, StaffFile, StaffId, Training
from servicedesk.domain.values import Actor, RequestId, aware
from servicedesk.i18n import N_, _
from servicedesk.policies.manager import Policies

#: The longest roster one query lists, in days.
LONGEST_ROSTER = 92


@attrs.frozen
class StaffFileView:
    staff_id: StaffId
    qualifications: tuple[Qualification, ...]
    training: tuple[Training, ...]
    shifts: tuple[Shift, ...]
    off_shift_work: tuple[RequestId, ...]
    trained: bool

    @classmethod
    def of(cls, file: StaffFile) -> StaffFileView:
        return cls(
            file.id,
            file.qualifications,
            file.training,
            file.shifts,
            file.off_shift_work,
            file.trained,
        )


@attrs.frozen
class RosterEntry:
    staff_id: StaffId
    shift: Shift


@attrs.frozen
class ShiftChange:
    """Who hands over to whom: on shift at ``at``, and the shifts that begin next."""

    at: datetime
    on_shift: tuple[RosterEntry, ...]
    coming: tuple[RosterEntry, ...]


@attrs.frozen
class ExpiringQualification:
    staff_id: StaffId
    kind: str
    valid_until: date
    days_left: int  # negative once expired

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def _entries(files: list[StaffFile]) -> list[RosterEntry]:
    entries = [RosterEntry(f.id, s) for f in files for s in f.shifts]
    return sorted(entries, key=lambda e: (e.shift.start, e.staff_id.value, e.shift.id.value))


def _day(value: object, what: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidValue(_("The {what} must be a date."), code="staff.invalid", what=_(what))
    return value


class StaffQueries(ZonedQueries):
    def __init__(
        self, store: Store, policies: Policies, clock: Callable[[], datetime], access: Access
    ) -> None:
        self.store = store
        self.policies = policies
        self.clock = clock
        self.access = access

    def staff_file(self, staff_id: StaffId | str, *, actor: Actor | None = None) -> StaffFileView:
        """A member of staff's qualifications, training, shifts and off-shift work."""
        self.access.check("staff.staff_file", actor)
        staff_id = StaffId(staff_id)
        with self.store.reading() as uow:
            return StaffFileView.of(uow.staff_files.get(staff_id))

    def roster(
        self,
        first: date,
        last: date | None = None,
        *,
        window_id: WindowId | str | None = None,
        actor: Actor | None = None,
    ) -> list[RosterEntry]:
        """The shifts touching the days ``first`` to ``last`` (``first`` alone: that day), by
        start; at one window if ``window_id`` is given."""
        self.access.check("staff.roster", actor)
        first = _day(first, N_("first day"))
        last = first if last is None else _day(last, N_("last day"))
        if last < first or (last - first).days >= LONGEST_ROSTER:
            raise InvalidValue(
                _("A roster runs from its first day to a last day within {n} days."),
                code="staff.invalid",
                n=LONGEST_ROSTER,
            )
        window = None if window_id is None else WindowId(window_id)
        tz = self.policies.calendar().tz
        start = datetime.combine(first, time(), tz)
        end = datetime.combine(last + timedelta(days=1), time(), tz)
        with self.store.reading() as uow:
            files = uow.staff_files.list()
        return [
            e
            for e in _entries(files)
            if e.shift.overlaps(start, end) and (window is None or e.shift.window_id == window)
        ]

    def handover(self, at: datetime | None = None, *, actor: Actor | None = None) -> ShiftChange:
        """Who is on shift at ``at`` (now by default) and whose shifts begin next."""
        self.access.check("staff.handover", actor)
        at = aware(at if at is not None else self.clock(), "handover time")
        with self.store.reading() as uow:
            entries = _entries(uow.staff_files.list())
        on = tuple(e for e in entries if e.shift.covers(at))
        later = [e for e in entries if e.shift.start > at]
        coming = tuple(e for e in later if e.shift.start == later[0].shift.start) if later else ()
        return ShiftChange(at, on, coming)

    def expiring_qualifications(
        self, within: timedelta | None = None, *, actor: Actor | None = None
    ) -> list[ExpiringQualification]:
        """Certificates expiring within ``within`` of today (the policy's notice by default),
        or expired already, soonest first (rule staff.expiry-notice)."""
        self.access.check("staff.expiring_qualifications", actor)
        if within is None:
            within = self.policies.staff_rules().expiry_notice
        if not isinstance(within, timedelta) or not timedelta(0) <= within <= timedelta(days=3660):
            raise InvalidValue(
                _("The notice is a period of zero days to ten years."), code="staff.invalid"
            )
        today = aware(self.clock(), "clock time").astimezone(self.policies.calendar().tz).date()
        horizon = today + within
        with self.store.reading() as uow:
            files = uow.staff_files.list()
        found = [
            ExpiringQualification(f.id, q.kind, q.valid_until, (q.valid_until - today).days)
            for f in files
            for q in f.qualifications
            if q.valid_until is not None and q.valid_until <= horizon
        ]
        return sorted(found, key=lambda e: (e.valid_until, e.staff_id.value, e.kind))
