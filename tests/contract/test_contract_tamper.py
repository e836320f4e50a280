"""``verify`` against what an administrator with database access can do beyond the audit rows.

The audit rows are chained; the events are vouched for by the records that name
them, and every stored record (a payment, an account and its deposit ledger) by
the events that made it.  Each test tampers as SQL would (``UPDATE``, ``DELETE``,
``INSERT`` on the store's tables; on the memory store, on its dictionaries) and
checks that ``verify`` names what was touched, and the first record concerned.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from contract_billing import CASHIER, at, confirmed_charge, open_account
from contract_scenario import Clock, published_item, worker

from servicedesk import Desk, convert
from servicedesk.adapters.memory import AUDIT, AUDIT_TEXT, MemoryStore
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql import tables as t
from servicedesk.adapters.sql.store import _BY_STREAM
from servicedesk.app.billing.commands import CloseMonth, PayDeposit
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.audit import GENESIS, AuditRecord, Problem
from servicedesk.domain.values import ActorId, RequesterKind

KEY = b"kept in the desk's settings, never in the database"
Change = Callable[[dict[str, Any]], dict[str, Any]]


def books(store: Store, key: bytes | None = None) -> tuple[Desk, str, str]:
    """A tenant's deposit of 270.00 and a confirmed tap repair drawn from it."""
    d = Desk(store, clock=Clock(), entry_points=False, audit_key=key)
    published_item(d)
    worker(d)
    account = open_account(d, "3-502", RequesterKind.TENANT)
    payment = d.handle(PayDeposit(account_id=account, amount="270.00"), actor=CASHIER).id
    assert payment is not None
    confirmed_charge(d, "SR-1", "3-502", RequesterKind.TENANT)
    return d, account, payment


def _plain(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def events_of_type(store: Store, type_name: str) -> list[tuple[Any, dict[str, Any]]]:
    """(where, document) of each stored event of ``type_name``, in log order."""
    if isinstance(store, MemoryStore):
        return [
            ((key, place), document)
            for key, history in store.log.items()
            for place, document in enumerate(history)
            if document["type"] == type_name
        ]
    assert isinstance(store, SqlStore)
    e = t.events.c
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.select(e.seq, e.document).where(e.type == type_name).order_by(e.seq)
        ).all()
    return [(seq, _plain(document)) for seq, document in rows]


def edit_event(store: Store, type_name: str, change: Change) -> None:
    where, document = events_of_type(store, type_name)[0]
    if isinstance(store, MemoryStore):
        key, place = where
        store.log[key][place] = change(document)
        return
    assert isinstance(store, SqlStore)
    with store.engine.begin() as connection:
        statement = sa.update(t.events).where(t.events.c.seq == where)
        connection.execute(statement.values(document=change(document)))


def delete_event(store: Store, type_name: str) -> None:
    where, _document = events_of_type(store, type_name)[0]
    if isinstance(store, MemoryStore):
        key, place = where
        del store.log[key][place]
        return
    assert isinstance(store, SqlStore)
    with store.engine.begin() as connection:
        connection.execute(sa.delete(t.events).where(t.events.c.seq == where))


def copy_event(store: Store, type_name: str) -> None:
    """Append a second copy of the first such event, unmarked, as a forger would."""
    where, document = events_of_type(store, type_name)[0]
    if isinstance(store, MemoryStore):
        key, _place = where
        store.log[key].append(document)
        return
    assert isinstance(store, SqlStore)
    e = t.events.c
    with store.engine.begin() as connection:
        row = connection.execute(sa.select(t.events).where(e.seq == where)).one()._asdict()
        del row["seq"], row["entry"]
        connection.execute(sa.insert(t.events).values(**row))


def edit_document(store: Store, kind: str, aggregate_id: str, change: Change) -> None:
    if isinstance(store, MemoryStore):
        rows = store.tables[kind]
        key = next(k for k in rows if k.value == aggregate_id)
        version, document = rows[key]
        rows[key] = (version, change(document))
        return
    assert isinstance(store, SqlStore)
    table = _BY_STREAM[kind].table.table
    with store.engine.begin() as connection:
        found = connection.execute(
            sa.select(table.c.document).where(table.c.id == aggregate_id)
        ).scalar_one()
        statement = sa.update(table).where(table.c.id == aggregate_id)
        connection.execute(statement.values(document=change(_plain(found))))


def rewrite_trail(store: Store, records: list[AuditRecord]) -> None:
    """Store ``records`` over the rows of the same numbers (and move the head, as SQL would)."""
    for record in records:
        content = convert.unstructure(record)
        if isinstance(store, MemoryStore):
            key = next(k for k in store.tables[AUDIT] if int(k.value) == record.seq)
            store.tables[AUDIT][key] = (1, {AUDIT_TEXT: json.dumps(content, sort_keys=True)})
            continue
        assert isinstance(store, SqlStore)
        del content["hash"]
        a = t.audit_records.c
        with store.engine.begin() as connection:
            connection.execute(
                sa.update(t.audit_records)
                .where(a.seq == record.seq)
                .values(record=content, hash=record.hash)
            )
    if isinstance(store, SqlStore):
        with store.engine.begin() as connection:
            last = records[-1]
            connection.execute(sa.update(t.audit_head).values(seq=last.seq, hash=last.hash))


def store_garbage_as_record(store: Store, seq: int) -> None:
    if isinstance(store, MemoryStore):
        key = next(k for k in store.tables[AUDIT] if int(k.value) == seq)
        store.tables[AUDIT][key] = (1, {AUDIT_TEXT: json.dumps({"seq": "four", "at": 7})})
        return
    assert isinstance(store, SqlStore)
    a = t.audit_records.c
    with store.engine.begin() as connection:
        connection.execute(
            sa.update(t.audit_records).where(a.seq == seq).values(record={"seq": "four"})
        )


def record_of(d: Desk, command: str) -> AuditRecord:
    return next(r for r in trail(d) if r.command == command)


def trail(d: Desk) -> list[AuditRecord]:
    records = d.records.trail(0, 100_000)
    assert all(isinstance(r, AuditRecord) for r in records)
    return [r for r in records if isinstance(r, AuditRecord)]


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "CNY"}


# --- the tests -----------------------------------------------------------------------------------


def test_untouched_books_verify_with_and_without_a_key(store: Store) -> None:
    d, _account, _payment = books(store, KEY)
    assert d.records.verify(d.records.head()).ok
    assert Desk(store, entry_points=False).records.verify().ok
    assert all(r.seal is not None and r.entry is not None for r in trail(d) if r.event_refs)


def test_an_edited_event_is_named_with_the_record_that_vouched_for_it(store: Store) -> None:
    d, _account, _payment = books(store)
    edit_event(store, "PaymentRecorded", lambda e: {**e, "amount": money("2970.00")})
    verdict = d.records.verify()
    assert (verdict.seq, verdict.problem) == (record_of(d, "PayDeposit").seq, Problem.EVENT_ALTERED)
    assert str(verdict.detail).startswith("event ")


def test_an_edited_payment_row_is_named(store: Store) -> None:
    d, _account, payment = books(store)
    edit_document(store, "payment", payment, lambda p: {**p, "amount": money("2970.00")})
    verdict = d.records.verify()
    assert (verdict.problem, verdict.detail) == (Problem.STATE_ALTERED, f"payment {payment}")


def test_an_edited_deposit_ledger_entry_is_named(store: Store) -> None:
    d, account, _payment = books(store)

    def richer(document: dict[str, Any]) -> dict[str, Any]:
        entries = [dict(e) for e in document["entries"]]
        entries[0]["amount"] = money("2970.00")  # the deposit paid in: 270.00 -> 2970.00
        return {**document, "entries": entries}

    edit_document(store, "account", account, richer)
    verdict = d.records.verify()
    assert (verdict.problem, verdict.detail) == (Problem.STATE_ALTERED, f"account {account}")


def test_an_event_edited_together_with_its_row_is_still_named(store: Store) -> None:
    d, _account, payment = books(store)
    edit_event(store, "PaymentRecorded", lambda e: {**e, "amount": money("2970.00")})
    edit_document(store, "payment", payment, lambda p: {**p, "amount": money("2970.00")})
    verdict = d.records.verify()
    assert (verdict.seq, verdict.problem) == (record_of(d, "PayDeposit").seq, Problem.EVENT_ALTERED)


def test_a_deleted_event_is_named(store: Store) -> None:
    d, _account, _payment = books(store)
    delete_event(store, "PaymentRecorded")
    verdict = d.records.verify()
    assert (verdict.seq, verdict.problem) == (record_of(d, "PayDeposit").seq, Problem.EVENT_ALTERED)


def test_an_added_event_is_named(store: Store) -> None:
    d, _account, _payment = books(store)
    copy_event(store, "ChargeConfirmed")
    verdict = d.records.verify()
    assert verdict.problem is Problem.EVENT_UNRECORDED
    assert str(verdict.detail).startswith("event ")


def _rehashed_from(d: Desk, first: int) -> list[AuditRecord]:
    """The trail from record ``first`` on, ``first`` changed and every later one re-hashed."""
    records = trail(d)
    forged: list[AuditRecord] = []
    previous = GENESIS if first == 1 else records[first - 2].hash
    for record in records[first - 1 :]:
        actor = ActorId("someone-else") if record.seq == first else record.actor
        unsigned = attrs.evolve(record, actor=actor, previous=previous)
        record = attrs.evolve(unsigned, hash=unsigned.computed_hash())
        forged.append(record)
        previous = record.hash
    return forged


def test_a_rehashed_tail_is_named_at_its_first_record_with_the_key(store: Store) -> None:
    d, _account, _payment = books(store, KEY)
    kept = d.records.head()
    assert kept is not None
    first = kept.seq - 5
    rewrite_trail(store, _rehashed_from(d, first))
    verdict = d.records.verify()
    assert (verdict.seq, verdict.problem, verdict.detail) == (first, Problem.ALTERED, "seal")
    unkeyed = Desk(store, entry_points=False).records
    assert unkeyed.verify().ok, "without key or head, a consistent rewrite is not seen"
    at_head = unkeyed.verify(kept)
    assert (at_head.seq, at_head.problem) == (kept.seq, Problem.ALTERED)


def test_a_malformed_record_is_reported_not_raised(store: Store) -> None:
    d, _account, _payment = books(store)
    store_garbage_as_record(store, 4)
    verdict = d.records.verify()
    assert (verdict.seq, verdict.problem) == (4, Problem.MALFORMED)


@pytest.mark.parametrize("seq", [1, 2])
def test_records_before_the_key_was_set_are_left_unsealed_by_sealed_from(
    store: Store, seq: int
) -> None:
    d, _account, _payment = books(store)
    keyed = Desk(store, clock=d.clock, entry_points=False, audit_key=KEY)
    confirmed_charge(keyed, "SR-2", "3-502", RequesterKind.TENANT)
    first_sealed = next(r.seq for r in trail(keyed) if r.seal is not None)
    assert keyed.records.verify(sealed_from=first_sealed).ok
    verdict = keyed.records.verify(sealed_from=seq)
    assert (verdict.seq, verdict.problem) == (seq, Problem.ALTERED)


def test_an_edited_event_of_a_month_close_is_named(store: Store) -> None:
    """On SQL the close writes its events in bulk; its record vouches for them by a tally."""
    clock = Clock(at(3, 2, 9))
    d = Desk(store, clock=clock, entry_points=False)
    published_item(d)
    worker(d)
    open_account(d, "1-101")
    confirmed_charge(d, "r-1", "1-101")
    clock.now = at(4, 1, 9)
    d.handle(CloseMonth(period="2026-03"))
    assert d.records.verify().ok
    edit_event(
        store,
        "StatementIssued",
        lambda e: {**e, "lines": [{**e["lines"][0], "reference": "elsewhere"}]},
    )
    verdict = d.records.verify()
    assert (verdict.seq, verdict.problem) == (record_of(d, "CloseMonth").seq, Problem.EVENT_ALTERED)


def test_a_charge_moved_to_another_statement_is_named(sql_store: SqlStore) -> None:
    """A charge's statement is its column alone: checked against the statement's lines."""
    clock = Clock(at(3, 2, 9))
    d = Desk(sql_store, clock=clock, entry_points=False)
    published_item(d)
    worker(d)
    account = open_account(d, "1-101")
    charge = confirmed_charge(d, "r-1", "1-101")
    clock.now = at(4, 1, 9)
    d.handle(CloseMonth(period="2026-03"))
    assert d.records.verify().ok
    charges = t.charges.table
    with sql_store.engine.begin() as connection:  # unbilled again, columns agreeing
        connection.execute(
            sa.update(charges).values(
                statement_id=None,
                billable_at=charges.c.confirmed_at,
                audited_at=charges.c.confirmed_at,  # audited as it was confirmed, by the clock
            )
        )
    verdict = d.records.verify()
    assert (verdict.problem, verdict.detail) == (
        Problem.STATE_ALTERED,
        f"statement {account}:2026-03 (charges)",
    )
    with sql_store.engine.begin() as connection:
        connection.execute(
            sa.update(charges).values(
                statement_id="elsewhere:2026-03", billable_at=None, audited_at=None
            )
        )
    verdict = d.records.verify()
    assert (verdict.problem, verdict.detail) == (
        Problem.STATE_ALTERED,
        f"charge {charge} (statement_id)",
    )


def test_an_edited_amount_column_is_named(sql_store: SqlStore) -> None:
    """The close sums ``charges.amount``, kept beside the document: it must say the same."""
    d, _account, _payment = books(sql_store)
    charges = t.charges.table
    with sql_store.engine.begin() as connection:
        connection.execute(sa.update(charges).values(amount=Decimal("3000.00")))
        charge = connection.execute(sa.select(charges.c.id)).scalar_one()
    verdict = d.records.verify()
    assert (verdict.problem, verdict.detail) == (Problem.STATE_ALTERED, f"charge {charge} (amount)")
