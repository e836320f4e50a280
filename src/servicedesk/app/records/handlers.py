"""Handlers of records: holds, retention purges, erasure on request, lost and found.

Filing itself is automatic (``records.filing``); the kinds of record a file
can hold are the wiring's ``record_sources`` (``docs/records.md``).
"""

from __future__ import annotations

from servicedesk.app.context import Context
from servicedesk.app.progress import counted
from servicedesk.app.records.commands import (
    ClaimFoundItem,
    EraseRequester,
    GiveFoundItemToFinder,
    LogFoundItem,
    PlaceHold,
    PurgeExpired,
    ReleaseHold,
)
from servicedesk.app.records.filing import files_of_phone
from servicedesk.domain import lost_found as lf
from servicedesk.domain.errors import InvalidValue, NotFound
from servicedesk.domain.retention import RecordFile, RecordFileId
from servicedesk.domain.values import Contact
from servicedesk.i18n import _


def _file(ctx: Context, kind: str, record_id: str) -> RecordFile:
    sources = ctx.wiring.record_sources
    if kind not in sources:
        raise InvalidValue(
            _("{kind!r} is not a kind of record; choose one of: {kinds}."),
            code="records.invalid",
            kind=kind,
            kinds=", ".join(sorted(sources)),
        )
    return ctx.uow.record_files.get(RecordFileId.of(kind, record_id))


def place_hold(cmd: PlaceHold, ctx: Context) -> str:
    record = _file(ctx, cmd.kind, cmd.record_id)
    record.place_hold(hold_id=cmd.hold_id, reason=cmd.reason, by=ctx.actor.id, at=ctx.now)
    return record.id.value


def release_hold(cmd: ReleaseHold, ctx: Context) -> str:
    record = _file(ctx, cmd.kind, cmd.record_id)
    record.release_hold(hold_id=cmd.hold_id, by=ctx.actor.id, at=ctx.now)
    return record.id.value


def erase(ctx: Context, record: RecordFile, *, on_request: bool) -> None:
    """Forget the record's key: it and its stored events read anonymised; amounts, ids stay."""
    cls, id_cls = ctx.wiring.record_sources[record.kind]
    ctx.uow.personal_data.shred(record.kind, cls, id_cls(record.record_id))
    ctx.uow.personal_data.unlink(record.id)
    record.mark_erased(at=ctx.now, on_request=on_request)


def purge_expired(cmd: PurgeExpired, ctx: Context) -> str:
    """The store erases what it can of the batch in bulk; the rest one record at a time.

    Either way the result is the same (``PersonalData.purge_due``): a SQL store
    patches a batch with a few set-based statements, the memory store leaves
    every file to ``erase``, the reference.  The command's ``limit`` files are
    taken in batches of at most ``ctx.batch.size``, one unit of work each; an
    erased file is no longer due, so each batch takes the next ones.  Returns how
    many files the run erased (so far, in a batch before the last).
    """
    erased: int = ctx.batch.resumed or 0
    total: int | None = ctx.batch.tally
    if ctx.batch.counted and total is None:  # counted once, before the first batch erases
        total = len(ctx.uow.record_files.due_for_purge(ctx.now, cmd.limit))
    wanted = cmd.limit - erased
    if ctx.batch.size is not None:
        wanted = min(wanted, ctx.batch.size)
    batch = ctx.uow.personal_data.purge_due(ctx.now, wanted, ctx.wiring.record_sources)
    for record in batch.left:
        erase(ctx, record, on_request=False)
    erased += batch.erased + len(batch.left)
    if batch.erased + len(batch.left) == wanted and erased < cmd.limit:
        ctx.batch.more(erased)  # a full batch: more may be due
    if total is not None:
        ctx.batch.report(*counted(erased, total, ctx.batch.pending), tally=total)
    return str(erased)


def erase_requester(cmd: EraseRequester, ctx: Context) -> str:
    file_ids = files_of_phone(ctx.uow, cmd.phone)
    if not file_ids:
        raise NotFound(_("No records are held for this phone number."), kind="record_file")
    rules = ctx.policies.retention_rules()
    erased = 0
    for file_id in file_ids:
        record = ctx.uow.record_files.get(file_id)
        if record.erasable_on_request(rules) is None:
            erase(ctx, record, on_request=True)
            erased += 1
    return str(erased)


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


def claim_found_item(cmd: ClaimFoundItem, ctx: Context) -> str:
    item = ctx.uow.found_items.get(cmd.item_id)
    identity = lf.IdentityCheck.of(cmd.document, cmd.document_number, ctx.actor.id)
    contact = None if cmd.claimant_phone is None else Contact(cmd.claimant_phone)
    item.claim(claimant=lf.Claimant(cmd.claimant_name, contact, identity), at=ctx.now)
    return item.id.value


def give_found_item_to_finder(cmd: GiveFoundItemToFinder, ctx: Context) -> str:
    item = ctx.uow.found_items.get(cmd.item_id)
    item.give_to_finder(approved_by=ctx.actor.id, at=ctx.now)
    return item.id.value
