"""``verify``: the audit trail, the event log against it, the stored records against their events.

Three checks, each over pages so that memory stays flat however long the trail:

1. the chain itself (``domain.audit.verify``): every record's hash, its link to
   the one before, its seal when the desk seals, the kept head;
2. the events each record vouches for: the events carrying the record's mark
   (``entry``) must be exactly the ones it names (``event_refs``, by digest) and
   tallies (a bulk step's count and digest per type); and no event in the log may
   go without a record;
3. every stored record (a payment, an account and its deposit ledger, a charge, a
   statement...) must be what its events make of it when replayed.

So an edited event, payment row or ledger entry is named, though only the audit
rows are chained: the record vouches for the event by its digest, and the event
for the row by replay.  What is found is reported as a ``Verdict``; an
unreadable row is a finding, never an exception.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from servicedesk import convert
from servicedesk.app.audit import event_ref
from servicedesk.app.unit_of_work import LoggedEvent, Store, StoredState, UnitOfWork
from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.audit import (
    AuditHead,
    AuditRecord,
    EventTally,
    MalformedRecord,
    Problem,
    Verdict,
)
from servicedesk.domain.audit import verify as verify_chain
from servicedesk.domain.events import Event

#: Records per page of the trail, and stored aggregates per page of a kind.
PAGE = 1000
STATES_PAGE = 500


def verify(
    store: Store,
    expected_head: AuditHead | None = None,
    *,
    key: bytes | None = None,
    sealed_from: int = 1,
    page: int = PAGE,
) -> Verdict:
    """The first thing in the store that is not what was written, or ``ok``."""
    found: list[Verdict] = []

    def pages() -> Iterator[AuditRecord | MalformedRecord]:
        after = 0
        while True:
            with store.reading() as uow:
                batch = uow.audit.records(after, page)
                if not found and (problem := _events_problem(uow, batch)) is not None:
                    found.append(problem)
            yield from batch
            if len(batch) < page:
                return
            after = batch[-1].seq

    chain = verify_chain(pages(), expected_head, key, sealed_from)
    problems = [v for v in (chain, *found) if not v.ok]
    if problems:
        first = min(problems, key=lambda v: v.seq if v.seq is not None else 0)
        return Verdict(chain.checked, first.seq, first.problem, first.detail)
    with store.reading() as uow:
        unrecorded = uow.events.unrecorded()
    if unrecorded is not None:
        return Verdict(chain.checked, None, Problem.EVENT_UNRECORDED, unrecorded)
    altered = _altered_state(store)
    if altered is not None:
        return Verdict(chain.checked, None, Problem.STATE_ALTERED, altered)
    return chain


def _events_problem(
    uow: UnitOfWork, records: Sequence[AuditRecord | MalformedRecord]
) -> Verdict | None:
    """The first record of the page whose events are not the ones it vouches for."""
    marked = [r for r in records if isinstance(r, AuditRecord) and r.entry is not None]
    if not marked:
        return None
    logged = uow.events.of_entries([r.entry for r in marked if r.entry is not None])
    for record in marked:
        assert record.entry is not None
        detail = _mismatch(record, logged.get(record.entry, []))
        if detail is not None:
            return Verdict(0, record.seq, Problem.EVENT_ALTERED, detail)
    return None


def _mismatch(record: AuditRecord, events: Sequence[LoggedEvent]) -> str | None:
    """What differs between the record's events and the ones carrying its mark, if anything."""
    named = Counter((ref.type, ref.digest) for ref in record.event_refs)
    unnamed: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for logged in events:
        try:
            ref = event_ref(convert.structure(logged.document, Event))
        except Exception:  # any garbage in a stored row is a finding, whatever the decoder raises
            return logged.place
        if named[ref.type, ref.digest] > 0:
            named[ref.type, ref.digest] -= 1
        else:
            unnamed[ref.type].append((ref.digest, logged.place))
    for tally in record.tallies:
        group = unnamed.pop(tally.type, [])
        if EventTally.of(tally.type, (digest for digest, _place in group)) != tally:
            return f"{tally.count} {tally.type}" if not group else group[0][1]
    for group in unnamed.values():
        return group[0][1]  # an event the record does not name: changed, or added
    for (type_name, _digest), left in named.items():
        if left:
            return f"{type_name} missing"
    return None


def _altered_state(store: Store) -> str | None:
    """The first stored aggregate (``kind id``) that is not what its events make of it."""
    with store.reading() as uow:
        kinds = dict(uow.events.kinds())
    for kind, cls in kinds.items():
        after = ""
        while True:
            with store.reading() as uow:
                states = uow.events.states(kind, after, STATES_PAGE)
            for state in states:
                if not _replays_to_itself(cls, state):
                    return f"{kind} {state.id}"
                if state.disagrees is not None:
                    return f"{kind} {state.id} ({state.disagrees})"
            if len(states) < STATES_PAGE:
                break
            after = states[-1].id
    return None


def _replays_to_itself(cls: type[Aggregate[Any]], state: StoredState) -> bool:
    try:
        stored = convert.structure(state.document, cls)
        history = [convert.structure(document, Event) for document in state.history]
        replayed = cls.replay(stored.id, history)
    except Exception:  # an unreadable document or history is a finding, not a crash
        return False
    stored.version = replayed.version = 0
    for name in cls.linked:  # set by another aggregate, which the store checks it against
        setattr(replayed, name, getattr(stored, name))
    return stored.id.value == state.id and replayed == stored
