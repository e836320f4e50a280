"""The base of every aggregate: its id, its version, its pending events, and replay.

An aggregate is a record that is loaded, changed and saved as one consistent
whole.  Its state is what its events made of it:

- the **creating event** (``RequestRegistered``, ``AccountOpened``, ...) builds it,
  through the class method ``created``, with every field that event gives; so a
  field that always exists once the record exists is never ``None`` and needs no
  default;
- every **later event** changes it through ``apply``, the only place where its
  state changes.  Each aggregate's ``apply`` matches the event's class and hands an
  event it does not know to this base, which refuses it with a ``TypeError``.

``id`` names the aggregate and never changes.  ``version`` counts how often it was
saved: the store it was loaded from sets it, and a save that finds the stored
version moved meanwhile fails with ``ConcurrencyConflict``; a new aggregate has
version 0 and the domain never changes it.  ``events`` are the **pending** events:
those recorded since the aggregate was created or loaded, which the unit of work
appends to the event log and hands to subscribers when it commits.  They are not
state: the converter leaves them out of a stored document, equality ignores them,
and an aggregate loaded from a store or replayed has none.

A command method checks the rules, then records an event with ``_record``: the
event is applied, then kept as pending.  A class method that creates an aggregate calls
``_create`` with the creating event, which becomes its first pending event.
``replay(id, events)`` rebuilds an aggregate from its whole history the same way,
``created`` from the first event and ``apply`` for each of the rest.

A field named in ``linked`` is set by another aggregate's event, not by the
aggregate's own (a charge's ``statement_id``, set by the statement whose
``StatementIssued`` names it): replay leaves it as stored, and the store checks
it against the other aggregate instead.

Aggregates are mutable attrs classes declared ``@attrs.define(kw_only=True)``:
``id`` stays the one positional argument (``SeriesCounter(series)``), and a field
without default may follow ``version``, which has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Generic, Self, TypeVar

import attrs

from servicedesk.domain.events import Event
from servicedesk.domain.values import Identifier

IdT = TypeVar("IdT", bound=Identifier)


@attrs.define
class Aggregate(Generic[IdT]):
    """Identity, version and pending events; ``created``, ``apply`` and ``replay``."""

    id: IdT
    version: int = attrs.field(default=0, kw_only=True)
    events: list[Event] = attrs.field(factory=list, init=False, eq=False, repr=False)
    #: Fields another aggregate's events set (see the module's docstring).
    linked: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def created(cls, event: Event) -> Self:
        """The aggregate its creating event makes; each aggregate says which events create it."""
        raise TypeError(f"{cls.__name__} is not created by {type(event).__name__}")

    def apply(self, event: Event) -> None:
        """Change state by one event that follows the creating one; refused here if unknown."""
        raise TypeError(f"{type(self).__name__} cannot apply {type(event).__name__}")

    @classmethod
    def replay(cls, aggregate_id: IdT, events: Sequence[Event]) -> Self:
        """The aggregate ``events`` (its whole history, oldest first) make; none pending."""
        if not events:
            raise ValueError(f"{cls.__name__} {aggregate_id} has no history to replay")
        aggregate = cls.created(events[0])
        if aggregate.id != aggregate_id:
            raise ValueError(f"the history given is of {aggregate.id}, not of {aggregate_id}")
        for event in events[1:]:
            aggregate.apply(event)
        return aggregate

    @classmethod
    def _create(cls, event: Event) -> Self:
        """Build the aggregate from its creating event, which is then its first pending one."""
        aggregate = cls.created(event)
        aggregate.events.append(event)
        return aggregate

    def _record(self, event: Event) -> None:
        """Apply a later event and keep it as pending, to be saved with the aggregate."""
        self.apply(event)
        self.events.append(event)
