"""Commands of records: holds, retention purges, erasure on request, lost and found."""

from __future__ import annotations

from typing import ClassVar

import attrs

from servicedesk.app.command import Command
from servicedesk.domain import lost_found as lf
from servicedesk.domain import reserved
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.privacy import personal
from servicedesk.domain.reserved import ReservedAct
from servicedesk.domain.values import check_text
from servicedesk.i18n import _


def to_claimant_name(value: str) -> str:
    return check_text(value, "claimant name", 100)


def to_document(value: str) -> str:
    return check_text(value, "identity document", 50)


@attrs.frozen(kw_only=True)
class PlaceHold(Command):
    """Stop the purge of one record (a dispute, an inquiry) until released."""

    record_id: str
    hold_id: str
    reason: str
    kind: str = "request"


@attrs.frozen(kw_only=True)
class ReleaseHold(Command):
    """Let the purge take the record again: the records' managers only, never the system."""

    reserved: ClassVar[ReservedAct | None] = reserved.RELEASE_HOLD
    record_id: str
    hold_id: str
    kind: str = "request"


@attrs.frozen(kw_only=True)
class PurgeExpired(Command):
    """Anonymise up to ``limit`` records whose retention period ended; run until it returns 0."""

    limit: int = 500

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.limit, int) or not 0 < self.limit <= 10_000:
            raise InvalidValue(_("A purge batch holds 1 to 10000 records."), code="records.invalid")


@attrs.frozen(kw_only=True)
class EraseRequester(Command):
    """The requester with this phone asks to be forgotten where the rules allow."""

    reserved: ClassVar[ReservedAct | None] = reserved.ERASE

    phone: str = personal()


@attrs.frozen(kw_only=True)
class LogFoundItem(Command):
    description: str
    place: str
    valuable: bool
    finder: lf.Finder
    item_id: lf.FoundItemId | None = attrs.field(
        default=None, converter=attrs.converters.optional(lf.FoundItemId)
    )


@attrs.frozen(kw_only=True)
class ClaimFoundItem(Command):
    """The owner claims the item; the desk checked an identity document."""

    item_id: lf.FoundItemId = attrs.field(converter=lf.FoundItemId)
    claimant_name: str = personal(converter=to_claimant_name)
    document: str = attrs.field(converter=to_document)
    document_number: str = personal()
    claimant_phone: str | None = personal(default=None)


@attrs.frozen(kw_only=True)
class GiveFoundItemToFinder(Command):
    """A manager approves giving an unclaimed item to its finder after the period."""

    reserved: ClassVar[ReservedAct | None] = reserved.GIVE_AWAY
    item_id: lf.FoundItemId = attrs.field(converter=lf.FoundItemId)
