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
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

if TYPE_CHECKING:
    from servicedesk.policies.manager import Policies

T = TypeVar("T")


def in_zone(value: T, zone: tzinfo) -> T:
    """``value`` with every aware datetime in it shown in ``zone``: attrs values, tuples,
    lists and dicts are rebuilt where something in them changed, anything else kept.
    """
    return _moved(value, zone)  # type: ignore[no-any-return]


def _moved(value: Any, zone: tzinfo) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.tzinfo is zone:
            return value
        return value.astimezone(zone)
    if isinstance(value, str | int | float | bool | None):
        return value
    if attrs.has(type(value)):
        changes = {}
        for field in attrs.fields(type(value)):
            if not field.init:
                continue
            old = getattr(value, field.name)
            new = _moved(old, zone)
            if new is not old:
                changes[field.alias] = new
        return attrs.evolve(value, **changes) if changes else value
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        items = tuple(_moved(v, zone) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, list):
        return [_moved(v, zone) for v in value]
    if isinstance(value, dict):
        return {k: _moved(v, zone) for k, v in value.items()}
    return value


def _shown(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def shown(self: ZonedQueries, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
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
