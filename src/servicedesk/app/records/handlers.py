"""Records: filing, holds, retention purges, erasure on request, lost and found.

Filing is automatic: after every command, ``file_events`` looks at the
events about to be committed and opens, extends or closes the record files
they concern (a request registered opens one; a work order or the
requester's signature adds a form; closing, declining or cancelling starts
its retention period).  Another area files its own records by adding to
``FILERS`` and ``SOURCES`` (see ``docs/records.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from servicedesk.app.requests.commands import Command
from servicedesk.app.requests.handlers import Context, handles
from servicedesk.domain import lost_found as lf
from servicedesk.domain import requests as rq
from servicedesk.domain.errors import InvalidValue, NotFound
from servicedesk.domain.events import Event
from servicedesk.domain.privacy import personal, scrub, subject_key
from servicedesk.domain.retention import RecordFile, RecordFileId, RecordKind
from servicedesk.domain.values import Contact, Identifier, RequestId, check_text
from servicedesk.i18n import _

Filer = Callable[[Any, Context], None]

#: Store kind -> (aggregate class, id class): what a purge rewrites for a file of that kind.
SOURCES: dict[str, tuple[type[Any], type[Identifier]]] = {
    "request": (rq.ServiceRequest, RequestId),
    "found_item": (lf.FoundItem, lf.FoundItemId),
}
#: Event type -> what it does to record files.
FILERS: dict[type[Event], Filer] = {}


def files(*event_types: type[Event]) -> Callable[[Filer], Filer]:
    def register(function: Filer) -> Filer:
        for event_type in event_types:
            FILERS[event_type] = function
        return function

    return register


def file_events(ctx: Context, events: list[Event]) -> None:
    for event in events:
        filer = FILERS.get(type(event))
        if filer is not None:
            filer(event, ctx)


def record_file(ctx: Context, kind: str, record_id: Identifier, at: Any) -> RecordFile:
    """The record's file, opened empty if the record predates filing."""
    file_id = RecordFileId.of(kind, record_id)
    found = ctx.uow.record_files.find(file_id)
    if found is None:
        found = RecordFile.open(file_id, kind=kind, record_id=record_id.value, forms=(), at=at)
        ctx.uow.record_files.add(found)
    return found


def phone_key(contact: Contact | None) -> list[str]:
    """The lookup keys of a person reached at ``contact`` (none without one)."""
    return [] if contact is None else [subject_key(contact.phone)]


@files(rq.RequestRegistered)
def _request_registered(event: rq.RequestRegistered, ctx: Context) -> None:
    record = record_file(ctx, "request", event.request_id, event.at)
    record.extend(forms=[RecordKind.REQUEST_FORM], at=event.at)
    ctx.uow.personal_data.link(record.id, phone_key(event.requester.contact))


@files(rq.WorkOrderDispatched)
def _work_order(event: rq.WorkOrderDispatched, ctx: Context) -> None:
    record = record_file(ctx, "request", event.request_id, event.at)
    record.extend(forms=[RecordKind.WORK_ORDER], at=event.at)


@files(rq.WorkAccepted, rq.WorkRejected)
def _feedback(event: rq.WorkAccepted | rq.WorkRejected, ctx: Context) -> None:
    record = record_file(ctx, "request", event.request_id, event.at)
    record.extend(forms=[RecordKind.FEEDBACK_FORM], at=event.at)


@files(rq.RequestClosed, rq.RequestDeclined, rq.RequestCancelled)
def _request_closed(
    event: rq.RequestClosed | rq.RequestDeclined | rq.RequestCancelled, ctx: Context
) -> None:
    record = record_file(ctx, "request", event.request_id, event.at)
    record.extend(forms=[RecordKind.REQUEST_FORM], at=event.at)  # also a request filed late
    record.close(at=event.at, rules=ctx.policies.retention_rules())


@files(lf.FoundItemLogged)
def _found_item_logged(event: lf.FoundItemLogged, ctx: Context) -> None:
    record = record_file(ctx, "found_item", event.item_id, event.at)
    record.extend(forms=[RecordKind.LOST_PROPERTY], at=event.at)
    ctx.uow.personal_data.link(record.id, phone_key(event.finder.contact))


@files(lf.FoundItemClaimed, lf.FoundItemGivenToFinder)
def _found_item_closed(
    event: lf.FoundItemClaimed | lf.FoundItemGivenToFinder, ctx: Context
) -> None:
    record = record_file(ctx, "found_item", event.item_id, event.at)
    if isinstance(event, lf.FoundItemClaimed):
        ctx.uow.personal_data.link(record.id, phone_key(event.claimant.contact))
    record.extend(forms=[RecordKind.LOST_PROPERTY], at=event.at)
    record.close(at=event.at, rules=ctx.policies.retention_rules())


# --- commands ------------------------------------------------------------------


def to_found_item_id(value: lf.FoundItemId | str) -> lf.FoundItemId:
    return value if isinstance(value, lf.FoundItemId) else lf.FoundItemId(value)


def to_optional_found_item_id(value: lf.FoundItemId | str | None) -> lf.FoundItemId | None:
    return None if value is None else to_found_item_id(value)


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
    record_id: str
    hold_id: str
    kind: str = "request"


@attrs.frozen(kw_only=True)
class PurgeExpired(Command):
    """Anonymise up to ``limit`` records whose retention period ended; run until it returns 0."""

    limit: int = 500

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.limit, int) or not 0 < self.limit <= 10_000:
            raise InvalidValue(_("A purge batch holds 1 to 10000 records."))


@attrs.frozen(kw_only=True)
class EraseRequester(Command):
    """The requester with this phone asks to be forgotten where the rules allow."""

    phone: str = personal()


@attrs.frozen(kw_only=True)
class LogFoundItem(Command):
    description: str
    place: str
    valuable: bool
    finder: lf.Finder
    item_id: lf.FoundItemId | None = attrs.field(default=None, converter=to_optional_found_item_id)


@attrs.frozen(kw_only=True)
class ClaimFoundItem(Command):
    """The owner claims the item; the desk checked an identity document."""

    item_id: lf.FoundItemId = attrs.field(converter=to_found_item_id)
    claimant_name: str = personal(converter=to_claimant_name)
    document: str = attrs.field(converter=to_document)
    document_number: str = personal()
    claimant_phone: str | None = personal(default=None)


@attrs.frozen(kw_only=True)
class GiveFoundItemToFinder(Command):
    """A manager approves giving an unclaimed item to its finder after the period."""

    item_id: lf.FoundItemId = attrs.field(converter=to_found_item_id)


# --- handlers --------------------------------------------------------------------


def _file(ctx: Context, kind: str, record_id: str) -> RecordFile:
    if kind not in SOURCES:
        raise InvalidValue(
            _("{kind!r} is not a kind of record; choose one of: {kinds}.").format(
                kind=kind, kinds=", ".join(sorted(SOURCES))
            )
        )
    return ctx.uow.record_files.get(RecordFileId.of(kind, record_id))


@handles(PlaceHold)
def place_hold(cmd: PlaceHold, ctx: Context) -> str:
    record = _file(ctx, cmd.kind, cmd.record_id)
    record.place_hold(hold_id=cmd.hold_id, reason=cmd.reason, by=ctx.actor.id, at=ctx.now)
    return record.id.value


@handles(ReleaseHold)
def release_hold(cmd: ReleaseHold, ctx: Context) -> str:
    record = _file(ctx, cmd.kind, cmd.record_id)
    record.release_hold(hold_id=cmd.hold_id, by=ctx.actor.id, at=ctx.now)
    return record.id.value


def erase(ctx: Context, record: RecordFile, *, on_request: bool) -> None:
    """Anonymise the record and its stored events; amounts, ids and times stay."""
    cls, id_cls = SOURCES[record.kind]
    ctx.uow.personal_data.rewrite(record.kind, cls, id_cls(record.record_id), scrub)
    ctx.uow.personal_data.unlink(record.id)
    record.mark_erased(at=ctx.now, on_request=on_request)


@handles(PurgeExpired)
def purge_expired(cmd: PurgeExpired, ctx: Context) -> str:
    """The store erases what it can of the batch in bulk; the rest one record at a time.

    Either way the result is the same (``PersonalData.purge_due``): a SQL store
    patches a batch with a few set-based statements, the memory store leaves
    every file to ``erase``, the reference.
    """
    batch = ctx.uow.personal_data.purge_due(ctx.now, cmd.limit, SOURCES)
    for record in batch.left:
        erase(ctx, record, on_request=False)
    return str(batch.erased + len(batch.left))


@handles(EraseRequester)
def erase_requester(cmd: EraseRequester, ctx: Context) -> str:
    file_ids = ctx.uow.personal_data.files_of(subject_key(Contact(cmd.phone).phone))
    if not file_ids:
        raise NotFound(_("No records are held for this phone number."))
    rules = ctx.policies.retention_rules()
    erased = 0
    for file_id in file_ids:
        record = ctx.uow.record_files.get(file_id)
        if record.erasable_on_request(rules) is None:
            erase(ctx, record, on_request=True)
            erased += 1
    return str(erased)


@handles(LogFoundItem)
def log_found_item(cmd: LogFoundItem, ctx: Context) -> str:
    item_id = cmd.item_id or lf.FoundItemId(ctx.new_id())
    keeping = ctx.policies.found_item_keeping(cmd.valuable)
    item = lf.FoundItem.log(
        item_id,
        description=cmd.description,
        place=cmd.place,
        valuable=cmd.valuable,
        finder=cmd.finder,
        keep_until=ctx.now + keeping,
        at=ctx.now,
    )
    ctx.uow.found_items.add(item)
    return item_id.value


@handles(ClaimFoundItem)
def claim_found_item(cmd: ClaimFoundItem, ctx: Context) -> str:
    item = ctx.uow.found_items.get(cmd.item_id)
    identity = lf.IdentityCheck.of(cmd.document, cmd.document_number, ctx.actor.id)
    contact = None if cmd.claimant_phone is None else Contact(cmd.claimant_phone)
    item.claim(claimant=lf.Claimant(cmd.claimant_name, contact, identity), at=ctx.now)
    return item.id.value


@handles(GiveFoundItemToFinder)
def give_found_item_to_finder(cmd: GiveFoundItemToFinder, ctx: Context) -> str:
    item = ctx.uow.found_items.get(cmd.item_id)
    item.give_to_finder(approved_by=ctx.actor.id, at=ctx.now)
    return item.id.value
