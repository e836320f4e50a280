"""Revisions 0006 and 0007 on a database with an audit trail: the head row starts at its last
record, the events already stored stay unmarked, and the next command chains on it."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa
from alembic import command
from contract_databases import SQL_STORES, scratch
from contract_scenario import Clock, desk, published_item

from servicedesk import convert
from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.adapters.sql.migrate import config
from servicedesk.adapters.sql.tables import audit_records
from servicedesk.domain.audit import GENESIS, AuditRecord


def _as_written_unmarked(connection: sa.Connection) -> AuditRecord:
    """The trail as a desk wrote it before events were marked: no entry, hashes chained anew."""
    a = audit_records.c
    head: AuditRecord | None = None
    for seq, record in connection.execute(sa.select(a.seq, a.record).order_by(a.seq)).all():
        data = json.loads(record) if isinstance(record, str) else dict(record)
        old = convert.structure({**data, "hash": ""}, AuditRecord)
        unsigned = attrs.evolve(old, entry=None, previous=GENESIS if head is None else head.hash)
        head = attrs.evolve(unsigned, hash=unsigned.computed_hash())
        content = convert.unstructure(head)
        del content["hash"]
        connection.execute(
            sa.update(audit_records).where(a.seq == seq).values(record=content, hash=head.hash)
        )
    assert head is not None
    return head


@pytest.mark.parametrize("backend", SQL_STORES)
def test_upgrading_starts_the_head_at_the_last_record(backend: str, tmp_path: Path) -> None:
    with scratch(backend, "audit-head", tmp_path) as url:
        with SqlStore(url) as store:
            d = desk(store, Clock())
            published_item(d)
            with store.engine.begin() as connection:  # as the desk was before revision 0006
                last = _as_written_unmarked(connection)
                command.downgrade(config(connection), "0006")
                connection.execute(sa.text("DROP TABLE audit_head"))
                connection.execute(
                    sa.text("UPDATE servicedesk_alembic_version SET version_num = '0005'")
                )
        upgrade(url)
        with SqlStore(url, migrate=False) as store:
            with store.engine.connect() as connection:
                head = connection.execute(sa.text("SELECT id, seq, hash FROM audit_head")).all()
                events = connection.execute(sa.text("SELECT max(seq) FROM events")).scalar()
                events_from = connection.execute(sa.text("SELECT events_from FROM audit_head"))
                assert events_from.scalar() == events + 1, "the events before stay unmarked"
            assert [tuple(row) for row in head] == [(1, last.seq, last.hash)]
            d = desk(store, Clock())
            published_item(d, "drain")
            assert d.records.verify().ok
            assert d.records.trail()[-1].seq == last.seq + 3
