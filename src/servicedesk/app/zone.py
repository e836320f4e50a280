"""Every time a query shows, in the organisation's zone.

Instants are stored and compared in UTC, and deadlines are computed in the
organisation's working calendar; a view mixing the two (``registered_at`` in
UTC beside a deadline at +08:00) makes a UI convert field by field.  The query
classes derive from ``ZonedQueries``: each public method's result is walked once
here and every aware datetime in it moved to the calendar's zone.  The instant
is unchanged (equal datetimes stay equal), only the offset it is written with.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from servicedesk.app.pages import Page

if TYPE_CHECKING:
    from servicedesk.policies.manager import Policies

T = TypeVar("T")


def in_zone(value: T, zone: tzinfo) -> T:
    """``value`` with every aware datetime in it shown in ``zone``: attrs values, tuples,
    lists and dicts are rebuilt where something in them changed, anything else kept.
    """
    return _moved(value, zone)  # type: ignore[no-any-return]


def _moved(value: Any, zone: tzinfo) -> Any:
    if isinstance(value, Page):  # its views were built in the zone (``pages.read_page``)
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None or value.tzinfo is zone:
            return value
        return value.astimezone(zone)
    if isinstance(value, str | int | float | bool | None):
        return value
    cls: Any = type(value)
    if attrs.has(cls):
        changes: dict[str, Any] = {}
        for field in _timed_fields(cls):
            old = getattr(value, field.name)
            new = _moved(old, zone)
            if new is not old:
                changes[field.alias or field.name] = new
        return attrs.evolve(value, **changes) if changes else value
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        items = tuple(_moved(v, zone) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, list):
        return [_moved(v, zone) for v in value]
    if isinstance(value, dict):
        return {k: _moved(v, zone) for k, v in value.items()}
    return value


@functools.cache
def _timed_fields(cls: type[Any]) -> tuple[attrs.Attribute[Any], ...]:
    """The fields of ``cls`` that may hold a datetime, by their types: the others are skipped."""
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # a hint that cannot be resolved here: walk the field
        hints = {}
    return tuple(
        field
        for field in attrs.fields(cls)
        if field.init and (field.name not in hints or _may_hold_time(hints[field.name]))
    )


_PLAIN = (str, int, float, bool, type(None), Decimal)


def _may_hold_time(hint: Any, seen: frozenset[Any] = frozenset()) -> bool:
    args = typing.get_args(hint)
    if args:
        return any(_may_hold_time(a, seen) for a in args if a is not Ellipsis)
    if hint is datetime or isinstance(hint, TypeVar):  # a generic's items (a Page's rows)
        return True
    if not inspect.isclass(hint) or hint in seen:
        return hint is Any
    if issubclass(hint, _PLAIN) or issubclass(hint, Enum):
        return False
    if attrs.has(hint):
        return any(
            field.init and _may_hold_time(h, seen | {hint})
            for field in attrs.fields(hint)
            for h in [_hint_of(hint, field.name)]
        )
    return True  # an unknown class: walked, to be safe


def _hint_of(cls: type[Any], name: str) -> Any:
    try:
        return typing.get_type_hints(cls).get(name, Any)
    except Exception:
        return Any


F = TypeVar("F", bound=Callable[..., Any])


def built_in_zone(method: F) -> F:
    """Mark a query method whose views are built with their times in the zone already
    (``zone()``), so that its result, thousands of rows, is not walked again."""
    method.__zoned__ = True  # type: ignore[attr-defined]
    return method


def _shown(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def shown(self: ZonedQueries, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        if isinstance(result, Page):  # built in the zone (``pages.read_page``)
            return result
        zone = self.zone()
        return result if zone is None else _moved(result, zone)

    shown.__zoned__ = True  # type: ignore[attr-defined]
    return shown


class ZonedQueries:
    """A query class whose public methods answer in the organisation's zone."""

    def zone(self) -> tzinfo | None:
        """The organisation's zone: the working calendar's (``None``: leave times as they are)."""
        policies: Policies | None = getattr(self, "policies", None)
        return None if policies is None else policies.calendar().tz

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, member in list(vars(cls).items()):
            if name.startswith("_") or name == "zone" or not inspect.isfunction(member):
                continue
            if not getattr(member, "__zoned__", False):
                setattr(cls, name, _shown(member))
