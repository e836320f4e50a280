"""JSON built inside SQL, for the month close in bulk: one construct, one spelling per database.

SQLite, PostgreSQL and MySQL/MariaDB each build and read JSON with their own
functions.  The close writes statement and event documents with them, so that
the database, not Python, builds a million lines; each construct here compiles
to the database's own function and escapes every value as JSON itself (so any
id is safe).  Values that are strings in Python are bound as text: PostgreSQL
cannot guess the type of a bare parameter given to ``jsonb_build_object``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from servicedesk.adapters.sql.bulk.json_paths import dollar
from servicedesk.adapters.sql.types import Document

MYSQL = ("mysql", "mariadb")


def text(value: str) -> sa.ColumnElement[str]:
    """A string parameter every database knows to be text, also inside JSON functions."""
    return sa.cast(sa.literal(value, sa.String()), sa.String())


class json_object(FunctionElement[Any]):
    """``{key: value, ...}``; a NULL value is JSON null, keys are fixed field names.

    The keys are written into the SQL, not bound, so the statement is not cached
    (``inherit_cache = False``): the close compiles it once per run, which is nothing.
    """

    type = Document()
    inherit_cache = False

    def __init__(self, fields: dict[str, Any]) -> None:
        self.keys = tuple(_field(key) for key in fields)
        super().__init__(*fields.values())


class json_array_agg(FunctionElement[Any]):
    """The JSON array of the group's values, in the order of ``order_by``.

    SQLite before 3.44 has no ORDER BY inside an aggregate: there the values come
    in the order of the rows it groups, so the caller groups a subquery sorted
    the same way (which SQLite reads in its order instead of sorting again).
    """

    type = Document()
    inherit_cache = True

    def __init__(self, value: Any, *order_by: Any) -> None:
        self.order_by = order_by
        super().__init__(value, *order_by)


class json_get(FunctionElement[Any]):
    """The JSON value at ``document.key.key...``, to put inside another JSON value."""

    type = Document()
    inherit_cache = False  # the path is written into the SQL

    def __init__(self, document: Any, *path: str) -> None:
        self.path = tuple(_field(key) for key in path)
        super().__init__(document)


class json_text(FunctionElement[str]):
    """The string at ``document.key.key...`` as SQL text (no JSON quotes)."""

    type = sa.String()
    inherit_cache = False  # the path is written into the SQL

    def __init__(self, document: Any, *path: str) -> None:
        self.path = tuple(_field(key) for key in path)
        super().__init__(document)


class json_set(FunctionElement[Any]):
    """``document`` with each top-level field of ``fields`` set to its SQL value."""

    type = Document()
    inherit_cache = False  # the keys are written into the SQL

    def __init__(self, document: Any, fields: dict[str, Any]) -> None:
        self.keys = tuple(_field(key) for key in fields)
        super().__init__(document, *fields.values())


class json_parsed(FunctionElement[Any]):
    """A JSON value read from a subquery's column, to put inside another JSON value.

    SQLite and MariaDB know a value is JSON only while it comes straight from a JSON
    function; through a subquery it is text again and would be embedded as a string.
    """

    type = Document()
    inherit_cache = True


class json_empty_array(FunctionElement[Any]):
    type = Document()
    inherit_cache = True


class fen_text(FunctionElement[str]):
    """An integer number of fen as Python writes the Decimal: ``-12.34``, ``0.05``, ``0.00``."""

    type = sa.String()
    inherit_cache = True


def _field(key: str) -> str:
    """A field name, written into SQL as it is: never data, so only plain names pass."""
    if not (isinstance(key, str) and key.isidentifier()):
        raise ValueError(f"not a field name: {key!r}")
    return key


def _args(compiler: SQLCompiler, element: FunctionElement[Any], **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


# --- json_object ---------------------------------------------------------------------------------


def _object_args(keys: tuple[str, ...], values: list[str], prefix: str = "") -> str:
    return ", ".join(f"'{prefix}{k}', {v}" for k, v in zip(keys, values, strict=True))


@compiles(json_object, "sqlite")
def _object_sqlite(element: json_object, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_object({_object_args(element.keys, _args(compiler, element, **kw))})"


@compiles(json_object, "postgresql")
def _object_pg(element: json_object, compiler: SQLCompiler, **kw: Any) -> str:
    return f"jsonb_build_object({_object_args(element.keys, _args(compiler, element, **kw))})"


@compiles(json_object, *MYSQL)
def _object_mysql(element: json_object, compiler: SQLCompiler, **kw: Any) -> str:
    return f"JSON_OBJECT({_object_args(element.keys, _args(compiler, element, **kw))})"


# --- json_array_agg ------------------------------------------------------------------------------


def _agg_parts(element: json_array_agg, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    value, *order = _args(compiler, element, **kw)
    return value, ", ".join(order)


@compiles(json_array_agg, "sqlite")
def _agg_sqlite(element: json_array_agg, compiler: SQLCompiler, **kw: Any) -> str:
    value, _order = _agg_parts(element, compiler, **kw)
    return f"json_group_array({value})"


@compiles(json_array_agg, "postgresql")
def _agg_pg(element: json_array_agg, compiler: SQLCompiler, **kw: Any) -> str:
    value, order = _agg_parts(element, compiler, **kw)
    return f"jsonb_agg({value} ORDER BY {order})"


@compiles(json_array_agg, *MYSQL)
def _agg_mysql(element: json_array_agg, compiler: SQLCompiler, **kw: Any) -> str:
    value, order = _agg_parts(element, compiler, **kw)
    return f"JSON_ARRAYAGG({value} ORDER BY {order})"


# --- json_get ------------------------------------------------------------------------------------


@compiles(json_get, "sqlite")
def _get_sqlite(element: json_get, compiler: SQLCompiler, **kw: Any) -> str:
    [document] = _args(compiler, element, **kw)
    return f"json_extract({document}, {dollar(element.path)})"


@compiles(json_get, "postgresql")
def _get_pg(element: json_get, compiler: SQLCompiler, **kw: Any) -> str:
    [document] = _args(compiler, element, **kw)
    keys = " -> ".join(f"'{key}'" for key in element.path)
    return f"({document} -> {keys})"


@compiles(json_get, *MYSQL)
def _get_mysql(element: json_get, compiler: SQLCompiler, **kw: Any) -> str:
    [document] = _args(compiler, element, **kw)
    return f"JSON_EXTRACT({document}, {dollar(element.path)})"


@compiles(json_text, "sqlite")
def _text_sqlite(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    [document] = _args(compiler, element, **kw)
    return f"json_extract({document}, {dollar(element.path)})"


@compiles(json_text, "postgresql")
def _text_pg(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    [document] = _args(compiler, element, **kw)
    *head, last = (f"'{key}'" for key in element.path)
    return f"({' -> '.join([document, *head])} ->> {last})"


@compiles(json_text, *MYSQL)
def _text_mysql(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    [document] = _args(compiler, element, **kw)
    return f"JSON_UNQUOTE(JSON_EXTRACT({document}, {dollar(element.path)}))"


# --- json_set ------------------------------------------------------------------------------------


@compiles(json_set, "sqlite")
def _set_sqlite(element: json_set, compiler: SQLCompiler, **kw: Any) -> str:
    document, *values = _args(compiler, element, **kw)
    return f"json_set({document}, {_object_args(element.keys, values, '$.')})"


@compiles(json_set, "postgresql")
def _set_pg(element: json_set, compiler: SQLCompiler, **kw: Any) -> str:
    document, *values = _args(compiler, element, **kw)
    return f"({document} || jsonb_build_object({_object_args(element.keys, values)}))"


@compiles(json_set, *MYSQL)
def _set_mysql(element: json_set, compiler: SQLCompiler, **kw: Any) -> str:
    document, *values = _args(compiler, element, **kw)
    return f"JSON_SET({document}, {_object_args(element.keys, values, '$.')})"


# --- json_parsed ---------------------------------------------------------------------------------


@compiles(json_parsed, "sqlite")
def _parsed_sqlite(element: json_parsed, compiler: SQLCompiler, **kw: Any) -> str:
    [value] = _args(compiler, element, **kw)
    return f"json({value})"


@compiles(json_parsed, "postgresql")
def _parsed_pg(element: json_parsed, compiler: SQLCompiler, **kw: Any) -> str:
    [value] = _args(compiler, element, **kw)
    return value


@compiles(json_parsed, *MYSQL)
def _parsed_mysql(element: json_parsed, compiler: SQLCompiler, **kw: Any) -> str:
    [value] = _args(compiler, element, **kw)
    return f"JSON_EXTRACT({value}, '$')"


# --- json_empty_array ----------------------------------------------------------------------------


@compiles(json_empty_array, "sqlite")
def _empty_sqlite(element: json_empty_array, compiler: SQLCompiler, **kw: Any) -> str:
    return "json_array()"


@compiles(json_empty_array, "postgresql")
def _empty_pg(element: json_empty_array, compiler: SQLCompiler, **kw: Any) -> str:
    return "jsonb_build_array()"


@compiles(json_empty_array, *MYSQL)
def _empty_mysql(element: json_empty_array, compiler: SQLCompiler, **kw: Any) -> str:
    return "JSON_ARRAY()"


# --- fen_text ------------------------------------------------------------------------------------


@compiles(fen_text, "sqlite")
def _fen_sqlite(element: fen_text, compiler: SQLCompiler, **kw: Any) -> str:
    [fen] = _args(compiler, element, **kw)
    return (
        f"printf('%s%d.%02d', CASE WHEN ({fen}) < 0 THEN '-' ELSE '' END,"
        f" abs({fen}) / 100, abs({fen}) % 100)"
    )


@compiles(fen_text, "postgresql")
def _fen_pg(element: fen_text, compiler: SQLCompiler, **kw: Any) -> str:
    [fen] = _args(compiler, element, **kw)
    whole = f"CAST({fen} AS BIGINT)"
    return (
        f"(CASE WHEN {whole} < 0 THEN '-' ELSE '' END || CAST(abs({whole}) / 100 AS TEXT)"
        f" || '.' || lpad(CAST(mod(abs({whole}), 100) AS TEXT), 2, '0'))"
    )


@compiles(fen_text, *MYSQL)
def _fen_mysql(element: fen_text, compiler: SQLCompiler, **kw: Any) -> str:
    [fen] = _args(compiler, element, **kw)
    whole = f"CAST({fen} AS SIGNED)"
    return (
        f"CONCAT(IF({whole} < 0, '-', ''), abs({whole}) DIV 100, '.',"
        f" LPAD(abs({whole}) MOD 100, 2, '0'))"
    )
