"""The schema: one table per aggregate, the event log, idempotency keys.

Every aggregate table has the same three core columns: ``id``, ``version``
(optimistic concurrency) and ``document`` (the converter's plain data, the one
source of truth the aggregate is rebuilt from).  Next to them sit PROJECTION
columns: copies of what queries filter and sort on, each declared with the
function that computes it from the aggregate (``project(...)``), written on
every save and indexed.  A query such as "overdue requests" is then one
indexed ``SELECT``, while the document keeps the aggregate's full shape
without a column per attribute (see docs/stores.md for why).

Adding an aggregate is declaring its table here with ``aggregate_table`` (and
an Alembic revision): the unit of work, saving, loading, versions and the
event log come with it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs
import sqlalchemy as sa

from servicedesk.adapters.sql.types import Document, Fen, Key, Serial, UtcDateTime
from servicedesk.app import ports
from servicedesk.domain.catalogue import ServiceItem
from servicedesk.domain.requests import ServiceRequest, Status
from servicedesk.domain.workers import Worker

#: Constraint names are fixed, so that migrations can name them on every database.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Projection = Callable[[Any], Any]
END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def project(function: Projection) -> dict[str, Projection]:
    """Column ``info`` marking a projection: ``function(aggregate)`` is its value."""
    return {"project": function}


@attrs.frozen
class AggregateTable:
    """How one aggregate kind is stored; the unit of work finds it by ``attribute``."""

    attribute: str  # the unit of work's attribute, e.g. "requests"
    port: type[Any]  # the repository ABC of app.ports, e.g. RequestRepository
    cls: type[Any]
    table: sa.Table

    def projections(self, aggregate: Any) -> dict[str, Any]:
        return {
            column.name: column.info["project"](aggregate)
            for column in self.table.columns
            if "project" in column.info
        }


AGGREGATES: dict[str, AggregateTable] = {}


def aggregate_table(
    name: str,
    *,
    attribute: str,
    port: type[Any],
    cls: type[Any],
    columns: tuple[sa.Column[Any], ...] = (),
    indexes: tuple[sa.Index | sa.Constraint, ...] = (),
) -> AggregateTable:
    """Declare the table of an aggregate: core columns, projections, indexes.

    ``indexes`` may hold unique indexes and constraints too.  A uniqueness that
    holds only for some rows (one *open* account per unit) is a projection that
    is NULL for the other rows, with a unique index: every database lets NULLs
    repeat, and none needs partial indexes for it.
    """
    table = sa.Table(
        name,
        metadata,
        sa.Column("id", Key(), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", Document(), nullable=False),
        *columns,
        *indexes,
    )
    spec = AggregateTable(attribute, port, cls, table)
    AGGREGATES[attribute] = spec
    return spec


# --- the event log and idempotency keys ------------------------------------------

events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", Serial(), primary_key=True, autoincrement=True),
    sa.Column("stream", sa.String(32), nullable=False),  # the repository's kind
    sa.Column("aggregate_id", Key(), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # the aggregate version it produced
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("document", Document(), nullable=False),
    sa.Index(None, "stream", "aggregate_id", "seq"),
    sa.Index(None, "at"),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("key", Key(), primary_key=True),
    sa.Column("command", sa.String(100), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),  # sha-256 of the command
    sa.Column("outcome", Document(), nullable=False),
    sa.Column("recorded_at", UtcDateTime(), nullable=False),
)


# --- aggregates ------------------------------------------------------------------


def _pending_deadline(request: ServiceRequest) -> Any:
    """When the request becomes overdue; NULL once its milestone is reached or it ended."""
    deadline = request.deadline
    if deadline is None or not request.is_open:
        return None
    # Asking the aggregate about the end of time tells whether the milestone is
    # still pending, without repeating its rule here.
    return deadline.due if request.is_overdue(END_OF_TIME) else None


items = aggregate_table(
    "service_items",
    attribute="items",
    port=ports.ItemRepository,
    cls=ServiceItem,
    columns=(
        sa.Column("name", sa.String(100), nullable=False, info=project(lambda i: i.name)),
        sa.Column("category", sa.String(50), nullable=False, info=project(lambda i: i.category)),
        sa.Column("status", sa.String(20), nullable=False, info=project(lambda i: i.status.value)),
    ),
    indexes=(sa.Index(None, "name"), sa.Index(None, "status", "category")),
)

requests = aggregate_table(
    "service_requests",
    attribute="requests",
    port=ports.RequestRepository,
    cls=ServiceRequest,
    columns=(
        sa.Column("status", sa.String(20), nullable=False, info=project(lambda r: r.status.value)),
        sa.Column("is_open", sa.Boolean, nullable=False, info=project(lambda r: r.is_open)),
        sa.Column(
            "registered_at", UtcDateTime(), nullable=True, info=project(lambda r: r.registered_at)
        ),
        sa.Column(
            "item_id",
            Key(),
            nullable=True,
            info=project(lambda r: r.item_id.value if r.item_id else None),
        ),
        sa.Column(
            "worker_id",
            Key(),
            nullable=True,
            info=project(lambda r: r.worker_id.value if r.worker_id else None),
        ),
        sa.Column(
            "dispatch_due",
            UtcDateTime(),
            nullable=True,
            info=project(lambda r: r.dispatch_due if r.status is Status.TRIAGED else None),
        ),
        sa.Column("deadline_due", UtcDateTime(), nullable=True, info=project(_pending_deadline)),
        sa.Column(
            "price",
            Fen(),
            nullable=True,
            info=project(lambda r: r.price.amount if r.price else None),
        ),
    ),
    indexes=(
        sa.Index(None, "is_open", "registered_at"),
        sa.Index(None, "dispatch_due"),
        sa.Index(None, "deadline_due"),
        sa.Index(None, "worker_id", "is_open"),
        sa.Index(None, "item_id"),
    ),
)

workers = aggregate_table(
    "workers",
    attribute="workers",
    port=ports.WorkerRepository,
    cls=Worker,
    columns=(
        sa.Column("available", sa.Boolean, nullable=False, info=project(lambda w: w.available)),
    ),
    indexes=(sa.Index(None, "available"),),
)
