"""The audit trail and the permission check, on the memory store."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import audit_contract as contract
from servicedesk import (
    Actor,
    ActorId,
    ApproveFee,
    Channel,
    Desk,
    FeeStandard,
    ProposeItem,
    RegisterRequest,
    Role,
    SuspendItem,
    convert,
)
from servicedesk.adapters.memory import AUDIT, AUDIT_TEXT, MemoryStore
from servicedesk.app.audit import event_ref
from servicedesk.app.bootstrap import HANDLERS
from servicedesk.app.command import Command
from servicedesk.app.context import Context
from servicedesk.domain.audit import AuditHead, AuditRecord, Problem, canonical_bytes, verify
from servicedesk.domain.errors import PermissionDenied, PolicyError
from servicedesk.domain.requests import RequestRegistered
from servicedesk.domain.retention import RecordFileClosed, RecordFileId
from servicedesk.domain.values import RequestId
from servicedesk.policies.hookspecs import hookimpl
from support import ASSISTANT, BRANCH_MANAGER, CENTRE_MANAGER, CLERK, Clock, publish, requester

# --- the memory store's tampers: what someone with access to its tables could do -----------------


def _key(store: MemoryStore, seq: int) -> Any:
    return next(k for k in store.tables[AUDIT] if int(k.value) == seq)


def _edit(store: MemoryStore, seq: int, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    key = _key(store, seq)
    version, document = store.tables[AUDIT][key]
    data = change(json.loads(document[AUDIT_TEXT]))
    store.tables[AUDIT][key] = (version, {AUDIT_TEXT: json.dumps(data)})


def alter(store: MemoryStore, seq: int) -> None:
    _edit(store, seq, lambda data: {**data, "actor": "someone-else"})


def rehash(store: MemoryStore, seq: int) -> None:
    def change(data: dict[str, Any]) -> dict[str, Any]:
        record = attrs.evolve(convert.structure(data, AuditRecord), command="Nothing")
        return convert.unstructure(attrs.evolve(record, hash=record.computed_hash()))  # type: ignore[no-any-return]

    _edit(store, seq, change)


def delete(store: MemoryStore, seq: int) -> None:
    del store.tables[AUDIT][_key(store, seq)]


def swap(store: MemoryStore, a: int, b: int) -> None:
    rows = store.tables[AUDIT]
    key_a, key_b = _key(store, a), _key(store, b)
    rows[key_a], rows[key_b] = rows[key_b], rows[key_a]


@pytest.mark.parametrize("check", contract.CHECKS, ids=lambda c: c.__name__)
def test_contract_without_tampering(check: Any) -> None:
    check(MemoryStore())


def test_contract_altered() -> None:
    contract.check_an_altered_record_is_named(MemoryStore(), alter)


def test_contract_rehashed() -> None:
    contract.check_a_rehashed_record_is_named(MemoryStore(), rehash)


def test_contract_deleted() -> None:
    contract.check_a_deleted_record_is_named(MemoryStore(), delete)


def test_contract_reordered() -> None:
    contract.check_reordered_records_are_named(MemoryStore(), swap)


def test_contract_truncated() -> None:
    contract.check_a_truncated_tail_is_named_against_the_kept_head(MemoryStore(), delete)


# --- the chain itself ----------------------------------------------------------------------------


def _chain(n: int, prefix: str = "C") -> list[AuditRecord]:
    records: list[AuditRecord] = []
    for i in range(n):
        records.append(
            AuditRecord.after(
                records[-1] if records else None,
                at=Clock().now,
                actor=ActorId("a"),
                roles=[Role.CLERK],
                command=f"{prefix}{i}",
                details="{}",
            )
        )
    return records


def test_a_forged_link_names_the_forged_record_not_its_predecessor() -> None:
    records = _chain(5)
    # record 3 replaced by one pointing at a made-up predecessor, and re-hashed
    forged = attrs.evolve(records[2], previous="f" * 64, command="Forged")
    records[2] = attrs.evolve(forged, hash=forged.computed_hash())
    verdict = verify(records)
    assert (verdict.seq, verdict.problem) == (3, Problem.ALTERED)


def test_a_replaced_first_record_is_named() -> None:
    records = _chain(3)
    forged = attrs.evolve(records[0], previous="f" * 64)
    records[0] = attrs.evolve(forged, hash=forged.computed_hash())
    assert (verify(records).seq, verify(records).problem) == (1, Problem.ALTERED)


def test_an_empty_trail_is_truncated_against_any_head() -> None:
    assert verify([], AuditHead(1, "x")).problem is Problem.TRUNCATED
    assert verify([]).ok


def test_a_rewritten_chain_is_caught_by_the_kept_head() -> None:
    head = _chain(4)[-1].head
    rewritten = _chain(4, prefix="X")  # a whole new chain, consistent in itself
    assert verify(rewritten).ok
    verdict = verify(rewritten, head)
    assert (verdict.seq, verdict.problem) == (4, Problem.ALTERED)


# --- what each record says -----------------------------------------------------------------------


def test_each_command_is_one_record_with_actor_roles_time_and_events(
    desk: Desk, clock: Clock
) -> None:
    item_id = publish(desk)
    records = desk.records.trail()
    assert [r.command for r in records] == ["ProposeItem", "ApproveFee", "ApproveFee"]
    last = records[-1]
    assert last.actor == BRANCH_MANAGER.id
    assert last.roles == (Role.BRANCH_MANAGER,)
    assert last.at == clock.now
    assert last.subject == item_id
    assert [e.type for e in last.event_refs] == ["FeeApproved", "ItemPublished"]
    assert records[1].previous == records[0].hash


def test_audit_records_hold_no_personal_data(desk: Desk) -> None:
    desk.handle(RegisterRequest(requester=requester("Chen Jie", phone="13800138000"), need="x"))
    text = repr(desk.records.trail()) + str(convert.unstructure(desk.records.trail()))
    assert "Chen" not in text
    assert "13800138000" not in text
    assert "8000" not in text


def test_event_digests_do_not_depend_on_personal_data() -> None:
    event = RequestRegistered(
        at=Clock().now,
        request_id=RequestId("r-1"),
        requester=requester("Chen Jie"),
        channel=Channel.HOTLINE,
        need="tap",
    )
    other = attrs.evolve(event, requester=requester("Someone Else", "9-999", "13911112222"))
    assert event_ref(event) == event_ref(other)
    assert event_ref(event) == event_ref(attrs.evolve(event, need="Chen Jie, 13800138000"))
    assert event_ref(event) != event_ref(attrs.evolve(event, channel=Channel.APP))


def without_audit(snapshot: dict[str, Any]) -> dict[str, Any]:
    tables = {k: v for k, v in snapshot["tables"].items() if k != AUDIT}
    log = {k: v for k, v in snapshot["log"].items() if k[0] != AUDIT}
    return {"tables": tables, "log": log}


# --- permissions ---------------------------------------------------------------------------------


def test_a_refused_command_changes_nothing_but_leaves_one_audit_record(
    desk: Desk, store: MemoryStore
) -> None:
    item_id = publish(desk)
    auditor = Actor(ActorId("aud-qian"), "Qian", {Role.AUDITOR})
    before = store.snapshot()
    with pytest.raises(PermissionDenied, match="aud-qian may not give the command SuspendItem"):
        desk.handle(SuspendItem(item_id=item_id, reason="audit"), actor=auditor)
    after = store.snapshot()
    assert without_audit(after) == without_audit(before), "the refused command changed a record"
    assert len(after["tables"][AUDIT]) == len(before["tables"][AUDIT]) + 1
    refusal = desk.records.trail()[-1]
    assert (refusal.command, refusal.refused, refusal.actor) == (
        "SuspendItem",
        "PermissionDenied",
        auditor.id,
    )
    assert refusal.event_refs == ()
    assert desk.records.verify().ok


class Ping(Command):
    """A command whose handler refuses a role itself, as an area's handler may."""


def test_a_role_refusal_raised_by_a_handler_is_audited_too(
    desk: Desk, store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_command: Ping, _ctx: Context) -> str:
        raise PermissionDenied("Only a cashier may take money.")

    monkeypatch.setitem(HANDLERS, Ping, refuse)
    before = store.snapshot()
    with pytest.raises(PermissionDenied, match="cashier"):
        desk.handle(Ping(), actor=CLERK)
    assert without_audit(store.snapshot()) == without_audit(before)
    [refusal] = desk.records.trail()
    assert (refusal.command, refusal.refused, refusal.actor) == (
        "Ping",
        "PermissionDenied",
        CLERK.id,
    )


def test_system_cannot_approve_fees_or_take_payments(desk: Desk) -> None:
    item_id = desk.handle(ProposeItem(name="Tap", category="plumbing", fee=FeeStandard.free())).id
    with pytest.raises(PermissionDenied):
        desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER))
    assert desk.policies.permitted_roles("RecordPayment") == {Role.CASHIER}
    desk.handle(ApproveFee(item_id=item_id, role=Role.CENTRE_MANAGER), actor=CENTRE_MANAGER)


def test_every_core_and_records_command_is_mapped_explicitly() -> None:
    from servicedesk.app.bootstrap import command_types as all_command_types
    from servicedesk.policies.records_defaults import PERMISSIONS

    ours = {
        "servicedesk.app.catalogue.commands",
        "servicedesk.app.requests.commands",
        "servicedesk.app.records.commands",
    }
    names = {n for n, cls in all_command_types().items() if cls.__module__ in ours}
    assert len(names) >= 30
    assert names <= set(PERMISSIONS)


def test_a_worker_cannot_register_requests_but_a_clerk_can(desk: Desk) -> None:
    worker = Actor(ActorId("w-zhang"), "Zhang", {Role.WORKER})
    with pytest.raises(PermissionDenied):
        desk.handle(RegisterRequest(requester=requester(), need="tap"), actor=worker)
    for actor in (CLERK, ASSISTANT):
        desk.handle(RegisterRequest(requester=requester(), need="tap"), actor=actor)


def test_an_organisation_plugin_changes_who_may_do_what(store: MemoryStore, clock: Clock) -> None:
    class WorkersRegister:
        @hookimpl
        def servicedesk_permitted_roles(self, command: str) -> set[Role] | None:
            return {Role.WORKER} if command == "RegisterRequest" else None

    desk = Desk(store, clock=clock, plugins=[WorkersRegister()], entry_points=False)
    worker = Actor(ActorId("w-zhang"), "Zhang", {Role.WORKER})
    desk.handle(RegisterRequest(requester=requester(), need="tap"), actor=worker)
    with pytest.raises(PermissionDenied):
        desk.handle(RegisterRequest(requester=requester(), need="tap"), actor=CLERK)


def test_a_plugin_answering_garbage_roles_is_a_policy_error(
    store: MemoryStore, clock: Clock
) -> None:
    class Garbage:
        @hookimpl
        def servicedesk_permitted_roles(self, command: str) -> str:
            return "clerk"

    with pytest.raises(PolicyError, match="servicedesk_permitted_roles"):
        Desk(store, clock=clock, plugins=[Garbage()], entry_points=False)  # asked at start-up
    assert store.snapshot()["tables"] == {}


def test_concurrent_desks_keep_one_chain(store: MemoryStore, clock: Clock) -> None:
    import threading

    desks = [Desk(store, clock=clock, entry_points=False, retries=200) for _ in range(4)]

    def work(d: Desk) -> None:
        for _ in range(5):
            d.handle(RegisterRequest(requester=requester(), need="tap"))

    threads = [threading.Thread(target=work, args=(d,)) for d in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    verdict = desks[0].records.verify()
    assert verdict.ok
    assert verdict.checked == 20


#: Plain data as the converter writes it: no floats (amounts are decimal strings).
PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(PLAIN)
def test_canonical_bytes_are_the_json_spelling_hashes_were_made_of(data: Any) -> None:
    try:
        expected = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        wanted = expected.encode()
    except UnicodeEncodeError:  # a lone surrogate: no spelling at all, as before
        with pytest.raises(UnicodeEncodeError):
            canonical_bytes(data)
        return
    assert canonical_bytes(data) == wanted


def test_an_event_is_digested_from_its_stored_document_only_without_personal_data() -> None:
    registered = RequestRegistered(
        at=Clock().now,
        request_id=RequestId("r-1"),
        requester=requester("Chen Jie"),
        channel=Channel.HOTLINE,
        need="tap",
    )
    assert event_ref(registered, {"not": "it"}) == event_ref(registered)  # scrubbed: made anew
    closed = RecordFileClosed(
        at=Clock().now, file_id=RecordFileId("request:r-1"), expires_at=Clock().now
    )
    assert event_ref(closed, convert.unstructure(closed)) == event_ref(closed)
