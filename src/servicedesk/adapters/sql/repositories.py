"""Repositories over the aggregate tables: generic loading, indexed queries.

``SqlRepository`` loads and tracks any aggregate declared with
``tables.aggregate_table``; a kind whose port has query methods gets a small
subclass registered with ``@serves``, each query one ``SELECT`` on the
projection columns.  A kind without query methods needs no class at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from servicedesk import convert
from servicedesk.adapters.sql import tables as t
from servicedesk.app import ports
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.errors import StoreError
from servicedesk.domain.events import Event
from servicedesk.domain.requests import ServiceRequest, Status
from servicedesk.domain.values import Identifier, WorkerId
from servicedesk.domain.workers import Worker
from servicedesk.i18n import _

if TYPE_CHECKING:
    from servicedesk.adapters.sql.store import SqlUnitOfWork

A = TypeVar("A", bound=ports.Aggregate)


class SqlRepository(ports.Repository[A]):
    def __init__(self, uow: SqlUnitOfWork, spec: t.AggregateTable) -> None:
        super().__init__()
        self.uow = uow
        self.spec = spec
        self.table = spec.table

    def __getattr__(self, name: str) -> Any:
        """A query some port declares that no SQL repository answers yet: say so, typed."""
        if not name.startswith("_") and any(
            isinstance(port, type) and callable(getattr(port, name, None))
            for port in vars(ports).values()
        ):
            raise StoreError(
                _("The SQL store does not answer {query} for {what} yet.").format(
                    query=name, what=_(self.label)
                )
            )
        raise AttributeError(name)

    def _load(self, row: sa.Row[Any]) -> A:
        aggregate: A = convert.structure(row.document, self.spec.cls)
        aggregate.version = row.version
        return aggregate

    def _get(self, aggregate_id: Identifier) -> A | None:
        query = sa.select(self.table.c.version, self.table.c.document).where(
            self.table.c.id == aggregate_id.value
        )
        row = self.uow.execute(query).first()
        return None if row is None else self._load(row)

    def _exists(self, aggregate_id: Identifier) -> bool:
        query = sa.select(self.table.c.id).where(self.table.c.id == aggregate_id.value)
        return self.uow.execute(query).first() is not None

    def _get_locked(self, aggregate_id: Identifier) -> A | None:
        """Load and lock the row until this unit of work ends: ``SELECT ... FOR UPDATE``.

        For rows many transactions take turns on (a gapless number series), so a
        second taker waits for the first to commit and then reads its result,
        instead of failing the version check.  It waits (never ``NOWAIT``): a
        cashier queues, she is not turned away.  SQLite holds the write lock for
        the whole unit of work already, so there it is a plain read.
        """
        if aggregate_id in self.seen:
            return self.seen[aggregate_id]
        query = (
            sa.select(self.table.c.version, self.table.c.document)
            .where(self.table.c.id == aggregate_id.value)
            .with_for_update()
        )
        row = self.uow.execute(query).first()
        return None if row is None else self.track([self._load(row)])[0]

    def _select(self, *where: Any, order_by: tuple[Any, ...] = ()) -> list[A]:
        """Aggregates whose projections match ``where``, tracked like ``get`` results."""
        query = sa.select(self.table.c.version, self.table.c.document).where(*where)
        query = query.order_by(*order_by, self.table.c.id)
        return self.track([self._load(row) for row in self.uow.execute(query)])


REPOSITORIES: dict[str, type[SqlRepository[Any]]] = {}
R = TypeVar("R", bound=type[SqlRepository[Any]])


def serves(spec: t.AggregateTable) -> Callable[[R], R]:
    """Register the repository class that answers the queries of ``spec``'s port."""

    def register(cls: R) -> R:
        REPOSITORIES[spec.attribute] = cls
        return cls

    return register


def repository_class(spec: t.AggregateTable) -> type[SqlRepository[Any]]:
    """The registered class, or a generic one for a port without query methods."""
    found = REPOSITORIES.get(spec.attribute)
    if found is None:
        found = type(f"Sql{spec.cls.__name__}Repository", (SqlRepository, spec.port), {})
        REPOSITORIES[spec.attribute] = found
    return found


@serves(t.items)
class SqlItems(SqlRepository[ServiceItem], ports.ItemRepository):
    def list(self) -> list[ServiceItem]:
        return self._select(order_by=(self.table.c.name,))


@serves(t.requests)
class SqlRequests(SqlRepository[ServiceRequest], ports.RequestRepository):
    def _oldest_first(self) -> tuple[Any, ...]:
        return (self.table.c.registered_at,)

    def list_open(self) -> list[ServiceRequest]:
        return self._select(self.table.c.is_open == sa.true(), order_by=self._oldest_first())

    def list_overdue(self, now: datetime) -> list[ServiceRequest]:
        return self._select(self.table.c.deadline_due < now, order_by=self._oldest_first())

    def list_due_for_dispatch(self, now: datetime) -> list[ServiceRequest]:
        c = self.table.c
        return self._select(
            c.status == Status.TRIAGED.value,
            c.dispatch_due <= now,
            order_by=self._oldest_first(),
        )

    def open_orders_by_worker(self) -> dict[WorkerId, int]:
        """Counted in SQL, but this unit of work's own unsaved dispatches count too.

        A batch dispatch asks again after every dispatch, so the requests it
        changed are counted as they are now, the rest as stored.
        """
        c = self.table.c
        changed = list(self.changed())
        query = (
            sa.select(c.worker_id, sa.func.count())
            .where(
                c.is_open == sa.true(),
                c.worker_id.is_not(None),
                c.status != Status.TRIAGED.value,
                c.id.not_in([r.id.value for r in changed]),
            )
            .group_by(c.worker_id)
        )
        counts = {WorkerId(w): int(n) for w, n in self.uow.execute(query)}
        for request in changed:
            if request.is_open and request.worker_id and request.status is not Status.TRIAGED:
                counts[request.worker_id] = counts.get(request.worker_id, 0) + 1
        return counts


@serves(t.workers)
class SqlWorkers(SqlRepository[Worker], ports.WorkerRepository):
    def list(self) -> list[Worker]:
        return self._select()


class SqlEventLog(ports.EventLog):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def history(self, kind: str, aggregate_id: Identifier) -> list[Event]:
        e = t.events.c
        query = (
            sa.select(e.document)
            .where(e.stream == kind, e.aggregate_id == aggregate_id.value)
            .order_by(e.seq)
        )
        return [convert.structure(row.document, Event) for row in self.uow.execute(query)]


class SqlIdempotencyKeys(ports.IdempotencyKeys):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def recall(self, key: ports.IdempotencyKey) -> tuple[str, dict[str, Any]] | None:
        k = t.idempotency_keys.c
        query = sa.select(k.fingerprint, k.outcome).where(k.key == key.value)
        row = self.uow.execute(query).first()
        return None if row is None else (row.fingerprint, row.outcome)

    def remember(
        self, key: ports.IdempotencyKey, command: str, fingerprint: str, outcome: dict[str, Any]
    ) -> None:
        self.uow.execute(
            sa.insert(t.idempotency_keys).values(
                key=key.value,
                command=command,
                fingerprint=fingerprint,
                outcome=outcome,
                recorded_at=self.uow.now(),
            )
        )
