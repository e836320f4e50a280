"""Personal data: where it sits in records and how it is taken out again.

Requesters, contacts and text fields marked ``personal`` are the personal
data the desk holds (001, 004 §七).  ``scrub`` replaces every one of them,
wherever it sits inside a record or an event, by a fixed anonymous value and
leaves everything else (ids, amounts, times) untouched.  The same function
serves three purposes, so they cannot drift apart:

- erasure and retention purges store ``scrub(record)`` in place of the record;
- audit records refer to events by a digest of ``scrub(event)``, which is the
  same before and after a purge, so the hash chain survives anonymisation;
- audit records describe commands by ``scrub(command)``: no raw personal data
  ever enters the append-only trail.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs

from servicedesk.domain.values import Contact, Requester, mask

#: Field metadata marking free text that names a person (a signature, a finder's name).
PERSONAL: Final = {"personal": True}
ERASED: Final = "[erased]"
ERASED_PHONE: Final = "00000"

T = TypeVar("T")


def masked_repr(value: object) -> str:
    return mask(value) if isinstance(value, str) else repr(value)


def personal(**kwargs: Any) -> Any:
    """An attrs field holding personal text: masked in ``repr``, erased by ``scrub``."""
    return attrs.field(metadata=PERSONAL, repr=masked_repr, **kwargs)


def is_personal(attribute: attrs.Attribute[Any]) -> bool:
    return bool(attribute.metadata.get("personal"))


def anonymous_contact() -> Contact:
    return Contact(ERASED_PHONE)


def anonymous(requester: Requester) -> Requester:
    """The requester with nothing left that names or reaches a person; the kind stays."""
    return Requester(ERASED, ERASED, anonymous_contact(), requester.kind)


def is_anonymous(requester: Requester) -> bool:
    return requester == anonymous(requester)


#: Values that hold nothing to scrub by themselves (a personal text is known by its field).
_ATOMS: Final = (str, int, float, Decimal, datetime, date, timedelta, type(None))


@functools.cache
def _fields(cls: type[Any]) -> tuple[tuple[str, str, bool], ...]:
    """An attrs class's init fields: name, alias and whether it is personal; once per class."""
    return tuple((a.name, a.alias, is_personal(a)) for a in attrs.fields(cls) if a.init)


def scrub(value: T) -> T:
    """``value`` with every piece of personal data replaced; the same object if none."""
    result: Any
    if isinstance(value, _ATOMS):  # the most common by far: every id, time and amount
        result = value
    elif isinstance(value, Requester):
        result = anonymous(value)
    elif isinstance(value, Contact):
        result = anonymous_contact()
    elif attrs.has(type(value)):
        changes: dict[str, Any] = {}
        cls: Any = type(value)
        for name, alias, is_personal_text in _fields(cls):
            old = getattr(value, name)
            if is_personal_text and isinstance(old, str):
                new: Any = ERASED if old else old
            else:
                new = scrub(old)
            if new is not old:
                changes[alias] = new
        result = attrs.evolve(value, **changes) if changes else value  # type: ignore[misc]
    elif isinstance(value, tuple | list):
        items = [scrub(v) for v in value]
        changed = any(a is not b for a, b in zip(items, value, strict=True))
        result = type(value)(items) if changed else value
    elif isinstance(value, Mapping):
        pairs = {k: scrub(v) for k, v in value.items()}
        changed = any(pairs[k] is not v for k, v in value.items())
        result = dict(pairs) if changed else value
    else:
        result = value
    return result  # type: ignore[no-any-return]


def holds_personal_data(value: object) -> bool:
    return scrub(value) is not value


def subject_key(phone: str) -> str:
    """A lookup key for one requester's records, kept only while their data is kept.

    It is a plain digest of the phone digits: it stands next to the raw
    phone in the same record and is cleared with it, so it reveals nothing
    the record does not.  Audit records never carry it.
    """
    digits = "".join(ch for ch in phone if ch.isdigit())
    return hashlib.sha256(("phone:" + digits).encode()).hexdigest()[:40]
