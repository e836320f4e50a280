"""JSON inside SQL for the escalation sweep: read, set and append in a stored document.

The sweep changes thousands of complaint documents with one ``UPDATE`` and writes their
events with ``INSERT ... SELECT``, so the JSON work happens in the database.  Each database
spells it differently (SQLite ``json_set``/``json_insert``, PostgreSQL ``jsonb_set`` and
``||``, MariaDB/MySQL ``JSON_SET``/``JSON_ARRAY_APPEND``); these constructs spell it once per
dialect with ``@compiles``, so the sweep itself is written once.

Paths are tuples of member names that come from code, never from data (checked).  A value
is of a kind: ``"text"`` (a JSON string), ``"number"`` or ``"json"`` (a JSON value: a
document column, a ``json_value`` template or another construct of this module).
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
Edit = tuple[Literal["append", "set"], Path, Kind, Any]
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


class json_value(_JsonElement):
    """A JSON value from JSON text (a bound template)."""

    inherit_cache = False

    def __init__(self, text: str) -> None:
        self.text = sa.bindparam(None, text, type_=sa.Text())


class json_edit(_JsonElement):
    """``document`` with values appended to arrays and set at paths, in one function call.

    ``edits`` are ``(operation, path, kind, value)`` with operation ``"append"`` (to the
    array at ``path``) or ``"set"`` (members are created if missing); appends come first.
    One call, so SQLite parses the document once per row.
    """

    inherit_cache = False

    def __init__(self, document: ColumnElement[Any], edits: list[Edit]) -> None:
        self.document = document
        self.edits = sorted(
            (
                (op, _checked(path), kind, sa.literal(v) if _plain(v) else v)
                for op, path, kind, v in edits
            ),
            key=lambda edit: edit[0] != "append",
        )

    def of(self, operation: str) -> list[tuple[Path, Kind, Any]]:
        return [(path, kind, value) for op, path, kind, value in self.edits if op == operation]


def _plain(value: Any) -> bool:
    return not isinstance(value, ColumnElement)


# --- SQLite ---------------------------------------------------------------------------


@compiles(json_value, "sqlite")
def _value_sqlite(element: json_value, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json({compiler.process(element.text, **kw)})"


def _sqlite_operand(kind: Kind, sql: str) -> str:
    return f"json({sql})" if kind == "json" else sql


@compiles(json_edit, "sqlite")
def _edit_sqlite(element: json_edit, compiler: SQLCompiler, **kw: Any) -> str:
    pairs = ", ".join(
        _dollar(path, append=op == "append")
        + ", "
        + _sqlite_operand(kind, compiler.process(value, **kw))
        for op, path, kind, value in element.edits
    )
    return f"json_set({compiler.process(element.document, **kw)}, {pairs})"


# --- PostgreSQL (documents are jsonb) ---------------------------------------------------


@compiles(json_value, "postgresql")
def _value_pg(element: json_value, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.text, **kw)} AS JSONB)"


def _pg_operand(kind: Kind, sql: str) -> str:
    if kind == "text":
        return f"to_jsonb(CAST({sql} AS TEXT))"
    if kind == "number":
        return f"to_jsonb(CAST({sql} AS BIGINT))"
    return sql


@compiles(json_edit, "postgresql")
def _edit_pg(element: json_edit, compiler: SQLCompiler, **kw: Any) -> str:
    sql = compiler.process(element.document, **kw)
    for op, path, kind, value in element.edits:
        operand = _pg_operand(kind, compiler.process(value, **kw))
        if op == "append":  # after the last element (-1), which also appends to an empty array
            sql = f"jsonb_insert({sql}, '{{{','.join(path)},-1}}', {operand}, true)"
        else:
            sql = f"jsonb_set({sql}, {_braces(path)}, {operand})"
    return sql


# --- MariaDB and MySQL --------------------------------------------------------------------


@compiles(json_value, "mysql")
@compiles(json_value, "mariadb")
def _value_mysql(element: json_value, compiler: SQLCompiler, **kw: Any) -> str:
    # JSON_EXTRACT(..., '$') hands the value on as JSON, not as a string to quote.
    return f"JSON_EXTRACT({compiler.process(element.text, **kw)}, '$')"


@compiles(json_edit, "mysql")
@compiles(json_edit, "mariadb")
def _edit_mysql(element: json_edit, compiler: SQLCompiler, **kw: Any) -> str:
    sql = compiler.process(element.document, **kw)
    for function, operation in (("JSON_ARRAY_APPEND", "append"), ("JSON_SET", "set")):
        if edits := element.of(operation):
            pairs = ", ".join(
                f"{_dollar(path)}, {compiler.process(value, **kw)}" for path, _kind, value in edits
            )
            sql = f"{function}({sql}, {pairs})"
    return sql
