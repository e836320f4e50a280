"""The one cattrs converter for every conversion to and from plain data.

Commands, events, aggregates and query results all pass through here: money
as decimal strings (never floats), times as ISO 8601 with their offset, ids as
strings, events tagged with their class name.  Adapters store what this
produces; UIs send and receive it as JSON.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum, StrEnum
from types import NoneType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
import cattrs
from cattrs._compat import is_optional
from cattrs.errors import IterableValidationNote
from cattrs.gen import make_dict_unstructure_fn, override

from servicedesk.domain import events as domain_events
from servicedesk.domain.errors import InvalidValue, ServiceDeskError
from servicedesk.domain.events import Event
from servicedesk.domain.values import Identifier, aware, choice
from servicedesk.i18n import _

T = TypeVar("T")
EVENT_TAG = "type"


@functools.cache  # asked for every enum value structured: one name, one answer
def _words(name: str) -> str:
    """``ConsentKind`` -> ``consent kind``, to name the field in a message."""
    return "".join(" " + c.lower() if c.isupper() else c for c in name).strip()


def _structure_datetime(value: Any, _type: type) -> datetime:
    if isinstance(value, datetime):
        return aware(value)
    return aware(datetime.fromisoformat(value))


def _structure_decimal(value: Any, _type: type) -> Decimal:
    if isinstance(value, float):
        raise InvalidValue(
            _("Amounts must be decimal strings, not floats ({value})."),
            code="input.invalid",
            value=value,
        )
    return Decimal(str(value))


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(
        forbid_extra_keys=True,
        unstruct_collection_overrides={AbstractSet: sorted, Sequence: list},
    )
    converter.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Enum), lambda e: e.value
    )
    converter.register_structure_hook(StrEnum, _structure_choice)
    converter.register_structure_hook_factory(is_optional, _optional_hook)
    converter.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook)
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(datetime, lambda d: d.isoformat())
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(date, lambda d: d.isoformat())
    converter.register_structure_hook(date, lambda v, _: date.fromisoformat(v))
    converter.register_unstructure_hook(time, lambda t: t.isoformat())
    converter.register_structure_hook(
        time, lambda v, _: v if isinstance(v, time) else time.fromisoformat(v)
    )
    converter.register_unstructure_hook(ZoneInfo, lambda z: z.key)
    converter.register_structure_hook(ZoneInfo, lambda v, _: ZoneInfo(v))
    converter.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Identifier), lambda i: i.value
    )
    converter.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Identifier),
        lambda v, t: v if isinstance(v, t) else t(v),
    )
    converter.register_unstructure_hook_func(
        lambda t: t is Event, lambda e: unstructure_event(converter, e)
    )
    converter.register_structure_hook_func(
        lambda t: t is Event, lambda v, _: structure_event(converter, v)
    )
    converter.register_unstructure_hook_factory(_is_aggregate, _aggregate_hook)
    return converter


# Every stored document is structured again by each command that loads it: these hooks find
# the inner type's hook once, where cattrs' own look it up again for every value.


@functools.cache
def _members(enum: type[StrEnum]) -> dict[str, StrEnum]:
    return {member.value: member for member in enum}


def _structure_choice(value: Any, enum: type[StrEnum]) -> StrEnum:
    found = _members(enum).get(value) if isinstance(value, str) else None
    return choice(enum, value, _words(enum.__name__)) if found is None else found


def _optional_hook(cls: Any, converter: cattrs.Converter) -> Any:
    inner_type = next(arg for arg in cls.__args__ if arg is not NoneType)
    inner = converter.get_structure_hook(inner_type)

    def structure_optional(value: Any, _type: Any) -> Any:
        return None if value is None else inner(value, inner_type)

    return structure_optional


def _is_homogeneous_tuple(cls: Any) -> bool:
    args: tuple[Any, ...] = getattr(cls, "__args__", ())
    return getattr(cls, "__origin__", None) is tuple and args[1:] == (Ellipsis,)


def _tuple_hook(cls: Any, converter: cattrs.Converter) -> Any:
    item_type = cls.__args__[0]
    item = converter.get_structure_hook(item_type)

    def structure_tuple(value: Any, tup: Any) -> tuple[Any, ...]:
        errors, items = [], []
        for index, one in enumerate(value):
            try:
                items.append(item(one, item_type))
            except Exception as error:  # named by index, as cattrs' own hook does
                note = IterableValidationNote(
                    f"Structuring {tup} @ index {index}", index, item_type
                )
                error.__notes__ = [*getattr(error, "__notes__", []), note]
                errors.append(error)
        if errors:
            raise cattrs.IterableValidationError(f"While structuring {tup!r}", errors, tup)
        return tuple(items)

    return structure_tuple


def _is_aggregate(cls: Any) -> bool:
    """Aggregates are attrs classes with a list of pending ``events``; those stay out."""
    return attrs.has(cls) and "events" in attrs.fields_dict(cls) and not issubclass(cls, Event)


def _aggregate_hook(cls: Any, converter: cattrs.Converter) -> Any:
    return make_dict_unstructure_fn(cls, converter, events=override(omit=True))


def unstructure_event(converter: cattrs.Converter, event: Event) -> dict[str, Any]:
    data: dict[str, Any] = converter.unstructure(event, unstructure_as=type(event))
    return {EVENT_TAG: type(event).__name__, **data}


def structure_event(converter: cattrs.Converter, data: dict[str, Any]) -> Event:
    data = dict(data)
    name = data.pop(EVENT_TAG, None)
    cls = domain_events.all_event_types().get(str(name))
    if cls is None:
        raise InvalidValue(_("Unknown event type {name!r}."), code="input.invalid", name=name)
    return converter.structure(data, cls)


converter = make_converter()


def unstructure(value: Any) -> Any:
    if isinstance(value, Event):
        return unstructure_event(converter, value)
    return converter.unstructure(value)


def structure(data: Any, cls: type[T]) -> T:
    try:
        return converter.structure(data, cls)
    except cattrs.BaseValidationError as error:
        cause, path = _first_failure(error)
        if isinstance(cause, ServiceDeskError):
            # a validator names its attribute; the path says where that record sits
            field = ".".join(filter(None, [path, cause.field])) or None
            if cause.category == "unavailable":  # a value made of the caller's data is his mistake
                raise InvalidValue(cause.message, field=field, code="input.invalid") from error
            cause.field = field
            raise cause from error
        raise InvalidValue(
            _("The data does not describe a valid {what}."),
            field=path or None,
            code=(
                "input.unknown_field"
                if isinstance(cause, cattrs.ForbiddenExtraKeysError)
                else "input.invalid"
            ),
            what=cls.__name__,
        ) from error


def _first_failure(error: BaseException, path: str = "") -> tuple[BaseException, str]:
    """The refusal buried in cattrs' grouped errors (a clerk-readable one first) and its path."""
    if isinstance(error, cattrs.ForbiddenExtraKeysError):
        return error, ".".join(filter(None, [path, min(error.extra_fields)]))
    steps: list[tuple[BaseException, str]] = []
    if isinstance(error, cattrs.ClassValidationError):
        noted, bare = error.group_exceptions()
        steps = [(e, ".".join(filter(None, [path, note.name]))) for e, note in noted]
        steps += [(e, path) for e in bare]
    elif isinstance(error, cattrs.IterableValidationError):
        noted_items, bare = error.group_exceptions()
        steps = [(e, f"{path}[{note.index}]") for e, note in noted_items]
        steps += [(e, path) for e in bare]
    elif isinstance(error, BaseExceptionGroup):
        steps = [(e, path) for e in error.exceptions]
    found = [_first_failure(inner, step) for inner, step in steps]
    clerk_readable = [f for f in found if isinstance(f[0], ServiceDeskError)]
    return (clerk_readable or found or [(error, path)])[0]


# --- durations -----------------------------------------------------------------------------------


def _unstructure_timedelta(value: timedelta) -> str:
    """Exact seconds as a decimal string, e.g. ``"5400"`` or ``"0.25"``: never a float."""
    total = value // timedelta(microseconds=1)
    seconds, micro = divmod(abs(total), 10**6)
    text = str(seconds) if micro == 0 else f"{seconds}.{micro:06d}".rstrip("0")
    return f"-{text}" if total < 0 else text


def _structure_timedelta(value: Any, _type: type) -> timedelta:
    if isinstance(value, timedelta):
        return value
    seconds = _structure_decimal(value, Decimal)
    return timedelta(microseconds=int(seconds.scaleb(6)))


converter.register_unstructure_hook(timedelta, _unstructure_timedelta)
converter.register_structure_hook(timedelta, _structure_timedelta)
