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
    """The URL of a new empty database of ``kind`` (sqlite, postgresql, mariadb), dropped after."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="servicedesk-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    if kind == "postgresql":
        drop = 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        with _server_database(POSTGRES_URL, 'CREATE DATABASE "{name}"', drop) as url:
            yield url
    elif kind == "mariadb":
        drop = "DROP DATABASE IF EXISTS `{name}`"
        with _server_database(MARIADB_URL, "CREATE DATABASE `{name}`", drop) as url:
            yield url
    else:
        raise ValueError(f"unknown database kind {kind!r}")


@contextmanager
def _server_database(server: str, create: str, drop: str) -> Iterator[str]:
    """A new database on ``server``, made and dropped with the server's own spelling."""
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(create.format(name=name)))
        try:
            yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(drop.format(name=name)))
    finally:
        admin.dispose()
