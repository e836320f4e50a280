"""A fresh, empty database per measurement, dropped afterwards.

Each measurement gets its own database so that the library and the raw
baseline start from identical data and neither sees the other's writes.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

POSTGRES_URL = os.environ.get(
    "SERVICEDESK_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MARIADB_URL = os.environ.get(
    "SERVICEDESK_BENCH_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"
)


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    """Yield the URL of a new empty database of ``kind`` (sqlite or postgresql); drop it after."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="servicedesk-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    if kind == "mariadb":
        with _mariadb_database() as url:
            yield url
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}")
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def _mariadb_database() -> Iterator[str]:
    admin = sa.create_engine(MARIADB_URL, isolation_level="AUTOCOMMIT")
    name = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE `{name}`"))
        try:
            yield sa.make_url(MARIADB_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    finally:
        admin.dispose()
