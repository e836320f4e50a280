"""Migrations: upgrading step by step builds exactly the declared schema."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from contract_databases import SQL_STORES, scratch

from servicedesk.adapters.sql import SqlStore, head, metadata, migrate, open_store, upgrade
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.types import Document, Fen, Key, UtcDateTime
from servicedesk.domain.errors import SchemaVersionError

FIRST = "0001"


def reflect(url: sa.URL) -> dict[str, Any]:
    """Everything about the schema that a migration could get wrong, comparable."""
    engine = make_engine(url)
    try:
        inspector = sa.inspect(engine)
        schema: dict[str, Any] = {}
        for table in sorted(inspector.get_table_names()):
            schema[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], c.get("autoincrement"))
                    for c in inspector.get_columns(table)
                ],
                "pk": inspector.get_pk_constraint(table)["constrained_columns"],
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                ),
                "foreign_keys": sorted(str(f) for f in inspector.get_foreign_keys(table)),
                "unique": sorted(str(u) for u in inspector.get_unique_constraints(table)),
            }
        return schema
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_from_the_first_migration_equals_creating_fresh(
    backend: str, tmp_path: Path
) -> None:
    with (
        scratch(backend, "steps", tmp_path) as stepped,
        scratch(backend, "fresh", tmp_path) as fresh,
    ):
        upgrade(stepped, FIRST)
        upgrade(stepped)
        engine = make_engine(fresh)
        with engine.begin() as connection:
            metadata.create_all(connection)
            command.stamp(migrate.config(connection), "head")
        engine.dispose()
        a, b = reflect(stepped), reflect(fresh)
        assert set(a) == {t.name for t in metadata.sorted_tables} | {"alembic_version"}
        assert a == b
        engine = make_engine(stepped)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
            assert migrate.current(connection) == head()
        engine.dispose()


def _stamp(url: sa.URL, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    engine.dispose()


@pytest.mark.parametrize("backend", SQL_STORES)
def test_a_database_of_a_newer_schema_is_refused_and_left_alone(
    backend: str, tmp_path: Path
) -> None:
    with scratch(backend, "newer", tmp_path) as url:
        upgrade(url)
        _stamp(url, "9999_from_the_future")
        with pytest.raises(SchemaVersionError, match="newer than this servicedesk knows"):
            SqlStore(url)
        with pytest.raises(SchemaVersionError):
            upgrade(url)
        with pytest.raises(SchemaVersionError):
            SqlStore(url, migrate=False)
        schema = reflect(url)
        assert "service_requests" in schema
        engine = make_engine(url)
        with engine.connect() as connection:
            assert migrate.current(connection) == "9999_from_the_future"
        engine.dispose()


@pytest.mark.parametrize("backend", SQL_STORES)
def test_without_migrate_an_older_database_is_refused_with_what_to_run(
    backend: str, tmp_path: Path
) -> None:
    with scratch(backend, "older", tmp_path) as url:
        with pytest.raises(SchemaVersionError, match=r"run servicedesk.adapters.sql.upgrade"):
            SqlStore(url, migrate=False)
        assert reflect(url) == {}  # refused means untouched
        with SqlStore(url) as store, store.unit_of_work() as uow:  # migrate=True: to head
            assert uow.workers.list() == []
        SqlStore(url, migrate=False).close()


def test_a_file_path_is_all_an_embedded_user_gives(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    store = open_store(path)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    store.close()
    assert path.exists()
    assert open_store(str(path)).url.database == str(path)


def test_the_revisions_known_without_alembic_are_the_shipped_ones() -> None:
    scripts = ScriptDirectory.from_config(migrate.config())
    shipped = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert list(migrate.REVISIONS) == shipped
    assert head() == scripts.get_current_head()


def test_a_new_revision_for_a_new_table_uses_the_type_factories(tmp_path: Path) -> None:
    directory = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, directory, ignore=shutil.ignore_patterns("__pycache__"))
    table = sa.Table(
        "sd_probe_charges",
        metadata,
        sa.Column("id", Key(), primary_key=True),
        sa.Column("document", Document(), nullable=False),
        sa.Column("total", Fen(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Index(None, "at"),
    )
    try:
        path = migrate.new_revision("probe charges", directory)
        text = path.read_text()
        assert path.name == f"{int(migrate.REVISIONS[-1]) + 1:04d}_probe_charges.py"
        for factory in ("Key()", "Document()", "Fen()", "UtcDateTime()"):
            assert factory in text
        assert "with_variant" not in text
        assert "op.create_index" in text
        engine = make_engine(sa.make_url(f"sqlite:///{tmp_path / 'new.db'}"))
        with engine.begin() as connection:
            command.upgrade(migrate.config(connection, directory), "head")
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
        engine.dispose()
    finally:
        metadata.remove(table)
