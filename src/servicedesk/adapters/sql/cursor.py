"""A command's fixed statements on the driver's cursor: compiled once, converted by column type.

Every command runs the same handful of statement shapes: an aggregate by id,
whether an id is taken, an ``INSERT``, the versioned ``UPDATE``, the audit
chain's head.  Through ``Connection.execute`` SQLAlchemy spends more Python on
each (parameter construction, execution context, result metadata) than SQLite
spends running it.  SQLAlchemy still does what it does well: it compiles each
shape for the dialect (once per column set) and its column types give the
conversions (``dialect_impl(...).bind_processor`` and ``result_processor``,
the same ones ``execute`` applies); only the run goes straight to the DBAPI
cursor of the unit of work's connection.

Errors stay what the store expects: a driver error is wrapped as SQLAlchemy's
``DBAPIError`` (so ``engine.translate`` types it), and a connection the
dialect recognises as dropped is invalidated first, so the pool replaces it
and the unit of work's reconnect-once logic sees ``connection_invalidated``.
Only statements built once (``fixed_statements.py``) come here: the compiled
forms are kept per statement object.  An engine with execution listeners (tracing,
the tests' statement counts) is given every statement through SQLAlchemy.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Dialect

Processor = Callable[[Any], Any] | None
R = TypeVar("R", bound=tuple[Any, ...])


@attrs.frozen
class Compiled:
    """One statement as the driver takes it, with the conversions of its values."""

    sql: str
    names: tuple[str, ...]  # the parameters, in the order the driver wants them
    placeholders: tuple[str, ...]  # their names in the SQL (named paramstyles)
    positional: bool
    binds: tuple[Processor, ...]
    defaults: dict[str, Any]  # values compiled into the statement (a LIMIT)
    row: Any  # a namedtuple class of the selected columns, or None
    results: tuple[Processor, ...]  # per selected column; () when none converts
    #: ``names`` with ``binds``: what ``parameters`` walks for every row.
    steps: tuple[tuple[str, Processor], ...] = attrs.field(init=False)
    #: The selected columns that convert, by position, with their conversion.
    converting: tuple[tuple[int, Callable[[Any], Any]], ...] = attrs.field(init=False)

    @steps.default
    def _steps(self) -> tuple[tuple[str, Processor], ...]:
        return tuple(zip(self.names, self.binds, strict=True))

    @converting.default
    def _converting(self) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
        return tuple((i, p) for i, p in enumerate(self.results) if p is not None)


def _row_type(names: list[str]) -> Any:
    """Rows whose values are read by column name, as SQLAlchemy's are (``row.document``)."""
    return namedtuple("Row", names)


def listened(engine: sa.Engine) -> bool:
    """Whether anyone listens to the engine's statements (they would miss ours)."""
    d = engine.dispatch
    return bool(
        d.before_execute or d.after_execute or d.before_cursor_execute or d.after_cursor_execute
    )


def compile_for(statement: sa.Executable, dialect: Dialect, keys: Sequence[str]) -> Compiled:
    """Compile ``statement`` for ``dialect``; ``keys`` name the columns an INSERT/UPDATE sets."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))  # type: ignore[attr-defined]
    sql = compiled.string
    if "POSTCOMPILE" in sql:  # pragma: no cover - an expanding IN has no fixed form
        raise ValueError(f"not a fixed statement: {sql}")
    binds = compiled.binds
    names = tuple(compiled.positiontup) if compiled.positional else tuple(binds)
    escaped = compiled.escaped_bind_names or {}
    row: Any = None
    results: tuple[Processor, ...] = ()
    if isinstance(statement, sa.Select):
        selected = statement.selected_columns
        row = _row_type([str(c.key) for c in selected])
        processors = [
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in selected
        ]
        results = tuple(processors) if any(processors) else ()  # () when rows need none
    return Compiled(
        sql=sql,
        names=names,
        placeholders=tuple(escaped.get(n, n) for n in names),
        positional=compiled.positional,
        binds=tuple(binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names),
        defaults={n: b.effective_value for n, b in binds.items() if not b.required},
        row=row,
        results=results,
    )


def tuple_maker(row: type[R]) -> Callable[[Iterable[Any]], R]:
    """What makes a ``row`` (a named tuple) of a statement's columns, in C: by
    ``tuple.__new__``, without the length check of ``_make`` (the statement fixes it)."""
    return functools.partial(tuple.__new__, row)


class Rows:
    """What a run returned: the rows (attributes by column name) and the rows changed."""

    __slots__ = ("rowcount", "rows")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def first(self) -> Any:
        return self.rows[0] if self.rows else None

    def __iter__(self) -> Any:
        return iter(self.rows)


def parameters(compiled: Compiled, values: dict[str, Any]) -> Any:
    """One row of parameters, converted, in the driver's form."""
    if compiled.defaults:
        values = {**compiled.defaults, **values}
    converted = [
        values[name] if process is None else process(values[name])
        for name, process in compiled.steps
    ]
    if compiled.positional:
        return converted
    return dict(zip(compiled.placeholders, converted, strict=True))


def run(
    connection: sa.Connection, cursor: Any, compiled: Compiled, values: dict[str, Any] | list[Any]
) -> Rows:
    """Run ``compiled`` with one row of values (or many, for an INSERT) on ``cursor``."""
    many = isinstance(values, list)
    driver = (
        [parameters(compiled, v) for v in values] if many else parameters(compiled, values)  # type: ignore[arg-type]
    )
    try:
        if many:
            cursor.executemany(compiled.sql, driver)
        else:
            cursor.execute(compiled.sql, driver)
        rows = cursor.fetchall() if compiled.row is not None else []
    except connection.dialect.loaded_dbapi.Error as error:
        dialect = connection.dialect
        dropped = dialect.is_disconnect(error, connection.connection.dbapi_connection, cursor)
        if dropped:
            connection.invalidate(error)
        raise sa.exc.DBAPIError.instance(
            compiled.sql,
            driver,
            error,
            dialect.loaded_dbapi.Error,
            connection_invalidated=dropped,
            dialect=dialect,
        ) from error
    if compiled.row is not None:
        rows = _named(rows, compiled.row, compiled.converting)
    return Rows(rows, cursor.rowcount)


def _named(
    rows: list[Any], row: Any, converting: tuple[tuple[int, Callable[[Any], Any]], ...]
) -> list[Any]:
    """``rows`` as ``row`` tuples, each column that converts converted.

    Column by column: one ``map`` a converting column, no list built per row.
    """
    make = tuple_maker(row)
    if not converting or not rows:
        return list(map(make, rows))
    columns: list[Any] = list(zip(*rows, strict=True))
    for i, process in converting:
        columns[i] = map(process, columns[i])
    return list(map(make, zip(*columns, strict=True)))
