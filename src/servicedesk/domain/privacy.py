"""Personal data: where it sits in records and how it is taken out again.

Requesters, contacts and text fields marked ``personal`` are the personal
data the desk holds (rule records.no-leak).  ``scrub`` replaces every one of them,
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
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo

import attrs
import phonenumbers

from servicedesk.domain.values import Contact, Requester, mask

#: Field metadata marking free text that names a person (a signature, a finder's name).
PERSONAL: Final = {"personal": True}
ERASED: Final = "[erased]"
ERASED_PHONE: Final = "00000"

T = TypeVar("T")


def masked_repr(value: object) -> str:
    if isinstance(value, tuple):
        return repr(tuple(masked_repr(v) for v in value))
    return mask(value) if isinstance(value, str) else repr(value)


def personal(**kwargs: Any) -> Any:
    """An attrs field holding personal text (or a tuple of texts): masked, erased by ``scrub``."""
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
    elif attrs.has(type(value)) and personal_sites(type(value)) == ():
        result = value  # its class has no place for personal data: nothing to look at
    elif attrs.has(type(value)):
        changes: dict[str, Any] = {}
        cls: Any = type(value)
        for name, alias, is_personal_text in _fields(cls):
            old = getattr(value, name)
            if is_personal_text and isinstance(old, str):
                new: Any = ERASED if old else old
            elif is_personal_text and isinstance(old, tuple):  # several texts (findings)
                erased = tuple(ERASED if text else text for text in old)
                new = old if erased == old else erased
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


#: Where ``scrub`` changes a record: an attribute path and what sits there (a
#: ``Requester``, a ``Contact``, or ``str`` for a text field marked ``personal``).
Site = tuple[tuple[str, ...], type[Any]]
#: Types that never hold personal data themselves.
_PLAIN: Final = (str, int, float, bool, Decimal, datetime, date, time, timedelta, ZoneInfo, Enum)


def personal_sites(cls: type[Any], omit: frozenset[str] = frozenset()) -> tuple[Site, ...] | None:
    """Where personal data can sit in an instance of the attrs class ``cls``, by its annotations.

    ``()`` when nowhere (``scrub`` leaves such a record alone without looking);
    ``None`` when some of it sits where no fixed path reaches: inside a tuple, a
    list or a mapping, in a union of several classes, in a field typed loosely
    (``Any``, the ``Event`` base) or in a class that contains itself.  A store
    that anonymises records in bulk patches the sites of a class it can reach
    and leaves the others to ``scrub`` one record at a time.  ``omit`` names
    top-level attributes the caller does not keep (an aggregate's pending events).
    """
    key = (cls, omit)
    if key not in _SITES:
        found = _walk(cls, (), (), omit)
        _SITES[key] = None if found is None else tuple(found)
    return _SITES[key]


_SITES: dict[tuple[type[Any], frozenset[str]], tuple[Site, ...] | None] = {}


def _walk(
    tp: Any, path: tuple[str, ...], seen: tuple[type[Any], ...], omit: frozenset[str] = frozenset()
) -> list[Site] | None:
    if isinstance(tp, typing.TypeVar):  # an aggregate's ``id``: whatever it is bound to
        return _walk(tp.__bound__ or Any, path, seen)
    origin = typing.get_origin(tp)
    if tp is type(None) or tp is Ellipsis:
        return []
    if origin is typing.Union or origin is types.UnionType:
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(options) == 1:
            return _walk(options[0], path, seen)
        return [] if all(_walk(o, path, seen) == [] for o in options) else None
    if origin is not None:  # a container: any personal data inside it has no fixed path
        return [] if all(_walk(a, path, seen) == [] for a in typing.get_args(tp)) else None
    if tp in (Requester, Contact):
        return [(path, tp)]
    if isinstance(tp, type) and issubclass(tp, _PLAIN):
        return []
    if not (isinstance(tp, type) and attrs.has(tp)) or tp in seen or tp.__name__ == "Event":
        return None  # loosely typed, self-containing, or the polymorphic event base
    try:
        hints = typing.get_type_hints(tp)
    except (NameError, TypeError):
        return None
    sites: list[Site] = []
    for attribute in attrs.fields(tp):
        if not attribute.init or attribute.name in omit:
            continue
        hint = hints.get(attribute.name, Any)
        where = (*path, attribute.name)
        if is_personal(attribute) and hint in (str, str | None, typing.Optional[str]):  # noqa: UP045
            sites.append((where, str))
            continue
        if is_personal(attribute):  # several texts: no fixed path reaches each one
            return None
        nested = _walk(hint, where, (*seen, tp))
        if nested is None:
            return None
        sites.extend(nested)
    return sites


def holds_personal_data(value: object) -> bool:
    return scrub(value) is not value


#: Where a phone number written without its country code is taken to be.
DEFAULT_REGION: Final = "CN"


def normalised_phone(phone: str, region: str = DEFAULT_REGION) -> str:
    """The phone number in E.164 (``+8613800138000``), however it was spelled.

    "13800138000", "138 0013 8000" and "+86 138-0013-8000" are one number; a
    text ``phonenumbers`` cannot parse keeps its digits, so it still matches
    itself.
    """
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in phone if ch.isdigit())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _digest(text: str) -> str:
    return hashlib.sha256(("phone:" + text).encode()).hexdigest()[:40]


def subject_key(phone: str, region: str = DEFAULT_REGION) -> str:
    """A lookup key for one requester's records, kept only while their data is kept.

    It is a digest of the normalised number (``normalised_phone``), held
    beside the record and cleared with it, so it reveals nothing the record
    does not.  Audit records never carry it.
    """
    return _digest(normalised_phone(phone, region))


def subject_keys(phone: str, region: str = DEFAULT_REGION) -> tuple[str, ...]:
    """Every key a record of this number may be linked by: ``subject_key`` first.

    Files linked before numbers were normalised carry a digest of the digits
    as typed: the national digits or the country code and them.
    """
    keys = [subject_key(phone, region)]
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return tuple(keys)
    national = str(number.national_number)
    for digits in (national, f"{number.country_code}{national}", "0" + national):
        legacy = _digest(digits)
        if legacy not in keys:
            keys.append(legacy)
    return tuple(keys)
