"""The purge of expired records as set-based SQL: a few statements per record kind.

``PersonalData.purge_due`` hands the batch here.  One query on the
``(purge_due, id)`` index picks the files due (ids only: nothing is loaded
into Python).  For each kind whose personal data sits at fixed paths
(``json_scrub.plan``: requests and found items) the kind's documents are
patched and their version moved on in one ``UPDATE``, its stored events in one
more (a ``CASE`` on the event type), then the files' lookup keys go in one
``DELETE``, the files are marked erased in one ``UPDATE`` (document,
``erased_at``, ``purge_due``, version) and their ``PersonalDataErased`` events
written by one ``INSERT ... SELECT`` (the event's JSON built once by the
converter, each file's id put in by SQL).  Event types whose personal data no
fixed path reaches are rewritten row by row with ``scrub``.

Left to the handler's per-record path, in the same unit of work: kinds without
a plan, kinds not in ``sources``, ids with characters unsafe in a JSON
template.  Every file's key is forgotten (``sealing``): what was sealed under it
reads as erased, so only documents and events stored before sealing (with no
sealed part) are patched; a sealed event is not rewritten at all.  The
projections of personal data (a request's unit and phone key)
are set to what the anonymised record projects (``tables.erased_values``); the
others stay as they were (the equality tests compare them).  A file id is ``<kind>:<record id>``
(``RecordFileId.of``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from servicedesk import convert
from servicedesk.adapters import sealing
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.bulk import json_scrub
from servicedesk.adapters.sql.bulk.json_scalar import json_scalar
from servicedesk.adapters.sql.fixed_statements import EVENT_REWRITE
from servicedesk.adapters.sql.repository import RepositoryOf
from servicedesk.adapters.sql.subject_keys import keys_of
from servicedesk.adapters.sql.transaction import SqlTransaction
from servicedesk.adapters.sql.types import UtcDateTime
from servicedesk.app.records.ports import Purged, RecordFileRepository
from servicedesk.app.unit_of_work import Written
from servicedesk.domain.errors import ConcurrencyConflict, NotFound
from servicedesk.domain.events import Event, all_event_types
from servicedesk.domain.privacy import scrub
from servicedesk.domain.retention import RecordFile, RecordFileId
from servicedesk.domain.values import Identifier
from servicedesk.i18n import _

#: Where each file's id goes in the one JSON text of a batch's erasure events.
_ID_MARK = "purge-file-id"


def purge_due(
    uow: SqlTransaction,
    repository_of: RepositoryOf,
    now: datetime,
    limit: int,
    sources: Mapping[str, tuple[type[Any], type[Identifier]]],
) -> Purged:
    """The batch erased in bulk where it can; the files left to the handler, loaded."""
    f = t.record_files.table.c
    due = uow.execute(
        sa.select(f.id).where(f.purge_due <= now).order_by(f.purge_due, f.id).limit(limit)
    )
    file_ids: list[str] = list(due.scalars().all())
    by_kind: dict[str, list[str]] = {}
    for file_id in file_ids:
        by_kind.setdefault(file_id.partition(":")[0], []).append(file_id)
    bulk: set[str] = set()
    for kind, ids in by_kind.items():
        if kind in sources and _erase_kind(uow, repository_of, kind, sources[kind][0], ids):
            bulk.update(ids)
    erased = [i for i in file_ids if i in bulk]
    if erased:
        _mark_erased(uow, erased, now)
    record_files = repository_of(RecordFileRepository.kind)
    left = [record_files.get(RecordFileId(i)) for i in file_ids if i not in bulk]
    return Purged(len(erased), left)


def _erase_kind(
    uow: SqlTransaction, repository_of: RepositoryOf, kind: str, cls: type[Any], file_ids: list[str]
) -> bool:
    """Anonymise the records of ``file_ids`` and their events; False if it cannot."""
    leaves = json_scrub.plan(cls, aggregate=True)
    if leaves is None or not all(json_scrub.SAFE_ID.fullmatch(i) for i in file_ids):
        return False
    record_ids = [i.partition(":")[2] for i in file_ids]
    table = repository_of(kind).table
    if leaves:
        # a sealed document holds its personal data only in the sealed part, unreadable once
        # the file's key is forgotten: only one stored before sealing is patched
        patched = sa.case(
            (_plain(table.c.document), json_scrub.scrubbed(table.c.document, leaves)),
            else_=table.c.document,
        )
        values = [(table.c.document, patched), (table.c.version, table.c.version + 1)]
    else:
        values = [(table.c.version, table.c.version + 1)]
    values += [(table.c[name], erased) for name, erased in t.erased_values(table).items()]
    updated = uow.execute(
        sa.update(table).where(json_scrub.among(table.c.id, record_ids)).ordered_values(*values)
    )
    if updated.rowcount != len(record_ids):
        missing = sorted(set(record_ids) - _existing(uow, table, record_ids))
        raise NotFound(_("No {what} with id {id}."), kind=kind, what=_(kind), id=missing[0])
    _erase_events(uow, kind, record_ids)
    return True


def _plain(document: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """Whether a stored document has no sealed part: written before sealing, in plain text."""
    return json_scalar(document, sealing.SEALED).is_(None)


def _existing(uow: SqlTransaction, table: sa.Table, ids: list[str]) -> set[str]:
    query = sa.select(table.c.id).where(json_scrub.among(table.c.id, ids))
    return set(uow.execute(query).scalars())


def _erase_events(uow: SqlTransaction, kind: str, record_ids: list[str]) -> None:
    e = t.events.c
    patches: list[tuple[Any, Any]] = []
    names: list[str] = []
    by_row: list[str] = []
    for name, cls in sorted(all_event_types().items()):
        leaves = json_scrub.plan(cls)
        if leaves is None:
            by_row.append(name)
        elif leaves:
            names.append(name)
            patches.append((e.type == name, json_scrub.scrubbed(e.document, leaves)))
    where = (e.stream == kind, json_scrub.among(e.aggregate_id, record_ids))
    if patches:  # sealed events are left as they are: their key goes with the file
        uow.execute(
            sa.update(t.events)
            .where(*where, json_scrub.unindexed(e.type).in_(names), _plain(e.document))
            .values(document=sa.case(*patches, else_=e.document))
        )
    if by_row:
        stored = uow.execute(sa.select(e.seq, e.document).where(*where, e.type.in_(by_row)))
        for seq, document in list(stored):
            if sealing.is_sealed(document):  # its personal data goes with the file's key
                continue
            event = scrub(convert.structure(document, Event))
            uow.execute(EVENT_REWRITE, {"document": convert.unstructure(event), "saved_seq": seq})


def _mark_erased(uow: SqlTransaction, file_ids: list[str], now: datetime) -> None:
    """The files' keys forgotten, the files erased, their events written: three statements."""
    table = t.record_files.table
    f = table.c
    uow.execute(
        sa.delete(t.subject_links).where(json_scrub.among(t.subject_links.c.file_id, file_ids))
    )
    keys_of(uow).forget(file_ids)
    leaves = [
        (("erased_at",), json_scrub.json_value(sa.literal(convert.unstructure(now)))),
        (("version",), json_scrub.json_value(f.version)),  # the version it was loaded at
    ]
    updated = uow.execute(
        sa.update(table)
        .where(json_scrub.among(f.id, file_ids), f.erased_at.is_(None), f.holds == 0)
        .ordered_values(
            (f.document, json_scrub.json_replaced(f.document, leaves)),
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
    document = json_scrub.json_document(sa.func.replace(sa.literal(text), _ID_MARK, f.id))
    rows = sa.select(
        sa.literal(RecordFileRepository.kind),
        f.id,
        f.version,
        sa.literal(name),
        sa.literal(now, UtcDateTime()),
        document,
        sa.literal(uow.entry, sa.BigInteger()),
    ).where(json_scrub.among(f.id, file_ids))
    columns = ["stream", "aggregate_id", "version", "type", "at", "document", "entry"]
    uow.execute(sa.insert(t.events).from_select(columns, rows))
    ids = [RecordFileId(i) for i in file_ids]
    events = RecordFile.erasures(ids, at=now, on_request=False)
    uow.written.append(Written(events, alike="file_id"))
    uow.wrote_in_bulk(len(file_ids), table.name, "events")
