"""Re-vouching: events that audit records name by the digest rule of an earlier version.

Records written before free text and signatures became personal name their events by
a digest with those fields left in (``LEGACY_PLAIN``); today's digest leaves them out,
so ``verify`` would take every such event for an altered one.  ``revouch_legacy_digests``
runs once, at the upgrade: for each event whose record's digest does not match today's
rule, it computes the earlier rule's digest from the stored event and, only if that is
what the record named, lists the event with its current digest in a record of its own
appended to the chain (``digests_revouched``, by the system).  An event altered before
the upgrade matches neither rule and is left to ``verify`` to report.

``verify`` then accepts such an event when a re-vouch record after its own names it
with the digest it has now (``servicedesk.app.trail_check``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs

from servicedesk import convert
from servicedesk.app.audit import event_ref
from servicedesk.app.unit_of_work import LoggedEvent, Store, UnitOfWork
from servicedesk.domain.audit import (
    LEGACY_PLAIN,
    REVOUCHED,
    AuditHead,
    AuditRecord,
    EventRef,
    MalformedRecord,
    Revouch,
    is_revouch,
    revouch_details,
    revouches,
)
from servicedesk.domain.audit import digest as data_digest
from servicedesk.domain.events import Event
from servicedesk.domain.privacy import ERASED, scrub
from servicedesk.domain.values import Actor

#: Records read per page, and events listed per re-vouch record.
PAGE = 1000
BATCH = 1000


def legacy_event_ref(event: Event) -> EventRef:
    """``event_ref`` by the earlier rule: the event scrubbed, the ``LEGACY_PLAIN`` fields kept."""
    kept = LEGACY_PLAIN.get(type(event).__name__, ())
    if not kept:
        return event_ref(event)
    legacy: Any = attrs.evolve(scrub(event), **{name: getattr(event, name) for name in kept})
    return EventRef(type(event).__name__, data_digest(convert.unstructure(legacy)))


def legacy_text_erased(event: Event) -> bool:
    """Whether the fields the earlier rule digested hold nothing but what erasure leaves."""
    kept = LEGACY_PLAIN.get(type(event).__name__, ())
    return all(getattr(event, name) in ("", ERASED) for name in kept)


def legacy_matches(record: AuditRecord, events: Sequence[LoggedEvent]) -> list[Revouch]:
    """The events carrying ``record``'s mark that it names by the earlier rule's digest only."""
    named = Counter((ref.type, ref.digest) for ref in record.event_refs)
    unmatched: list[tuple[str, Event, EventRef]] = []
    for logged in events:
        try:
            event = convert.structure(logged.document, Event)
            ref = event_ref(event)
        except Exception:  # an unreadable row is for verify to report, not to re-vouch
            continue
        if named[ref.type, ref.digest] > 0:
            named[ref.type, ref.digest] -= 1
        elif ref.type in LEGACY_PLAIN:
            unmatched.append((logged.place, event, ref))
    found: list[Revouch] = []
    for place, event, ref in unmatched:
        legacy = legacy_event_ref(event)
        if legacy.digest != ref.digest and named[legacy.type, legacy.digest] > 0:
            named[legacy.type, legacy.digest] -= 1
            found.append(Revouch(record.seq, place, ref.type, legacy.digest, ref.digest))
    return found


def _legacy_revouches(uow: UnitOfWork, page: int) -> Iterator[Revouch]:
    """Every event to re-vouch, in the trail's order, skipping those a record already did.

    Only records before the first re-vouch record are looked at: it was written at the
    upgrade, and everything after it was digested by today's rule.
    """
    first: int | None = None
    done: set[tuple[int, str]] = set()
    after = 0
    while True:
        records: list[AuditRecord | MalformedRecord] = uow.audit.records(after, page)
        for record in records:
            if is_revouch(record):
                assert isinstance(record, AuditRecord)
                first = record.seq if first is None else first
                try:
                    done.update((r.seq, r.place) for r in revouches(record))
                except ValueError:
                    continue
        marked = [
            r
            for r in records
            if isinstance(r, AuditRecord)
            and r.entry is not None
            and (first is None or r.seq < first)
            and any(ref.type in LEGACY_PLAIN for ref in r.event_refs)
        ]
        if marked:
            logged = uow.events.of_entries([r.entry for r in marked if r.entry is not None])
            for record in marked:
                assert record.entry is not None
                for found in legacy_matches(record, logged.get(record.entry, [])):
                    if (found.seq, found.place) not in done:
                        yield found
        if len(records) < page:
            return
        after = records[-1].seq


def revouch_legacy_digests(
    uow: UnitOfWork,
    *,
    at: datetime,
    key: bytes | None = None,
    page: int = PAGE,
    batch: int = BATCH,
) -> int:
    """Queue the re-vouch records of every event named by the earlier rule; how many events.

    The caller commits ``uow`` (the migration's transaction, or ``store.unit_of_work()``
    for a memory store).  ``key`` seals the records like the desk's own
    (``Desk(audit_key=...)``).  Running it again finds nothing new.
    """
    pending = list(_legacy_revouches(uow, page))
    system = Actor.system()
    made: list[AuditRecord] = []
    for start in range(0, len(pending), batch):
        details = revouch_details(pending[start : start + batch])

        def make(head: AuditHead | None, details: str = details) -> AuditRecord:
            # A store may give the committed head while this transaction appends several.
            if made and (head is None or head.seq < made[-1].seq):
                head = made[-1].head
            record = AuditRecord.after(
                head,
                at=at,
                actor=system.id,
                roles=system.roles,
                command=REVOUCHED,
                details=details,
                key=key,
            )
            made.append(record)
            return record

        uow.audit.add(make)
    return len(pending)


def revouch_store(store: Store, *, at: datetime, key: bytes | None = None) -> int:
    """``revouch_legacy_digests`` in a transaction of its own, committed; how many events.

    For a memory store, and for a SQL store whose trail is sealed (the migration,
    which has no key, leaves that one to the host).
    """
    with store.unit_of_work() as uow:
        count = revouch_legacy_digests(uow, at=at, key=key)
        uow.commit()
    return count
