"""JSON inside SQL for the escalation sweep: fill a template, append and set in a document.

The sweep changes thousands of complaint documents with one ``UPDATE`` and writes their
events with ``INSERT ... SELECT``, so the JSON work happens in the database.  Each database
spells it differently (SQLite ``json_set`` and ``json_quote``, PostgreSQL ``jsonb_set``,
``jsonb_insert`` and ``to_jsonb``, MariaDB/MySQL ``JSON_SET``, ``JSON_ARRAY_APPEND`` and
``JSON_QUOTE``); these constructs spell it once per dialect with ``@compiles``, so the sweep
itself is written once.

* ``json_template(text, {hole: expr})``: a JSON value made from JSON ``text`` (built once
  with ``convert.unstructure``) in which each string ``hole`` is replaced, per row, by the
  text of ``expr`` quoted as a JSON string by the database, so any value is safe in it.
  Plain text replacement: cheaper per row than parsing the template and setting members.
* ``json_edit(document, edits)``: ``document`` with values appended to arrays and members
  set, in one function call where the database allows it (SQLite parses the document once).

Paths are tuples of member names that come from code, never from data (checked).  A value
set or appended is of a kind: ``"text"`` (a JSON string), ``"number"`` or ``"json"`` (a
``json_template``).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement

from servicedesk.adapters.sql.bulk.json_paths import Path
from servicedesk.adapters.sql.bulk.json_paths import braces as _braces
from servicedesk.adapters.sql.bulk.json_paths import dollar as _dollar

Kind = Literal["text", "number", "json"]
Edit = tuple[Literal["append", "set"], Path, Kind, Any]
_MEMBER = re.compile(r"[a-z_][a-z0-9_]*\Z")


def _checked(path: Path) -> Path:
    if not path or not all(_MEMBER.match(part) for part in path):
        raise ValueError(f"not a JSON path of member names: {path!r}")
    return path


def _value(value: Any) -> ColumnElement[Any]:
    return value if isinstance(value, ColumnElement) else sa.literal(value)


class _JsonElement(ColumnElement[Any]):
    # Built a few times per sweep; their SQL is compiled each time (no statement cache).
    inherit_cache = False
    type = sa.types.NullType()


class json_template(_JsonElement):
    """JSON ``text`` with each JSON string ``"hole"`` replaced by its expression, quoted."""

    inherit_cache = False

    def __init__(self, text: str, holes: dict[str, Any]) -> None:
        for hole in holes:
            if text.count(json.dumps(hole)) != 1:
                raise ValueError(f"{hole!r} is not a string of the template exactly once")
        self.text = sa.literal(text, sa.Text())
        self.holes = [
            (sa.literal(json.dumps(hole), sa.Text()), _value(v)) for hole, v in holes.items()
        ]

    def replaced(self, compiler: SQLCompiler, quote: str, **kw: Any) -> str:
        """``REPLACE(REPLACE(text, '"hole"', quote(expr)), ...)``; ``quote`` has a ``{}``."""
        sql = compiler.process(self.text, **kw)
        for hole, value in self.holes:
            quoted = quote.format(compiler.process(value, **kw))
            sql = f"REPLACE({sql}, {compiler.process(hole, **kw)}, {quoted})"
        return sql


class json_edit(_JsonElement):
    """``document`` with values appended to arrays and set at paths.

    ``edits`` are ``(operation, path, kind, value)`` with operation ``"append"`` (to the
    array at ``path``) or ``"set"`` (members are created if missing); appends come first.
    """

    inherit_cache = False

    def __init__(self, document: ColumnElement[Any], edits: list[Edit]) -> None:
        self.document = document
        self.edits = sorted(
            ((op, _checked(path), kind, _value(v)) for op, path, kind, v in edits),
            key=lambda edit: edit[0] != "append",
        )

    def of(self, operation: str) -> list[tuple[Path, Kind, Any]]:
        return [(path, kind, value) for op, path, kind, value in self.edits if op == operation]


# --- SQLite (documents are JSON text) ------------------------------------------------------------


@compiles(json_template, "sqlite")
def _template_sqlite(element: json_template, compiler: SQLCompiler, **kw: Any) -> str:
    return element.replaced(compiler, "json_quote({})", **kw)  # JSON text, stored as it is


@compiles(json_edit, "sqlite")
def _edit_sqlite(element: json_edit, compiler: SQLCompiler, **kw: Any) -> str:
    pairs = ", ".join(
        f"{_dollar(path, append=op == 'append')}, "
        + (f"json({sql})" if kind == "json" else sql)  # json(): a value, not a string
        for op, path, kind, value in element.edits
        for sql in [compiler.process(value, **kw)]
    )  # one json_set: '[#]' appends
    return f"json_set({compiler.process(element.document, **kw)}, {pairs})"


# --- PostgreSQL (documents are jsonb) ------------------------------------------------------------


@compiles(json_template, "postgresql")
def _template_pg(element: json_template, compiler: SQLCompiler, **kw: Any) -> str:
    quote = "CAST(to_jsonb(CAST({} AS TEXT)) AS TEXT)"
    return f"CAST({element.replaced(compiler, quote, **kw)} AS JSONB)"


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
        if op == "append":  # after the last element, which also appends to an empty array
            sql = f"jsonb_insert({sql}, {_braces(path, append=True)}, {operand}, true)"
        else:
            sql = f"jsonb_set({sql}, {_braces(path)}, {operand})"
    return sql


# --- MariaDB and MySQL (documents are JSON text) -------------------------------------------------


@compiles(json_template, "mysql")
@compiles(json_template, "mariadb")
def _template_mysql(element: json_template, compiler: SQLCompiler, **kw: Any) -> str:
    # JSON_EXTRACT(..., '$') hands the value on as JSON, not as a string to quote again.
    return f"JSON_EXTRACT({element.replaced(compiler, 'JSON_QUOTE({})', **kw)}, '$')"


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
