"""The planner's statistics are refreshed after migrations and after big bulk writes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_close import build_books
from contract_databases import SQL_STORES, scratch

from servicedesk.adapters.sql import SqlStore, statistics, upgrade
from servicedesk.adapters.sql import tables as t
from servicedesk.app.billing.commands import CloseMonth


def _analysed(connection: sa.Connection, table: str) -> int:
    """How often ``table`` has been analysed, as far as the database tells."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        query = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = :t"
    elif dialect == "postgresql":
        query = "SELECT coalesce(max(analyze_count), 0) FROM pg_stat_user_tables WHERE relname = :t"
    else:  # MariaDB keeps no count: the ANALYZE TABLE statements seen are counted instead
        return sum(table in statement for statement in _SEEN if "ANALYZE TABLE" in statement)
    return int(connection.execute(sa.text(query), {"t": table}).scalar_one())


_SEEN: list[str] = []


@pytest.fixture(autouse=True)
def _statements_seen(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every statement any engine runs, and no warning that a refresh failed."""

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        _SEEN.append(statement)

    _SEEN.clear()
    sa.event.listen(sa.Engine, "before_cursor_execute", seen)
    try:
        yield
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", seen)
    assert not [r for r in caplog.records if "statistics" in r.getMessage()]


def _eventually(url: sa.URL, table: str, above: int) -> int:
    """PostgreSQL's statistics views catch up a moment after the ANALYZE: poll, bounded."""
    engine = sa.create_engine(url)
    try:
        for _attempt in range(50):
            with engine.connect() as connection:
                found = _analysed(connection, table)
            if found > above:
                return found
            time.sleep(0.1)
        return found
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", SQL_STORES)
def test_an_upgrade_analyses_our_tables(backend: str, tmp_path: Path) -> None:
    with scratch(backend, "stats", tmp_path) as url:
        upgrade(url)
        if backend == "sqlite":
            engine = sa.create_engine(url)
            with engine.connect() as connection:
                names = connection.exec_driver_sql("SELECT name FROM sqlite_master").scalars()
                assert "sqlite_stat1" in set(names)
            engine.dispose()
        else:
            assert _eventually(url, "service_requests", 0) >= 1
            assert _eventually(url, "statements", 0) >= 1


def test_the_statements_name_every_table_once() -> None:
    assert statistics.statements("postgresql", ["events", "charges", "events"]) == [
        'ANALYZE "charges", "events"'
    ]
    assert statistics.statements("mariadb", ["events"]) == ["ANALYZE TABLE `events`"]
    assert statistics.statements("sqlite", [])[:1] == []
    assert statistics.big_writes({"events": statistics.BIG_WRITE, "charges": 1}) == ["events"]


@pytest.mark.parametrize("backend", SQL_STORES)
def test_a_bulk_close_refreshes_the_statistics_after_its_commit(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statistics, "BIG_WRITE", 1)  # the few rows of a test count as big
    books = [
        {"tenant": False, "agreement": None, "credit": False, "charges": [([], "confirmed", False)]}
    ]
    with scratch(backend, "stats_close", tmp_path) as url:
        upgrade(url)
        store = SqlStore(url, migrate=False)
        try:
            d, _clock = build_books(store, books)
            with store.engine.connect() as connection:
                if backend == "sqlite":  # forget what the upgrade found, to see it found again
                    connection.exec_driver_sql("DELETE FROM sqlite_stat1")
                    connection.commit()
                before = _analysed(connection, t.statements.table.name)
            d.handle(CloseMonth(period="2026-03"))
            assert _eventually(url, t.statements.table.name, before) > before
        finally:
            store.close()
