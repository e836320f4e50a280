"""The audit trail: who did what, when, and what it changed (有据可查, rule records.audit-trail).

Every command that changes state, and every command refused for lack of a
role, leaves one ``AuditRecord``.  Records form a hash chain: each carries the
hash of the one before, and its own hash covers all its fields.  So changing,
removing or reordering a stored record breaks the chain at that record, and
``verify`` names it.  Removing records from the end leaves a shorter chain
that is valid in itself; keep the exported ``AuditHead`` elsewhere (a printout,
another system) and ``verify(records, head)`` tells that the tail is missing.

Records never hold raw personal data: commands are described after
``privacy.scrub`` and events are named by a digest of their scrubbed form.
That is what lets a retention purge anonymise requesters without touching
the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

import attrs

from servicedesk.domain.values import ActorId, Role

GENESIS: Final = "0" * 64


def canonical_json(data: Any) -> str:
    """One spelling for the same data, so that a hash is reproducible anywhere."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(data: Any) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


@attrs.frozen
class EventRef:
    """An event recorded by the command: its type and the digest of its scrubbed form."""

    type: str
    digest: str


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

    def content(self) -> dict[str, Any]:
        """Everything the hash covers, as plain data."""
        return {
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
        )
        return attrs.evolve(unsigned, hash=unsigned.computed_hash())

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


@attrs.frozen
class Verdict:
    """``ok``, or the first record (by number) that is not what was written."""

    checked: int
    seq: int | None = None
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(records: Iterable[AuditRecord], head: AuditHead | None = None) -> Verdict:
    """Walk the chain in stored order and name the first record that breaks it.

    A record whose content no longer matches its own hash was altered.  One
    altered *and re-hashed* matches itself, but its successor still holds
    the old hash: the link into the successor breaks, and only into it.  A
    forged link (a successor re-hashed onto a replaced record) breaks the
    link out of the forged record too; one record of lookahead tells which.
    """
    stream = iter(records)
    expected, previous, checked = 1, GENESIS, 0
    last: AuditRecord | None = None
    for record in stream:
        if record.seq != expected:
            after = next(stream, None) if record.seq > expected else None
            swapped = record.seq < expected or (after is not None and after.seq == expected)
            return Verdict(checked, expected, Problem.OUT_OF_ORDER if swapped else Problem.MISSING)
        if record.computed_hash() != record.hash:
            return Verdict(checked, record.seq, Problem.ALTERED)
        if record.previous != previous:
            after = next(stream, None)
            forged = record.seq == 1 or (
                after is not None and after.seq == record.seq + 1 and after.previous != record.hash
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
