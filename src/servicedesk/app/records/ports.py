"""What records need of a store: the audit trail, personal data, record files, found items."""

from __future__ import annotations

import abc
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

import attrs

from servicedesk.app.repository import Repository
from servicedesk.domain.audit import AuditHead, AuditRecord, MalformedRecord
from servicedesk.domain.lost_found import FoundItem
from servicedesk.domain.money import Money
from servicedesk.domain.retention import RecordFile, RecordFileId
from servicedesk.domain.values import Identifier
from servicedesk.i18n import N_


class AuditLog(abc.ABC):
    """The audit trail: one row per record, each with its own hash, chained in order.

    A command's record is queued (``add``) while the command runs and chained at
    the last moment of its transaction (``seal``, called by ``UnitOfWork.commit``
    after every other save): the store then holds the chain's head exclusively
    (``locked_head``) until the transaction ends.  So writers of different records
    wait for each other only for that last step, instead of reading the same head
    early and refusing each other on the record's number.
    """

    def __init__(self) -> None:
        self.queued: list[Callable[[AuditHead | None], AuditRecord]] = []

    def add(self, make: Callable[[AuditHead | None], AuditRecord]) -> None:
        """Queue a record: ``make(head)`` builds it on the chain's head at commit."""
        self.queued.append(make)

    def seal(self) -> None:
        """Chain every queued record on the head, held until the transaction ends."""
        for make in self.queued:
            self.append(make(self.locked_head()))
        self.queued.clear()

    def locked_head(self) -> AuditHead | None:
        """The head, held by this transaction until it ends (a store with one writer: read)."""
        return self.head()

    @abc.abstractmethod
    def last(self) -> AuditRecord | None:
        """The record with the highest number (one indexed read)."""

    def head(self) -> AuditHead | None:
        """The last record's number and hash: all that appending the next one needs.

        A store may answer it without reading and decoding the record's content.
        """
        last = self.last()
        return None if last is None else last.head

    @abc.abstractmethod
    def append(self, record: AuditRecord) -> None: ...

    @abc.abstractmethod
    def records(self, after: int = 0, limit: int = 1000) -> list[AuditRecord | MalformedRecord]:
        """Up to ``limit`` records numbered above ``after``, in stored order by number.

        A stored row that no longer decodes is returned as a ``MalformedRecord``.
        """


class PersonalData(abc.ABC):
    """What a store holds about one record's people, for erasure and purges.

    A record's personal data is sealed under its file's key, which ``shred``
    forgets in the unit of work's transaction.  The lookup keys of the people
    named in a record live beside it (``link``), never in an event, so that
    ``unlink`` removes them without a trace.
    """

    @abc.abstractmethod
    def shred(self, kind: str, cls: type[Any], aggregate_id: Identifier) -> None:
        """Forget the key of the record's file (``<kind>:<id>``): its personal data is gone.

        Every document and event of the record holds its personal data sealed
        under that key, so none of them is rewritten: they read as ``scrub`` of
        themselves from now on, the digests of the audit trail unchanged.  The
        record moves to its next version (a concurrent writer conflicts) with its
        projections computed again; what was stored before sealing existed is
        scrubbed in place.
        """

    @abc.abstractmethod
    def link(self, file_id: RecordFileId, subjects: Collection[str]) -> None:
        """Add lookup keys (``privacy.subject_key``) to a record's file."""

    @abc.abstractmethod
    def unlink(self, file_id: RecordFileId) -> None:
        """Forget every lookup key of the record's file."""

    @abc.abstractmethod
    def files_of(self, subject: str) -> list[RecordFileId]:
        """Files linked to ``subject`` (one indexed query on the key)."""

    @abc.abstractmethod
    def purge_due(
        self, now: datetime, limit: int, sources: Mapping[str, tuple[type[Any], type[Identifier]]]
    ) -> Purged:
        """Anonymise what it can of up to ``limit`` files due at ``now`` (``due_for_purge``).

        ``sources`` names the record kinds a purge rewrites (store kind ->
        aggregate class, id class).  A store may anonymise files itself, in bulk,
        exactly as ``privacy.scrub`` would (documents, stored events, lookup keys,
        the file marked erased with its ``PersonalDataErased`` event, listed in
        ``UnitOfWork.written``); the files it leaves come back, loaded and
        tracked, for the handler to erase one by one.  The reference (the memory
        store) leaves them all.
        """


@attrs.frozen
class Purged:
    """What ``PersonalData.purge_due`` did: files erased in bulk, files left to the handler."""

    erased: int
    left: list[RecordFile]


class RecordFileRepository(Repository[RecordFile]):
    kind, label = N_("record_file"), N_("record file")

    @abc.abstractmethod
    def due_for_purge(self, now: datetime, limit: int) -> list[RecordFile]:
        """Files with ``expires_at <= now``, no hold and not erased, earliest first.

        A database answers with one query on an index of when each file is due
        while nothing stops its purge (``purge_due``, NULL once held or erased).
        """


class FoundItemRepository(Repository[FoundItem]):
    kind, label = N_("found_item"), N_("found item")

    @abc.abstractmethod
    def list_kept(self) -> list[FoundItem]:
        """Items still kept for their owner, oldest first."""


@attrs.frozen
class SettlementVoucher:
    """A settlement voucher (结算凭证) of a job, as the billing area files it."""

    id: str
    total: Money
    settled_at: datetime | None = None
    details: dict[str, str] = attrs.field(factory=dict)
