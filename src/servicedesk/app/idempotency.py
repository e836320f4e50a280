"""Idempotency keys: a command sent twice under one key is carried out once.

A caller that cannot know whether its first call went through (a timeout, a
dropped connection, a double click) sends the command again with the same
key.  The desk then returns the first ``Outcome`` and changes nothing.  The
same key with a different command is a caller's bug and is refused, so that
a key can never silently answer for a command it did not carry out.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from servicedesk import convert
from servicedesk.app.commands import Command
from servicedesk.app.ports import IdempotencyKey, UnitOfWork
from servicedesk.domain.errors import IdempotencyConflict
from servicedesk.domain.events import Event
from servicedesk.i18n import _


def to_key(value: IdempotencyKey | str) -> IdempotencyKey:
    return value if isinstance(value, IdempotencyKey) else IdempotencyKey(value)


def fingerprint(command: Command) -> str:
    """A stable hash of the command as plain data: same payload, same fingerprint."""
    data = {"command": type(command).__name__, "data": convert.unstructure(command)}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recall(
    uow: UnitOfWork, key: IdempotencyKey, command: Command, print_: str
) -> dict[str, Any] | None:
    """The stored outcome for ``key``; refuse a key first used for another command."""
    found = uow.idempotency.recall(key)
    if found is None:
        return None
    stored_print, outcome = found
    if stored_print != print_:
        raise IdempotencyConflict(
            _(
                "The idempotency key {key} was already used for a different command; "
                "send {command} with a new key."
            ).format(key=key, command=type(command).__name__)
        )
    return outcome


def document(result: str | None, events: list[Event]) -> dict[str, Any]:
    """An outcome as plain data (by hand: the converter takes ``events`` for pending ones)."""
    return {"id": result, "events": [convert.unstructure(e) for e in events]}


def from_document(data: dict[str, Any]) -> tuple[str | None, tuple[Event, ...]]:
    return data["id"], tuple(convert.structure(e, Event) for e in data["events"])
