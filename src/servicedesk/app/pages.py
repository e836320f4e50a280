"""Paged lists for UIs: keyset pages, opaque cursors, filters checked at the door.

A list (``Listing``) names the fields a store can filter and sort it on, each
with the function that computes it from the aggregate: the SQL store keeps
them as indexed projection columns, the memory store computes them, so both
answer a page the same (same rows, same order, same cursors).  A page is the
``limit`` rows after the cursor's key in the sort order, the record's id
breaking ties: rows written between two page reads never shift a page, as an
``OFFSET`` would.  A cursor is opaque to the caller: url-safe base64 of the
list, its sort, the last row's sort value and id, with a checksum, so that an
edited or foreign cursor is refused (``page.bad_cursor``), never misread.
"""

from __future__ import annotations

import abc
import base64
import binascii
import functools
import hashlib
import json
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Final, Generic, NoReturn, TypeVar

import attrs

from servicedesk.app.door import Limits, check_value
from servicedesk.domain.errors import InvalidValue
from servicedesk.domain.values import Identifier
from servicedesk.i18n import _

T = TypeVar("T")

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 200
#: Conditions a store answers on a field; ``has``: a ``|``-separated text holds the token.
OPS: Final = frozenset({"eq", "in", "ge", "gt", "le", "lt", "null", "not_null", "has"})


@attrs.frozen
class Page(Generic[T]):
    """One page of a list: its rows, the cursor of the next page (None: the last), a count.

    ``count`` is the number of rows matching the filter on all pages, when the
    query was asked ``with_count=True`` (it costs a second query); else None.
    """

    items: tuple[T, ...]
    next_cursor: str | None
    count: int | None = None


@attrs.frozen
class Condition:
    """``field op value`` for a store: ``Condition("status", "in", ("registered",))``."""

    field: str
    op: str = attrs.field(validator=attrs.validators.in_(OPS))
    value: Any = None


@attrs.frozen
class Window:
    """Which page a store is asked: sort field and direction, after which key, how many."""

    sort: str
    descending: bool
    limit: int
    after: tuple[Any, str] | None = None
    with_count: bool = False


@attrs.frozen
class Rows:
    """What a store answers for a page: rows whose attributes are the listing's fields and
    ``id`` (``Listing.row_type``, or the SQL driver's rows of the same columns)."""

    rows: tuple[Any, ...]
    count: int | None = None


@attrs.frozen
class Listing:
    """A list a store answers from projections of one aggregate kind.

    ``fields``: name -> the function that computes the field from the aggregate
    (the SQL store's projection column of the same name); ``sortable``: the
    fields a page may be sorted on, each with the type of its values, never
    NULL and never personal data (a cursor carries the value).
    """

    name: str
    kind: str  # the repository's kind, e.g. "request"
    fields: Mapping[str, Callable[[Any], Any]]
    sortable: Mapping[str, type]
    default_sort: str
    default_descending: bool = False
    #: A row of this list: ``id`` and the fields, read as attributes (``row.status``).
    row_type: Any = attrs.field(init=False, eq=False, repr=False)

    @row_type.default
    def _row_type(self) -> Any:
        return namedtuple(f"{self.name.title()}Row", ["id", *self.fields])

    def row(self, aggregate: Any) -> dict[str, Any]:
        """The fields of ``aggregate`` as a store holds them (instants in UTC)."""
        found = {name: _stored(function(aggregate)) for name, function in self.fields.items()}
        found["id"] = aggregate.id.value
        return found


E = TypeVar("E", bound=Enum)


class Members(dict[Any, E]):
    """An enum's members by the value a store wrote: looked up as a plain dict is (a
    page's few enums a row cost more than the rest of the row through the enum's call);
    a value that is no member's raises the enum's own error, as for any other value."""

    def __init__(self, kind: type[E]) -> None:
        super().__init__(kind._value2member_map_)
        self.kind = kind

    def __missing__(self, value: Any) -> E:
        return self.kind(value)


@functools.cache
def members(kind: type[E]) -> Members[E]:
    """``kind``'s members by stored value: ``members(Status)[row.status]``."""
    return Members(kind)


def _stored(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Identifier):
        return value.value
    return value


class Lists(abc.ABC):
    """The port: a store answers one page of a listing (``page``) for any repository."""

    @abc.abstractmethod
    def page(self, listing: Listing, where: Sequence[Condition], window: Window) -> Rows: ...


# --- answering a page in memory ------------------------------------------------------------------


def _holds(row: Mapping[str, Any], condition: Condition) -> bool:
    value = row[condition.field]
    op, wanted = condition.op, condition.value
    if op == "null":
        return value is None
    if op == "not_null":
        return value is not None
    if value is None:
        return False
    if op == "eq":
        return bool(value == wanted)
    if op == "in":
        return value in wanted
    if op == "has":
        return f"|{wanted}|" in value
    if op == "ge":
        return bool(value >= wanted)
    if op == "gt":
        return bool(value > wanted)
    if op == "le":
        return bool(value <= wanted)
    return bool(value < wanted)


def page_of_rows(
    listing: Listing,
    rows: Sequence[Mapping[str, Any]],
    where: Sequence[Condition],
    window: Window,
) -> Rows:
    """The page of ``rows`` (``Listing.row``'s) a SQL store answers, computed in Python
    (the memory store)."""
    matching = [row for row in rows if all(_holds(row, c) for c in where)]
    kept = sorted(
        matching, key=lambda row: (row[window.sort], row["id"]), reverse=window.descending
    )
    if window.after is not None:
        after = window.after
        if window.descending:
            kept = [row for row in kept if (row[window.sort], row["id"]) < after]
        else:
            kept = [row for row in kept if (row[window.sort], row["id"]) > after]
    found = tuple(listing.row_type(**row) for row in kept[: window.limit])
    return Rows(found, len(matching) if window.with_count else None)


# --- the door of a page --------------------------------------------------------------------------


def _bad_cursor() -> NoReturn:
    raise InvalidValue(
        _("{field} is not a cursor this list gave; start again from the first page."),
        field="cursor",
        code="page.bad_cursor",
    )


def _checksum(payload: str) -> str:
    return hashlib.sha256(("servicedesk-page:" + payload).encode()).hexdigest()[:12]


def _text_of(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _value_of(text: Any, kind: type) -> Any:
    if kind is datetime:
        if not isinstance(text, str):
            raise ValueError(text)
        value = datetime.fromisoformat(text)
        if value.tzinfo is None:
            raise ValueError(text)
        return value
    if kind is Decimal:
        return Decimal(str(text))
    if kind is int:
        if not isinstance(text, int) or isinstance(text, bool):
            raise ValueError(text)
        return text
    if not isinstance(text, str):
        raise ValueError(text)
    return text


def encode_cursor(listing: Listing, window: Window, row: Any) -> str:
    """The cursor of the page after ``row``, the last row of a page."""
    key = _text_of(getattr(row, window.sort))
    payload = json.dumps(
        [listing.name, window.sort, window.descending, key, row.id],
        separators=(",", ":"),
    )
    data = (payload + "|" + _checksum(payload)).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def decode_cursor(listing: Listing, sort: str, descending: bool, cursor: str) -> tuple[Any, str]:
    """The key ``cursor`` names, if this list gave it for this sort; else ``page.bad_cursor``."""
    if not isinstance(cursor, str) or len(cursor) > 1000:
        _bad_cursor()
    try:
        data = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        payload, _sep, checksum = data.rpartition("|")
        if checksum != _checksum(payload):
            raise ValueError(checksum)
        name, its_sort, its_descending, text, row_id = json.loads(payload)
        if (name, its_sort, its_descending) != (listing.name, sort, descending):
            raise ValueError(name)
        if not isinstance(row_id, str):
            raise ValueError(row_id)
        return _value_of(text, listing.sortable[sort]), row_id
    except (ValueError, TypeError, KeyError, InvalidOperation, binascii.Error):
        pass
    _bad_cursor()


def window_of(
    listing: Listing,
    *,
    limit: object,
    cursor: object,
    sort: object,
    descending: object,
    with_count: object,
) -> Window:
    """The page asked, or ``InvalidValue`` naming the argument that is not one a list takes."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidValue(
            _("{field} must be a whole number from 1 to {n}."),
            field="limit",
            code="page.bad_limit",
            n=MAX_LIMIT,
        )
    sort = listing.default_sort if sort is None else sort
    if not isinstance(sort, str) or sort not in listing.sortable:
        raise InvalidValue(
            _("{field} must be one of: {choices}."),
            field="sort",
            code="page.bad_sort",
            choices=", ".join(sorted(listing.sortable)),
        )
    descending = listing.default_descending if descending is None else descending
    for name, flag in (("descending", descending), ("with_count", with_count)):
        if not isinstance(flag, bool):
            raise InvalidValue(
                _("{field} must be yes or no (True or False)."), field=name, code="input.invalid"
            )
    assert isinstance(descending, bool)
    assert isinstance(with_count, bool)
    after = None
    if cursor is not None:
        if not isinstance(cursor, str):
            _bad_cursor()
        after = decode_cursor(listing, sort, descending, cursor)
    return Window(sort, descending, limit, after, with_count)


def check_filter(value: Any, cls: type[Any], limits: Limits) -> Any:
    """``value`` if it is a ``cls`` whose fields hold the types declared; else ``InvalidValue``."""
    if value is None:
        return cls()
    if not isinstance(value, cls):
        raise InvalidValue(
            _("{field} must be {kind}, not {got}."),
            field="filter",
            code="input.invalid",
            kind=cls.__name__,
            got=type(value).__name__,
        )
    check_value(value, limits, "filter.")
    return value


def read_page(
    lists: Lists,
    listing: Listing,
    where: Sequence[Condition],
    window: Window,
    view: Callable[[Any], T],
) -> Page[T]:
    """The page of views, one row more asked of the store to know whether another follows.

    ``view`` builds each row's view with its times in the organisation's zone: a page
    is not walked again for them (``zone.py``).
    """
    rows = lists.page(listing, where, attrs.evolve(window, limit=window.limit + 1))
    found = rows.rows[: window.limit]
    more = len(rows.rows) > window.limit
    cursor = encode_cursor(listing, window, found[-1]) if more else None
    return Page(tuple(map(view, found)), cursor, rows.count)
