"""Schema migrations with Alembic, shipped inside the package.

The revisions live in ``migrations/versions``; ``upgrade(url)`` brings any
database, empty or older, to the newest revision this package knows, in one
transaction where the database allows DDL in transactions (SQLite,
PostgreSQL), serialised between processes by a lock.  A database stamped with
a revision this package does not know was written by a newer servicedesk: it
is refused with ``SchemaVersionError`` and left untouched.

The revision is stamped in a table of our own (``servicedesk_alembic_version``),
so that a host database with its own Alembic history keeps its
``alembic_version``; the revisions carry the branch label ``servicedesk`` for a
host that runs them from its own Alembic environment instead (then our revision
is read from its ``alembic_version``, and the store is opened with ``migrate=False``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from servicedesk.adapters.sql import statistics
from servicedesk.adapters.sql.engine import describe, make_engine, to_url, translate, use_schema
from servicedesk.domain.errors import SchemaVersionError, StoreBusy
from servicedesk.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "servicedesk_alembic_version"
#: Where a desk written before it had a version table of its own stamped its revision,
#: and where a host running our revisions from its own Alembic environment keeps it.
SHARED_VERSION_TABLE = "alembic_version"
LOCK_NAME = "servicedesk_migrate"
LOCK_ID = 0x5E5D_E5C0  # PostgreSQL advisory lock key for migrations

#: Every revision shipped, oldest first, read from the file names (``0002_what.py``
#: holds revision "0002"; a test checks this against Alembic's own history).  Knowing
#: them without importing Alembic keeps opening a store that is at head cheap.
REVISIONS: tuple[str, ...] = tuple(
    sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))
)


def config(
    connection: sa.Connection | None = None,
    directory: Path = MIGRATIONS,
    schema: str | None = None,
) -> Config:
    """An Alembic configuration for the shipped revisions, bound to ``connection``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(directory))
    cfg.attributes["connection"] = connection
    cfg.attributes["schema"] = schema
    return cfg


def head() -> str:
    """The newest schema revision this package knows."""
    return REVISIONS[-1]


def _stamped(connection: sa.Connection, table: str, schema: str | None) -> list[str] | None:
    if not sa.inspect(connection).has_table(table, schema=schema):
        return None
    version = sa.table(table, sa.column("version_num"), schema=schema)
    return sorted(connection.execute(sa.select(version.c.version_num)).scalars())


def current(connection: sa.Connection, schema: str | None = None) -> str | None:
    """The schema revision stamped in the database, None for an empty one.

    Our own version table first; else our revision among the rows of a shared
    ``alembic_version`` (a host's other branches' rows are not ours to judge).
    """
    found = _stamped(connection, VERSION_TABLE, schema)
    if found is None:
        shared = _stamped(connection, SHARED_VERSION_TABLE, schema) or []
        found = [revision for revision in shared if revision in REVISIONS]
    if len(found) > 1:
        raise SchemaVersionError(
            _("The database has several schema revisions ({found}); merge them first."),
            found=", ".join(found),
        )
    return found[0] if found else None


def _known(revision: str | None, url: URL) -> None:
    if revision is not None and revision not in REVISIONS:
        raise SchemaVersionError(
            _(
                "The database {where} has schema revision {revision}, newer than this "
                "servicedesk knows ({head}); upgrade servicedesk to use it."
            ),
            where=describe(url),
            revision=revision,
            head=head(),
        )


@contextmanager
def _connect(engine: Engine) -> Iterator[sa.Connection]:
    try:
        with engine.connect() as connection:
            yield connection
    except (sa.exc.DBAPIError, sa.exc.TimeoutError) as error:
        raise translate(error, engine.url) from error


def _adopt_shared_stamp(connection: sa.Connection, schema: str | None) -> None:
    """Move a revision a desk stamped in ``alembic_version`` alone into our own table."""
    if _stamped(connection, VERSION_TABLE, schema) is not None:
        return
    shared = _stamped(connection, SHARED_VERSION_TABLE, schema)
    if not shared or any(revision not in REVISIONS for revision in shared) or len(shared) != 1:
        return  # nothing of ours, or a host's history kept beside ours: leave it as it is
    version = sa.Table(
        VERSION_TABLE,
        sa.MetaData(),
        sa.Column("version_num", sa.String(32), primary_key=True),
        schema=schema,
    )
    version.create(connection)
    connection.execute(sa.insert(version).values(version_num=shared[0]))
    old = sa.Table(SHARED_VERSION_TABLE, sa.MetaData(), schema=schema)
    old.drop(connection)


def upgrade_engine(engine: Engine, revision: str = "head", schema: str | None = None) -> None:
    """Bring the database behind ``engine`` to ``revision`` (default: the newest).

    ``schema`` (PostgreSQL) is where our tables live; it is created if missing.
    """
    with _connect(engine) as connection:
        backend = connection.dialect.name
        if backend in ("mysql", "mariadb"):  # DDL commits at once there; a session lock
            locked = connection.exec_driver_sql(f"SELECT GET_LOCK('{LOCK_NAME}', 60)").scalar()
            connection.commit()  # the lock belongs to the session, not the transaction
            if locked != 1:
                raise StoreBusy(
                    _("Another process has been migrating {where} for a minute; try again."),
                    where=describe(engine.url),
                )
        migrated = False
        try:
            with connection.begin():
                if backend == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_ID})")
                    if schema is not None:
                        connection.execute(sa.schema.CreateSchema(schema, if_not_exists=True))
                        use_schema(connection, schema)
                _adopt_shared_stamp(connection, schema)
                found = current(connection, schema)
                _known(found, engine.url)
                migrated = found != (head() if revision == "head" else revision)
                if migrated:
                    from alembic import command

                    command.upgrade(config(connection, schema=schema), revision)
            if migrated:  # new tables and rewritten columns: the planner learns them now
                if schema is not None:
                    use_schema(connection, schema)
                statistics.refresh(connection, schema=schema)
        finally:
            if backend in ("mysql", "mariadb"):
                connection.exec_driver_sql(f"SELECT RELEASE_LOCK('{LOCK_NAME}')")
                connection.commit()


def check_schema(engine: Engine, schema: str | None = None) -> None:
    """Refuse a database that is not at the newest revision, saying what to run."""
    with _connect(engine) as connection:
        found = current(connection, schema)
        connection.rollback()
    _known(found, engine.url)
    if found != head():
        raise SchemaVersionError(
            _(
                "The database {where} has schema revision {revision}; this servicedesk needs "
                "{head}: run servicedesk.adapters.sql.upgrade(url) first."
            ),
            where=describe(engine.url),
            revision=found or _("none"),
            head=head(),
        )


def upgrade(target: str | os.PathLike[str] | URL, revision: str = "head") -> None:
    """Create or upgrade the database at ``target`` (a URL or an SQLite file path)."""
    engine = make_engine(to_url(target))
    try:
        upgrade_engine(engine, revision)
    finally:
        engine.dispose()


def new_revision(message: str, directory: Path = MIGRATIONS) -> Path:
    """Write the next revision: what the table declarations add to the newest schema.

    For developers adding an aggregate: declare its table in ``tables.py``, call
    ``new_revision("charges")``, read and commit the file it returns.  The revision
    is computed against an SQLite database at head and calls servicedesk's type
    factories, so it creates the same schema on every database.
    """
    from alembic import command

    versions = directory / "versions"
    # After the newest, not after the count: numbers may have been left free on a branch.
    number = max((int(p.name[:4]) for p in versions.glob("[0-9]*_*.py")), default=0) + 1
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(to_url(Path(tmp) / "head.db"))
        try:
            with engine.begin() as connection:
                command.upgrade(config(connection, directory), "head")
            with engine.begin() as connection:
                script = command.revision(
                    config(connection, directory),
                    message=message,
                    autogenerate=True,
                    rev_id=f"{number:04d}",
                )
        finally:
            engine.dispose()
    assert script is not None
    assert not isinstance(script, list)
    return Path(script.path)
