"""A trail written by the earlier digest rule, on any store, and the store's way to edit an event.

The earlier version named each event by a digest with its free text and signature
left in (``LEGACY_PLAIN``): its desks are reproduced by giving the audit wrapper that
rule's ``event_ref`` while they write.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from servicedesk import (
    AcceptWork,
    CancelRequest,
    CloseRequest,
    CompleteWork,
    Desk,
    DispatchRequest,
    RegisterRequest,
    StartWork,
    TriageRequest,
)
from servicedesk.adapters import sealing
from servicedesk.adapters.memory import MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql import tables as t
from servicedesk.app import audit
from servicedesk.app.billing.commands import ConfirmCharge, OpenAccount, RecordCharge
from servicedesk.app.complaints.commands import (
    AcknowledgeComplaint,
    AnswerComplaint,
    CloseComplaint,
    FileComplaint,
    RecordFinding,
)
from servicedesk.app.revouch import legacy_event_ref
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.events import Event
from servicedesk.domain.retention import RecordFileId
from servicedesk.testing import IN_PERSON
from support import ASSISTANT, CLERK, Clock, hire, publish, requester

NOTE = "call Chen Jie on 13800138000"
#: The events of ``legacy_history`` with text in a field that became personal.
LEGACY_EVENTS = 9
Change = Callable[[dict[str, Any]], dict[str, Any]]


@contextmanager
def legacy_digests() -> Iterator[None]:
    """Audit records written meanwhile name their events by the earlier rule."""

    def earlier(event: Event, document: Any = None) -> Any:
        return legacy_event_ref(event)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audit, "event_ref", earlier)
        yield


def legacy_history(store: Store, key: bytes | None = None) -> tuple[Desk, Clock, str, str]:
    """A charged job, a cancelled one and a complaint, each with free text, as written before.

    Returns the desk, its clock, the charged job's id and the cancelled one's.
    """
    clock = Clock()
    desk = Desk(store, clock=clock, entry_points=False, audit_key=key)
    with legacy_digests():
        item_id = publish(desk)
        worker_id = hire(desk)
        desk.handle(OpenAccount(requester=requester()), actor=CLERK)
        job = desk.handle(RegisterRequest(requester=requester(), need=NOTE), actor=CLERK).id
        assert job is not None
        for command in (
            TriageRequest(request_id=job, item_id=item_id, urgency="ordinary"),
            DispatchRequest(request_id=job, worker_id=worker_id),
            StartWork(request_id=job),
            CompleteWork(request_id=job, notes=NOTE),
            AcceptWork(request_id=job, signed_by="Chen Jie", evidence=IN_PERSON),
        ):
            desk.handle(command, actor=CLERK)
        charge = desk.handle(RecordCharge(request_id=job), actor=ASSISTANT).id
        assert charge is not None
        desk.handle(
            ConfirmCharge(charge_id=charge, signed_by="Chen Jie", evidence=IN_PERSON), actor=CLERK
        )
        desk.handle(CloseRequest(request_id=job), actor=CLERK)
        cancelled = desk.handle(RegisterRequest(requester=requester(), need=NOTE), actor=CLERK).id
        assert cancelled is not None
        desk.handle(CancelRequest(request_id=cancelled, reason=NOTE), actor=CLERK)
        complaint = desk.handle(
            FileComplaint(complainant=requester(), category="attitude", description=NOTE),
            actor=CLERK,
        ).id
        assert complaint is not None
        for step in (
            AcknowledgeComplaint(complaint_id=complaint),
            RecordFinding(complaint_id=complaint, finding=NOTE),
            AnswerComplaint(complaint_id=complaint, result=NOTE),
            CloseComplaint(complaint_id=complaint, satisfaction=4, remarks=NOTE),
        ):
            desk.handle(step, actor=CLERK)
    return desk, clock, job, cancelled


def _plain(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def _as_written(store: Store, kind: str, record_id: str, document: Any) -> dict[str, Any]:
    """The event as an earlier version stored it: in plain text, its sealed part opened."""
    document = _plain(document)
    if not sealing.is_sealed(document):
        return document
    file_id = sealing.file_of(kind, record_id)
    if isinstance(store, MemoryStore):
        row = store.tables.get("subject_key", {}).get(RecordFileId(file_id))
        key = None if row is None else row[1]["key"]
    else:
        assert isinstance(store, SqlStore)
        k = t.subject_keys.c
        with store.engine.connect() as connection:
            key = connection.execute(sa.select(k.key).where(k.file_id == file_id)).scalar()
    return dict(sealing.unseal(document, file_id, key))


def edit_event(store: Store, type_name: str, change: Change, number: int = 0) -> None:
    """Rewrite the ``number``-th stored event of ``type_name`` as an administrator could.

    The event is written back in plain text, as the version before sealing kept it.
    """
    if isinstance(store, MemoryStore):
        found = [
            (key, place)
            for key, history in store.log.items()
            for place, document in enumerate(history)
            if document["type"] == type_name
        ]
        (kind, record_id), place = found[number]
        document = _as_written(store, kind, record_id.value, store.log[kind, record_id][place])
        store.log[kind, record_id][place] = change(document)
        return
    assert isinstance(store, SqlStore)
    e = t.events.c
    with store.engine.connect() as connection:
        seq, kind, record_id, document = connection.execute(
            sa.select(e.seq, e.stream, e.aggregate_id, e.document)
            .where(e.type == type_name)
            .order_by(e.seq)
        ).all()[number]
    written = change(_as_written(store, kind, record_id, document))
    with store.engine.begin() as connection:
        connection.execute(sa.update(t.events).where(e.seq == seq).values(document=written))


def stored_event(store: Store, type_name: str, number: int = 0) -> dict[str, Any]:
    if isinstance(store, MemoryStore):
        found = [d for h in store.log.values() for d in h if d["type"] == type_name]
        return dict(found[number])
    assert isinstance(store, SqlStore)
    e = t.events.c
    with store.engine.connect() as connection:
        documents = connection.execute(
            sa.select(e.document).where(e.type == type_name).order_by(e.seq)
        ).scalars()
        return _plain(list(documents)[number])
