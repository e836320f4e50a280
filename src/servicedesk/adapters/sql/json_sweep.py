"""JSON inside SQL for the escalation sweep: read, set and append in a stored document.

The sweep changes thousands of complaint documents with one ``UPDATE`` and writes their
events with ``INSERT ... SELECT``, so the JSON work happens in the database.  Each database
spells it differently (SQLite ``json_set``/``json_insert``, PostgreSQL ``jsonb_set`` and
``||``, MariaDB/MySQL ``JSON_SET``/``JSON_ARRAY_APPEND``); these constructs spell it once per
dialect with ``@compiles``, so the sweep itself is written once.

Paths are tuples of member names that come from code, never from data (checked).  A value
is ``("text", expr)`` (a JSON string), ``("number", expr)`` or ``("json", expr)`` (a JSON
value: a document column, a ``json_value`` template or another construct of this module).
"""

from __future__ import annotations

import re
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement

Kind = Literal["text", "number", "json"]
Path = tuple[str, ...]
_MEMBER = re.compile(r"[a-z_][a-z0-9_]*\Z")


def _checked(path: Path) -> Path:
    if not path or not all(_MEMBER.match(part) for part in path):
        raise ValueError(f"not a JSON path of member names: {path!r}")
    return path


def _dollar(path: Path, append: bool = False) -> str:
    """``'$.a.b'`` (SQLite, MySQL), ``'$.a[#]'`` to append in SQLite."""
    return "'$." + ".".join(path) + ("[#]" if append else "") + "'"


def _braces(path: Path) -> str:
    """``'{a,b}'`` (PostgreSQL)."""
    return "'{" + ",".join(path) + "}'"


class _JsonElement(ColumnElement[Any]):
    # Built a few times per sweep; their SQL is compiled each time (no statement cache).
    inherit_cache = False
    type = sa.types.NullType()


class json_text(_JsonElement):
    """The string at ``path`` in ``document``, as SQL text (NULL if missing)."""

    inherit_cache = False

    def __init__(self, document: ColumnElement[Any], *path: str) -> None:
        self.document = document
        self.path = _checked(path)
        self.type = sa.String()


class json_value(_JsonElement):
    """A JSON value from JSON text (a bound template)."""

    inherit_cache = False

    def __init__(self, text: str) -> None:
        self.text = sa.bindparam(None, text, type_=sa.Text())


class json_set(_JsonElement):
    """``document`` with the values set at their paths (members are created if missing)."""

    inherit_cache = False

    def __init__(self, document: ColumnElement[Any], values: list[tuple[Path, Kind, Any]]) -> None:
        self.document = document
        self.values = [
            (_checked(path), kind, sa.literal(v) if _plain(v) else v) for path, kind, v in values
        ]


class json_append(_JsonElement):
    """``document`` with the JSON ``value`` appended to the array at ``path``."""

    inherit_cache = False

    def __init__(self, document: ColumnElement[Any], path: Path, value: ColumnElement[Any]) -> None:
        self.document = document
        self.path = _checked(path)
        self.value = value


def _plain(value: Any) -> bool:
    return not isinstance(value, ColumnElement)


# --- SQLite ---------------------------------------------------------------------------


@compiles(json_text, "sqlite")
def _text_sqlite(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_extract({compiler.process(element.document, **kw)}, {_dollar(element.path)})"


@compiles(json_value, "sqlite")
def _value_sqlite(element: json_value, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json({compiler.process(element.text, **kw)})"


def _sqlite_operand(kind: Kind, sql: str) -> str:
    return f"json({sql})" if kind == "json" else sql


@compiles(json_set, "sqlite")
def _set_sqlite(element: json_set, compiler: SQLCompiler, **kw: Any) -> str:
    pairs = ", ".join(
        f"{_dollar(path)}, {_sqlite_operand(kind, compiler.process(value, **kw))}"
        for path, kind, value in element.values
    )
    return f"json_set({compiler.process(element.document, **kw)}, {pairs})"


@compiles(json_append, "sqlite")
def _append_sqlite(element: json_append, compiler: SQLCompiler, **kw: Any) -> str:
    document = compiler.process(element.document, **kw)
    value = compiler.process(element.value, **kw)
    return f"json_insert({document}, {_dollar(element.path, append=True)}, json({value}))"


# --- PostgreSQL (documents are jsonb) ---------------------------------------------------


@compiles(json_text, "postgresql")
def _text_pg(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.document, **kw)} #>> {_braces(element.path)})"


@compiles(json_value, "postgresql")
def _value_pg(element: json_value, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.text, **kw)} AS JSONB)"


def _pg_operand(kind: Kind, sql: str) -> str:
    if kind == "text":
        return f"to_jsonb(CAST({sql} AS TEXT))"
    if kind == "number":
        return f"to_jsonb(CAST({sql} AS BIGINT))"
    return sql


@compiles(json_set, "postgresql")
def _set_pg(element: json_set, compiler: SQLCompiler, **kw: Any) -> str:
    sql = compiler.process(element.document, **kw)
    for path, kind, value in element.values:
        operand = _pg_operand(kind, compiler.process(value, **kw))
        sql = f"jsonb_set({sql}, {_braces(path)}, {operand})"
    return sql


@compiles(json_append, "postgresql")
def _append_pg(element: json_append, compiler: SQLCompiler, **kw: Any) -> str:
    document = compiler.process(element.document, **kw)
    value = compiler.process(element.value, **kw)
    # After the last element (-1), which also appends to an empty array.
    path = "'{" + ",".join(element.path) + ",-1}'"
    return f"jsonb_insert({document}, {path}, {value}, true)"


# --- MariaDB and MySQL --------------------------------------------------------------------


@compiles(json_text, "mysql")
@compiles(json_text, "mariadb")
def _text_mysql(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    document = compiler.process(element.document, **kw)
    return f"JSON_UNQUOTE(JSON_EXTRACT({document}, {_dollar(element.path)}))"


@compiles(json_value, "mysql")
@compiles(json_value, "mariadb")
def _value_mysql(element: json_value, compiler: SQLCompiler, **kw: Any) -> str:
    # JSON_EXTRACT(..., '$') hands the value on as JSON, not as a string to quote.
    return f"JSON_EXTRACT({compiler.process(element.text, **kw)}, '$')"


@compiles(json_set, "mysql")
@compiles(json_set, "mariadb")
def _set_mysql(element: json_set, compiler: SQLCompiler, **kw: Any) -> str:
    pairs = ", ".join(
        f"{_dollar(path)}, {compiler.process(value, **kw)}" for path, _kind, value in element.values
    )
    return f"JSON_SET({compiler.process(element.document, **kw)}, {pairs})"


@compiles(json_append, "mysql")
@compiles(json_append, "mariadb")
def _append_mysql(element: json_append, compiler: SQLCompiler, **kw: Any) -> str:
    document = compiler.process(element.document, **kw)
    value = compiler.process(element.value, **kw)
    return f"JSON_ARRAY_APPEND({document}, {_dollar(element.path)}, {value})"
