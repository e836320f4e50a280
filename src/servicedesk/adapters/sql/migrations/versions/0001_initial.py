"""Aggregate tables (items, requests, workers), the event log and idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Fen, Key, Serial, UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("servicedesk",)
depends_on: str | Sequence[str] | None = None


def _aggregate(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", Key(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", Document(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", Serial(), autoincrement=True, nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("aggregate_id", Key(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("document", Document(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_at"), "events", ["at"])
    op.create_index(
        op.f("ix_events_stream_aggregate_id_seq"), "events", ["stream", "aggregate_id", "seq"]
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key", Key(), nullable=False),
        sa.Column("command", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("outcome", Document(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_keys")),
    )
    _aggregate(
        "service_items",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
    )
    op.create_index(op.f("ix_service_items_name"), "service_items", ["name"])
    op.create_index(
        op.f("ix_service_items_status_category"), "service_items", ["status", "category"]
    )
    _aggregate(
        "service_requests",
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("registered_at", UtcDateTime(), nullable=True),
        sa.Column("item_id", Key(), nullable=True),
        sa.Column("worker_id", Key(), nullable=True),
        sa.Column("dispatch_due", UtcDateTime(), nullable=True),
        sa.Column("deadline_due", UtcDateTime(), nullable=True),
        sa.Column("price", Fen(), nullable=True),
    )
    for columns in (
        ["deadline_due"],
        ["dispatch_due"],
        ["is_open", "registered_at"],
        ["item_id"],
        ["worker_id", "is_open"],
    ):
        name = "ix_service_requests_" + "_".join(columns)
        op.create_index(op.f(name), "service_requests", columns)
    _aggregate("workers", sa.Column("available", sa.Boolean(), nullable=False))
    op.create_index(op.f("ix_workers_available"), "workers", ["available"])


def downgrade() -> None:
    for table in ("workers", "service_requests", "service_items", "idempotency_keys", "events"):
        op.drop_table(table)
