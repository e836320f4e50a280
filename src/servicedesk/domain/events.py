"""Domain events: the facts an aggregate records, for audit, history and UIs.

Events are frozen attrs classes; ``servicedesk.convert`` turns any of them into
plain data tagged with its class name and back.  Aggregates change their state
only by applying their own events, so replaying a record's events rebuilds it.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from servicedesk.domain.values import aware


def _aware_at(_instance: object, _attribute: object, value: datetime) -> None:
    aware(value, "event time")


@attrs.frozen(kw_only=True)
class Event:
    """Base of every domain event; ``at`` is when it happened (aware)."""

    at: datetime = attrs.field(validator=_aware_at)


def all_event_types() -> dict[str, type[Event]]:
    """Every concrete event class by name, for tagging serialised events."""
    found: dict[str, type[Event]] = {}
    pending: list[type[Event]] = list(Event.__subclasses__())
    while pending:
        cls = pending.pop()
        # attrs replaces a slotted class by a new one; the discarded original lingers among
        # the subclasses until garbage-collected and has only the base's fields: skip it.
        if "__attrs_attrs__" in vars(cls):
            found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found
