"""Billing, complaints and callbacks, records: their tables; escalation on requests.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Adds the aggregate tables of billing (accounts, charges, statements and the
charges each statement bills, agreements, payments, receipts, number series,
invoices, receipt books, costs), of complaints and callbacks, and of records
(the audit trail, record files, subject lookup keys, found items).  Existing
requests get ``escalation_due``, computed from their documents, so that the
escalation sweep finds the ones already running late.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from servicedesk.adapters.sql.types import Document, Key, UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
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


def _index(table: str, *columns: str, unique: bool = False) -> None:
    op.create_index(op.f(f"ix_{table}_" + "_".join(columns)), table, list(columns), unique=unique)


def _billing() -> None:
    _aggregate(
        "accounts",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("open_unit", sa.String(length=100), nullable=True),
    )
    _index("accounts", "open_unit", "kind", unique=True)
    _aggregate(
        "charges",
        sa.Column("account_id", Key(), nullable=True),
        sa.Column("request_id", Key(), nullable=True),
        sa.Column("confirmed_at", UtcDateTime(), nullable=True),
        sa.Column("billable_at", UtcDateTime(), nullable=True),
        sa.Column("statement_id", Key(), nullable=True),
    )
    _index("charges", "account_id", "billable_at")
    _index("charges", "confirmed_at")
    _index("charges", "request_id")
    _index("charges", "statement_id")
    op.create_table(
        "statement_charges",
        sa.Column("charge_id", Key(), nullable=False),
        sa.Column("statement_id", Key(), nullable=False),
        sa.PrimaryKeyConstraint("charge_id", name=op.f("pk_statement_charges")),
    )
    _index("statement_charges", "statement_id")
    _aggregate(
        "statements",
        sa.Column("account_id", Key(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
    )
    _index("statements", "account_id", "period", unique=True)
    _aggregate("agreements", sa.Column("account_id", Key(), nullable=True))
    _index("agreements", "account_id")
    _aggregate(
        "payments",
        sa.Column("account_id", Key(), nullable=True),
        sa.Column("paid_at", UtcDateTime(), nullable=True),
    )
    _index("payments", "account_id", "paid_at")
    _aggregate(
        "receipts",
        sa.Column("series", Key(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
    )
    _index("receipts", "series", "number", unique=True)
    _aggregate("counters")
    _aggregate(
        "invoices",
        sa.Column("request_id", Key(), nullable=True),
        sa.Column("requested_at", UtcDateTime(), nullable=True),
        sa.Column("undelivered_due", UtcDateTime(), nullable=True),
    )
    _index("invoices", "request_id", "requested_at")
    _index("invoices", "undelivered_due")
    _aggregate("receipt_books")
    _aggregate("costs", sa.Column("recorded_at", UtcDateTime(), nullable=True))
    _index("costs", "recorded_at")


def _complaints() -> None:
    _aggregate(
        "complaints",
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("filed_at", UtcDateTime(), nullable=True),
        sa.Column("escalation_due", UtcDateTime(), nullable=True),
    )
    _index("complaints", "escalation_due")
    _index("complaints", "filed_at")
    _index("complaints", "is_open", "filed_at")
    _aggregate("callbacks", sa.Column("month", sa.String(length=7), nullable=True))
    _index("callbacks", "month")
    _aggregate("callback_plans", sa.Column("month", sa.String(length=7), nullable=False))
    _index("callback_plans", "month", unique=True)


def _records() -> None:
    op.create_table(
        "audit_records",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("record", Document(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_records")),
    )
    op.create_table(
        "subject_links",
        sa.Column("file_id", Key(), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("file_id", "subject", name=op.f("pk_subject_links")),
    )
    _index("subject_links", "subject")
    _aggregate(
        "record_files",
        sa.Column("expires_at", UtcDateTime(), nullable=True),
        sa.Column("holds", sa.Integer(), nullable=False),
        sa.Column("erased_at", UtcDateTime(), nullable=True),
    )
    _index("record_files", "expires_at")
    _aggregate(
        "found_items",
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("found_at", UtcDateTime(), nullable=True),
    )
    _index("found_items", "status", "found_at")


def _escalation_on_requests() -> None:
    """The new column, filled for the open requests from what their documents say."""
    from servicedesk import convert
    from servicedesk.domain.requests import ServiceRequest

    op.add_column("service_requests", sa.Column("escalation_due", UtcDateTime(), nullable=True))
    _index("service_requests", "escalation_due")
    _index("events", "stream", "type", "at")
    requests = sa.table(
        "service_requests",
        sa.column("id", Key()),
        sa.column("is_open", sa.Boolean()),
        sa.column("document", Document()),
        sa.column("escalation_due", UtcDateTime()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(requests.c.id, requests.c.document).where(requests.c.is_open == sa.true())
    ).all()
    for row in rows:
        due = convert.structure(row.document, ServiceRequest).next_escalation_at
        if due is not None:
            connection.execute(
                sa.update(requests).where(requests.c.id == row.id).values(escalation_due=due)
            )


def upgrade() -> None:
    _billing()
    _complaints()
    _records()
    _escalation_on_requests()


def downgrade() -> None:
    op.drop_index(op.f("ix_events_stream_type_at"), "events")
    op.drop_index(op.f("ix_service_requests_escalation_due"), "service_requests")
    with op.batch_alter_table("service_requests") as batch:
        batch.drop_column("escalation_due")
    for table in (
        "found_items", "record_files", "subject_links", "audit_records",
        "callback_plans", "callbacks", "complaints",
        "costs", "receipt_books", "invoices", "counters", "receipts", "payments",
        "agreements", "statements", "statement_charges", "charges", "accounts",
    ):  # fmt: skip
        op.drop_table(table)
