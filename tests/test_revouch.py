"""The earlier digest rule, the re-vouch record's listing, and what verify accepts of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from servicedesk import CancelRequest, Desk, RegisterRequest
from servicedesk.adapters.memory import AUDIT, AUDIT_TEXT, MemoryStore
from servicedesk.app import audit, trail_check
from servicedesk.app.audit import event_ref
from servicedesk.app.revouch import (
    legacy_event_ref,
    legacy_text_erased,
    revouch_legacy_digests,
    revouch_store,
)
from servicedesk.domain.audit import (
    LEGACY_PLAIN,
    REVOUCHED,
    AuditRecord,
    Problem,
    Revouch,
    revouch_details,
    revouches,
)
from servicedesk.domain.events import Event, all_event_types
from servicedesk.domain.privacy import ERASED, is_personal
from servicedesk.domain.requests import Channel, RequestCancelled, RequestRegistered
from servicedesk.domain.values import ActorId, RequestId, Role
from support import CLERK, Clock, requester

AT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
UPGRADED = datetime(2026, 12, 7, 2, tzinfo=UTC)


def test_the_legacy_fields_are_personal_str_fields_of_their_events_now() -> None:
    types = all_event_types()
    for type_name, names in LEGACY_PLAIN.items():
        fields = {a.name: a for a in attrs.fields(types[type_name])}
        for name in names:
            assert is_personal(fields[name]), (type_name, name)


def _registered(need: str) -> RequestRegistered:
    return RequestRegistered(
        at=AT,
        request_id=RequestId("R-1"),
        requester=requester(),
        channel=Channel.HOTLINE,
        need=need,
    )


def test_the_legacy_digest_keeps_the_text_and_scrubs_the_requester() -> None:
    event = _registered("call Chen Jie on 13800138000")
    assert legacy_event_ref(event) != event_ref(event)
    assert legacy_event_ref(event) != legacy_event_ref(attrs.evolve(event, need="door"))
    other = attrs.evolve(event, requester=requester("Someone Else", "9-999", "13911112222"))
    assert legacy_event_ref(event) == legacy_event_ref(other)
    assert legacy_event_ref(_registered("")) == event_ref(_registered(""))
    assert legacy_text_erased(attrs.evolve(event, need=ERASED))
    assert not legacy_text_erased(event)
    plain: Event = RequestCancelled(at=AT, request_id=RequestId("R-1"), reason="")
    assert legacy_event_ref(plain) == event_ref(plain)


def test_a_revouch_listing_reads_back_and_refuses_garbage() -> None:
    listed = (Revouch(3, "event 7", "RequestRegistered", "a" * 64, "b" * 64),)
    record = _revouch_record(revouch_details(listed))
    assert revouches(record) == listed
    for garbage in ("", "{}", '{"revouched": [[1, 2]]}', '{"revouched": [["1","e","T","a","b"]]}'):
        with pytest.raises(ValueError, match="re-vouch"):
            revouches(_revouch_record(garbage))


def _revouch_record(details: str) -> AuditRecord:
    return AuditRecord.after(
        None,
        at=UPGRADED,
        actor=ActorId("system"),
        roles=(Role.SYSTEM,),
        command=REVOUCHED,
        details=details,
    )


@pytest.fixture
def earlier_rule() -> Iterator[None]:
    def earlier(event: Event, document: Any = None) -> Any:
        return legacy_event_ref(event)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audit, "event_ref", earlier)
        yield


def _cancelled_job(desk: Desk) -> str:
    job = desk.handle(
        RegisterRequest(requester=requester(), need="leak, call Chen"), actor=CLERK
    ).id
    assert job is not None
    desk.handle(CancelRequest(request_id=job, reason="fixed it himself"), actor=CLERK)
    return job


def test_records_after_the_revouch_are_held_to_the_current_rule(earlier_rule: None) -> None:
    store = MemoryStore()
    desk = Desk(store, clock=Clock(), entry_points=False)
    _cancelled_job(desk)
    assert revouch_store(store, at=UPGRADED) == 2
    assert desk.records.verify().ok
    revouched = desk.records.trail()[-1].seq
    _cancelled_job(desk)  # the earlier rule after the upgrade: nothing re-vouches it
    assert revouch_store(store, at=UPGRADED) == 0
    verdict = desk.records.verify()
    assert verdict.problem == Problem.EVENT_ALTERED
    assert verdict.seq is not None
    assert verdict.seq > revouched


def test_an_unreadable_revouch_record_is_reported() -> None:
    store = MemoryStore()
    desk = Desk(store, clock=Clock(), entry_points=False)
    _cancelled_job(desk)
    assert desk.records.verify().ok
    with store.unit_of_work() as uow:
        uow.audit.add(
            lambda head: AuditRecord.after(
                head,
                at=UPGRADED,
                actor=ActorId("system"),
                roles=(Role.SYSTEM,),
                command=REVOUCHED,
                details='{"revouched": 1}',
            )
        )
        uow.commit()
    verdict = desk.records.verify()
    assert (verdict.problem, verdict.seq) == (Problem.MALFORMED, desk.records.trail()[-1].seq)


def test_without_a_revouch_a_legacy_trail_is_reported(earlier_rule: None) -> None:
    store = MemoryStore()
    desk = Desk(store, clock=Clock(), entry_points=False)
    _cancelled_job(desk)
    verdict = desk.records.verify()
    assert verdict.problem == Problem.EVENT_ALTERED


def test_a_break_in_the_chain_before_the_revouch_is_the_finding(earlier_rule: None) -> None:
    store = MemoryStore()
    desk = Desk(store, clock=Clock(), entry_points=False)
    for _ in range(3):
        _cancelled_job(desk)
    revouch_store(store, at=UPGRADED)
    broken = desk.records.trail()[-4].seq  # three records before the re-vouch record
    key = next(k for k in store.tables[AUDIT] if int(k.value) == broken)
    version, document = store.tables[AUDIT][key]
    content = json.loads(document[AUDIT_TEXT])
    store.tables[AUDIT][key] = (version, {AUDIT_TEXT: json.dumps({**content, "subject": "x"})})
    verdict = trail_check.verify(store, page=2)  # the re-vouch record's page is never read
    assert (verdict.problem, verdict.seq) == (Problem.ALTERED, broken)


def test_many_events_are_revouched_in_batches(earlier_rule: None) -> None:
    store = MemoryStore()
    desk = Desk(store, clock=Clock(), entry_points=False)
    for _ in range(3):
        _cancelled_job(desk)
    with store.unit_of_work() as uow:
        assert revouch_legacy_digests(uow, at=UPGRADED, batch=4, page=2) == 6
        uow.commit()
    batches = [r for r in desk.records.trail() if r.command == REVOUCHED]
    assert [len(revouches(r)) for r in batches] == [4, 2]
    assert desk.records.verify().ok
