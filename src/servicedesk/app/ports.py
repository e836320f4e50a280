"""Ports: what the application needs of a store, whatever the store is.

A unit of work is one transaction.  Repositories hand out aggregates and
remember the ones they handed out; on ``commit`` the unit of work saves every
aggregate that recorded new events, checks its version (optimistic
concurrency: nobody else saved it meanwhile) and appends those events to the
event log, all in the one transaction.  Leaving the ``with`` block without
committing rolls everything back.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.errors import InvalidValue, NotFound
from servicedesk.domain.events import Event
from servicedesk.domain.requests import ServiceRequest
from servicedesk.domain.values import Identifier, WorkerId
from servicedesk.domain.workers import Worker
from servicedesk.i18n import _


class Aggregate(Protocol):
    id: Any
    version: int
    events: list[Event]


A = TypeVar("A", bound=Aggregate)


class Repository(abc.ABC, Generic[A]):
    """Loads and tracks aggregates of one kind."""

    kind: str  # stream name in the event log, e.g. "request"
    label: str  # what a clerk calls it, for messages

    def __init__(self) -> None:
        self.seen: dict[Identifier, A] = {}
        self.new: set[Identifier] = set()

    def add(self, aggregate: A) -> None:
        if aggregate.id in self.seen or self._exists(aggregate.id):
            raise InvalidValue(
                _("A {what} with id {id} already exists.").format(
                    what=_(self.label), id=aggregate.id
                )
            )
        self.seen[aggregate.id] = aggregate
        self.new.add(aggregate.id)

    def get(self, aggregate_id: Identifier) -> A:
        if aggregate_id in self.seen:
            return self.seen[aggregate_id]
        aggregate = self._get(aggregate_id)
        if aggregate is None:
            raise NotFound(_("No {what} with id {id}.").format(what=_(self.label), id=aggregate_id))
        self.seen[aggregate_id] = aggregate
        return aggregate

    def find(self, aggregate_id: Identifier) -> A | None:
        try:
            return self.get(aggregate_id)
        except NotFound:
            return None

    def track(self, aggregates: Sequence[A]) -> list[A]:
        """Aggregates loaded by a query are tracked like those loaded by ``get``."""
        result = []
        for aggregate in aggregates:
            result.append(self.seen.setdefault(aggregate.id, aggregate))
        return result

    def changed(self) -> Iterator[A]:
        return (a for a in self.seen.values() if a.events)

    @abc.abstractmethod
    def _get(self, aggregate_id: Identifier) -> A | None: ...

    @abc.abstractmethod
    def _exists(self, aggregate_id: Identifier) -> bool: ...


class ItemRepository(Repository[ServiceItem]):
    kind, label = "item", "service item"

    @abc.abstractmethod
    def list(self) -> list[ServiceItem]: ...


class RequestRepository(Repository[ServiceRequest]):
    kind, label = "request", "service request"

    @abc.abstractmethod
    def list_open(self) -> list[ServiceRequest]:
        """Requests not declined, closed or cancelled, oldest first."""

    @abc.abstractmethod
    def list_overdue(self, now: datetime) -> list[ServiceRequest]:
        """Open requests past their promised deadline without reaching it."""

    @abc.abstractmethod
    def list_due_for_dispatch(self, now: datetime) -> list[ServiceRequest]:
        """Triaged requests whose batch time has come, oldest first."""

    @abc.abstractmethod
    def open_orders_by_worker(self) -> dict[WorkerId, int]:
        """How many open work orders each worker holds."""


class WorkerRepository(Repository[Worker]):
    kind, label = "worker", "worker"

    @abc.abstractmethod
    def list(self) -> list[Worker]: ...


class EventLog(abc.ABC):
    @abc.abstractmethod
    def history(self, kind: str, aggregate_id: Identifier) -> list[Event]:
        """Every event of one aggregate, in the order it was recorded."""


class UnitOfWork(abc.ABC):
    items: ItemRepository
    requests: RequestRepository
    workers: WorkerRepository
    events: EventLog
    idempotency: IdempotencyKeys

    def __enter__(self) -> Self:
        self.committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.committed:
            self.rollback()
        self._close()

    def repositories(self) -> tuple[Repository[Any], ...]:
        """Every repository this unit of work holds, whatever area added it."""
        return tuple(v for v in vars(self).values() if isinstance(v, Repository))

    def commit(self) -> list[Event]:
        """Save every changed aggregate and its events; return the events."""
        published: list[Event] = []
        for repository in self.repositories():
            for aggregate in list(repository.changed()):
                is_new = aggregate.id in repository.new
                self._save(repository, aggregate, is_new)
                published.extend(aggregate.events)
        self._commit()
        self.committed = True
        for repository in self.repositories():
            for aggregate in repository.changed():
                aggregate.version += 1
                aggregate.events.clear()
        return published

    @abc.abstractmethod
    def _save(self, repository: Repository[Any], aggregate: Aggregate, is_new: bool) -> None:
        """Write the aggregate (version check) and append its events."""

    @abc.abstractmethod
    def _commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...

    def _close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; nothing to do for a store without any."""


class Store(Protocol):
    """An adapter: something that opens units of work."""

    def unit_of_work(self) -> UnitOfWork: ...


# --- idempotency -------------------------------------------------------------------


class IdempotencyKey(Identifier):
    """The caller's name for one command, so that a retried call is carried out once."""


class IdempotencyKeys(abc.ABC):
    """Commands already carried out, by key, with what they returned.

    ``remember`` writes in the unit of work's own transaction, so the key is
    stored exactly when the command's changes are; a second unit of work
    remembering the same key concurrently fails with ``ConcurrencyConflict``.
    """

    @abc.abstractmethod
    def recall(self, key: IdempotencyKey) -> tuple[str, dict[str, Any]] | None:
        """The command fingerprint and outcome stored under ``key``, if any."""

    @abc.abstractmethod
    def remember(
        self, key: IdempotencyKey, command: str, fingerprint: str, outcome: dict[str, Any]
    ) -> None: ...


def pending_events(uow: UnitOfWork) -> list[Event]:
    """The events ``commit`` is about to save, in the order it saves them."""
    return [e for r in uow.repositories() for a in r.changed() for e in a.events]
