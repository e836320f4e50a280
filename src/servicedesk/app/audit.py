"""The audit hook around every handler: permission first, audit record last.

``Desk.handle`` checks who may give the command (``servicedesk.app.permissions``)
and wraps its handler with ``audited``.  A refusal, by that check or a
``PermissionDenied`` the handler raises itself (an area's own role rule), is
written to the trail in a unit of work of its own (the command's own one rolls
back); so is a refused query, and every export that showed personal data unmasked
(``record_read``).  When the handler
succeeds, the wrapper files the records the command touched
(``file_events``) and appends one audit record naming the command,
the actor and every event about to be committed, in the command's own unit
of work: the record and the change are committed together or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs

from servicedesk import convert
from servicedesk.app import gc_pause as collector
from servicedesk.app.command import Command
from servicedesk.app.context import Context, Handler
from servicedesk.app.records.filing import file_events
from servicedesk.app.unit_of_work import Store, UnitOfWork, Written, pending_events, unsaved_events
from servicedesk.domain.audit import (
    AuditHead,
    AuditRecord,
    EventRef,
    MalformedRecord,
    canonical_json,
)
from servicedesk.domain.audit import digest as data_digest
from servicedesk.domain.errors import ConcurrencyConflict
from servicedesk.domain.events import Event
from servicedesk.domain.privacy import scrub
from servicedesk.domain.values import Actor

log = logging.getLogger("servicedesk.audit")


def event_ref(event: Event, document: Any = None) -> EventRef:
    """Names an event by its content without its personal data: stable across purges.

    ``document`` is the event's plain data if already made (the row the log stores):
    an event without personal data is digested from it, not unstructured again.
    """
    scrubbed = scrub(event)
    if document is None or scrubbed is not event:
        document = convert.unstructure(scrubbed)
    return EventRef(type(event).__name__, data_digest(document))


#: Stands for the differing id while a batch of alike events is digested from one template.
PLACEHOLDER = "servicedesk-placeholder-id"


def alike_refs(batch: Written) -> list[EventRef]:
    """``event_ref`` of each event of a bulk step's batch, from one template when it can.

    Events alike but for one id (a purge's ``PersonalDataErased``) differ in
    their canonical JSON only where the id stands, and ids hold no character
    JSON escapes: the template's text with each id put in is what ``event_ref``
    digests.  That the events are alike is the bulk step's promise (``Written``);
    the first is checked against ``event_ref`` itself, and any doubt (the
    placeholder elsewhere, a mismatch) digests event by event.
    """
    if batch.refs is not None:
        return list(batch.refs)
    events, field = list(batch.events), batch.alike
    if not events or field is None:
        return [event_ref(e) for e in events]
    first = events[0]
    id_class = type(getattr(first, field))
    template = canonical_json(
        convert.unstructure(scrub(attrs.evolve(first, **{field: id_class(PLACEHOLDER)})))
    )
    name = type(first).__name__
    ids = [getattr(e, field).value for e in events]
    refs = [
        EventRef(name, hashlib.sha256(template.replace(PLACEHOLDER, i).encode()).hexdigest())
        for i in ids
    ]
    if template.count(PLACEHOLDER) != 1 or refs[0] != event_ref(first):
        return [event_ref(e) for e in events]
    return refs


def ref_maker(
    template: Event, paths: Sequence[tuple[str, ...]]
) -> Callable[[Sequence[str]], EventRef] | None:
    """References of events like ``template`` that differ only in the strings at ``paths``.

    For a bulk step with thousands of events made from one template: ``maker(values)`` is
    ``event_ref`` of the event whose plain data has ``values`` at ``paths``, without
    scrubbing and serialising each event.  The values are given as JSON spells them inside
    a string (``json_escaped``).  ``None`` when the template holds personal data
    (scrubbing would change what the values say): then call ``event_ref`` for each event.
    """
    if scrub(template) is not template:
        return None
    data = convert.unstructure(template)
    holes = [f"@@hole{number}@@" for number in range(len(paths))]
    for path, hole in zip(paths, holes, strict=True):
        inner = data
        for key in path[:-1]:
            inner = inner[key]
        inner[path[-1]] = hole
    text = canonical_json(data).replace("{", "{{").replace("}", "}}")
    if any(text.count(hole) != 1 for hole in holes):
        return None
    for number, hole in enumerate(holes):
        text = text.replace(hole, f"{{{number}}}")
    kind = type(template).__name__

    def maker(values: Sequence[str]) -> EventRef:
        return EventRef(kind, hashlib.sha256(text.format(*values).encode()).hexdigest())

    return maker


#: What a JSON string spells differently from the text (``canonical_json`` keeps the rest).
_JSON_ESCAPED = re.compile(r'[\x00-\x1f"\\]')


def json_escaped(text: str) -> str:
    """``text`` as ``canonical_json`` writes it inside a string (without the quotes)."""
    if _JSON_ESCAPED.search(text):
        return json.dumps(text, ensure_ascii=False)[1:-1]
    return text


def describe(command: Command) -> str:
    """The command's arguments as canonical JSON, personal data replaced."""
    data: dict[str, Any] = convert.unstructure(scrub(command))
    return canonical_json(data)


def audited(handler: Handler) -> Handler:
    """``handler`` with the filing of its records and its audit record after it.

    The permission check comes before (``Desk.handle`` calls ``check_permission``);
    a refusal, whether by that check or by the handler itself (a complaint admits
    only its owner), is recorded by ``record_refusal`` once the command's own
    transaction has rolled back.
    """

    def run(command: Command, ctx: Context) -> str | None:
        result = handler(command, ctx)
        file_events(ctx, pending_events(ctx.uow))
        append(ctx.uow, ctx, command, result, refused=None)
        return result

    return run


def pending_refs(uow: UnitOfWork) -> list[EventRef]:
    """``event_ref`` of every event ``pending_events`` names, in its order."""
    refs = [ref for batch in uow.written for ref in alike_refs(batch)]
    return refs + [event_ref(e, uow.event_document(e)) for e in unsaved_events(uow)]


def append(
    uow: UnitOfWork, ctx: Context, command: Command, subject: str | None, refused: str | None
) -> None:
    """Queue the command's audit record; the unit of work chains it when it commits."""
    bulk = bool(uow.written)  # tens of thousands of references, made without the collector
    with collector.paused() if bulk else contextlib.nullcontext():
        events = [] if refused else pending_refs(uow)
    tallies = [] if refused else [tally for batch in uow.written for tally in batch.tallies]
    entry = uow.entry if events or tallies else None
    details = describe(command)

    def make(head: AuditHead | None) -> AuditRecord:
        with collector.paused() if bulk else contextlib.nullcontext():
            return AuditRecord.after(
                head,
                at=ctx.now,
                actor=ctx.actor.id,
                roles=ctx.actor.roles,
                command=type(command).__name__,
                details=details,
                subject=subject,
                refused=refused,
                events=events,
                entry=entry,
                tallies=tallies,
                key=ctx.audit_key,
            )

    uow.audit.add(make)


def _alone(store: Store, write: Callable[[UnitOfWork], None], tries: int = 5) -> None:
    """Commit what ``write`` queues in a transaction of its own, retrying a conflict."""
    for attempt in range(tries):
        try:
            with store.unit_of_work() as uow:
                write(uow)
                uow.commit()
            return
        except ConcurrencyConflict:
            if attempt == tries - 1:
                raise


def record_refusal(
    store: Store, command: Command, ctx: Context, error: Exception, tries: int = 5
) -> None:
    """One audit record of the refusal, in a transaction of its own.

    Called after the refused command's transaction rolled back, so that on a
    store with one writer at a time (SQLite) the record does not wait for a
    lock its own process holds.
    """
    log.warning("refused %s by %s", type(command).__name__, ctx.actor.id)
    _alone(store, lambda uow: append(uow, ctx, command, None, type(error).__name__), tries)


@attrs.frozen
class Read:
    """A query worth a record of its own: refused, or showing personal data unmasked.

    ``details`` names what was asked by ids only (canonical JSON); ``subject``
    whose records were read, by record file ids, never by the data itself.
    """

    query: str
    details: dict[str, Any]
    subject: str | None = None
    refused: str | None = None


def record_read(
    store: Store, read: Read, actor: Actor, at: datetime, key: bytes | None = None
) -> None:
    """One audit record of ``read`` by ``actor``, in a transaction of its own."""
    details = canonical_json(read.details)

    def write(uow: UnitOfWork) -> None:
        uow.audit.add(
            lambda head: AuditRecord.after(
                head,
                at=at,
                actor=actor.id,
                roles=actor.roles,
                command=read.query,
                details=details,
                subject=read.subject,
                refused=read.refused,
                events=[],
                entry=None,
                tallies=[],
                key=key,
            )
        )

    if read.refused:
        log.warning("refused %s by %s", read.query, actor.id)
    _alone(store, write)


# --- reading the trail ---------------------------------------------------------------------------


def all_records(store: Store, page: int = 1000) -> Iterator[AuditRecord | MalformedRecord]:
    """Every record in stored order, a page per unit of work, so memory stays flat."""
    after = 0
    while True:
        with store.reading() as uow:
            batch = uow.audit.records(after, page)
        yield from batch
        if len(batch) < page:
            return
        after = batch[-1].seq


def head(store: Store) -> AuditHead | None:
    """The chain's head, to export and keep where the store's administrators cannot reach."""
    with store.reading() as uow:
        last = uow.audit.last()
    return None if last is None else last.head
