"""The records ports in SQL: the audit trail's rows and the personal data rewriter.

The audit trail is not an aggregate: each record is one row of its own, numbered
by ``seq`` (the primary key, so two transactions appending the same number
conflict), with the record's content in ``record`` and its hash in ``hash``.
What an administrator can do to the rows (change one, delete one, swap two) is
what ``verify`` detects, and the contract tests do exactly that with SQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from servicedesk import convert
from servicedesk.adapters.sql.bulk import json_scrub as json_purge
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.fixed_statements import (
    AUDIT_HEAD,
    EVENT_REWRITE,
    SUBJECTS_OF,
    insert,
    versioned_update,
)
from servicedesk.adapters.sql.types import UtcDateTime
from servicedesk.app import unit_of_work as ports
from servicedesk.app.records.ports import AuditLog, PersonalData, Purged
from servicedesk.domain.audit import AuditHead, AuditRecord
from servicedesk.domain.errors import ConcurrencyConflict, NotFound
from servicedesk.domain.events import Event, all_event_types
from servicedesk.domain.privacy import scrub
from servicedesk.domain.retention import RecordFile, RecordFileId
from servicedesk.domain.values import Identifier
from servicedesk.i18n import _

if TYPE_CHECKING:
    from servicedesk.adapters.sql.store import SqlUnitOfWork


def _record(row: sa.Row[Any]) -> AuditRecord:
    return convert.structure({**row.record, "hash": row.hash}, AuditRecord)


class SqlAuditLog(AuditLog):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def _query(self) -> sa.Select[Any]:
        a = t.audit_records.c
        return sa.select(a.seq, a.hash, a.record)

    def last(self) -> AuditRecord | None:
        row = self.uow.execute(self._query().order_by(t.audit_records.c.seq.desc()).limit(1))
        found = row.first()
        return None if found is None else _record(found)

    def head(self) -> AuditHead | None:
        found = self.uow.run(AUDIT_HEAD, {}).first()
        return None if found is None else AuditHead(found.seq, found.hash)

    def append(self, record: AuditRecord) -> None:
        content = convert.unstructure(record)
        del content["hash"]
        self.uow.run(
            insert(t.audit_records), {"seq": record.seq, "hash": record.hash, "record": content}
        )

    def records(self, after: int = 0, limit: int = 1000) -> list[AuditRecord]:
        a = t.audit_records.c
        query = self._query().where(a.seq > after).order_by(a.seq).limit(limit)
        return [_record(row) for row in self.uow.execute(query)]


#: Where each file's id goes in the one JSON text of a batch's erasure events.
_ID_MARK = "purge-file-id"


def _spec(kind: str) -> t.AggregateTable:
    for spec in t.AGGREGATES.values():
        if spec.port.kind == kind:
            return spec
    raise NotFound(_("No {what} with id {id}.").format(what=kind, id="?"))


class SqlPersonalData(PersonalData):
    """Rewrites run at once, in the unit of work's transaction, with a version check."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def rewrite(
        self, kind: str, cls: type[Any], aggregate_id: Identifier, transform: Callable[[Any], Any]
    ) -> None:
        spec = _spec(kind)
        table = spec.table
        row = self.uow.execute(
            sa.select(table.c.version, table.c.document).where(table.c.id == aggregate_id.value)
        ).first()
        if row is None:
            raise NotFound(_("No {what} with id {id}.").format(what=_(kind), id=aggregate_id))
        aggregate = transform(convert.structure(row.document, cls))
        updated = self.uow.execute(
            versioned_update(table),
            {
                "version": row.version + 1,
                "document": convert.unstructure(aggregate),
                **spec.projections(aggregate),
                "saved_id": aggregate_id.value,
                "saved_version": row.version,
            },
        )
        if updated.rowcount != 1:
            raise ConcurrencyConflict(
                _("The {kind} {id} was changed by someone else; try again.").format(
                    kind=_(kind), id=aggregate_id
                )
            )
        e = t.events.c
        stored = self.uow.execute(
            sa.select(e.seq, e.document).where(
                e.stream == kind, e.aggregate_id == aggregate_id.value
            )
        )
        for seq, document in list(stored):
            event = transform(convert.structure(document, Event))
            self.uow.execute(
                EVENT_REWRITE, {"document": convert.unstructure(event), "saved_seq": seq}
            )

    def link(self, file_id: RecordFileId, subjects: Collection[str]) -> None:
        known = {row.subject for row in self.uow.run(SUBJECTS_OF, {"file_id": file_id.value})}
        new = sorted(set(subjects) - known)
        if new:
            rows = [{"file_id": file_id.value, "subject": subject} for subject in new]
            self.uow.run(insert(t.subject_links), rows)

    def unlink(self, file_id: RecordFileId) -> None:
        self.uow.execute(
            sa.delete(t.subject_links).where(t.subject_links.c.file_id == file_id.value)
        )

    def purge_due(
        self, now: datetime, limit: int, sources: Mapping[str, tuple[type[Any], type[Identifier]]]
    ) -> Purged:
        """The batch in a few set-based statements per record kind; the rest left to the handler.

        One query on the ``(purge_due, id)`` index picks the files due (ids
        only: nothing is loaded into Python).  For each kind whose personal data sits at fixed paths
        (``json_purge.plan``: requests and found items today) the kind's
        documents are patched and their version moved on in one ``UPDATE``, its
        stored events in one more (a ``CASE`` on the event type), then the
        files' lookup keys go in one ``DELETE``, the files are marked erased in
        one ``UPDATE`` (document, ``erased_at``, ``purge_due``, version) and their
        ``PersonalDataErased`` events written by one ``INSERT ... SELECT`` (the
        event's JSON built once by the converter, each file's id put in by SQL).
        Event types whose personal data no fixed path reaches (none today) are
        rewritten row by row with ``scrub``.  Left to the handler's per-record
        path, in the same unit of work: kinds without a plan, kinds not in
        ``sources``, ids with characters unsafe in a JSON template.  The
        projections stay as they were: none is computed from personal data (the
        equality tests compare them).  A file id is ``<kind>:<record id>``
        (``RecordFileId.of``).
        """
        f = t.record_files.table.c
        due = self.uow.execute(
            sa.select(f.id).where(f.purge_due <= now).order_by(f.purge_due, f.id).limit(limit)
        )
        file_ids = list(due.scalars())
        by_kind: dict[str, list[str]] = {}
        for file_id in file_ids:
            by_kind.setdefault(file_id.partition(":")[0], []).append(file_id)
        bulk: set[str] = set()
        for kind, ids in by_kind.items():
            if kind in sources and self._erase_kind(kind, sources[kind][0], ids):
                bulk.update(ids)
        erased = [i for i in file_ids if i in bulk]
        if erased:
            self._mark_erased(erased, now)
        left = [self.uow.record_files.get(RecordFileId(i)) for i in file_ids if i not in bulk]
        return Purged(len(erased), left)

    def _erase_kind(self, kind: str, cls: type[Any], file_ids: list[str]) -> bool:
        """Anonymise the records of ``file_ids`` and their events; False if it cannot."""
        leaves = json_purge.plan(cls, aggregate=True)
        if leaves is None or not all(json_purge.SAFE_ID.fullmatch(i) for i in file_ids):
            return False
        record_ids = [i.partition(":")[2] for i in file_ids]
        table = _spec(kind).table
        if leaves:
            patched = json_purge.scrubbed(table.c.document, leaves)
            values = [(table.c.document, patched), (table.c.version, table.c.version + 1)]
        else:
            values = [(table.c.version, table.c.version + 1)]
        updated = self.uow.execute(
            sa.update(table).where(json_purge.among(table.c.id, record_ids)).ordered_values(*values)
        )
        if updated.rowcount != len(record_ids):
            missing = sorted(set(record_ids) - self._existing(table, record_ids))
            raise NotFound(_("No {what} with id {id}.").format(what=_(kind), id=missing[0]))
        self._erase_events(kind, record_ids)
        return True

    def _existing(self, table: sa.Table, ids: list[str]) -> set[str]:
        query = sa.select(table.c.id).where(json_purge.among(table.c.id, ids))
        return set(self.uow.execute(query).scalars())

    def _erase_events(self, kind: str, record_ids: list[str]) -> None:
        e = t.events.c
        patches: list[tuple[Any, Any]] = []
        names: list[str] = []
        by_row: list[str] = []
        for name, cls in sorted(all_event_types().items()):
            leaves = json_purge.plan(cls)
            if leaves is None:
                by_row.append(name)
            elif leaves:
                names.append(name)
                patches.append((e.type == name, json_purge.scrubbed(e.document, leaves)))
        where = (e.stream == kind, json_purge.among(e.aggregate_id, record_ids))
        if patches:
            self.uow.execute(
                sa.update(t.events)
                .where(*where, json_purge.unindexed(e.type).in_(names))
                .values(document=sa.case(*patches, else_=e.document))
            )
        if by_row:
            stored = self.uow.execute(
                sa.select(e.seq, e.document).where(*where, e.type.in_(by_row))
            )
            for seq, document in list(stored):
                event = scrub(convert.structure(document, Event))
                self.uow.execute(
                    EVENT_REWRITE, {"document": convert.unstructure(event), "saved_seq": seq}
                )

    def _mark_erased(self, file_ids: list[str], now: datetime) -> None:
        """The files' keys forgotten, the files erased, their events written: three statements."""
        spec = t.record_files
        f = spec.table.c
        self.uow.execute(
            sa.delete(t.subject_links).where(json_purge.among(t.subject_links.c.file_id, file_ids))
        )
        leaves = [
            (("erased_at",), json_purge.json_value(sa.literal(convert.unstructure(now)))),
            (("version",), json_purge.json_value(f.version)),  # the version it was loaded at
        ]
        updated = self.uow.execute(
            sa.update(spec.table)
            .where(json_purge.among(f.id, file_ids), f.erased_at.is_(None), f.holds == 0)
            .ordered_values(
                (f.document, json_purge.json_replaced(f.document, leaves)),
                (f.erased_at, now),
                (f.purge_due, None),
                (f.version, f.version + 1),
            )
        )
        if updated.rowcount != len(file_ids):
            raise ConcurrencyConflict(
                _("A record file of the purge was changed by someone else; try again.")
            )
        template = RecordFile.erasure(RecordFileId(_ID_MARK), at=now, on_request=False)
        text = json.dumps(convert.unstructure(template))
        assert text.count(_ID_MARK) == 1, text
        name = type(template).__name__
        document = json_purge.json_document(sa.func.replace(sa.literal(text), _ID_MARK, f.id))
        rows = sa.select(
            sa.literal(spec.port.kind),
            f.id,
            f.version,
            sa.literal(name),
            sa.literal(now, UtcDateTime()),
            document,
        ).where(json_purge.among(f.id, file_ids))
        columns = ["stream", "aggregate_id", "version", "type", "at", "document"]
        self.uow.execute(sa.insert(t.events).from_select(columns, rows))
        ids = [RecordFileId(i) for i in file_ids]
        events = RecordFile.erasures(ids, at=now, on_request=False)
        self.uow.written.append(ports.Written(events, alike="file_id"))

    def files_of(self, subject: str) -> list[RecordFileId]:
        s = t.subject_links.c
        query = sa.select(s.file_id).where(s.subject == subject).order_by(s.file_id)
        return [RecordFileId(f) for f in self.uow.execute(query).scalars()]
