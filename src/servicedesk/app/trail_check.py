"""``verify``: the audit trail, the event log against it, the stored records against their events.

Three checks, each over pages so that memory stays flat however long the trail (but
for the events of an earlier version's records that wait for their re-vouch record, a
set written once and not growing):

1. the chain itself (``domain.audit.verify``): every record's hash, its link to
   the one before, its seal when the desk seals, the kept head;
2. the events each record vouches for: the events carrying the record's mark
   (``entry``) must be exactly the ones it names (``event_refs``, by digest) and
   tallies (a bulk step's count and digest per type), or, for an event named by the
   digest rule of an earlier version, a later re-vouch record must name it with the
   digest it has now (``servicedesk.app.revouch``); and no event in the log may go
   without a record;
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

import attrs

from servicedesk import convert
from servicedesk.app.audit import event_ref
from servicedesk.app.revouch import legacy_event_ref, legacy_text_erased
from servicedesk.app.unit_of_work import LoggedEvent, Store, StoredState, UnitOfWork
from servicedesk.domain.aggregate import Aggregate
from servicedesk.domain.audit import (
    LEGACY_PLAIN,
    AuditHead,
    AuditRecord,
    EventTally,
    MalformedRecord,
    Problem,
    Revouch,
    Verdict,
    is_revouch,
    revouches,
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
    revouched = _Revouched()

    def pages() -> Iterator[AuditRecord | MalformedRecord]:
        after = 0
        while True:
            with store.reading() as uow:
                batch = uow.audit.records(after, page)
                revouched.read(batch)
                if not found and (problem := _events_problem(uow, batch, revouched)) is not None:
                    found.append(problem)
            yield from batch
            if len(batch) < page:
                return
            after = batch[-1].seq

    chain = verify_chain(pages(), expected_head, key, sealed_from)
    # Past a break in the chain the re-vouch records may be unread: the break is the finding.
    late = revouched.problems() if chain.ok else []
    problems = [v for v in (chain, *found, *late) if not v.ok]
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
    uow: UnitOfWork, records: Sequence[AuditRecord | MalformedRecord], revouched: _Revouched
) -> Verdict | None:
    """The first record of the page whose events are not the ones it vouches for.

    A record whose unnamed events might be named by a later re-vouch record waits
    in ``revouched`` until the whole trail has been read.
    """
    marked = [r for r in records if isinstance(r, AuditRecord) and r.entry is not None]
    if not marked:
        return None
    logged = uow.events.of_entries([r.entry for r in marked if r.entry is not None])
    for record in marked:
        assert record.entry is not None
        detail = _mismatch(record, logged.get(record.entry, []))
        if isinstance(detail, _Waiting):
            revouched.waiting.append(detail)
        elif detail is not None:
            return Verdict(0, record.seq, Problem.EVENT_ALTERED, detail)
    return None


def _mismatch(record: AuditRecord, events: Sequence[LoggedEvent]) -> str | _Waiting | None:
    """What differs between the record's events and the ones carrying its mark, if anything.

    Events of the kinds whose digest rule changed (``LEGACY_PLAIN``) that the record
    does not name are no finding yet: a re-vouch record may name them (``_Waiting``).
    """
    named = Counter((ref.type, ref.digest) for ref in record.event_refs)
    unnamed: dict[str, list[tuple[str, str, Event]]] = defaultdict(list)
    for logged in events:
        try:
            event = convert.structure(logged.document, Event)
            ref = event_ref(event)
        except Exception:  # any garbage in a stored row is a finding, whatever the decoder raises
            return logged.place
        if named[ref.type, ref.digest] > 0:
            named[ref.type, ref.digest] -= 1
        else:
            unnamed[ref.type].append((ref.digest, logged.place, event))
    for tally in record.tallies:
        group = unnamed.pop(tally.type, [])
        if EventTally.of(tally.type, (digest for digest, _place, _event in group)) != tally:
            return f"{tally.count} {tally.type}" if not group else group[0][1]
    waiting: list[_Unnamed] = []
    for type_name, group in unnamed.items():
        if type_name not in LEGACY_PLAIN:
            return group[0][1]  # an event the record does not name: changed, or added
        waiting.extend(
            _Unnamed(
                place,
                type_name,
                digest,
                legacy_event_ref(event).digest,
                legacy_text_erased(event),
            )
            for digest, place, event in group
        )
    if waiting:
        return _Waiting(record.seq, tuple(waiting), named)
    for (type_name, _digest), left in named.items():
        if left:
            return f"{type_name} missing"
    return None


@attrs.frozen
class _Unnamed:
    """An event its record does not name by today's digest, with what a re-vouch must match."""

    place: str
    type: str
    current: str
    #: The earlier rule's digest of the event as stored, and whether erasure emptied
    #: the fields it covers (then it cannot be recomputed).
    legacy: str
    erased: bool


@attrs.frozen
class _Waiting:
    """A record's unnamed events, and the references it holds that no event matched."""

    seq: int
    unnamed: tuple[_Unnamed, ...]
    named: Counter[tuple[str, str]]

    def resolve(self, vouched: dict[tuple[int, str], Revouch]) -> str | None:
        """What still differs once the re-vouched events are taken for the ones named."""
        named = Counter(self.named)
        for event in self.unnamed:
            again = vouched.get((self.seq, event.place))
            if (
                again is None
                or again.type != event.type
                or again.current != event.current
                or named[event.type, again.legacy] <= 0
                or not (event.legacy == again.legacy or event.erased)
            ):
                return event.place
            named[event.type, again.legacy] -= 1
        for (type_name, _digest), left in named.items():
            if left:
                return f"{type_name} missing"
        return None


class _Revouched:
    """The re-vouch records read so far, and the records waiting for one.

    Only records before the first re-vouch record can be re-vouched: that one was
    written at the upgrade, and every record after it digests by today's rule.  A
    re-vouch vouches for an event only if the record named the earlier rule's digest,
    and the stored event still has it (unless erasure emptied the fields it covers)
    and has the current digest the re-vouch names: tamper evidence stays whole.
    """

    def __init__(self) -> None:
        self.first: int | None = None
        self.vouched: dict[tuple[int, str], Revouch] = {}
        self.waiting: list[_Waiting] = []
        self.unreadable: list[Verdict] = []

    def read(self, records: Sequence[AuditRecord | MalformedRecord]) -> None:
        for record in records:
            if not is_revouch(record):
                continue
            assert isinstance(record, AuditRecord)
            self.first = record.seq if self.first is None else self.first
            try:
                listed = revouches(record)
            except ValueError:
                self.unreadable.append(Verdict(0, record.seq, Problem.MALFORMED, "revouched"))
                continue
            for again in listed:
                if again.seq < self.first:
                    self.vouched[again.seq, again.place] = again

    def problems(self) -> list[Verdict]:
        """The first waiting record no re-vouch accounts for, and any unreadable re-vouch."""
        found = list(self.unreadable[:1])
        for waiting in self.waiting:
            detail = waiting.resolve(self.vouched)
            if detail is not None:
                found.append(Verdict(0, waiting.seq, Problem.EVENT_ALTERED, detail))
                break
        return found


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
