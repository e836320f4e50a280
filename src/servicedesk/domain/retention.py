"""Retention: how long each record keeps its personal data, and what stops a purge.

Every record that holds a requester's personal data (a service request, a
found item, later complaints and callbacks) has a ``RecordFile``: which forms
it comprises (request form, work order, feedback form...), when it closed,
when its retention period ends, and the holds placed on it.  The file holds
no personal data itself, so its own events never need rewriting.  Purging
reads the files, never the records themselves, so a database answers "what
is due" with one indexed query on ``expires_at``.

A file whose period has ended and that carries no hold is due: its record's
personal data is anonymised (``privacy.scrub``), amounts and links stay, and
the file is marked so that a second purge does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar, Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.errors import IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.values import ActorId, Identifier, check_text
from servicedesk.i18n import _, label


class RecordKind(StrEnum):
    """The kinds of record a retention policy names (rule records.job-archive, rule
    records.retention).
    """

    REQUEST_FORM = "request_form"
    WORK_ORDER = "work_order"
    FEEDBACK_FORM = "feedback_form"
    SETTLEMENT_VOUCHER = "settlement_voucher"
    COMPLAINT = "complaint"
    CALLBACK = "callback"
    LOST_PROPERTY = "lost_property"
    AUDIT_RECORD = "audit_record"
    ENQUIRY = "enquiry"


@attrs.frozen
class RetentionRule:
    """How long a kind of record keeps personal data after it closes.

    ``erasable_on_request``: whether the requester may have it erased before
    the period ends (a request form may; a settlement voucher, which
    accounting rules make the desk keep, may not).
    """

    period: timedelta
    erasable_on_request: bool = True

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.period, timedelta) or self.period <= timedelta(0):
            raise InvalidValue(
                _("A retention period must be longer than zero."), code="retention.invalid"
            )


@attrs.frozen
class RecordFileId(Identifier):
    """``<store kind>:<record id>``, e.g. ``request:r-1``."""

    longest_given: ClassVar[int] = 64  # derived, and given back whole

    @classmethod
    def of(cls, kind: str, record_id: Identifier | str) -> RecordFileId:
        return cls(f"{kind}:{record_id}")


@attrs.frozen
class Hold:
    """A reason to keep a record past its period (a dispute, an inquiry)."""

    id: str
    reason: str
    placed_by: ActorId
    placed_at: datetime


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RecordFileOpened(Event):
    file_id: RecordFileId
    kind: str
    record_id: str
    forms: frozenset[RecordKind]


@attrs.frozen(kw_only=True)
class RecordFileExtended(Event):
    """A form (a work order, a feedback form) joined the record."""

    file_id: RecordFileId
    forms: frozenset[RecordKind]


@attrs.frozen(kw_only=True)
class RecordFileClosed(Event):
    file_id: RecordFileId
    expires_at: datetime


@attrs.frozen(kw_only=True)
class RecordFileReopened(Event):
    """The record is open again (a complaint reopened): its period no longer runs."""

    file_id: RecordFileId


@attrs.frozen(kw_only=True)
class HoldPlaced(Event):
    file_id: RecordFileId
    hold: Hold


@attrs.frozen(kw_only=True)
class HoldReleased(Event):
    file_id: RecordFileId
    hold_id: str
    released_by: ActorId


@attrs.frozen(kw_only=True)
class PersonalDataErased(Event):
    """The record's personal data was anonymised: by the purge, or on request."""

    file_id: RecordFileId
    on_request: bool


# --- aggregate -----------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class RecordFile(Aggregate[RecordFileId]):
    kind: str
    record_id: str
    forms: frozenset[RecordKind]
    opened_at: datetime
    closed_at: datetime | None = None
    expires_at: datetime | None = None
    holds: tuple[Hold, ...] = ()
    erased_at: datetime | None = None

    # -- queries ---------------------------------------------------------------

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def is_due(self, now: datetime) -> bool:
        """Past its period, closed, not held, not yet anonymised."""
        return (
            self.expires_at is not None
            and self.expires_at <= now
            and not self.holds
            and not self.is_erased
        )

    # -- commands --------------------------------------------------------------

    @classmethod
    def open(
        cls,
        file_id: RecordFileId,
        *,
        kind: str,
        record_id: str,
        forms: Iterable[RecordKind],
        at: datetime,
    ) -> RecordFile:
        return cls._create(
            RecordFileOpened(
                at=at,
                file_id=file_id,
                kind=kind,
                record_id=record_id,
                forms=frozenset(forms),
            )
        )

    def extend(self, *, at: datetime, forms: Iterable[RecordKind]) -> None:
        new_forms = frozenset(forms) - self.forms
        if new_forms:
            self._record(RecordFileExtended(at=at, file_id=self.id, forms=new_forms))

    def close(self, *, at: datetime, rules: dict[RecordKind, RetentionRule]) -> None:
        """The record closed: its period runs from now, the longest of its forms'."""
        if self.is_closed:
            raise IllegalTransition(
                _("Record {id} is already closed."), code="retention.illegal_transition", id=self.id
            )
        if not self.forms:
            raise IllegalTransition(
                _("Record {id} names no kind of record, so no period applies."),
                code="retention.illegal_transition",
                id=self.id,
            )
        period = max(rules[form].period for form in self.forms)
        self._record(RecordFileClosed(at=at, file_id=self.id, expires_at=at + period))

    def reopen(self, *, at: datetime) -> None:
        if not self.is_closed or self.is_erased:
            state = _("anonymised") if self.is_erased else _("open")
            raise IllegalTransition(
                _("Record {id} is {state}; it cannot be reopened."),
                code="retention.illegal_transition",
                id=self.id,
                state=state,
            )
        self._record(RecordFileReopened(at=at, file_id=self.id))

    def place_hold(self, *, hold_id: str, reason: str, by: ActorId, at: datetime) -> None:
        hold_id = check_text(hold_id, "hold id", 64)
        reason = check_text(reason, "reason", 500)
        if self.is_erased:
            raise IllegalTransition(
                _("Record {id} is already anonymised; there is nothing left to hold."),
                code="retention.illegal_transition",
                id=self.id,
            )
        if any(h.id == hold_id for h in self.holds):
            raise InvalidValue(
                _("Record {id} already has a hold {hold}."),
                code="retention.invalid",
                id=self.id,
                hold=hold_id,
            )
        self._record(HoldPlaced(at=at, file_id=self.id, hold=Hold(hold_id, reason, by, at)))

    def release_hold(self, *, hold_id: str, by: ActorId, at: datetime) -> None:
        if not any(h.id == hold_id for h in self.holds):
            raise IllegalTransition(
                _("Record {id} has no hold {hold}."),
                code="retention.illegal_transition",
                id=self.id,
                hold=hold_id,
            )
        self._record(HoldReleased(at=at, file_id=self.id, hold_id=hold_id, released_by=by))

    def erasable_on_request(self, rules: dict[RecordKind, RetentionRule]) -> str | None:
        """Why the requester cannot have this record erased now, or ``None`` if they can."""
        if self.is_erased:
            return _("already anonymised")
        if not self.is_closed:
            return _("the record is still open")
        if self.holds:
            return _("the record is on hold")
        kept = sorted(f for f in self.forms if not rules[f].erasable_on_request)
        if kept:
            return _("the retention rule keeps {forms}").format(
                forms=", ".join(label(form) for form in kept)
            )
        return None

    def mark_erased(self, *, at: datetime, on_request: bool) -> None:
        if self.is_erased:
            raise IllegalTransition(
                _("Record {id} is already anonymised."),
                code="retention.illegal_transition",
                id=self.id,
            )
        if self.holds:
            raise IllegalTransition(
                _("Record {id} is on hold; release every hold first."),
                code="retention.illegal_transition",
                id=self.id,
            )
        self._record(self.erasure(self.id, at=at, on_request=on_request))

    @staticmethod
    def erasure(file_id: RecordFileId, *, at: datetime, on_request: bool) -> PersonalDataErased:
        """The event that marks a file anonymised; a store erasing files in bulk writes it too."""
        return PersonalDataErased(at=at, file_id=file_id, on_request=on_request)

    @classmethod
    def erasures(
        cls, file_ids: Iterable[RecordFileId], *, at: datetime, on_request: bool
    ) -> list[PersonalDataErased]:
        """``erasure`` of many files at once (a store's bulk purge), the time checked once.

        The events differ only in their file id; checking the same time zone
        ten thousand times was a tenth of a bulk purge's Python time.
        """
        template = cls.erasure(RecordFileId("template"), at=at, on_request=on_request)
        names = [a.name for a in attrs.fields(PersonalDataErased) if a.name != "file_id"]
        events = []
        for file_id in file_ids:
            event = object.__new__(PersonalDataErased)
            for name in names:
                object.__setattr__(event, name, getattr(template, name))
            object.__setattr__(event, "file_id", file_id)
            events.append(event)
        return events

    # -- state -----------------------------------------------------------------

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case RecordFileOpened():
                return cls(
                    event.file_id,
                    kind=event.kind,
                    record_id=event.record_id,
                    forms=event.forms,
                    opened_at=event.at,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case RecordFileExtended():
                self.forms = self.forms | event.forms
            case RecordFileClosed():
                self.closed_at, self.expires_at = event.at, event.expires_at
            case RecordFileReopened():
                self.closed_at, self.expires_at = None, None
            case HoldPlaced():
                self.holds = (*self.holds, event.hold)
            case HoldReleased():
                self.holds = tuple(h for h in self.holds if h.id != event.hold_id)
            case PersonalDataErased():
                self.erased_at = event.at
            case _:
                super().apply(event)
