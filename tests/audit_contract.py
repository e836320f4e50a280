"""The audit trail's contract, for every store: tampering with one stored record is named.

Each ``check_*`` takes a fresh, empty store and the store's own way of
tampering with it (a callable that changes, deletes or swaps rows the way an
administrator with database access could).  ``tests/test_audit.py`` runs them
on the memory store; a SQL store's tests run them with tampers written as
``UPDATE`` / ``DELETE`` statements on its audit table.

    alter(store, seq)        change the content of record ``seq``, leave its hash
    rehash(store, seq)       change record ``seq`` and store a matching hash for it
    delete(store, seq)       remove record ``seq``
    swap(store, a, b)        exchange the contents of records ``a`` and ``b``
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from servicedesk import (
    AcceptWork,
    CloseRequest,
    CompleteWork,
    Desk,
    DispatchRequest,
    RegisterRequest,
    StartWork,
    TriageRequest,
)
from servicedesk.app.records.commands import PurgeExpired
from servicedesk.domain.audit import Problem
from servicedesk.testing import IN_PERSON
from support import CLERK, Clock, hire, publish, requester

Tamper = Callable[[Any, int], None]
Swap = Callable[[Any, int, int], None]


def scenario(store: Any) -> Desk:
    """A closed job and its catalogue: at least ten audit records."""
    clock = Clock()
    desk = Desk(store, clock=clock, entry_points=False)
    item_id = publish(desk)
    hire(desk)
    request_id = desk.handle(RegisterRequest(requester=requester(), need="tap drips")).id
    assert request_id is not None
    for command in (
        TriageRequest(request_id=request_id, item_id=item_id, urgency="urgent"),
        DispatchRequest(request_id=request_id),
        StartWork(request_id=request_id),
        CompleteWork(request_id=request_id),
        AcceptWork(request_id=request_id, signed_by="Chen Jie", evidence=IN_PERSON),
        CloseRequest(request_id=request_id),
    ):
        clock.advance(minutes=10)
        desk.handle(command, actor=CLERK)
    head = desk.records.head()
    assert head is not None
    assert head.seq >= 10
    return desk


def check_an_untouched_chain_verifies(store: Any) -> None:
    desk = scenario(store)
    verdict = desk.records.verify(desk.records.head())
    assert verdict.ok
    assert verdict.checked == desk.records.head().seq


def check_an_altered_record_is_named(store: Any, alter: Tamper) -> None:
    desk = scenario(store)
    alter(store, 4)
    verdict = desk.records.verify()
    assert (verdict.seq, verdict.problem) == (4, Problem.ALTERED)


def check_a_rehashed_record_is_named(store: Any, rehash: Tamper) -> None:
    desk = scenario(store)
    rehash(store, 5)
    verdict = desk.records.verify()
    assert (verdict.seq, verdict.problem) == (5, Problem.ALTERED)


def check_a_deleted_record_is_named(store: Any, delete: Tamper) -> None:
    desk = scenario(store)
    delete(store, 3)
    verdict = desk.records.verify()
    assert (verdict.seq, verdict.problem) == (3, Problem.MISSING)


def check_reordered_records_are_named(store: Any, swap: Swap) -> None:
    desk = scenario(store)
    swap(store, 6, 7)
    verdict = desk.records.verify()
    assert (verdict.seq, verdict.problem) == (6, Problem.OUT_OF_ORDER)


def check_a_truncated_tail_is_named_against_the_kept_head(store: Any, delete: Tamper) -> None:
    desk = scenario(store)
    kept = desk.records.head()
    assert kept is not None
    delete(store, kept.seq)
    delete(store, kept.seq - 1)
    # The chain alone is shorter but valid; the events the removed records vouched for remain.
    assert desk.records.verify().problem is Problem.EVENT_UNRECORDED
    verdict = desk.records.verify(kept)
    assert (verdict.seq, verdict.problem) == (kept.seq - 1, Problem.TRUNCATED)


def check_a_purge_keeps_the_chain_verifiable(store: Any) -> None:
    desk = scenario(store)
    desk.clock.advance(days=3650)  # type: ignore[attr-defined]
    assert desk.handle(PurgeExpired()).id == "1"
    assert desk.records.verify(desk.records.head()).ok


CHECKS = (
    check_an_untouched_chain_verifies,
    check_a_purge_keeps_the_chain_verifiable,
)
