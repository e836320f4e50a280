"""Revision 0014 on a database at 0011: the enquiries table comes, and goes again on a downgrade."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from contract_databases import SQL_STORES, scratch
from contract_scenario import MONDAY, Clock, desk

from servicedesk import TakeEnquiry
from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.migrate import REVISIONS, config

#: The revision before the enquiries'.
BEFORE = REVISIONS[REVISIONS.index("0014") - 1]


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_to_0014_adds_the_enquiries_and_a_downgrade_takes_them_away(
    backend: str, tmp_path: Path
) -> None:
    with scratch(backend, "enquiries", tmp_path) as url:
        upgrade(url, BEFORE)
        engine = make_engine(url)
        assert "enquiries" not in sa.inspect(engine).get_table_names()
        engine.dispose()
        upgrade(url)
        with SqlStore(url, migrate=False) as store:
            d = desk(store, Clock(MONDAY))
            d.handle(TakeEnquiry(enquiry_id="e-1", kind="suggestion", asker_name="A", question="Q"))
            assert d.enquiries.enquiry("e-1").owner == d.enquiries.enquiry("e-1").taken_by
            columns = {c["name"] for c in sa.inspect(store.engine).get_columns("enquiries")}
        assert {"status", "enquiry_kind", "channel", "owner", "taken_at", "open_due"} <= columns
        with SqlStore(url, migrate=False) as store:
            with store.engine.begin() as connection:
                command.downgrade(config(connection), BEFORE)
            assert "enquiries" not in sa.inspect(store.engine).get_table_names()
