"""Re-vouching on every store: a trail of the earlier digest rule verifies once re-vouched.

Before, ``verify`` takes the events named by the earlier rule for altered ones;
``revouch_store`` appends the system's ``digests_revouched`` record, and from then on the
chain verifies, through an erasure too.  An event altered before the upgrade, or after
it, is still named, and so is one a forged re-vouch record claims.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contract_revouch import LEGACY_EVENTS, NOTE, edit_event, legacy_history, stored_event

from servicedesk import EraseRequester, convert
from servicedesk.app.audit import event_ref
from servicedesk.app.revouch import revouch_legacy_digests, revouch_store
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.audit import (
    REVOUCHED,
    AuditRecord,
    Problem,
    Revouch,
    revouch_details,
    revouches,
)
from servicedesk.domain.events import Event
from servicedesk.domain.privacy import ERASED
from servicedesk.domain.values import ActorId, Role
from support import CENTRE_MANAGER as RECORDS_KEEPER

UPGRADED = datetime(2026, 12, 7, 2, tzinfo=UTC)


def _channel(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "channel": "app"}


def _need(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "need": "kitchen tap drips"}


def _seq_naming(desk: Any, type_name: str) -> int:
    return next(
        r.seq for r in desk.records.trail() if any(e.type == type_name for e in r.event_refs)
    )


def test_a_legacy_trail_is_reported_until_revouched_then_verifies(store: Store) -> None:
    desk, _clock, _job, _cancelled = legacy_history(store)
    before = desk.records.verify()
    assert (before.problem, before.seq) == (
        Problem.EVENT_ALTERED,
        _seq_naming(desk, "RequestRegistered"),
    )
    kept = desk.records.head()
    assert revouch_store(store, at=UPGRADED) == LEGACY_EVENTS
    trail = desk.records.trail()
    last = trail[-1]
    assert (last.command, last.actor, last.roles) == (REVOUCHED, ActorId("system"), (Role.SYSTEM,))
    assert last.entry is None
    assert last.event_refs == ()
    listed = revouches(last)
    assert {r.type for r in listed} >= {"RequestRegistered", "ChargeConfirmed", "ComplaintFiled"}
    assert all(r.seq < last.seq and r.legacy != r.current for r in listed)
    assert NOTE not in last.details
    assert "13800138000" not in last.details
    assert desk.records.verify().ok
    assert desk.records.verify(kept).ok  # appended: the head kept before still holds
    assert revouch_store(store, at=UPGRADED) == 0  # nothing new: no second record
    assert len(desk.records.trail()) == len(trail)


def test_an_event_altered_before_the_upgrade_is_still_named(store: Store) -> None:
    desk, _clock, _job, _cancelled = legacy_history(store)
    edit_event(store, "RequestRegistered", _need)  # text the earlier digest covered
    edit_event(store, "RequestRegistered", _channel, number=1)
    assert revouch_store(store, at=UPGRADED) == LEGACY_EVENTS - 2
    verdict = desk.records.verify()
    assert (verdict.problem, verdict.seq) == (
        Problem.EVENT_ALTERED,
        _seq_naming(desk, "RequestRegistered"),
    )


def test_an_event_altered_after_the_revouch_is_named(store: Store) -> None:
    desk, _clock, _job, _cancelled = legacy_history(store)
    revouch_store(store, at=UPGRADED)
    edit_event(store, "ComplaintFiled", lambda d: {**d, "category": "price"})
    verdict = desk.records.verify()
    assert verdict.problem == Problem.EVENT_ALTERED
    assert verdict.seq == _seq_naming(desk, "ComplaintFiled")


def test_an_erasure_after_the_revouch_keeps_the_chain_verifying(store: Store) -> None:
    desk, _clock, _job, cancelled = legacy_history(store)
    revouch_store(store, at=UPGRADED)
    erased = desk.handle(EraseRequester(phone="13800138000"), actor=RECORDS_KEEPER)
    assert erased.id is not None
    assert int(erased.id) > 0
    assert desk.queries.request(cancelled).need == ERASED
    cancelling = stored_event(store, "RequestCancelled")
    assert cancelling["reason"] == ERASED
    assert desk.records.verify(desk.records.head()).ok


def test_a_forged_revouch_of_an_altered_event_is_no_cover(store: Store) -> None:
    desk, _clock, _job, _cancelled = legacy_history(store)
    revouch_store(store, at=UPGRADED)
    edit_event(store, "RequestCancelled", lambda d: {**d, "at": "2026-03-02T01:00:00+00:00"})
    verdict = desk.records.verify()
    assert verdict.problem == Problem.EVENT_ALTERED
    legit = revouches(desk.records.trail()[-1])
    cancelled = next(r for r in legit if r.type == "RequestCancelled")
    # a forger re-vouches the edited event with the digest it has now
    forged_digest = event_ref(
        convert.structure(stored_event(store, "RequestCancelled"), Event)
    ).digest
    forged = Revouch(
        cancelled.seq, cancelled.place, cancelled.type, cancelled.legacy, forged_digest
    )
    with store.unit_of_work() as uow:
        uow.audit.add(
            lambda head: AuditRecord.after(
                head,
                at=UPGRADED,
                actor=ActorId("system"),
                roles=(Role.SYSTEM,),
                command=REVOUCHED,
                details=revouch_details([forged]),
            )
        )
        uow.commit()
    again = desk.records.verify()
    assert (again.problem, again.seq) == (Problem.EVENT_ALTERED, cancelled.seq)


def test_many_events_are_revouched_in_batches_of_one_transaction(store: Store) -> None:
    desk, _clock, _job, _cancelled = legacy_history(store)
    with store.unit_of_work() as uow:
        assert revouch_legacy_digests(uow, at=UPGRADED, batch=4) == LEGACY_EVENTS
        uow.commit()
    batches = [r for r in desk.records.trail() if r.command == REVOUCHED]
    assert [len(revouches(r)) for r in batches] == [4, 4, 1]
    assert desk.records.verify(desk.records.head()).ok
