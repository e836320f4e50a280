"""Revision 0018 on a database written by the earlier digest rule: its events re-vouched.

The legacy trail is written at the schema the revision starts from (it changes no
table), the stamp is put back to that revision, and ``upgrade`` runs it: ``verify``
then passes, an event altered before the upgrade is still named, and a sealed trail
is left for its host to re-vouch with the key.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from contract_databases import SQL_STORES, scratch
from contract_revouch import LEGACY_EVENTS, edit_event, legacy_history

from servicedesk import Desk
from servicedesk.adapters.sql import SqlStore, upgrade
from servicedesk.adapters.sql.engine import make_engine
from servicedesk.adapters.sql.migrate import REVISIONS, VERSION_TABLE, config
from servicedesk.app.audit import all_records
from servicedesk.app.revouch import revouch_store
from servicedesk.domain.audit import REVOUCHED, AuditRecord, Problem, revouches
from servicedesk.domain.errors import SchemaVersionError

#: The revision before the re-vouching one: what a database of the earlier version is at.
BEFORE = REVISIONS[REVISIONS.index("0018") - 1]
MIGRATING = SQL_STORES
KEY = b"the host's secret"


def _legacy_database(url: sa.URL, key: bytes | None = None, altered: bool = False) -> None:
    """A database at ``BEFORE`` holding a trail of the earlier digest rule."""
    upgrade(url)
    store = SqlStore(url, migrate=False)
    desk, _clock, _job, _cancelled = legacy_history(store, key)
    if altered:
        edit_event(store, "ComplaintFiled", lambda d: {**d, "description": "rude"})
    assert desk.records.verify().problem == Problem.EVENT_ALTERED
    store.close()
    engine = make_engine(url)
    version = sa.table(VERSION_TABLE, sa.column("version_num"))
    with engine.begin() as connection:
        # what the revisions after the re-vouching add is undone, then 0018 marked undone
        command.downgrade(config(connection), "0018")
    with engine.begin() as connection:
        connection.execute(sa.update(version).values(version_num=BEFORE))
    engine.dispose()


def _revouch_records(store: SqlStore) -> list[AuditRecord]:
    return [r for r in all_records(store) if isinstance(r, AuditRecord) and r.command == REVOUCHED]


def _upgraded(url: sa.URL, key: bytes | None = None) -> tuple[SqlStore, Desk]:
    with pytest.raises(SchemaVersionError):
        SqlStore(url, migrate=False)  # the revision is still to run
    upgrade(url)
    store = SqlStore(url, migrate=False)
    return store, Desk(store, entry_points=False, audit_key=key)


@pytest.mark.parametrize("backend", MIGRATING)
def test_upgrading_revouches_the_legacy_events(backend: str, tmp_path: Path) -> None:
    with scratch(backend, "revouch", tmp_path) as url:
        _legacy_database(url)
        store, desk = _upgraded(url)
        [record] = _revouch_records(store)
        assert record.actor.value == "system"
        assert record.seal is None
        assert len(revouches(record)) == LEGACY_EVENTS
        assert desk.records.verify().ok
        assert revouch_store(store, at=datetime.now(UTC)) == 0
        store.close()


@pytest.mark.parametrize("backend", MIGRATING)
def test_an_event_altered_before_the_upgrade_is_named_after_it(
    backend: str, tmp_path: Path
) -> None:
    with scratch(backend, "revouch_altered", tmp_path) as url:
        _legacy_database(url, altered=True)
        store, desk = _upgraded(url)
        [record] = _revouch_records(store)
        assert "ComplaintFiled" not in {r.type for r in revouches(record)}
        verdict = desk.records.verify()
        filed = next(
            r.seq
            for r in desk.records.trail()
            if any(e.type == "ComplaintFiled" for e in r.event_refs)
        )
        assert (verdict.problem, verdict.seq) == (Problem.EVENT_ALTERED, filed)
        store.close()


@pytest.mark.parametrize("backend", MIGRATING)
def test_a_sealed_trail_is_left_to_its_host(backend: str, tmp_path: Path) -> None:
    with scratch(backend, "revouch_sealed", tmp_path) as url:
        _legacy_database(url, key=KEY)
        store, desk = _upgraded(url, key=KEY)
        assert _revouch_records(store) == []  # the revision holds no key to seal with
        assert desk.records.verify().problem == Problem.EVENT_ALTERED
        assert revouch_store(store, at=datetime.now(UTC), key=KEY) == LEGACY_EVENTS
        assert desk.records.verify().ok
        store.close()


@pytest.mark.parametrize("backend", MIGRATING)
def test_an_empty_database_upgrades_without_a_record(backend: str, tmp_path: Path) -> None:
    with scratch(backend, "revouch_empty", tmp_path) as url:
        upgrade(url, BEFORE)
        upgrade(url)
        store = SqlStore(url, migrate=False)
        assert list(all_records(store)) == []
        store.close()
