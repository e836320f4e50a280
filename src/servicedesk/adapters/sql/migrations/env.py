"""Alembic's environment: run on the connection ``servicedesk.adapters.sql.migrate`` gives.

Migrations are run through ``upgrade(url)`` (or a ``SqlStore``), which opens
the connection, takes the migration lock and the transaction; this file only
binds Alembic to them.  Run outside that (the ``alembic`` command line), it
connects to ``sqlalchemy.url`` from the Alembic configuration instead.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from alembic import context

from servicedesk.adapters.sql import types
from servicedesk.adapters.sql.migrate import VERSION_TABLE
from servicedesk.adapters.sql.tables import metadata


def render_item(kind: str, item: Any, autogen_context: Any) -> str | Literal[False]:
    """New revisions call servicedesk's type factories (``Key()``), not their expansion."""
    name = types.factory(item) if kind == "type" else None
    if name is None:
        return False
    autogen_context.imports.add(f"from servicedesk.adapters.sql.types import {name}")
    return f"{name}()"


def run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        version_table=VERSION_TABLE,
        version_table_schema=context.config.attributes.get("schema"),
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    engine = sa.create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        run(connection)
    engine.dispose()
