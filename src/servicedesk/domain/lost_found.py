"""Lost and found (rule records.found-item-keeping, rule records.found-item-claim, rule
records.found-item-to-finder).

An item handed in is logged with its finder, where it was found and whether
it is valuable; it is kept for the policy's period (ordinary items 3-6
months, valuables 1-2 years).  The owner claims it after an identity check,
which is recorded (the document kind, its last four characters, who checked:
never the whole number).  An item nobody claimed within the period may be
given to its finder, with a manager's approval.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Self

import attrs

from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.errors import ApprovalRefused, IllegalTransition, InvalidValue
from servicedesk.domain.events import Event
from servicedesk.domain.privacy import personal
from servicedesk.domain.values import ActorId, Contact, Identifier, check_text, required_text
from servicedesk.i18n import _


@attrs.frozen
class FoundItemId(Identifier):
    """Identifies an item handed in to lost and found."""


class FoundItemStatus(StrEnum):
    KEPT = "kept"
    CLAIMED = "claimed"
    GIVEN_TO_FINDER = "given_to_finder"


@attrs.frozen
class Finder:
    """Who handed the item in: a member of staff (by id) or of the public."""

    name: str = personal(validator=required_text("finder name", 100))
    contact: Contact | None = None
    staff: ActorId | None = None


@attrs.frozen
class IdentityCheck:
    """The claimant's identity document as checked at the desk, never stored whole."""

    document: str = attrs.field(validator=required_text("identity document", 50))
    checked_by: ActorId
    last_four: str = personal()

    @classmethod
    def of(cls, document: str, number: str, checked_by: ActorId) -> IdentityCheck:
        number = "".join(number.split())
        if len(number) < 6 or not number.isalnum():
            raise InvalidValue(
                _("The identity document number looks incomplete."), code="found_item.invalid"
            )
        return cls(document, checked_by, number[-4:])


@attrs.frozen
class Claimant:
    name: str = personal(validator=required_text("claimant name", 100))
    contact: Contact | None = None
    identity: IdentityCheck | None = None


# --- events --------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class FoundItemLogged(Event):
    item_id: FoundItemId
    description: str
    place: str
    valuable: bool
    finder: Finder
    keep_until: datetime


@attrs.frozen(kw_only=True)
class FoundItemClaimed(Event):
    item_id: FoundItemId
    claimant: Claimant


@attrs.frozen(kw_only=True)
class FoundItemGivenToFinder(Event):
    item_id: FoundItemId
    approved_by: ActorId


# --- aggregate -----------------------------------------------------------------------------------


@attrs.define(kw_only=True)
class FoundItem(Aggregate[FoundItemId]):
    description: str
    place: str
    valuable: bool
    finder: Finder
    found_at: datetime
    keep_until: datetime
    status: FoundItemStatus = FoundItemStatus.KEPT
    claimant: Claimant | None = None
    approved_by: ActorId | None = None
    closed_at: datetime | None = None

    @classmethod
    def log(
        cls,
        item_id: FoundItemId,
        *,
        description: str,
        place: str,
        valuable: bool,
        finder: Finder,
        keep_until: datetime,
        at: datetime,
    ) -> FoundItem:
        if keep_until <= at:
            raise InvalidValue(
                _("A found item is kept for a period after it is handed in."),
                code="found_item.invalid",
            )
        return cls._create(
            FoundItemLogged(
                at=at,
                item_id=item_id,
                description=check_text(description, "description", 500),
                place=check_text(place, "place", 200),
                valuable=bool(valuable),
                finder=finder,
                keep_until=keep_until,
            )
        )

    def claim(self, *, claimant: Claimant, at: datetime) -> None:
        """The owner takes it back; without a recorded identity check, nobody does."""
        self._kept(_("claimed"))
        if claimant.identity is None:
            raise InvalidValue(
                _("Found item {id} is handed over only after an identity check."),
                code="found_item.invalid",
                id=self.id,
            )
        self._record(FoundItemClaimed(at=at, item_id=self.id, claimant=claimant))

    def give_to_finder(self, *, approved_by: ActorId, at: datetime) -> None:
        """Unclaimed after its period: the finder may have it, with approval."""
        self._kept(_("given to its finder"))
        if at < self.keep_until:
            raise IllegalTransition(
                _("Found item {id} is kept until {until}; its owner may still claim it."),
                code="found_item.illegal_transition",
                id=self.id,
                until=self.keep_until.isoformat(timespec="minutes"),
            )
        if self.finder.staff is not None and self.finder.staff == approved_by:
            raise ApprovalRefused(
                _("The finder cannot approve giving found item {id} to themselves."),
                code="found_item.approval_refused",
                id=self.id,
            )
        self._record(FoundItemGivenToFinder(at=at, item_id=self.id, approved_by=approved_by))

    def _kept(self, action: str) -> None:
        if self.status is not FoundItemStatus.KEPT:
            raise IllegalTransition(
                _("Found item {id} is {status}; it cannot be {action}."),
                code="found_item.illegal_transition",
                id=self.id,
                status=self.status,
                action=action,
            )

    @classmethod
    def created(cls, event: Event) -> Self:
        match event:
            case FoundItemLogged():
                return cls(
                    event.item_id,
                    description=event.description,
                    place=event.place,
                    valuable=event.valuable,
                    finder=event.finder,
                    found_at=event.at,
                    keep_until=event.keep_until,
                )
            case _:
                return super().created(event)

    def apply(self, event: Event) -> None:
        match event:
            case FoundItemClaimed():
                self.status, self.claimant = FoundItemStatus.CLAIMED, event.claimant
                self.closed_at = event.at
            case FoundItemGivenToFinder():
                self.status, self.approved_by = FoundItemStatus.GIVEN_TO_FINDER, event.approved_by
                self.closed_at = event.at
            case _:
                super().apply(event)
