"""JSON inside SQL for the bulk purge: where personal data sits, and how to overwrite it there.

``plan(cls)`` works out once per record class, from its attrs annotations
(``privacy.personal_sites``), the JSON paths of its stored document where
``privacy.scrub`` puts something else, and what it puts there: the anonymous
requester's name, unit and phone, the anonymous contact's phone, ``ERASED``
for a personal text (an empty one stays empty, a missing one stays missing).
The constructs below say the same thing to each database:

- ``scrubbed(document, leaves)``: the document with those leaves replaced
  where they exist (SQLite ``json_replace``, MariaDB ``JSON_REPLACE``,
  PostgreSQL nested ``jsonb_set(..., false)``: none creates a missing path, so
  a ``null`` requester or contact stays ``null``, as ``scrub(None)`` does);
- ``among(column, ids)``: ``column`` is one of a batch of ids, passed as ONE
  parameter (SQLite ``json_each``, PostgreSQL ``= ANY(array)``), an expanded
  ``IN`` on MariaDB;
- ``json_value(expression)`` / ``json_document(text)``: a SQL value as a JSON
  value, a JSON text as a document (PostgreSQL needs ``to_jsonb`` / ``jsonb``).

Paths are attribute names (the converter's keys), checked to be plain
identifiers before they are written into SQL; every value is a bound parameter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement

from servicedesk import convert
from servicedesk.adapters.sql.bulk.json_paths import Path
from servicedesk.adapters.sql.bulk.json_paths import braces as _braces
from servicedesk.adapters.sql.bulk.json_paths import dollar as _dollar
from servicedesk.domain.privacy import ERASED, personal_sites, scrub
from servicedesk.domain.values import Contact, Requester

Kw = Any
#: One place ``scrub`` changes: the path and the text put there, ``None`` for "ERASED
#: unless empty" (a personal text field).
Leaf = tuple[Path, str | None]
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Ids the purge puts into JSON text and SQL by substitution: what ``Identifier`` allows.
SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
#: A stand-in for each of the special values ``scrub`` replaces whole.
_PROBES: dict[type[Any], Any] = {
    Requester: Requester("probe", "probe", Contact("1234567")),
    Contact: Contact("1234567"),
}


def _leaves(data: Any, path: Path = ()) -> dict[Path, Any]:
    if isinstance(data, dict):
        found: dict[Path, Any] = {}
        for key, value in data.items():
            found.update(_leaves(value, (*path, key)))
        return found
    return {path: data}


def _replaced(cls: type[Any]) -> list[tuple[Path, str]] | None:
    """The leaves ``scrub`` changes in a ``Requester`` or ``Contact``, by a probe of it."""
    probe = _PROBES[cls]
    before, after = _leaves(convert.unstructure(probe)), _leaves(convert.unstructure(scrub(probe)))
    if before.keys() != after.keys() or any(not isinstance(after[p], str) for p in after):
        return None
    return [(path, after[path]) for path in after if after[path] != before[path]]


def plan(cls: type[Any], aggregate: bool = False) -> tuple[Leaf, ...] | None:
    """The leaves of ``cls``'s stored document that a purge overwrites; ``None``: no fixed path.

    ``aggregate``: ``cls`` is an aggregate, stored without its pending events.
    """
    if (cls, aggregate) not in _PLANS:
        _PLANS[cls, aggregate] = _plan(cls, aggregate)
    return _PLANS[cls, aggregate]


_PLANS: dict[tuple[type[Any], bool], tuple[Leaf, ...] | None] = {}


def _plan(cls: type[Any], aggregate: bool) -> tuple[Leaf, ...] | None:
    sites = personal_sites(cls, frozenset({"events"}) if aggregate else frozenset())
    if sites is None:
        return None
    leaves: list[Leaf] = []
    for path, what in sites:
        if what is str:
            leaves.append((path, None))
            continue
        replaced = _replaced(what)
        if replaced is None:
            return None
        leaves.extend(((*path, *inner), text) for inner, text in replaced)
    if not all(_KEY.fullmatch(key) for path, _text in leaves for key in path):
        return None
    return tuple(leaves)


# --- constructs ----------------------------------------------------------------------------------


def scrubbed(document: ColumnElement[Any], leaves: Sequence[Leaf]) -> json_replaced:
    """``document`` as ``scrub`` leaves it: each leaf of the plan that exists overwritten."""
    return json_replaced(document, [(path, _value(document, path, text)) for path, text in leaves])


class json_replaced(ColumnElement[Any]):
    """``document`` with each path that exists set to its value (a JSON value expression)."""

    inherit_cache = False

    def __init__(
        self, document: ColumnElement[Any], pairs: Sequence[tuple[Path, ColumnElement[Any]]]
    ) -> None:
        if not all(_KEY.fullmatch(key) for path, _value in pairs for key in path):
            raise ValueError(f"not a plain path: {[path for path, _value in pairs]}")
        self.document, self.pairs = document, list(pairs)
        self.type = document.type


class json_value(ColumnElement[Any]):
    """A SQL string or number as a JSON value (PostgreSQL: ``to_jsonb``)."""

    inherit_cache = False

    def __init__(self, value: ColumnElement[Any]) -> None:
        self.value = value


class json_document(ColumnElement[Any]):
    """A JSON text as the document column's type (PostgreSQL: ``CAST(... AS jsonb)``)."""

    inherit_cache = False

    def __init__(self, text: ColumnElement[Any]) -> None:
        self.text = text


class _erased_text(ColumnElement[Any]):
    """ERASED if the leaf is a non-empty string, ``""`` if empty, JSON null otherwise."""

    inherit_cache = False

    def __init__(self, document: ColumnElement[Any], path: Path) -> None:
        self.document, self.path = document, path
        self.erased = sa.bindparam(None, ERASED, type_=sa.String)


class among(ColumnElement[Any]):
    """``column`` is one of ``ids``, the ids passed as one parameter where the database can.

    Of no SQL type on purpose: a ``Boolean`` condition is written ``(...) = 1`` on
    databases without a boolean type (SQLite, MySQL/MariaDB), and their planners
    then scan the whole table for every batch instead of searching the primary
    key, and the purge would grow with the square of the records kept.
    """

    inherit_cache = False
    type = sa.types.NullType()

    def __init__(self, column: ColumnElement[Any], ids: Sequence[str]) -> None:
        self.column, self.ids = column, list(ids)


class unindexed(ColumnElement[Any]):
    """``column`` in a condition no index should serve (SQLite: ``+column``, PostgreSQL and
    MariaDB: the column joined to an empty string).

    Selecting a batch's events by type as well as by aggregate, a planner may
    prefer the ``(stream, type, at)`` index (PostgreSQL does with some statistics)
    and walk every event of those types in the log, batch after batch; the batch's
    ids are what narrows.
    """

    inherit_cache = False

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(unindexed)
def _unindexed_plain(element: unindexed, compiler: SQLCompiler, **kw: Kw) -> str:
    return compiler.process(element.column, **kw)


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Kw) -> str:
    return "+" + compiler.process(element.column, **kw)


@compiles(unindexed, "postgresql")
def _unindexed_postgresql(element: unindexed, compiler: SQLCompiler, **kw: Kw) -> str:
    return f"({compiler.process(element.column, **kw)} || '')"


@compiles(unindexed, "mysql")
@compiles(unindexed, "mariadb")
def _unindexed_mysql(element: unindexed, compiler: SQLCompiler, **kw: Kw) -> str:
    return f"CONCAT({compiler.process(element.column, **kw)}, '')"


def _value(document: ColumnElement[Any], path: Path, text: str | None) -> ColumnElement[Any]:
    if text is None:
        return _erased_text(document, path)
    return json_value(sa.bindparam(None, text, type_=sa.String))


@compiles(json_replaced)
def _replaced_sqlite(element: json_replaced, compiler: SQLCompiler, **kw: Kw) -> str:
    pairs = ", ".join(
        f"{_dollar(path)}, {compiler.process(value, **kw)}" for path, value in element.pairs
    )
    return f"json_replace({compiler.process(element.document, **kw)}, {pairs})"


@compiles(json_replaced, "mysql")
@compiles(json_replaced, "mariadb")
def _replaced_mysql(element: json_replaced, compiler: SQLCompiler, **kw: Kw) -> str:
    return "JSON_REPLACE" + _replaced_sqlite(element, compiler, **kw)[len("json_replace") :]


@compiles(json_replaced, "postgresql")
def _replaced_postgresql(element: json_replaced, compiler: SQLCompiler, **kw: Kw) -> str:
    text = compiler.process(element.document, **kw)
    for path, value in element.pairs:
        text = f"jsonb_set({text}, {_braces(path)}, {compiler.process(value, **kw)}, false)"
    return text


@compiles(json_value)
def _value_plain(element: json_value, compiler: SQLCompiler, **kw: Kw) -> str:
    return compiler.process(element.value, **kw)


@compiles(json_value, "postgresql")
def _value_postgresql(element: json_value, compiler: SQLCompiler, **kw: Kw) -> str:
    value = element.value
    if isinstance(value.type, sa.String):
        value = sa.cast(value, sa.Text)
    return f"to_jsonb({compiler.process(value, **kw)})"


@compiles(json_document)
def _document_plain(element: json_document, compiler: SQLCompiler, **kw: Kw) -> str:
    return compiler.process(element.text, **kw)


@compiles(json_document, "postgresql")
def _document_postgresql(element: json_document, compiler: SQLCompiler, **kw: Kw) -> str:
    return f"CAST({compiler.process(element.text, **kw)} AS jsonb)"


@compiles(_erased_text)
def _erased_sqlite(element: _erased_text, compiler: SQLCompiler, **kw: Kw) -> str:
    document, path = compiler.process(element.document, **kw), _dollar(element.path)
    erased = compiler.process(element.erased, **kw)
    return (
        f"CASE WHEN json_type({document}, {path}) = 'text' THEN CASE WHEN"
        f" json_extract({document}, {path}) = '' THEN '' ELSE {erased} END END"
    )


@compiles(_erased_text, "mysql")
@compiles(_erased_text, "mariadb")
def _erased_mysql(element: _erased_text, compiler: SQLCompiler, **kw: Kw) -> str:
    document, path = compiler.process(element.document, **kw), _dollar(element.path)
    erased = compiler.process(element.erased, **kw)
    value = f"JSON_EXTRACT({document}, {path})"
    return (
        f"CASE WHEN JSON_TYPE({value}) = 'STRING' THEN CASE WHEN"
        f" JSON_UNQUOTE({value}) = '' THEN '' ELSE {erased} END END"
    )


@compiles(_erased_text, "postgresql")
def _erased_postgresql(element: _erased_text, compiler: SQLCompiler, **kw: Kw) -> str:
    document, path = compiler.process(element.document, **kw), _braces(element.path)
    erased = compiler.process(sa.cast(element.erased, sa.Text), **kw)
    return (
        f"CASE WHEN jsonb_typeof({document} #> {path}) = 'string' THEN CASE WHEN"
        f" {document} #>> {path} = '' THEN '\"\"'::jsonb ELSE to_jsonb({erased}) END"
        " ELSE 'null'::jsonb END"
    )


@compiles(among)
def _among_sqlite(element: among, compiler: SQLCompiler, **kw: Kw) -> str:
    ids = compiler.process(sa.bindparam(None, json.dumps(element.ids), type_=sa.String), **kw)
    return f"{compiler.process(element.column, **kw)} IN (SELECT value FROM json_each({ids}))"


@compiles(among, "postgresql")
def _among_postgresql(element: among, compiler: SQLCompiler, **kw: Kw) -> str:
    ids = sa.bindparam(None, element.ids, type_=postgresql.ARRAY(sa.String))
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(ids, **kw)})"


@compiles(among, "mysql")
@compiles(among, "mariadb")
def _among_mysql(element: among, compiler: SQLCompiler, **kw: Kw) -> str:
    return compiler.process(element.column.in_(element.ids), **kw)
