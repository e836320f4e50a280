"""The door: every value of a command checked before any policy or store is asked.

A command is a frozen attrs value, but attrs does not check that a value has its
field's type: ``AddExtraFee(amount="15.00")`` builds.  ``check_command`` walks the
command's fields with their declared types (nested values too) and refuses,
with ``InvalidValue`` naming the field, whatever the domain could not take:

- a value of the wrong type (``None`` where one is required, a string for a
  flag, a list for a text, an id of another kind);
- text with a NUL or a lone surrogate, or longer than any field may hold;
- money in another currency than the organisation's, or beyond its largest
  amount; numbers beyond the largest count;
- times without a zone, or outside the years the desk keeps records for.

Messages name the field and the kind of value wanted, never the value given: it
may be somebody's name or phone.
"""

from __future__ import annotations

import types
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Final

import attrs

from servicedesk.app.command import Command
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.money import Money
from servicedesk.domain.values import Identifier
from servicedesk.i18n import N_, _


@attrs.frozen
class Limits:
    """What the door lets in; ``currency`` and ``largest_amount`` are the organisation's."""

    currency: str
    largest_amount: Money
    earliest: datetime = datetime(2000, 1, 1, tzinfo=UTC)
    latest: datetime = datetime(2100, 1, 1, tzinfo=UTC)
    longest_text: int = 10_000
    largest_count: int = 1_000_000


#: Type -> how a clerk calls a value of it, for the message of a refusal.
KINDS: Final[dict[type, str]] = {
    str: N_("text"),
    bool: N_("yes or no"),
    int: N_("a whole number"),
    Decimal: N_("a number"),
    Money: N_("an amount of money"),
    datetime: N_("a date and time"),
    date: N_("a date"),
}


def check_command(command: Command, limits: Limits) -> None:
    """Refuse ``command`` with ``InvalidValue`` if any of its values is not one the domain takes."""
    _check_fields(command, limits, "")


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    """The resolved field types of ``cls``, once per class (commands are checked often)."""
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


def _check_fields(value: Any, limits: Limits, prefix: str) -> None:
    cls: type[Any] = value.__class__
    hints = _hints(cls)
    for field in attrs.fields(cls):
        if field.name.startswith("_") or not field.init:
            continue
        given = getattr(value, field.name)
        if given is field.default:  # the class's own default (a filter's unset fields)
            continue
        _check(given, hints[field.name], limits, prefix + field.name)


def _kind(wanted: Any) -> str:
    if isinstance(wanted, type):
        if issubclass(wanted, Identifier):
            return _("an id ({kind})").format(kind=wanted.__name__)
        if issubclass(wanted, Enum):
            return _("one of: {choices}").format(choices=", ".join(str(m.value) for m in wanted))
        if wanted in KINDS:
            return _(KINDS[wanted])
        return wanted.__name__
    return str(wanted)


def _refuse(path: str, wanted: Any, got: Any) -> InvalidValue:
    return InvalidValue(
        _("{field} must be {kind}, not {got}."),
        field=path,
        code="input.invalid",
        kind=_kind(wanted),
        got=type(got).__name__,
    )


_SHAPES: dict[Any, tuple[Any, tuple[Any, ...]]] = {}


def _shape(wanted: Any) -> tuple[Any, tuple[Any, ...]]:
    """``wanted``'s origin and arguments, once per type (each field of each value asks)."""
    found = _SHAPES.get(wanted)
    if found is None:
        found = _SHAPES[wanted] = (typing.get_origin(wanted), typing.get_args(wanted))
    return found


def _check(value: Any, wanted: Any, limits: Limits, path: str) -> None:
    origin, args = _shape(wanted)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return
        for option in args:
            if option is not type(None) and _matches(value, option):
                _check(value, option, limits, path)
                return
        raise _refuse(path, next(o for o in args if o is not type(None)), value)
    if origin in (tuple, frozenset, set, list):
        if not isinstance(value, origin):
            raise _refuse(path, origin, value)
        item_type = args[0] if args else Any
        for number, item in enumerate(value):
            _check(item, item_type, limits, f"{path}[{number}]")
        return
    if wanted is Any:
        return
    if not _matches(value, wanted):
        raise _refuse(path, wanted, value)
    if isinstance(value, str):
        _check_text(value, limits, path)
    elif isinstance(value, Money):
        _check_money(value, limits, path)
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > limits.largest_count:
            raise InvalidValue(
                _("{field} is beyond {n}."),
                field=path,
                code="input.invalid",
                n=limits.largest_count,
            )
    elif isinstance(value, datetime):
        _check_time(value, limits, path)
    elif isinstance(value, Identifier):
        if len(value.value) > value.longest_given:
            raise InvalidValue(
                _("{field} is longer than {n} characters."),
                field=path,
                code="input.invalid",
                n=value.longest_given,
            )
    elif attrs.has(type(value)):
        _check_fields(value, limits, path + ".")


def _matches(value: Any, wanted: Any) -> bool:
    if not isinstance(wanted, type):
        return True
    if wanted is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if wanted is Identifier or issubclass(wanted, Identifier):
        return type(value) is wanted
    return isinstance(value, wanted)


def _check_text(value: str, limits: Limits, path: str) -> None:
    if "\x00" in value or not _encodable(value):
        raise InvalidValue(
            _("{field} holds a character that is not text (a NUL or a lone surrogate)."),
            field=path,
            code="input.invalid",
        )
    if len(value) > limits.longest_text:
        raise InvalidValue(
            _("{field} is longer than {n} characters."),
            field=path,
            code="input.invalid",
            n=limits.longest_text,
        )


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_money(value: Money, limits: Limits, path: str) -> None:
    if value.currency != limits.currency:
        raise InvalidValue(
            _("{field} is in {got}; this desk keeps its accounts in {want}."),
            field=path,
            code="input.invalid",
            got=value.currency,
            want=limits.currency,
        )
    if abs(value.amount) > limits.largest_amount.amount:
        raise InvalidValue(
            _("{field} is beyond the largest amount the desk takes, {limit}."),
            field=path,
            code="input.invalid",
            limit=limits.largest_amount,
        )


def _check_time(value: datetime, limits: Limits, path: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(
            _("{field} has no time zone; give an aware date and time."),
            field=path,
            code="input.invalid",
        )
    if not limits.earliest <= value <= limits.latest:
        raise InvalidValue(
            _("{field} is outside the years {first} to {last}."),
            field=path,
            code="input.invalid",
            first=limits.earliest.year,
            last=limits.latest.year - 1,
        )


def check_value(value: Any, limits: Limits, prefix: str = "") -> None:
    """Refuse any attrs value (a list's filter) as ``check_command`` refuses a command."""
    _check_fields(value, limits, prefix)
