"""The in-memory store: the ports with nothing behind them but dictionaries.

It keeps aggregates as plain data (through the same converter the SQL stores
use), so a unit of work works on copies: a command that fails leaves the
store exactly as it was, and two units of work conflict on versions just as
they would on a database.  Good for tests, demos and embedding without disk.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from servicedesk import convert
from servicedesk.app import ports
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.errors import ConcurrencyConflict
from servicedesk.domain.events import Event
from servicedesk.domain.requests import ServiceRequest, Status
from servicedesk.domain.values import Identifier, WorkerId
from servicedesk.domain.workers import Worker
from servicedesk.i18n import _

A = TypeVar("A", bound=ports.Aggregate)
Row = tuple[int, dict[str, Any]]  # (version, document)


class MemoryStore:
    """Committed state, shared by the units of work it opens."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.tables: dict[str, dict[Identifier, Row]] = defaultdict(dict)
        self.log: dict[tuple[str, Identifier], list[dict[str, Any]]] = defaultdict(list)

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)


class _MemoryRepository(ports.Repository[A]):
    cls: type[A]

    def __init__(self, store: MemoryStore) -> None:
        super().__init__()
        self.store = store

    def _load(self, row: Row) -> A:
        version, document = row
        aggregate = convert.structure(document, self.cls)
        aggregate.version = version
        return aggregate

    def _get(self, aggregate_id: Identifier) -> A | None:
        with self.store.lock:
            row = self.store.tables[self.kind].get(aggregate_id)
        return None if row is None else self._load(row)

    def _exists(self, aggregate_id: Identifier) -> bool:
        with self.store.lock:
            return aggregate_id in self.store.tables[self.kind]

    def _all(self, keep: Callable[[A], bool] = lambda _a: True) -> list[A]:
        with self.store.lock:
            rows = list(self.store.tables[self.kind].values())
        return self.track([a for a in map(self._load, rows) if keep(a)])


class MemoryItems(_MemoryRepository[ServiceItem], ports.ItemRepository):
    cls = ServiceItem

    def list(self) -> list[ServiceItem]:
        return sorted(self._all(), key=lambda i: i.name)


class MemoryRequests(_MemoryRepository[ServiceRequest], ports.RequestRepository):
    cls = ServiceRequest

    def list_open(self) -> list[ServiceRequest]:
        return _oldest_first(self._all(lambda r: r.is_open))

    def list_overdue(self, now: datetime) -> list[ServiceRequest]:
        return _oldest_first(self._all(lambda r: r.is_overdue(now)))

    def list_due_for_dispatch(self, now: datetime) -> list[ServiceRequest]:
        return _oldest_first(
            self._all(
                lambda r: (
                    r.status is Status.TRIAGED
                    and r.dispatch_due is not None
                    and r.dispatch_due <= now
                )
            )
        )

    def open_orders_by_worker(self) -> dict[WorkerId, int]:
        counts: dict[WorkerId, int] = defaultdict(int)
        for request in self._all(lambda r: r.is_open):
            if request.worker_id is not None and request.status is not Status.TRIAGED:
                counts[request.worker_id] += 1
        return dict(counts)


def _oldest_first(requests: list[ServiceRequest]) -> list[ServiceRequest]:
    return sorted(requests, key=lambda r: (r.registered_at or datetime.min, r.id.value))


class MemoryWorkers(_MemoryRepository[Worker], ports.WorkerRepository):
    cls = Worker

    def list(self) -> list[Worker]:
        return sorted(self._all(), key=lambda w: w.id.value)


class MemoryEventLog(ports.EventLog):
    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def history(self, kind: str, aggregate_id: Identifier) -> list[Event]:
        with self.store.lock:
            documents = list(self.store.log.get((kind, aggregate_id), ()))
        return [convert.structure(d, Event) for d in documents]


class MemoryUnitOfWork(ports.UnitOfWork):
    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.items = MemoryItems(store)
        self.requests = MemoryRequests(store)
        self.workers = MemoryWorkers(store)
        self.events = MemoryEventLog(store)
        self.idempotency = MemoryIdempotencyKeys(self)
        self._pending: list[tuple[str, Identifier, int, Row, list[dict[str, Any]]]] = []

    def _save(
        self, repository: ports.Repository[Any], aggregate: ports.Aggregate, is_new: bool
    ) -> None:
        document = convert.unstructure(aggregate)
        events = [convert.unstructure(e) for e in aggregate.events]
        expected = -1 if is_new else aggregate.version
        self._pending.append(
            (repository.kind, aggregate.id, expected, (aggregate.version + 1, document), events)
        )

    def _commit(self) -> None:
        with self.store.lock:
            for kind, aggregate_id, expected, _row, _events in self._pending:
                current = self.store.tables[kind].get(aggregate_id)
                current_version = -1 if current is None else current[0]
                if current_version != expected:
                    self._pending.clear()
                    raise ConcurrencyConflict(
                        _("The {kind} {id} was changed by someone else; try again.").format(
                            kind=_(kind), id=aggregate_id
                        )
                    )
            for kind, aggregate_id, _expected, row, events in self._pending:
                self.store.tables[kind][aggregate_id] = row
                self.store.log[(kind, aggregate_id)].extend(events)
        self._pending.clear()

    def rollback(self) -> None:
        self._pending.clear()


# --- idempotency -------------------------------------------------------------------

IDEMPOTENCY = "idempotency"  # the store's table of remembered commands


class MemoryIdempotencyKeys(ports.IdempotencyKeys):
    """Keys kept as rows of their own table, staged like aggregates.

    ``remember`` stages the row as new (expected version -1), so the unit of
    work's commit writes it together with the command's changes, or refuses
    with ``ConcurrencyConflict`` when another unit of work stored the key first.
    """

    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow

    def recall(self, key: ports.IdempotencyKey) -> tuple[str, dict[str, Any]] | None:
        with self.uow.store.lock:
            row = self.uow.store.tables[IDEMPOTENCY].get(key)
        if row is None:
            return None
        return row[1]["fingerprint"], row[1]["outcome"]

    def remember(
        self, key: ports.IdempotencyKey, command: str, fingerprint: str, outcome: dict[str, Any]
    ) -> None:
        document = {"command": command, "fingerprint": fingerprint, "outcome": outcome}
        self.uow._pending.append((IDEMPOTENCY, key, -1, (1, document), []))
