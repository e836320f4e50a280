"""Connecting: URLs, engines per database kind, and driver errors made typed.

A user names a store by a file path (SQLite) or a URL; everything the driver
can throw at us on the way is turned into a ``ServiceDeskError`` whose
message says what to do, with the driver's own error chained for developers.

SQLite engines use servicedesk's own pysqlite dialect (``sqlite.py``: WAL,
foreign keys, ``BEGIN IMMEDIATE``), with the busy timeout passed to the driver.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from servicedesk.adapters.sql import sqlite
from servicedesk.domain.errors import (
    ConcurrencyConflict,
    ServiceDeskError,
    StoreBusy,
    StoreConfigurationError,
    StoreError,
    StoreUnavailable,
)
from servicedesk.i18n import _

#: The drivers servicedesk is tested with, and the extra that installs each.
DRIVERS = {
    "sqlite": ("pysqlite", None),
    "postgresql": ("psycopg", "postgresql"),
    "mysql": ("pymysql", "mysql"),
    "mariadb": ("pymysql", "mysql"),
}
SERVER_CONNECT_TIMEOUT = 5  # seconds to wait for a server that does not answer


def to_url(target: str | os.PathLike[str] | URL) -> URL:
    """A URL from a URL or a plain file path (an SQLite file)."""
    if isinstance(target, URL):
        url = target
    elif isinstance(target, os.PathLike) or "://" not in str(target):
        if not os.fspath(target).strip() or os.fspath(target) == ":memory:":
            raise StoreConfigurationError(
                _("Name a database file; for a store in memory use MemoryStore.")
            )
        path = Path(os.fspath(target)).expanduser().absolute()
        return URL.create("sqlite+pysqlite", database=str(path))
    else:
        try:
            url = sa.make_url(str(target))
        except (sa.exc.ArgumentError, ValueError) as error:
            raise StoreConfigurationError(
                _("{target!r} is not a database URL or file path."), target=str(target)
            ) from error
    backend = url.get_backend_name()
    if backend not in DRIVERS:
        raise StoreConfigurationError(
            _("servicedesk stores data in SQLite, PostgreSQL or MySQL/MariaDB, not {backend}."),
            backend=backend,
        )
    driver, _extra = DRIVERS[backend]
    if url.get_driver_name() != driver and "+" in url.drivername:
        raise StoreConfigurationError(
            _("Use the {driver} driver for {backend} ({backend}+{driver}://...)."),
            driver=driver,
            backend=backend,
        )
    url = url.set(drivername=f"{backend}+{driver}")
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise StoreConfigurationError(
            _("Name a database file; for a store in memory use MemoryStore.")
        )
    return url


def describe(url: URL) -> str:
    """The URL without its password, fit for messages and logs, with the driver users name."""
    backend = url.get_backend_name()
    if backend in DRIVERS:
        url = url.set(drivername=f"{backend}+{DRIVERS[backend][0]}")
    return url.render_as_string(hide_password=True)


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: URL, *, busy_timeout: float = 30.0, reader: bool = False) -> Engine:
    """An engine for ``url``; ``reader`` makes SQLite's transactions begin deferred (reads only)."""
    backend = url.get_backend_name()
    # orjson: documents are most of what a command writes and reads
    options: dict[str, Any] = {"json_serializer": _dumps, "json_deserializer": orjson.loads}
    if backend == "sqlite":
        options["connect_args"] = {"timeout": busy_timeout}
        sqlite.register()
        url = url.set(drivername=f"sqlite+{sqlite.READER if reader else sqlite.DRIVER}")
    else:
        options["isolation_level"] = "READ COMMITTED"
        options["connect_args"] = {"connect_timeout": SERVER_CONNECT_TIMEOUT}
        if backend in ("mysql", "mariadb"):
            options["pool_recycle"] = 3600
            if "charset" not in url.query:
                url = url.update_query_dict({"charset": "utf8mb4"})
    try:
        engine = sa.create_engine(url, **options)
    except ImportError as error:
        _driver, extra = DRIVERS[backend]
        raise StoreConfigurationError(
            _(
                "The database driver for {backend} is not installed: "
                "pip install 'servicedesk[{extra}]'."
            ),
            backend=backend,
            extra=extra,
        ) from error
    if isinstance(engine.dialect, sqlite.ServiceDeskSQLite):
        engine.dialect.busy_timeout = busy_timeout
    return engine


def use_schema(connection: sa.Connection, schema: str) -> None:
    """Our tables, named without schema, in ``schema`` for the rest of this transaction.

    ``SET LOCAL`` ends with the transaction, so a pooled connection the host's
    own code takes next sees its own ``search_path``; temporary tables still go
    to the session's own temporary schema.
    """
    quoted = connection.dialect.identifier_preparer.quote_identifier(schema)
    connection.exec_driver_sql(f"SET LOCAL search_path TO {quoted}")


def host_engine(engine: Engine) -> Engine:
    """The host's engine, its pool shared, with the isolation every unit of work expects."""
    return engine.execution_options(isolation_level="READ COMMITTED")


# --- driver errors -> typed errors ---------------------------------------------------------------

_PG_CONFLICT = {"40001", "40P01", "55P03", "23505"}
_MYSQL_CONFLICT = {1213, 1205, 1062}
_MYSQL_UNREACHABLE = {1044, 1045, 1049, 2002, 2003, 2005, 2006, 2013}


def translate(error: BaseException, url: URL) -> ServiceDeskError:
    """The typed error for a driver error; its message names the database, never data."""
    if isinstance(error, ServiceDeskError):
        return error
    original = getattr(error, "orig", None)
    if isinstance(original, ServiceDeskError):  # raised by a column type, e.g. an inexact amount
        return original
    where = describe(url)
    if isinstance(error, sa.exc.TimeoutError):
        return StoreBusy(_("Every connection to {where} is in use; try again."), where=where)
    backend = url.get_backend_name()
    if isinstance(original, sqlite3.Error):
        return _sqlite(original, error, where)
    sqlstate = getattr(original, "sqlstate", None)
    if backend == "postgresql" and original is not None:
        if sqlstate in _PG_CONFLICT:
            return _conflict(where)
        if sqlstate is None or sqlstate.startswith(("08", "28", "3D", "57P")):
            return _unreachable(where)
    code = original.args[0] if original is not None and original.args else None
    if backend in ("mysql", "mariadb") and isinstance(code, int):
        if code in _MYSQL_CONFLICT:
            return _conflict(where)
        if code in _MYSQL_UNREACHABLE:
            return _unreachable(where)
    if isinstance(error, sa.exc.IntegrityError):
        return _conflict(where)
    kind = type(original if original is not None else error).__name__
    return StoreError(
        _("The database {where} refused the operation ({kind})."), where=where, kind=kind
    )


def _sqlite(original: sqlite3.Error, error: BaseException, where: str) -> ServiceDeskError:
    code = getattr(original, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreBusy(
            _("The database {where} is busy with another writer; try again."), where=where
        )
    if primary in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_READONLY):
        return StoreUnavailable(
            _("The database file {where} cannot be opened for writing."), where=where
        )
    if primary == sqlite3.SQLITE_NOTADB:
        return StoreUnavailable(_("The file {where} is not an SQLite database."), where=where)
    if isinstance(original, sqlite3.IntegrityError):
        return _conflict(where)
    return StoreError(
        _("The database {where} refused the operation ({kind})."),
        where=where,
        kind=type(original).__name__,
    )


def _conflict(where: str) -> ConcurrencyConflict:
    return ConcurrencyConflict(
        _("Someone else changed the same records in {where} at the same time; try again."),
        where=where,
    )


def _unreachable(where: str) -> StoreUnavailable:
    return StoreUnavailable(
        _(
            "Cannot reach the database {where}: is the server running, "
            "and do the address, user, password and database name match?"
        ),
        where=where,
    )
