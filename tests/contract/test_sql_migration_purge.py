"""Revision 0003 on a database with record files: each file learns when it is due for purge."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from contract_databases import SQL_STORES, scratch
from contract_scenario import MONDAY

from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.types import Document, Key, UtcDateTime


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_fills_when_each_file_is_due(backend: str, tmp_path: Path) -> None:
    expires = MONDAY + timedelta(days=30)
    rows = {  # id: (expires_at, holds, erased_at) as revision 0002 stored them
        "request:due": (expires, 0, None),
        "request:held": (expires, 1, None),
        "request:erased": (expires, 0, expires),
        "request:open": (None, 0, None),
    }
    with scratch(backend, "purge-due", tmp_path) as url:
        upgrade(url, "0002")
        old = sa.table(
            "record_files",
            sa.column("id", Key()),
            sa.column("version", sa.Integer()),
            sa.column("document", Document()),
            sa.column("expires_at", UtcDateTime()),
            sa.column("holds", sa.Integer()),
            sa.column("erased_at", UtcDateTime()),
        )
        engine = make_engine(url)
        with engine.begin() as connection:
            for file_id, (expires_at, holds, erased_at) in rows.items():
                values = {"expires_at": expires_at, "holds": holds, "erased_at": erased_at}
                connection.execute(
                    sa.insert(old).values(id=file_id, version=1, document={}, **values)
                )
        engine.dispose()

        upgrade(url)
        with SqlStore(url, migrate=False) as store, store.engine.connect() as connection:
            found = dict(
                connection.execute(sa.text("SELECT id, purge_due FROM record_files")).all()
            )
        due = found.pop("request:due")
        assert due is not None
        assert set(found.values()) == {None}
