"""The records ports in SQL: the audit trail's rows and the personal data rewriter.

The audit trail is not an aggregate: each record is one row of its own, numbered
by ``seq`` (the primary key, so two transactions appending the same number
conflict), with the record's content in ``record`` and its hash in ``hash``.
What an administrator can do to the rows (change one, delete one, swap two) is
what ``verify`` detects, and the contract tests do exactly that with SQL.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from servicedesk import convert
from servicedesk.adapters import sealing
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.bulk import purge
from servicedesk.adapters.sql.fixed_statements import (
    AUDIT_HEAD,
    AUDIT_HEAD_LOCKED,
    AUDIT_HEAD_MOVE,
    EVENT_REWRITE,
    SUBJECTS_OF,
    insert,
    read,
    versioned_update,
)
from servicedesk.adapters.sql.repository import RepositoryOf
from servicedesk.adapters.sql.subject_keys import keys_of
from servicedesk.adapters.sql.transaction import SqlTransaction
from servicedesk.app.records.ports import AuditLog, PersonalData, Purged, RecordFileRepository
from servicedesk.domain.audit import GENESIS, AuditHead, AuditRecord, MalformedRecord
from servicedesk.domain.errors import ConcurrencyConflict, NotFound
from servicedesk.domain.events import Event
from servicedesk.domain.privacy import scrub
from servicedesk.domain.retention import RecordFileId
from servicedesk.domain.values import Identifier
from servicedesk.i18n import _


def _record(row: sa.Row[Any]) -> AuditRecord | MalformedRecord:
    try:
        return convert.structure({**row.record, "hash": row.hash}, AuditRecord)
    except Exception as error:  # whatever an edited row makes the decoder raise is a finding
        return MalformedRecord(row.seq, type(error).__name__)


class SqlAuditLog(AuditLog):
    def __init__(self, uow: SqlTransaction) -> None:
        super().__init__()
        self.uow = uow

    def locked_head(self) -> AuditHead | None:
        found = self.uow.run(AUDIT_HEAD_LOCKED, {}).first()
        if found is None:  # a schema made without the migrations: the row starts at the last record
            head = self.head()
            seq, digest = (0, GENESIS) if head is None else (head.seq, head.hash)
            last_event = self.uow.execute(sa.select(sa.func.max(t.events.c.seq))).scalar()
            row = {"id": 1, "seq": seq, "hash": digest, "events_from": (last_event or 0) + 1}
            self.uow.run(insert(t.audit_head), row)
            return head
        return None if found.seq == 0 else AuditHead(found.seq, found.hash)

    def _query(self) -> sa.Select[Any]:
        a = t.audit_records.c
        return sa.select(a.seq, a.hash, a.record)

    def last(self) -> AuditRecord | None:
        row = self.uow.execute(self._query().order_by(t.audit_records.c.seq.desc()).limit(1))
        found = row.first()
        record = None if found is None else _record(found)
        return record if isinstance(record, AuditRecord) else None

    def head(self) -> AuditHead | None:
        found = self.uow.run(AUDIT_HEAD, {}).first()
        return None if found is None else AuditHead(found.seq, found.hash)

    def append(self, record: AuditRecord) -> None:
        content = convert.unstructure(record)
        del content["hash"]
        row = {"seq": record.seq, "hash": record.hash, "record": content, "entry": record.entry}
        self.uow.run(insert(t.audit_records), row)
        self.uow.run(AUDIT_HEAD_MOVE, {"new_seq": record.seq, "new_hash": record.hash})

    def records(self, after: int = 0, limit: int = 1000) -> list[AuditRecord | MalformedRecord]:
        a = t.audit_records.c
        query = self._query().where(a.seq > after).order_by(a.seq).limit(limit)
        return [_record(row) for row in self.uow.execute(query)]


class SqlPersonalData(PersonalData):
    """Rewrites run at once, in the unit of work's transaction, with a version check.

    ``repository_of`` is the unit of work's repository of a kind: what a
    rewrite finds the kind's table by, and what the files a purge leaves to the
    handler are loaded through.
    """

    def __init__(self, uow: SqlTransaction, repository_of: RepositoryOf) -> None:
        self.uow = uow
        self.repository_of = repository_of
        #: The links made in this unit of work for the files it creates.
        self._made: dict[RecordFileId, set[str]] = {}

    def shred(self, kind: str, cls: type[Any], aggregate_id: Identifier) -> None:
        self.uow.erased = True
        spec = self.repository_of(kind).spec
        row = self._row(kind, aggregate_id)
        keys_of(self.uow).forget([sealing.file_of(kind, aggregate_id.value)])
        aggregate = scrub(convert.structure(sealing.strip(spec.loaded(row)), cls))
        # what was sealed stays as it is; what was stored before sealing is scrubbed
        document = row.document if sealing.is_sealed(row.document) else spec.document(aggregate)
        self._update(kind, aggregate_id, row.version, document, spec.projections(aggregate))
        for seq, stored in self._events(kind, aggregate_id):
            if sealing.is_sealed(stored):
                continue
            scrubbed = convert.unstructure(scrub(convert.structure(stored, Event)))
            if scrubbed != stored:
                self.uow.execute(EVENT_REWRITE, {"document": scrubbed, "saved_seq": seq})

    def _row(self, kind: str, aggregate_id: Identifier) -> Any:
        spec = self.repository_of(kind).spec
        table = spec.table
        row = self.uow.execute(
            sa.select(*read(table, spec.in_columns)).where(table.c.id == aggregate_id.value)
        ).first()
        if row is None:
            raise NotFound(_("No {what} with id {id}."), kind=kind, what=_(kind), id=aggregate_id)
        return row

    def _update(
        self,
        kind: str,
        aggregate_id: Identifier,
        version: int,
        document: Any,
        projections: dict[str, Any],
    ) -> None:
        updated = self.uow.execute(
            versioned_update(self.repository_of(kind).spec.table),
            {
                "version": version + 1,
                "document": document,
                **projections,
                "saved_id": aggregate_id.value,
                "saved_version": version,
            },
        )
        if updated.rowcount != 1:
            raise ConcurrencyConflict(
                _("The {kind} {id} was changed by someone else; try again."),
                kind=_(kind),
                id=aggregate_id,
            )

    def _events(self, kind: str, aggregate_id: Identifier) -> list[tuple[int, Any]]:
        e = t.events.c
        stored = self.uow.execute(
            sa.select(e.seq, e.document).where(
                e.stream == kind, e.aggregate_id == aggregate_id.value
            )
        )
        return [(seq, document) for seq, document in stored]

    def link(self, file_id: RecordFileId, subjects: Collection[str]) -> None:
        made = self._made.get(file_id)
        if made is None and file_id in self.repository_of(RecordFileRepository.kind).new:
            # links are written with their file, which is never deleted: a new one has none
            made = self._made[file_id] = set()
        if made is None:
            known = {row.subject for row in self.uow.run(SUBJECTS_OF, {"file_id": file_id.value})}
        else:
            known = made
        new = sorted(set(subjects) - known)
        if new:
            rows = [{"file_id": file_id.value, "subject": subject} for subject in new]
            self.uow.run(insert(t.subject_links), rows)
            if made is not None:
                made.update(new)

    def unlink(self, file_id: RecordFileId) -> None:
        self.uow.erased = True
        self._made.pop(file_id, None)
        self.uow.execute(
            sa.delete(t.subject_links).where(t.subject_links.c.file_id == file_id.value)
        )

    def purge_due(
        self, now: datetime, limit: int, sources: Mapping[str, tuple[type[Any], type[Identifier]]]
    ) -> Purged:
        """The batch in a few set-based statements per record kind (``bulk/purge.py``)."""
        self.uow.erased = True
        return purge.purge_due(self.uow, self.repository_of, now, limit, sources)

    def files_of(self, subject: str) -> list[RecordFileId]:
        s = t.subject_links.c
        query = sa.select(s.file_id).where(s.subject == subject).order_by(s.file_id)
        return [RecordFileId(f) for f in self.uow.execute(query).scalars()]
