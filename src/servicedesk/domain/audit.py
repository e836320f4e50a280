"""The audit trail: who did what, when, and what it changed (有据可查, rule records.audit-trail).

Every command that changes state, and every command refused for lack of a
role, leaves one ``AuditRecord``.  Records form a hash chain: each carries the
hash of the one before, and its own hash covers all its fields.  So changing,
removing or reordering a stored record breaks the chain at that record, and
``verify`` names it.  Removing records from the end leaves a shorter chain
that is valid in itself; keep the exported ``AuditHead`` elsewhere (a printout,
another system) and ``verify(records, head)`` tells that the tail is missing.  Rewriting a tail and
re-hashing it is caught by the kept head; with a key the store's administrators do
not hold (``seal``), the first rewritten record is named, since none can seal it.

A record also says where its events are: the events it names carry its
``entry`` in the event log, so that a check of the log (``servicedesk.app.audit``)
finds an edited, removed or added event, and the record that vouched for it.

Records never hold raw personal data: commands are described after
``privacy.scrub`` and events are named by a digest of their scrubbed form.
That is what lets a retention purge anonymise requesters without touching
the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

import attrs
import orjson

from servicedesk.domain.values import ActorId, Role

GENESIS: Final = "0" * 64


def canonical_json(data: Any) -> str:
    """One spelling for the same data, so that a hash is reproducible anywhere."""
    return canonical_bytes(data).decode()


def canonical_bytes(data: Any) -> bytes:
    """``canonical_json`` as UTF-8: sorted keys, no spaces, text unescaped.

    orjson writes exactly the bytes of ``json.dumps(sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)`` for plain data without floats, which the converter never
    writes (amounts are decimal strings); what orjson refuses (an integer beyond 64
    bits, a key that is no string) is written by ``json``.
    """
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(data: Any) -> str:
    return hashlib.sha256(canonical_bytes(data)).hexdigest()


@attrs.frozen
class EventRef:
    """An event recorded by the command: its type and the digest of its scrubbed form."""

    type: str
    digest: str


@attrs.frozen
class EventTally:
    """Events a bulk step wrote with set-based statements: their type, count, one digest.

    ``digest`` is over the ``EventRef`` digests of all of them in the log's order,
    so that a record vouches for a hundred thousand events in a few bytes, and
    the digest is made as they stream by.
    """

    type: str
    count: int
    digest: str

    @classmethod
    def of(cls, type_name: str, digests: Iterable[str]) -> EventTally:
        running, count = hashlib.sha256(), 0
        for one in digests:
            running.update(one.encode())
            count += 1
        return cls(type_name, count, running.hexdigest())


def seal_of(key: bytes, record_hash: str) -> str:
    """A record's seal: its hash keyed with a secret the store's administrators do not hold."""
    return hmac.new(key, record_hash.encode(), hashlib.sha256).hexdigest()


@attrs.frozen
class MalformedRecord:
    """A stored row that is no audit record any more (unreadable, or a field of the wrong type)."""

    seq: int
    reason: str


@attrs.frozen(kw_only=True)
class AuditRecord:
    seq: int
    at: datetime
    actor: ActorId
    roles: tuple[Role, ...]
    command: str
    details: str
    subject: str | None
    refused: str | None
    event_refs: tuple[EventRef, ...]
    previous: str
    hash: str
    #: The mark the record's events carry in the event log; ``None`` when it wrote none.
    entry: int | None = None
    tallies: tuple[EventTally, ...] = ()
    #: ``seal_of(key, hash)`` when the desk seals its records; not covered by the hash.
    seal: str | None = None

    def content(self) -> dict[str, Any]:
        """Everything the hash covers, as plain data."""
        content: dict[str, Any] = {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor.value,
            "roles": [r.value for r in self.roles],
            "command": self.command,
            "details": self.details,
            "subject": self.subject,
            "refused": self.refused,
            "events": [[e.type, e.digest] for e in self.event_refs],
            "previous": self.previous,
        }
        # Fields that came later are covered only when present, so older hashes still hold.
        if self.entry is not None:
            content["entry"] = self.entry
        if self.tallies:
            content["tallies"] = [[t.type, t.count, t.digest] for t in self.tallies]
        return content

    def computed_hash(self) -> str:
        return digest(self.content())

    @classmethod
    def after(
        cls,
        last: AuditRecord | AuditHead | None,
        *,
        at: datetime,
        actor: ActorId,
        roles: Iterable[Role],
        command: str,
        details: str,
        subject: str | None = None,
        refused: str | None = None,
        events: Iterable[EventRef] = (),
        entry: int | None = None,
        tallies: Iterable[EventTally] = (),
        key: bytes | None = None,
    ) -> AuditRecord:
        """The next record of the chain whose last record (or its head) is ``last``."""
        unsigned = cls(
            seq=1 if last is None else last.seq + 1,
            at=at,
            actor=actor,
            roles=tuple(sorted(roles)),
            command=command,
            details=details,
            subject=subject,
            refused=refused,
            event_refs=tuple(events),
            previous=GENESIS if last is None else last.hash,
            hash="",
            entry=entry,
            tallies=tuple(tallies),
        )
        record_hash = unsigned.computed_hash()
        seal = None if key is None else seal_of(key, record_hash)
        return attrs.evolve(unsigned, hash=record_hash, seal=seal)

    @property
    def head(self) -> AuditHead:
        return AuditHead(self.seq, self.hash)


@attrs.frozen
class AuditHead:
    """The last record's number and hash: export it and keep it out of the store's reach."""

    seq: int
    hash: str


class Problem(StrEnum):
    ALTERED = "altered"  # the record is not what was written (changed, or replaced)
    MISSING = "missing"  # a number of the sequence is absent
    OUT_OF_ORDER = "out_of_order"  # a record sits where another belongs
    TRUNCATED = "truncated"  # records after the last one are gone (seen against a head)
    MALFORMED = "malformed"  # the stored row is no audit record any more
    EVENT_ALTERED = "event_altered"  # an event the record names is changed, gone or added
    EVENT_UNRECORDED = "event_unrecorded"  # an event in the log that no record names
    STATE_ALTERED = "state_altered"  # a stored record is not what its events make of it


@attrs.frozen
class Verdict:
    """``ok``, or the first record (by number) that is not what was written.

    ``detail`` names what else is wrong, without personal data: an event's number
    in the log, or the kind and id of a stored record (``payment P-1``).
    """

    checked: int
    seq: int | None = None
    problem: Problem | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(
    records: Iterable[AuditRecord | MalformedRecord],
    head: AuditHead | None = None,
    key: bytes | None = None,
    sealed_from: int = 1,
) -> Verdict:
    """Walk the chain in stored order and name the first record that breaks it.

    A record whose content no longer matches its own hash was altered.  One
    altered *and re-hashed* matches itself, but its successor still holds
    the old hash: the link into the successor breaks, and only into it.  A
    forged link (a successor re-hashed onto a replaced record) breaks the
    link out of the forged record too; one record of lookahead tells which.
    With ``key``, every record from number ``sealed_from`` on must carry its
    seal: a rewritten, re-hashed tail is named at its first record, which nobody
    without the key could seal.
    """
    stream = iter(records)
    expected, previous, checked = 1, GENESIS, 0
    last: AuditRecord | None = None
    for record in stream:
        if record.seq != expected:
            after = next(stream, None) if record.seq > expected else None
            swapped = record.seq < expected or (after is not None and after.seq == expected)
            return Verdict(checked, expected, Problem.OUT_OF_ORDER if swapped else Problem.MISSING)
        if isinstance(record, MalformedRecord):
            return Verdict(checked, record.seq, Problem.MALFORMED, record.reason)
        if record.computed_hash() != record.hash:
            return Verdict(checked, record.seq, Problem.ALTERED)
        sealed = key is not None and record.seq >= sealed_from
        if key is not None and sealed and record.seal != seal_of(key, record.hash):
            return Verdict(checked, record.seq, Problem.ALTERED, "seal")
        if record.previous != previous:
            after = next(stream, None)
            forged = record.seq == 1 or (
                isinstance(after, AuditRecord)
                and after.seq == record.seq + 1
                and after.previous != record.hash
            )
            culprit = record.seq if forged else record.seq - 1
            return Verdict(max(checked - 1, 0), culprit, Problem.ALTERED)
        if head is not None and record.seq == head.seq and record.hash != head.hash:
            return Verdict(checked, record.seq, Problem.ALTERED)  # the chain was rewritten
        checked += 1
        expected, previous, last = expected + 1, record.hash, record
    if head is not None and (last is None or last.seq < head.seq):
        return Verdict(checked, expected, Problem.TRUNCATED)
    return Verdict(checked)


# --- re-vouching events named by the earlier digest rule -----------------------------------------

#: The event fields that became personal after audit records had already named events by
#: digest: records written before then digested each event with these fields left in it
#: (``legacy_event_ref``), so the current digest, which leaves them out, differs.  Frozen:
#: it describes what those records digested; a field made personal later changes the
#: digest of every record written before it, and needs a rule of its own.
LEGACY_PLAIN: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "RequestRegistered": ("need",),
        "RequestDeclined": ("reason",),
        "WorkCompleted": ("notes",),
        "WorkRejected": ("reason",),
        "RequestCancelled": ("reason",),
        "ComplaintFiled": ("description",),
        "ComplaintFindingRecorded": ("finding",),
        "ComplaintAnswered": ("result",),
        "ComplaintClosed": ("remarks",),
        "ComplaintReopened": ("reason",),
        "CallbackReached": ("remarks",),
        "ChargeConfirmed": ("signed_by",),
    }
)

#: The ``command`` of a record that re-vouches events named by the legacy digest rule.
REVOUCHED: Final = "digests_revouched"


@attrs.frozen
class Revouch:
    """One event vouched for again: record ``seq`` named it by ``legacy``; it is ``current`` now.

    ``place`` is where the event sits in the log (``event 1234``): ids only, no personal data.
    """

    seq: int
    place: str
    type: str
    legacy: str
    current: str


def revouch_details(revouched: Iterable[Revouch]) -> str:
    """The ``details`` of a re-vouch record: its events as canonical JSON, covered by its hash."""
    return canonical_json(
        {"revouched": [[r.seq, r.place, r.type, r.legacy, r.current] for r in revouched]}
    )


def is_revouch(record: AuditRecord | MalformedRecord) -> bool:
    return isinstance(record, AuditRecord) and record.command == REVOUCHED


def revouches(record: AuditRecord) -> tuple[Revouch, ...]:
    """The events a re-vouch record vouches for; ``ValueError`` when its details say otherwise."""
    try:
        items = json.loads(record.details)["revouched"]
        found = tuple(
            Revouch(seq, place, type_name, legacy, current)
            for seq, place, type_name, legacy, current in items
        )
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError("not a re-vouch record") from error
    if not all(
        isinstance(r.seq, int)
        and all(isinstance(v, str) for v in (r.place, r.type, r.legacy, r.current))
        for r in found
    ):
        raise ValueError("not a re-vouch record")
    return found
