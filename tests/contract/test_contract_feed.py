"""The event feed on every store: every committed event once, in commit order, from any position."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from contract_billing import at, billing_desk, confirmed_charge, open_account
from contract_scenario import Clock, desk, published_item, triaged, worker

from servicedesk import DispatchRequest, FeeStandard, Position, ProposeItem
from servicedesk.adapters.sql import SqlStore
from servicedesk.adapters.sql import tables as t
from servicedesk.app.billing.commands import CloseMonth
from servicedesk.app.feed.ports import START, FeedEvent
from servicedesk.app.unit_of_work import Store
from servicedesk.domain.errors import InvalidValue, PermissionDenied
from servicedesk.domain.values import Actor, ActorId, Role

STRANGER = Actor(ActorId("x"), "Stranger", {Role.WORKER})


def feed_of(store: Store, page: int = 1000) -> list[FeedEvent]:
    return list(desk(store).events.since(None, page))


def test_an_empty_store_has_an_empty_feed(store: Store) -> None:
    page = desk(store).events.after()
    assert (page.events, page.position) == ((), START)


def test_the_feed_holds_every_event_of_every_command_in_commit_order(store: Store) -> None:
    d = desk(store)
    outcomes = []
    d.subscribe(lambda event: outcomes.append(event))
    published_item(d)
    worker(d)
    triaged(d, "r-1")
    triaged(d, "r-2")
    d.handle(DispatchRequest(request_id="r-1", worker_id="w-1"))
    fed = feed_of(store)
    assert [f.event for f in fed] == outcomes
    positions = [f.position for f in fed]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    assert [str(p) for p in positions] == sorted(str(p) for p in positions), "tokens compare"
    assert {(f.stream, f.aggregate_id) for f in fed} >= {("request", "r-1"), ("worker", "w-1")}
    assert [f.type for f in fed if f.aggregate_id == "r-1"][:2] == [
        "RequestRegistered",
        "RequestTriaged",
    ]


@pytest.mark.parametrize("page", [1, 2, 3, 5])
def test_any_page_size_and_any_position_give_the_rest_of_the_same_feed(
    store: Store, page: int
) -> None:
    d = desk(store)
    published_item(d)
    triaged(d, "r-1")
    whole = feed_of(store)
    assert list(d.events.since(None, page)) == whole
    for place, fed in enumerate(whole):
        assert list(d.events.since(str(fed.position), page)) == whole[place + 1 :]
    assert d.events.after(whole[-1].position).events == ()


def test_a_refused_command_adds_nothing_and_the_feed_goes_on(store: Store) -> None:
    d = desk(store)
    published_item(d)
    before = feed_of(store)
    with pytest.raises(PermissionDenied):  # its audit record is stored, without events
        d.handle(
            ProposeItem(name="Mop", category="cleaning", fee=FeeStandard.free()), actor=STRANGER
        )
    assert feed_of(store) == before
    triaged(d, "r-1")
    after = feed_of(store)
    assert after[: len(before)] == before
    assert after[len(before)].position.record > before[-1].position.record + 1


def test_a_month_close_s_events_are_in_the_feed_a_page_at_a_time(store: Store) -> None:
    """On SQL the close issues statements in bulk: its events are not in ``Outcome.events``."""
    clock = Clock(at(3, 2, 9))
    d = billing_desk(store, clock)
    for n in range(4):
        open_account(d, f"1-10{n}")
        confirmed_charge(d, f"r-{n}", f"1-10{n}")
    before = feed_of(store)
    clock.now = at(4, 1, 9)
    d.handle(CloseMonth(period="2026-03"))
    close = feed_of(store, page=3)[len(before) :]
    issued = sorted(f.aggregate_id for f in close if f.type == "StatementIssued")
    with store.reading() as uow:
        statements = sorted(
            s.id.value for a in uow.accounts.list() for s in uow.statements.for_account(a.id)
        )
    assert issued == statements
    assert len(issued) == 4
    assert len({f.position.record for f in close}) == 1, "one command, one audit record"
    # the statements' events name the charges billed; the charges get no event of their own
    assert {f.type for f in close} == {"StatementIssued"}


def test_a_position_is_its_token_and_a_bad_token_names_the_field(store: Store) -> None:
    d = desk(store)
    position = Position(12, 345)
    assert Position.of(str(position)) == position
    assert Position.of(None) == START
    for bad in ("", "12.345", "x" * 39, "1" * 19 + "." + "2" * 20):
        with pytest.raises(InvalidValue) as refused:
            d.events.after(bad)
        assert refused.value.field == "position"
    with pytest.raises(InvalidValue) as refused:
        d.events.after(None, 0)
    assert refused.value.field == "limit"


def test_events_stored_before_the_log_marked_them_come_first_at_record_0(
    sql_store: SqlStore,
) -> None:
    d = desk(sql_store)
    published_item(d)
    triaged(d, "r-1")
    whole = feed_of(sql_store)
    e, a = t.events.c, t.audit_records.c
    with sql_store.engine.begin() as connection:  # the first four events as a desk wrote them
        first = connection.execute(sa.select(e.seq).order_by(e.seq).limit(5)).scalars().all()
        unmarked = sa.select(e.entry).where(e.seq < first[4])
        connection.execute(
            sa.update(t.audit_records).where(a.entry.in_(unmarked)).values(entry=None)
        )
        connection.execute(sa.update(t.events).where(e.seq < first[4]).values(entry=None))
        connection.execute(sa.update(t.audit_head).values(events_from=first[4]))
    fed = feed_of(sql_store, page=2)
    assert [f.position for f in fed[:4]] == [Position(0, seq) for seq in first[:4]]
    assert [f.event for f in fed] == [f.event for f in whole]
    assert all(f.position.record > 0 for f in fed[4:])
