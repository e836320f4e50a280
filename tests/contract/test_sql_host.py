"""servicedesk inside a host system's database: its engine, its schema, its own Alembic history."""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from contract_databases import SQL_STORES, scratch
from contract_scenario import Clock, desk, published_item

from servicedesk.adapters.sql import SqlStore, migrate
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.domain.errors import StoreConfigurationError

ENV = """
from alembic import context

def run(connection):
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()

run(context.config.attributes["connection"])
"""

REVISION = """
from alembic import op
import sqlalchemy as sa

revision = "{revision}"
down_revision = {down!r}
branch_labels = None
depends_on = None

def upgrade():
    op.create_table("{table}", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("note", sa.String(50)))

def downgrade():
    op.drop_table("{table}")
"""


def host_history(tmp_path: Path, tables: tuple[str, str]) -> Path:
    """A host application's own Alembic environment: one table, then another."""
    scripts = tmp_path / "host_migrations"
    (scripts / "versions").mkdir(parents=True)
    (scripts / "env.py").write_text(textwrap.dedent(ENV))
    (scripts / "script.py.mako").write_text("")
    first, second = tables
    for revision, down, table in (("host_1", None, first), ("host_2", "host_1", second)):
        text = REVISION.format(revision=revision, down=down, table=table)
        (scripts / "versions" / f"{revision}.py").write_text(textwrap.dedent(text))
    return scripts


def host_upgrade(engine: sa.Engine, scripts: Path, revision: str) -> None:
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(scripts))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def host_revision(engine: sa.Engine) -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
        return [row[0] for row in rows]


@pytest.mark.parametrize("backend", SQL_STORES)
def test_a_host_database_keeps_its_own_alembic_history_beside_ours(
    backend: str, tmp_path: Path
) -> None:
    # On PostgreSQL the host's own events and accounts sit beside ours, in another schema;
    # elsewhere servicedesk needs a database of its own or table names that do not clash.
    tables = ("events", "accounts") if backend == "postgresql" else ("orders", "ledgers")
    scripts = host_history(tmp_path, tables)
    with scratch(backend, "host", tmp_path) as url:
        engine = make_engine(url)
        host_upgrade(engine, scripts, "host_1")
        schema = "servicedesk" if backend == "postgresql" else None
        with SqlStore(engine, schema=schema) as store:
            d = desk(store, Clock())
            published_item(d)
            assert d.records.verify().ok
        host_upgrade(engine, scripts, "host_2")
        assert host_revision(engine) == ["host_2"], "the host's history is its own"
        with engine.connect() as connection:
            assert migrate.current(connection, schema) == migrate.head()
            count = sa.text(f"SELECT count(*) FROM {tables[1]}")
            assert connection.execute(count).scalar() == 0, "the host's table, not ours"
        engine.dispose()


# An SQLite file gets engines of its own: nothing of the host's is shared there.
@pytest.mark.parametrize("sql_store", ["postgresql", "mariadb"], indirect=True)
def test_a_host_engine_is_shared_not_disposed(sql_store: SqlStore) -> None:
    engine = make_engine(sql_store.url)
    with SqlStore(engine, migrate=False) as store:
        published_item(desk(store, Clock()))
        assert store.engine.pool is engine.pool
    with engine.connect() as connection:  # the host's pool still works after our close
        assert connection.execute(sa.text("SELECT 1")).scalar() == 1
    engine.dispose()


@pytest.mark.parametrize("backend", SQL_STORES)
def test_a_desk_stamped_in_the_shared_version_table_moves_to_its_own(
    backend: str, tmp_path: Path
) -> None:
    with scratch(backend, "legacy", tmp_path) as url:
        with SqlStore(url):
            pass
        engine = make_engine(url)
        with engine.begin() as connection:  # as a desk stamped itself before it had a table
            connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            connection.execute(
                sa.text(
                    f"INSERT INTO alembic_version SELECT version_num FROM {migrate.VERSION_TABLE}"
                )
            )
            connection.execute(sa.text(f"DROP TABLE {migrate.VERSION_TABLE}"))
        with SqlStore(url):
            pass
        with engine.connect() as connection:
            assert migrate.current(connection) == migrate.head()
            assert not sa.inspect(connection).has_table("alembic_version")
        engine.dispose()


@pytest.mark.parametrize("sql_store", ["sqlite", "mariadb"], indirect=True)
def test_a_schema_is_refused_where_a_database_is_the_schema(sql_store: SqlStore) -> None:
    with pytest.raises(StoreConfigurationError, match="database of its own"):
        SqlStore(sql_store.url, schema="servicedesk")


def test_statements_show_in_sqlalchemys_log(
    sql_store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="sqlalchemy.engine.Engine"):
        published_item(desk(sql_store, Clock()))
    assert any("INSERT INTO service_items" in r.getMessage() for r in caplog.records)
