"""Idempotency keys: a command sent twice under one key is carried out once.

A caller that cannot know whether its first call went through (a timeout, a
dropped connection, a double click) sends the command again with the same
key.  The desk then returns the first ``Outcome`` and changes nothing.  The
same key with a different command is a caller's bug and is refused, so that
a key can never silently answer for a command it did not carry out.

A replay is permission-checked like the first call.  The outcome is stored
with its personal data already anonymised (``scrub``): the key is not a second
place where a person's data lives, so an erasure has nothing to find there and
a replay, by whoever, returns the id and the events without names, phones or
typed text (rule records.no-leak).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from servicedesk import convert
from servicedesk.app.command import Command
from servicedesk.app.unit_of_work import IdempotencyKey, UnitOfWork, pending_events
from servicedesk.domain.errors import IdempotencyConflict
from servicedesk.domain.events import Event
from servicedesk.domain.privacy import scrub
from servicedesk.domain.values import Actor
from servicedesk.i18n import _


def to_key(value: IdempotencyKey | str) -> IdempotencyKey:
    return value if isinstance(value, IdempotencyKey) else IdempotencyKey(value)


def fingerprint(command: Command) -> str:
    """A stable hash of the command as plain data: same payload, same fingerprint."""
    data = {"command": type(command).__name__, "data": convert.unstructure(command)}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replayed(
    uow: UnitOfWork, key: IdempotencyKey, command: Command, print_: str, actor: Actor
) -> tuple[str | None, tuple[Event, ...]] | None:
    """The first call's result and events for ``key``; refuse a key used for another command.

    The events come back as stored: without personal data (``remember``).
    """
    found = uow.idempotency.recall(key)
    if found is None:
        return None
    stored_print, outcome = found
    if stored_print != print_:
        raise IdempotencyConflict(
            _(
                "The idempotency key {key} was already used for a different command; "
                "send {command} with a new key."
            ),
            key=key,
            command=type(command).__name__,
        )
    # scrubbed again on reading: a key stored by an older version may still hold the raw events
    events = tuple(scrub(convert.structure(e, Event)) for e in outcome["events"])
    return outcome["id"], events


def remember(
    uow: UnitOfWork,
    key: IdempotencyKey,
    command: Command,
    print_: str,
    result: str | None,
    *,
    actor: Actor,
    earlier: Sequence[Event] = (),
) -> None:
    """Store the outcome under ``key`` in the unit of work, before it commits.

    ``earlier`` are the events of the run's units of work committed before this
    one (a bulk command's first batches), so the outcome stored is the whole run's.
    Written by hand, not by the converter, which leaves out an ``events`` field
    (it takes it for an aggregate's pending events).
    """
    events = [*earlier, *pending_events(uow)]
    outcome = {
        "id": result,
        "actor": actor.id.value,
        "events": [convert.unstructure(scrub(e)) for e in events],
    }
    uow.idempotency.remember(key, type(command).__name__, print_, outcome)
