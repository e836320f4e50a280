"""A leaner month close: a charge's statement in its column only, a statement's lines in its event.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-03

What moves on an existing database:

- ``statement_charges`` repeated ``charges.statement_id``; a charge linked only
  there gets the column, then the table is dropped;
- a charge's document no longer copies ``statement_id`` (the column is read back
  on load);
- a statement's document no longer copies its lines: its ``StatementIssued``
  event holds them, and the audit record pins that event by its digest.

``ChargeBilled`` events already written stay: audit records name them by digest,
so removing them would break the chain; replaying a charge still applies them, and
no new ones are written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Key

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000

charges = sa.table(
    "charges", sa.column("id", Key()), sa.column("document", Document()), sa.column("statement_id")
)
statements = sa.table("statements", sa.column("id", Key()), sa.column("document", Document()))
events = sa.table(
    "events",
    sa.column("stream"),
    sa.column("aggregate_id", Key()),
    sa.column("version"),
    sa.column("document", Document()),
)
links = sa.table("statement_charges", sa.column("charge_id"), sa.column("statement_id"))


def _rows(connection: sa.Connection, query: sa.Select[Any], id_column: Any) -> Iterator[list[Any]]:
    """The rows of ``query`` a batch at a time, in id order."""
    after = ""
    while True:
        batch = connection.execute(
            query.where(id_column > after).order_by(id_column).limit(BATCH)
        ).all()
        if not batch:
            return
        yield list(batch)
        after = batch[-1].id


def _rewrite(connection: sa.Connection, table: sa.TableClause, rows: list[dict[str, Any]]) -> None:
    if rows:
        update = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("row_id"))
            .values(document=sa.bindparam("new_document"))
        )
        connection.execute(update, rows)


def upgrade() -> None:
    connection = op.get_bind()
    c, s, e, link = charges.c, statements.c, events.c, links.c
    # a charge linked only by the link table gets its column
    only_linked = sa.select(link.statement_id).where(link.charge_id == c.id).scalar_subquery()
    connection.execute(
        sa.update(charges)
        .where(c.statement_id.is_(None), sa.exists().where(link.charge_id == c.id))
        .values(statement_id=only_linked)
    )
    op.drop_index(op.f("ix_statement_charges_statement_id"), "statement_charges")
    op.drop_table("statement_charges")
    # the charge's document without its copy of the column
    for batch in _rows(connection, sa.select(c.id, c.document), c.id):
        rows = [
            {"row_id": row.id, "new_document": _without(row.document, "statement_id")}
            for row in batch
            if "statement_id" in row.document
        ]
        _rewrite(connection, charges, rows)
    # the statement's document without the lines its creating event keeps
    issued = sa.select(e.document).where(
        e.stream == "statement", e.aggregate_id == s.id, e.version == 1
    )
    query = sa.select(s.id, s.document, issued.scalar_subquery().label("issued"))
    for batch in _rows(connection, query, s.id):
        rows = [
            {"row_id": row.id, "new_document": _without(row.document, "lines")}
            for row in batch
            if "lines" in row.document and _lines_of(row.issued) == row.document["lines"]
        ]
        _rewrite(connection, statements, rows)


def _without(document: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name != key}


def _lines_of(issued: Any) -> Any:
    """The lines of a ``StatementIssued`` document, if it has any."""
    return issued.get("lines") if isinstance(issued, dict) else None


def downgrade() -> None:
    connection = op.get_bind()
    c, s, e = charges.c, statements.c, events.c
    op.create_table(
        "statement_charges",
        sa.Column("charge_id", Key(), nullable=False),
        sa.Column("statement_id", Key(), nullable=False),
        sa.PrimaryKeyConstraint("charge_id", name=op.f("pk_statement_charges")),
    )
    op.create_index(
        op.f("ix_statement_charges_statement_id"), "statement_charges", ["statement_id"]
    )
    connection.execute(
        sa.insert(links).from_select(
            ["charge_id", "statement_id"],
            sa.select(c.id, c.statement_id).where(c.statement_id.is_not(None)),
        )
    )
    for batch in _rows(connection, sa.select(c.id, c.document, c.statement_id), c.id):
        rows = [
            {"row_id": row.id, "new_document": {**row.document, "statement_id": row.statement_id}}
            for row in batch
        ]
        _rewrite(connection, charges, rows)
    issued = sa.select(e.document).where(
        e.stream == "statement", e.aggregate_id == s.id, e.version == 1
    )
    query = sa.select(s.id, s.document, issued.scalar_subquery().label("issued"))
    for batch in _rows(connection, query, s.id):
        rows = [
            {"row_id": row.id, "new_document": {**row.document, "lines": _lines_of(row.issued)}}
            for row in batch
            if "lines" not in row.document
        ]
        _rewrite(connection, statements, rows)
