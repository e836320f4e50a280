"""Revision 0006 on a database with an audit trail: the head row starts at its last record,
and the next command chains on it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_databases import SQL_STORES, scratch
from contract_scenario import Clock, desk, published_item

from servicedesk.adapters.sql import SqlStore, metadata, upgrade

LATER_TABLES = sorted(name for name in metadata.tables if name.startswith("hall_"))


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_starts_the_head_at_the_last_record(backend: str, tmp_path: Path) -> None:
    with scratch(backend, "audit-head", tmp_path) as url:
        with SqlStore(url) as store:
            d = desk(store, Clock())
            published_item(d)
            last = d.records.trail()[-1]
            with store.engine.begin() as connection:  # as the desk was before revision 0006
                connection.execute(sa.text("DROP TABLE audit_head"))
                for later in LATER_TABLES:  # those of the revisions after 0006
                    connection.execute(sa.text(f"DROP TABLE {later}"))
                connection.execute(sa.text("UPDATE alembic_version SET version_num = '0005'"))
        upgrade(url)
        with SqlStore(url, migrate=False) as store:
            with store.engine.connect() as connection:
                head = connection.execute(sa.text("SELECT id, seq, hash FROM audit_head")).all()
            assert [tuple(row) for row in head] == [(1, last.seq, last.hash)]
            d = desk(store, Clock())
            published_item(d, "drain")
            assert d.records.verify().ok
            assert d.records.trail()[-1].seq == last.seq + 3
