"""Repositories: load and track the aggregates of one kind within a unit of work."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar

from servicedesk.domain.errors import InvalidValue, NotFound
from servicedesk.domain.events import Event
from servicedesk.domain.values import Identifier
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
        #: Ids this unit of work looked up and did not find: ``add`` need not ask again.
        #: Should another transaction create one meanwhile, saving it fails the commit
        #: with a conflict (a unique key), and the desk retries.
        self.missing: set[Identifier] = set()

    def add(self, aggregate: A, *, drawn: bool = False) -> None:
        """Track a new aggregate; an id already stored is refused, unless it was ``drawn``.

        A ``drawn`` id was drawn at random here (a uuid4): no store can hold it
        yet, so it is not looked up.
        """
        if aggregate.id in self.seen or (
            not drawn and aggregate.id not in self.missing and self._exists(aggregate.id)
        ):
            raise InvalidValue(
                _("A {what} with id {id} already exists."),
                code="record.invalid",
                what=_(self.label),
                id=aggregate.id,
            )
        self._register(aggregate)

    def _register(self, aggregate: A) -> None:
        """Track ``aggregate`` as new: it is inserted at commit."""
        self.seen[aggregate.id] = aggregate
        self.new.add(aggregate.id)
        self.missing.discard(aggregate.id)

    def get(self, aggregate_id: Identifier) -> A:
        if aggregate_id in self.seen:
            return self.seen[aggregate_id]
        aggregate = self._get(aggregate_id)
        if aggregate is None:
            self.missing.add(aggregate_id)
            raise NotFound(
                _("No {what} with id {id}."), kind=self.kind, what=_(self.label), id=aggregate_id
            )
        self.seen[aggregate_id] = aggregate
        return aggregate

    def find(self, aggregate_id: Identifier) -> A | None:
        try:
            return self.get(aggregate_id)
        except NotFound:
            return None

    def preload(self, aggregate_ids: Iterable[Identifier]) -> None:
        """Load the aggregates of ``aggregate_ids`` not yet loaded, in one go where the store
        can, so that ``get`` answers them from memory; an id that does not exist is left to
        ``get`` to refuse."""
        wanted = [i for i in dict.fromkeys(aggregate_ids) if i not in self.seen]
        if wanted:
            self.track(self._get_many(wanted))

    def _get_many(self, aggregate_ids: Sequence[Identifier]) -> Sequence[A]:
        """The aggregates of ``aggregate_ids`` that exist; a store that can do better than
        one ``_get`` each overrides it."""
        return [a for a in map(self._get, aggregate_ids) if a is not None]

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


class DerivedIdRepository(Repository[A]):
    """A repository whose ids are derived from the data (``<account>:<period>``, ...).

    The handler looks before it creates, so an id that exists by the time the new
    record is added was created by another transaction meanwhile: a conflict the
    desk retries, not a bad request.  Every store reports it when the unit of work
    commits (a database as a violation of the primary key), so ``add`` does not
    look it up first: the outcome, a retried conflict, is the same.
    """

    def add(self, aggregate: A, *, drawn: bool = False) -> None:
        if aggregate.id in self.seen:
            super().add(aggregate)  # refuses it: this unit of work holds it already
            return
        self._register(aggregate)
